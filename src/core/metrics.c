#include "core/metrics.h"

#include <stdio.h>
#include <string.h>

static const double bounds[METRICS_BUCKETS - 1] = METRICS_BUCKET_BOUNDS;

void metrics_observe(struct metrics_histogram *h, double ms)
{
    double s = ms / 1000.0;
    size_t i = 0;

    while (i < METRICS_BUCKETS - 1 && s > bounds[i])
        i++;
    atomic_fetch_add_explicit(&h->bucket[i], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&h->sum_us, (uint64_t)(ms * 1000.0 + 0.5), memory_order_relaxed);
}

void metrics_count(struct metrics_counters *c, const char *labels)
{
    size_t i;

    pthread_mutex_lock(&c->lock);
    for (i = 0; i < c->n; i++)
        if (strcmp(c->set[i].labels, labels) == 0)
            break;
    if (i == c->n && c->n < METRICS_SETS && strlen(labels) < METRICS_LABELS_MAX)
        memcpy(c->set[c->n++].labels, labels, strlen(labels) + 1);
    if (i < c->n)
        c->set[i].value++;
    else
        c->overflow++;
    pthread_mutex_unlock(&c->lock);
}

void metrics_label(char *out, size_t n, const char *key, const char *value)
{
    size_t at = strlen(out), start = at;

#define PUT(c)                                                                                     \
    do {                                                                                           \
        if (at + 1 < n)                                                                            \
            out[at++] = (c);                                                                       \
        else                                                                                       \
            goto too_long;                                                                         \
    } while (0)
    if (at)
        PUT(',');
    for (; *key; key++)
        PUT(*key);
    PUT('=');
    PUT('"');
    for (; *value; value++) {
        if (*value == '\\' || *value == '"' || *value == '\n') {
            PUT('\\');
            PUT(*value == '\n' ? 'n' : *value);
        } else {
            PUT(*value);
        }
    }
    PUT('"');
    out[at] = '\0';
    return;
too_long:
    /* a pair cut short would break the whole scrape: leave it out, and mark
     * the set so that it is counted apart */
    {
        const char *mark = &",truncated=\"true\""[start ? 0 : 1];
        size_t len = strlen(mark);

        at = start + len < n ? start + len : start;
        memcpy(out + start, mark, at - start);
        out[at] = '\0';
    }
#undef PUT
}

static void put(struct metrics_text *t, const char *s)
{
    if (!t->err)
        t->err = buf_append_str(&t->b, s);
}

void metrics_family(struct metrics_text *t, const char *name, const char *type, const char *help)
{
    put(t, "# HELP ");
    put(t, name);
    put(t, " ");
    put(t, help);
    put(t, "\n# TYPE ");
    put(t, name);
    put(t, " ");
    put(t, type);
    put(t, "\n");
}

/* name{labels} or name{labels,extra} or name */
static void put_name(struct metrics_text *t, const char *name, const char *labels,
                     const char *extra)
{
    put(t, name);
    if (!*labels && !*extra)
        return;
    put(t, "{");
    put(t, labels);
    if (*labels && *extra)
        put(t, ",");
    put(t, extra);
    put(t, "}");
}

void metrics_sample(struct metrics_text *t, const char *name, const char *labels, double value)
{
    char num[64];

    put_name(t, name, labels, "");
    snprintf(num, sizeof num, " %.15g\n", value);
    put(t, num);
}

void metrics_histogram(struct metrics_text *t, const char *name, const char *labels,
                       const struct metrics_histogram *h)
{
    char sample[128], le[48];
    uint64_t total = 0;
    size_t i;

    for (i = 0; i < METRICS_BUCKETS; i++) {
        total += atomic_load_explicit(&h->bucket[i], memory_order_relaxed);
        if (i < METRICS_BUCKETS - 1)
            snprintf(le, sizeof le, "le=\"%g\"", bounds[i]);
        else
            snprintf(le, sizeof le, "le=\"+Inf\"");
        snprintf(sample, sizeof sample, "%s_bucket", name);
        put_name(t, sample, labels, le);
        snprintf(sample, sizeof sample, " %llu\n", (unsigned long long)total);
        put(t, sample);
    }
    snprintf(sample, sizeof sample, "%s_sum", name);
    metrics_sample(t, sample, labels,
                   (double)atomic_load_explicit(&h->sum_us, memory_order_relaxed) / 1e6);
    snprintf(sample, sizeof sample, "%s_count", name);
    metrics_sample(t, sample, labels, (double)total);
}

void metrics_counters(struct metrics_text *t, const char *name, struct metrics_counters *c)
{
    size_t i;

    pthread_mutex_lock(&c->lock);
    for (i = 0; i < c->n; i++)
        metrics_sample(t, name, c->set[i].labels, (double)c->set[i].value);
    if (c->overflow)
        metrics_sample(t, name, "overflow=\"true\"", (double)c->overflow);
    pthread_mutex_unlock(&c->lock);
}
