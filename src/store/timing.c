/* The time and outcome of every store operation, for GET /metrics. */
#include "store/timing.h"

#include <stdatomic.h>
#include <stdint.h>

#include "core/clock.h"
#include "core/metrics.h"
#include "store/store.h"

/* Every operation's time, and how many failed in the database itself. */
static struct metrics_histogram op_latency;
static _Atomic uint64_t op_errors;

enum err store_timed(double t0, enum err e)
{
    metrics_observe(&op_latency, clock_ms() - t0);
    if (e == ERR_STORE || e == ERR_TEMPORARILY_UNAVAILABLE || e == ERR_IO)
        atomic_fetch_add_explicit(&op_errors, 1, memory_order_relaxed);
    return e;
}

void store_metrics(struct metrics_text *t)
{
    metrics_family(t, "oidcd_db_operation_duration_seconds", "histogram",
                   "Time each database operation took");
    metrics_histogram(t, "oidcd_db_operation_duration_seconds", "", &op_latency);
    metrics_family(t, "oidcd_db_errors_total", "counter",
                   "Database operations that failed in the database (not a missing row or a "
                   "conflict)");
    metrics_sample(t, "oidcd_db_errors_total", "",
                   (double)atomic_load_explicit(&op_errors, memory_order_relaxed));
}
