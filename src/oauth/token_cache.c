#include "oauth/token_cache.h"

#include "core/clock.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* A direct-mapped table: a new token takes the slot of whatever hashed there
 * before. Striped locks keep threads from waiting on each other. */
#define SLOTS 4096
#define STRIPES 64
#define STATE_TTL_MS 1000.0

struct entry {
    bool used;
    unsigned char hash[HASH_LEN];
    int64_t keys_version;
    struct token_info info;
    bool has_state;
    struct token_state state;
    double state_ms;           /* when the store gave it */
    uint64_t state_generation; /* states_generation then */
};

/* Bumped by every revocation here: older remembered states are void. */
static atomic_uint_fast64_t states_generation;

static struct entry slots[SLOTS];
static pthread_mutex_t locks[STRIPES] = {[0 ... STRIPES - 1] = PTHREAD_MUTEX_INITIALIZER};

static size_t slot_of(const unsigned char hash[HASH_LEN])
{
    return ((size_t)hash[0] << 8 | hash[1]) % SLOTS;
}

static bool copy_info(struct token_info *dst, const struct token_info *src)
{
    *dst = *src;
    dst->subject = strdup(src->subject);
    dst->audience = strdup(src->audience);
    dst->scope = strdup(src->scope);
    dst->claims_userinfo = src->claims_userinfo ? strdup(src->claims_userinfo) : NULL;
    dst->amr = src->amr ? strdup(src->amr) : NULL;
    if (dst->subject && dst->audience && dst->scope &&
        (dst->claims_userinfo || !src->claims_userinfo) && (dst->amr || !src->amr))
        return true;
    token_info_clear(dst);
    return false;
}

bool token_cache_get(const unsigned char hash[HASH_LEN], int64_t keys_version, int64_t now,
                     struct token_info *out)
{
    size_t i = slot_of(hash);
    struct entry *e = &slots[i];
    bool hit;

    pthread_mutex_lock(&locks[i % STRIPES]);
    hit = e->used && memcmp(e->hash, hash, HASH_LEN) == 0 && e->keys_version == keys_version &&
          e->info.expires_at > now && copy_info(out, &e->info);
    pthread_mutex_unlock(&locks[i % STRIPES]);
    return hit;
}

void token_cache_put(const unsigned char hash[HASH_LEN], int64_t keys_version,
                     const struct token_info *t)
{
    size_t i = slot_of(hash);
    struct entry *e = &slots[i];
    struct token_info copy;

    if (!copy_info(&copy, t))
        return;
    pthread_mutex_lock(&locks[i % STRIPES]);
    token_info_clear(&e->info);
    memcpy(e->hash, hash, HASH_LEN);
    e->keys_version = keys_version;
    e->info = copy;
    e->used = true;
    e->has_state = false;
    pthread_mutex_unlock(&locks[i % STRIPES]);
}

bool token_cache_state_get(const unsigned char hash[HASH_LEN], struct token_state *out)
{
    size_t i = slot_of(hash);
    struct entry *e = &slots[i];
    bool hit;

    pthread_mutex_lock(&locks[i % STRIPES]);
    hit = e->used && e->has_state && memcmp(e->hash, hash, HASH_LEN) == 0 &&
          e->state_generation == atomic_load(&states_generation) &&
          clock_ms() - e->state_ms < STATE_TTL_MS;
    if (hit)
        *out = e->state;
    pthread_mutex_unlock(&locks[i % STRIPES]);
    return hit;
}

uint64_t token_cache_generation(void)
{
    return atomic_load(&states_generation);
}

void token_cache_state_put(const unsigned char hash[HASH_LEN], uint64_t generation,
                           const struct token_state *st)
{
    size_t i = slot_of(hash);
    struct entry *e = &slots[i];

    pthread_mutex_lock(&locks[i % STRIPES]);
    if (e->used && memcmp(e->hash, hash, HASH_LEN) == 0) {
        e->state = *st;
        e->state_ms = clock_ms();
        e->state_generation = generation;
        e->has_state = true;
    }
    pthread_mutex_unlock(&locks[i % STRIPES]);
}

void token_cache_forget_states(void)
{
    atomic_fetch_add(&states_generation, 1);
}

void token_cache_clear(void)
{
    size_t i;

    for (i = 0; i < SLOTS; i++) {
        pthread_mutex_lock(&locks[i % STRIPES]);
        token_info_clear(&slots[i].info);
        slots[i].used = false;
        pthread_mutex_unlock(&locks[i % STRIPES]);
    }
}
