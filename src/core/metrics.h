#ifndef OIDCD_CORE_METRICS_H
#define OIDCD_CORE_METRICS_H

/* Counters and latency histograms, and their text for GET /metrics (the
 * Prometheus text exposition format 0.0.4). Updates are relaxed atomic adds
 * on the request path; a scrape reads each value once while others may
 * change, which monitoring tolerates (a histogram's count may run a request
 * ahead of its buckets). */

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* Latency buckets' upper bounds in seconds, then +Inf. */
#define METRICS_BUCKETS 13
#define METRICS_BUCKET_BOUNDS                                                                      \
    {                                                                                              \
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5                  \
    }

struct metrics_histogram {
    _Atomic uint64_t bucket[METRICS_BUCKETS]; /* not cumulative: the text adds them up */
    _Atomic uint64_t sum_us;
};

void metrics_observe(struct metrics_histogram *h, double ms);

/* Counters by label set (text such as `grant="password",client_id="app"`,
 * made with metrics_label): at most METRICS_SETS distinct sets, so that no
 * client can make the scrape grow without bound; later sets all count under
 * `overflow="true"`. Zero-initialise, or use METRICS_COUNTERS_INIT. */
#define METRICS_SETS 256
#define METRICS_LABELS_MAX 200
struct metrics_counters {
    pthread_mutex_t lock;
    size_t n;
    struct {
        char labels[METRICS_LABELS_MAX];
        uint64_t value;
    } set[METRICS_SETS];
    uint64_t overflow;
};
#define METRICS_COUNTERS_INIT                                                                      \
    {                                                                                              \
        .lock = PTHREAD_MUTEX_INITIALIZER                                                          \
    }

void metrics_count(struct metrics_counters *c, const char *labels);

/* Appends `key="value"` to the label text out (size n, NUL-terminated),
 * after a comma when out is not empty, with value escaped as the format says
 * (\\, \" and \n). A pair that does not fit is left out whole and
 * `truncated="true"` appended instead (when that fits), so the text always
 * parses. */
void metrics_label(char *out, size_t n, const char *key, const char *value);

/* The text. Each appends to b; the first error (ERR_TOO_LARGE, ERR_NOMEM)
 * is kept in *err and later calls do nothing. */
struct metrics_text {
    struct buf b;
    enum err err;
};

/* # HELP and # TYPE lines of a family (type: counter, gauge, histogram). */
void metrics_family(struct metrics_text *t, const char *name, const char *type, const char *help);
/* name{labels} value; labels may be "" */
void metrics_sample(struct metrics_text *t, const char *name, const char *labels, double value);
/* name_bucket{labels,le=…} (cumulative), name_sum, name_count */
void metrics_histogram(struct metrics_text *t, const char *name, const char *labels,
                       const struct metrics_histogram *h);
/* a sample for each label set of c, and the overflow one when it counted */
void metrics_counters(struct metrics_text *t, const char *name, struct metrics_counters *c);

#endif
