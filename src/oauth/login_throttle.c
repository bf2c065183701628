#include "oauth/login_throttle.h"

#include <openssl/crypto.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/rand.h"

#define PROBE 8 /* slots tried for one key */

struct counter {
    unsigned char key[HASH_LEN]; /* all zero: free */
    long failures;               /* in a row since the last lockout */
    int lockouts;                /* lockouts so far, for the growth */
    int64_t locked_until;
    int64_t last; /* the last failure */
};

struct login_throttle {
    pthread_mutex_t lock;
    long max_failures;
    long lockout;
    long lockout_max;
    unsigned char salt[HASH_LEN];
    size_t capacity;
    struct counter slots[];
};

enum err login_throttle_new(long max_failures, long lockout_seconds, size_t capacity,
                            struct login_throttle **out)
{
    struct login_throttle *t;

    if (capacity < PROBE)
        capacity = PROBE;
    t = calloc(1, sizeof *t + capacity * sizeof t->slots[0]);
    if (!t)
        return ERR_NOMEM;
    if (rand_bytes(t->salt, sizeof t->salt)) {
        free(t);
        return ERR_CRYPTO;
    }
    pthread_mutex_init(&t->lock, NULL);
    t->max_failures = max_failures > 0 ? max_failures : 1;
    t->lockout = lockout_seconds > 0 ? lockout_seconds : 1;
    t->lockout_max = t->lockout * LOGIN_LOCKOUT_GROWTH_MAX;
    t->capacity = capacity;
    *out = t;
    return ERR_OK;
}

void login_throttle_free(struct login_throttle *t)
{
    if (!t)
        return;
    pthread_mutex_destroy(&t->lock);
    OPENSSL_cleanse(t, sizeof *t + t->capacity * sizeof t->slots[0]);
    free(t);
}

/* SHA-256(salt, kind, SHA-256(name)): fixed size, and no name kept. */
static void counter_key(const struct login_throttle *t, char kind, const char *name,
                        unsigned char key[HASH_LEN])
{
    unsigned char buf[2 * HASH_LEN + 1];

    memcpy(buf, t->salt, HASH_LEN);
    buf[HASH_LEN] = (unsigned char)kind;
    hash_sha256(name, strlen(name), buf + HASH_LEN + 1);
    hash_sha256(buf, sizeof buf, key);
}

static bool is_free(const struct counter *c)
{
    static const unsigned char zero[HASH_LEN];

    return memcmp(c->key, zero, HASH_LEN) == 0;
}

/* Quiet for a whole maximal lockout after its lock ended: forgotten. */
static bool is_stale(const struct login_throttle *t, const struct counter *c, int64_t now)
{
    int64_t quiet_since = c->locked_until > c->last ? c->locked_until : c->last;

    return is_free(c) || now - quiet_since >= t->lockout_max;
}

/* The counter of key, or NULL when there is none (create false) or, with
 * create, a fresh one in place of a free, stale or least recently failed
 * one of its slots. */
static struct counter *counter_find(struct login_throttle *t, const unsigned char key[HASH_LEN],
                                    int64_t now, bool create)
{
    size_t start, i;
    struct counter *victim = NULL;

    memcpy(&start, key, sizeof start);
    for (i = 0; i < PROBE; i++) {
        struct counter *c = &t->slots[(start + i) % t->capacity];

        if (!is_free(c) && memcmp(c->key, key, HASH_LEN) == 0) {
            if (is_stale(t, c, now))
                break;
            return c;
        }
        if (!victim ||
            (!is_stale(t, victim, now) && (is_stale(t, c, now) || c->last < victim->last)))
            victim = c;
    }
    if (i < PROBE)
        victim = &t->slots[(start + i) % t->capacity];
    else if (!create)
        return NULL;
    memset(victim, 0, sizeof *victim);
    memcpy(victim->key, key, HASH_LEN);
    return victim;
}

static long wait_for(struct login_throttle *t, char kind, const char *name, int64_t now)
{
    unsigned char key[HASH_LEN];
    struct counter *c;

    if (!name)
        return 0;
    counter_key(t, kind, name, key);
    c = counter_find(t, key, now, false);
    return c && c->locked_until > now ? (long)(c->locked_until - now) : 0;
}

long login_throttle_check(struct login_throttle *t, const char *account, const char *address,
                          int64_t now)
{
    long a, b;

    pthread_mutex_lock(&t->lock);
    a = wait_for(t, 'u', account, now);
    b = wait_for(t, 'a', address, now);
    pthread_mutex_unlock(&t->lock);
    return a > b ? a : b;
}

static void count_failure(struct login_throttle *t, char kind, const char *name, int64_t now)
{
    unsigned char key[HASH_LEN];
    struct counter *c;
    long lock;

    if (!name)
        return;
    counter_key(t, kind, name, key);
    c = counter_find(t, key, now, true);
    if (c->locked_until > now)
        return;
    c->last = now;
    if (++c->failures < t->max_failures)
        return;
    lock = c->lockouts < 30 ? t->lockout << c->lockouts : t->lockout_max;
    c->locked_until = now + (lock < t->lockout_max ? lock : t->lockout_max);
    c->lockouts++;
    c->failures = 0;
}

void login_throttle_failure(struct login_throttle *t, const char *account, const char *address,
                            int64_t now)
{
    pthread_mutex_lock(&t->lock);
    count_failure(t, 'u', account, now);
    count_failure(t, 'a', address, now);
    pthread_mutex_unlock(&t->lock);
}

void login_throttle_success(struct login_throttle *t, const char *account)
{
    unsigned char key[HASH_LEN];
    struct counter *c;

    if (!account)
        return;
    pthread_mutex_lock(&t->lock);
    counter_key(t, 'u', account, key);
    c = counter_find(t, key, 0, false);
    if (c)
        memset(c, 0, sizeof *c);
    pthread_mutex_unlock(&t->lock);
}
