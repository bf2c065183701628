#ifndef OIDCD_CORE_CLOCK_H
#define OIDCD_CORE_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Wall-clock seconds since the epoch (for token times). */
int64_t clock_now(void);

/* Monotonic milliseconds (for durations). */
double clock_ms(void);

/* The CLOCK_REALTIME instant ms milliseconds from now: the deadline that
 * pthread_cond_timedwait takes. */
struct timespec clock_deadline_in(long ms);

#endif
