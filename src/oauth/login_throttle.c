#include "oauth/login_throttle.h"

#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/rand.h"

#define PROBE 8 /* slots tried for one key */

enum kind { K_ACCOUNT = 'u', K_ADDRESS = 'a', K_KNOWN = 'k' };

struct counter {
    unsigned char key[HASH_LEN]; /* all zero: free */
    long failures;               /* in a row since the last lockout */
    long pending;                /* attempts begun and not yet settled */
    int lockouts;                /* lockouts so far, for the growth */
    int64_t locked_until;
    int64_t last;        /* the last failure or attempt */
    int64_t known_until; /* K_KNOWN: the pair logged in until this */
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

static void set_limits(struct login_throttle *t, long max_failures, long lockout_seconds)
{
    t->max_failures = max_failures > 0 ? max_failures : 1;
    t->lockout = lockout_seconds > 0 ? lockout_seconds : 1;
    t->lockout_max = t->lockout * LOGIN_LOCKOUT_GROWTH_MAX;
}

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
    set_limits(t, max_failures, lockout_seconds);
    t->capacity = capacity;
    *out = t;
    return ERR_OK;
}

void login_throttle_set_limits(struct login_throttle *t, long max_failures, long lockout_seconds)
{
    pthread_mutex_lock(&t->lock);
    set_limits(t, max_failures, lockout_seconds);
    pthread_mutex_unlock(&t->lock);
}

void login_throttle_free(struct login_throttle *t)
{
    if (!t)
        return;
    pthread_mutex_destroy(&t->lock);
    OPENSSL_cleanse(t, sizeof *t + t->capacity * sizeof t->slots[0]);
    free(t);
}

/* What identifies an account or an address: the account in ASCII lower
 * case; an IPv6 address by its /64 (anything else as it is). */
static void hash_name(enum kind kind, const char *name, unsigned char out[HASH_LEN])
{
    unsigned char a6[16];
    char lower[256];
    size_t n = strlen(name), i;

    if (kind == K_ADDRESS && inet_pton(AF_INET6, name, a6) == 1) {
        memset(a6 + 8, 0, 8);
        hash_sha256(a6, sizeof a6, out);
    } else if (kind != K_ADDRESS && n < sizeof lower) {
        for (i = 0; i < n; i++)
            lower[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
        hash_sha256(lower, n, out);
    } else {
        hash_sha256(name, n, out);
    }
}

/* SHA-256(salt, kind, H(name), H(second)): fixed size, and no name kept. */
static void counter_key(const struct login_throttle *t, enum kind kind, const char *name,
                        const char *second, unsigned char key[HASH_LEN])
{
    unsigned char buf[3 * HASH_LEN + 1] = {0};

    memcpy(buf, t->salt, HASH_LEN);
    buf[HASH_LEN] = (unsigned char)kind;
    hash_name(kind, name, buf + HASH_LEN + 1);
    if (second)
        hash_name(K_ADDRESS, second, buf + 2 * HASH_LEN + 1);
    hash_sha256(buf, sizeof buf, key);
}

static bool is_free(const struct counter *c)
{
    static const unsigned char zero[HASH_LEN];

    return memcmp(c->key, zero, HASH_LEN) == 0;
}

/* Quiet for a whole maximal lockout after its lock ended, and no attempt
 * under way (a known pair: past its time): forgotten. */
static bool is_stale(const struct login_throttle *t, const struct counter *c, int64_t now)
{
    int64_t quiet_since = c->locked_until > c->last ? c->locked_until : c->last;

    if (is_free(c))
        return true;
    if (c->known_until)
        return now >= c->known_until;
    return c->pending == 0 && now - quiet_since >= t->lockout_max;
}

/* The counter of key, or NULL when there is none (create false) or, with
 * create, a fresh one in place of a free, stale or least recently used one
 * of its slots. */
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

static struct counter *counter_of(struct login_throttle *t, enum kind kind, const char *name,
                                  const char *second, int64_t now, bool create)
{
    unsigned char key[HASH_LEN];

    if (!name)
        return NULL;
    counter_key(t, kind, name, second, key);
    return counter_find(t, key, now, create);
}

/* Seconds c refuses an attempt for: its lock, or 1 while attempts under way
 * would reach max_failures if they all failed. */
static long refusal(const struct login_throttle *t, const struct counter *c, int64_t now)
{
    if (!c)
        return 0;
    if (c->locked_until > now)
        return (long)(c->locked_until - now);
    return c->failures + c->pending >= t->max_failures ? 1 : 0;
}

long login_throttle_begin(struct login_throttle *t, const char *account, const char *address,
                          int64_t now)
{
    struct counter *acc, *addr, *known;
    long a, b;

    pthread_mutex_lock(&t->lock);
    known = account && address ? counter_of(t, K_KNOWN, account, address, now, false) : NULL;
    acc = counter_of(t, K_ACCOUNT, account, NULL, now, true);
    addr = counter_of(t, K_ADDRESS, address, NULL, now, true);
    a = known && known->known_until > now ? 0 : refusal(t, acc, now);
    b = refusal(t, addr, now);
    if (!a && !b) {
        if (acc) {
            acc->pending++;
            acc->last = now;
        }
        if (addr) {
            addr->pending++;
            addr->last = now;
        }
    }
    pthread_mutex_unlock(&t->lock);
    return a > b ? a : b;
}

/* Settles c; returns the seconds of the lock this failure started, or 0. */
static long settle(struct login_throttle *t, struct counter *c, int64_t now, bool ok)
{
    long lock;

    if (!c)
        return 0;
    if (c->pending > 0)
        c->pending--;
    if (ok)
        return 0;
    c->last = now;
    if (c->locked_until > now || ++c->failures < t->max_failures)
        return 0;
    lock = c->lockouts < 30 ? t->lockout << c->lockouts : t->lockout_max;
    lock = lock < t->lockout_max ? lock : t->lockout_max;
    c->locked_until = now + lock;
    c->lockouts++;
    c->failures = 0;
    return lock;
}

long login_throttle_end(struct login_throttle *t, const char *account, const char *address,
                        int64_t now, enum login_outcome outcome)
{
    bool ok = outcome != LOGIN_FAILED;
    struct counter *acc, *known;
    long locked, by_address;

    pthread_mutex_lock(&t->lock);
    acc = counter_of(t, K_ACCOUNT, account, NULL, now, !ok);
    locked = settle(t, acc, now, ok);
    by_address = settle(t, counter_of(t, K_ADDRESS, address, NULL, now, !ok), now, ok);
    if (by_address > locked)
        locked = by_address;
    if (outcome != LOGIN_SUCCEEDED) {
        pthread_mutex_unlock(&t->lock);
        return locked;
    }
    if (acc) {
        acc->failures = 0;
        acc->lockouts = 0;
        acc->locked_until = 0;
    }
    if (account && address) {
        known = counter_of(t, K_KNOWN, account, address, now, true);
        known->known_until = now + LOGIN_KNOWN_SECONDS;
        known->last = now;
    }
    pthread_mutex_unlock(&t->lock);
    return 0;
}
