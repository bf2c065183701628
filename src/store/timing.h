#ifndef OIDCD_STORE_TIMING_H
#define OIDCD_STORE_TIMING_H

/* Inside store/: every store_* operation ends with
 *     return store_timed(t0, s->ops->op(…));
 * t0 being clock_ms() at its start, so that store_metrics can tell how long
 * operations take and how many fail. */

#include "core/errors.h"

enum err store_timed(double t0, enum err e);

#endif
