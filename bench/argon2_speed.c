/* The ceiling for password logins: argon2id hashes per second from libargon2
 * itself, THREADS at once (oidcd hashes at most one per worker thread), with
 * the parameters of passwords.argon2_*.
 * Usage: bench-argon2 SECONDS THREADS MEMORY_KIB ITERATIONS PARALLELISM
 * Prints: hashes=N seconds=S hps=R */
#include <argon2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct job {
    double seconds;
    unsigned m, t, p;
    long hashes;
};

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *run(void *arg)
{
    struct job *j = arg;
    static const char pwd[] = "correct horse battery staple";
    unsigned char salt[16] = "0123456789abcdef", hash[32];
    double end = now() + j->seconds;

    while (now() < end) {
        if (argon2id_hash_raw(j->t, j->m, j->p, pwd, sizeof pwd - 1, salt, sizeof salt, hash,
                              sizeof hash) != ARGON2_OK)
            return NULL;
        j->hashes++;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    struct job jobs[64] = {0};
    pthread_t tids[64];
    double seconds, start;
    unsigned n, i;
    long total = 0;

    if (argc != 6) {
        fprintf(stderr, "usage: %s SECONDS THREADS MEMORY_KIB ITERATIONS PARALLELISM\n", argv[0]);
        return 2;
    }
    seconds = strtod(argv[1], NULL);
    n = (unsigned)strtoul(argv[2], NULL, 10);
    if (n < 1 || n > 64)
        n = 1;
    start = now();
    for (i = 0; i < n; i++) {
        jobs[i].seconds = seconds;
        jobs[i].m = (unsigned)strtoul(argv[3], NULL, 10);
        jobs[i].t = (unsigned)strtoul(argv[4], NULL, 10);
        jobs[i].p = (unsigned)strtoul(argv[5], NULL, 10);
        pthread_create(&tids[i], NULL, run, &jobs[i]);
    }
    for (i = 0; i < n; i++) {
        pthread_join(tids[i], NULL);
        total += jobs[i].hashes;
    }
    seconds = now() - start;
    printf("hashes=%ld seconds=%.2f hps=%.1f\n", total, seconds, (double)total / seconds);
    return 0;
}
