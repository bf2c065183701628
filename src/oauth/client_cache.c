#include "oauth/client_cache.h"

#include <pthread.h>
#include <string.h>

#include "core/clock.h"
#include "core/hash.h"
#include "core/log.h"

#define SLOTS 1024
#define STRIPES 32
#define TTL_MS 1000.0

/* An entry remembers either a client or that no client has its id: an
 * unknown id is served from memory like a known one, so that neither costs
 * a store read the other does not (the time taken tells no one which ids
 * exist). */
struct entry {
    bool used;
    bool missing; /* no client with this id; only client.id is set */
    double fetched_ms;
    struct client client;
};

static struct entry slots[SLOTS];
static pthread_mutex_t locks[STRIPES] = {[0 ... STRIPES - 1] = PTHREAD_MUTEX_INITIALIZER};

static size_t slot_of(const char *id)
{
    return hash_fnv1a(id) % SLOTS;
}

/* ERR_OK (a client, copied into *out) or ERR_NOT_FOUND (remembered as
 * unknown) from a fresh entry; ERR_STORE when the store must be asked. */
static enum err cached(size_t i, const char *id, struct client *out)
{
    struct entry *e = &slots[i];
    enum err rc = ERR_STORE;

    pthread_mutex_lock(&locks[i % STRIPES]);
    if (e->used && strcmp(e->client.id, id) == 0 && clock_ms() - e->fetched_ms < TTL_MS) {
        if (e->missing)
            rc = ERR_NOT_FOUND;
        else if (client_copy(out, &e->client) == ERR_OK)
            rc = ERR_OK;
    }
    pthread_mutex_unlock(&locks[i % STRIPES]);
    return rc;
}

/* Remembers c, or (c NULL) that no client has the id. */
static void remember(size_t i, const char *id, const struct client *c, double fetched_ms)
{
    struct entry *e = &slots[i];
    struct client copy = {0};

    if (c && client_copy(&copy, c))
        return;
    if (!c)
        memcpy(copy.id, id, strlen(id) + 1);
    pthread_mutex_lock(&locks[i % STRIPES]);
    client_clear(&e->client);
    e->client = copy;
    e->missing = c == NULL;
    e->fetched_ms = fetched_ms;
    e->used = true;
    pthread_mutex_unlock(&locks[i % STRIPES]);
}

/* The HS256 key of c: its secret, opened from its sealed copy. A secret that
 * does not open leaves the client without one: its ID tokens fail, its
 * authentication (by hash) does not. */
static void open_secret(struct keystore *ks, struct client *c)
{
    if (!c->secret_sealed || !ks)
        return;
    if (keystore_open_secret(ks, c->id, c->secret_sealed, c->secret_sealed_len, &c->secret_opened))
        log_kv(LOG_ERROR, "cannot open the sealed client secret", "client_id", c->id, NULL);
}

enum err client_cache_get(struct store *s, struct keystore *ks, const char *id, struct client *out)
{
    size_t i = slot_of(id);
    double asked_ms;
    enum err rc;

    if (strlen(id) > LIMIT_CLIENT_ID)
        return ERR_NOT_FOUND; /* no client has it; and too long to remember */
    rc = cached(i, id, out);
    if (rc != ERR_STORE)
        return rc;
    /* the age of an answer counts from before the store was asked */
    asked_ms = clock_ms();
    rc = store_client_get(s, id, out);
    if (rc == ERR_OK)
        open_secret(ks, out);
    if (rc == ERR_OK || rc == ERR_NOT_FOUND)
        remember(i, id, rc ? NULL : out, asked_ms);
    return rc;
}

void client_cache_clear(void)
{
    size_t i;

    for (i = 0; i < SLOTS; i++) {
        pthread_mutex_lock(&locks[i % STRIPES]);
        client_clear(&slots[i].client);
        slots[i].used = false;
        slots[i].missing = false;
        pthread_mutex_unlock(&locks[i % STRIPES]);
    }
}
