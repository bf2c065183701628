/* rs-bench: checks per second of oidc_rs_check in local mode.
 *
 *   rs-bench --issuer URL --token JWT [--count N] [--threads T] [--scope S]
 *
 * Every thread checks the same valid token N times (bounded: at most
 * 10,000,000) through one shared context, as a resource server would. Prints
 * one line: threads, total checks, seconds, checks/s. Exits 1 when any check
 * is refused, so a wrong token cannot pass for a fast one. */

#include <oidc/rs.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COUNT_MAX 10000000L
#define THREADS_MAX 64

struct job {
    struct oidc_rs *rs;
    const char *header;
    const char *scope;
    long count;
    long refused;
};

static void *run(void *arg)
{
    struct job *j = arg;
    struct oidc_rs_result r = {0};
    const char *const scopes[] = {j->scope};
    long i;

    for (i = 0; i < j->count; i++)
        if (oidc_rs_check(j->rs, j->header, scopes, j->scope ? 1 : 0, &r) != 200)
            j->refused++;
    oidc_rs_result_clear(&r);
    return NULL;
}

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long number(const char *s, long max)
{
    char *end;
    long v = strtol(s, &end, 10);

    return *end || v < 1 || v > max ? -1 : v;
}

int main(int argc, char **argv)
{
    struct oidc_rs_options o = OIDC_RS_OPTIONS_INIT;
    struct job jobs[THREADS_MAX];
    pthread_t tids[THREADS_MAX];
    const char *token = NULL, *scope = NULL;
    long count = 20000, threads = 1, refused = 0, t;
    char header[8192], err[256];
    struct oidc_rs *rs;
    double start, secs;
    int i;

    for (i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--issuer") == 0)
            o.issuer = argv[i + 1];
        else if (strcmp(argv[i], "--audience") == 0)
            o.audience = argv[i + 1];
        else if (strcmp(argv[i], "--token") == 0)
            token = argv[i + 1];
        else if (strcmp(argv[i], "--scope") == 0)
            scope = argv[i + 1];
        else if (strcmp(argv[i], "--count") == 0)
            count = number(argv[i + 1], COUNT_MAX);
        else if (strcmp(argv[i], "--threads") == 0)
            threads = number(argv[i + 1], THREADS_MAX);
        else
            break;
    }
    o.allow_any_audience = o.audience == NULL; /* a benchmark, not an API */
    if (i != argc || !o.issuer || !token || count < 0 || threads < 0 ||
        (size_t)snprintf(header, sizeof header, "Bearer %s", token) >= sizeof header) {
        fprintf(stderr, "usage: rs-bench --issuer URL --token JWT [--count N] [--threads T] "
                        "[--scope S] [--audience URI]\n");
        return 2;
    }
    if (oidc_rs_new(&o, &rs, err, sizeof err) != 0) {
        fprintf(stderr, "rs-bench: %s\n", err);
        return 1;
    }
    start = now_seconds();
    for (t = 0; t < threads; t++) {
        jobs[t] = (struct job){.rs = rs, .header = header, .scope = scope, .count = count};
        pthread_create(&tids[t], NULL, run, &jobs[t]);
    }
    for (t = 0; t < threads; t++) {
        pthread_join(tids[t], NULL);
        refused += jobs[t].refused;
    }
    secs = now_seconds() - start;
    printf("threads=%ld checks=%ld seconds=%.3f checks_per_s=%.0f refused=%ld\n", threads,
           threads * count, secs, (double)(threads * count) / secs, refused);
    oidc_rs_free(rs);
    return refused ? 1 : 0;
}
