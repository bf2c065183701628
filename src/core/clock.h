#ifndef OIDCD_CORE_CLOCK_H
#define OIDCD_CORE_CLOCK_H

#include <stdint.h>

/* Wall-clock seconds since the epoch (for token times). */
int64_t clock_now(void);

/* Monotonic milliseconds (for durations). */
double clock_ms(void);

#endif
