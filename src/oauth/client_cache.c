#include "oauth/client_cache.h"

#include <pthread.h>
#include <string.h>

#include "core/clock.h"
#include "core/hash.h"

#define SLOTS 1024
#define STRIPES 32
#define TTL_MS 1000.0

struct entry {
    bool used;
    double fetched_ms;
    struct client client;
};

static struct entry slots[SLOTS];
static pthread_mutex_t locks[STRIPES] = {[0 ... STRIPES - 1] = PTHREAD_MUTEX_INITIALIZER};

static size_t slot_of(const char *id)
{
    return hash_fnv1a(id) % SLOTS;
}

static bool cached(size_t i, const char *id, struct client *out)
{
    struct entry *e = &slots[i];
    bool hit;

    pthread_mutex_lock(&locks[i % STRIPES]);
    hit = e->used && strcmp(e->client.id, id) == 0 && clock_ms() - e->fetched_ms < TTL_MS &&
          client_copy(out, &e->client) == ERR_OK;
    pthread_mutex_unlock(&locks[i % STRIPES]);
    return hit;
}

static void remember(size_t i, const struct client *c, double fetched_ms)
{
    struct entry *e = &slots[i];
    struct client copy;

    if (client_copy(&copy, c))
        return;
    pthread_mutex_lock(&locks[i % STRIPES]);
    client_clear(&e->client);
    e->client = copy;
    e->fetched_ms = fetched_ms;
    e->used = true;
    pthread_mutex_unlock(&locks[i % STRIPES]);
}

enum err client_cache_get(struct store *s, const char *id, struct client *out)
{
    size_t i = slot_of(id);
    double asked_ms;
    enum err rc;

    if (cached(i, id, out))
        return ERR_OK;
    /* the age of an answer counts from before the store was asked */
    asked_ms = clock_ms();
    rc = store_client_get(s, id, out);
    if (!rc)
        remember(i, out, asked_ms);
    return rc;
}

void client_cache_clear(void)
{
    size_t i;

    for (i = 0; i < SLOTS; i++) {
        pthread_mutex_lock(&locks[i % STRIPES]);
        client_clear(&slots[i].client);
        slots[i].used = false;
        pthread_mutex_unlock(&locks[i % STRIPES]);
    }
}
