#ifndef OIDCD_CORE_CLOCK_H
#define OIDCD_CORE_CLOCK_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Wall-clock seconds since the epoch (for token times). */
int64_t clock_now(void);

/* Monotonic milliseconds (for durations). */
double clock_ms(void);

/* Initialises a condition variable whose timed waits count on the monotonic
 * clock, so that setting the wall clock neither stalls nor hurries them. */
void clock_cond_init(pthread_cond_t *cond);

/* The monotonic instant ms milliseconds from now: the deadline that
 * pthread_cond_timedwait takes on a condition made by clock_cond_init. */
struct timespec clock_deadline_in(long ms);

/* t as a UTC date and time for a page ("2026-12-02 14:21 UTC") into out of
 * size bytes (CLOCK_TEXT_SIZE is enough); "" when it cannot be written. */
#define CLOCK_TEXT_SIZE 40
void clock_text_utc(int64_t t, char *out, size_t size);

#endif
