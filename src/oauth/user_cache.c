#include "oauth/user_cache.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "oauth/claims.h"

#define SLOTS 1024
#define STRIPES 32

/* One non-empty claim: its name and its value as compact JSON text. */
struct claim {
    char *name;
    char *json;
    size_t len;
    uint64_t stamp; /* the write that last used it: each name goes out once */
};

struct entry {
    bool used;
    bool enabled;
    int64_t version; /* store_users_version when the row was read */
    char sub[LIMIT_SUB + 1];
    struct claim *claims;
    size_t n;
    uint64_t stamp; /* one per write: 64 bits never come round again */
};

static struct entry slots[SLOTS];
static pthread_mutex_t locks[STRIPES] = {[0 ... STRIPES - 1] = PTHREAD_MUTEX_INITIALIZER};

static size_t slot_of(const char *sub)
{
    return hash_fnv1a(sub) % SLOTS;
}

static void entry_clear(struct entry *e)
{
    size_t i;

    for (i = 0; i < e->n; i++) {
        free(e->claims[i].name);
        free(e->claims[i].json);
    }
    free(e->claims);
    memset(e, 0, sizeof *e);
}

/* The user's stored claims (a JSON object as text) into e, serialized one by
 * one, empty ones left out. ERR_STORE when they are not an object. */
static enum err entry_fill_claims(struct entry *e, const char *claims_json)
{
    json_t *all = json_loads(claims_json ? claims_json : "{}", 0, NULL), *v;
    enum err rc = json_is_object(all) ? ERR_OK : ERR_STORE;
    const char *name;

    e->claims = rc ? NULL : calloc(json_object_size(all) + 1, sizeof *e->claims);
    if (!rc && !e->claims)
        rc = ERR_NOMEM;
    json_object_foreach(all, name, v)
    {
        struct claim *c = &e->claims[e->n];

        if (rc || claims_value_empty(v))
            continue;
        c->name = strdup(name);
        c->json = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        e->n++;
        if (!c->name || !c->json)
            rc = ERR_NOMEM;
        else
            c->len = strlen(c->json);
    }
    json_decref(all);
    return rc;
}

/* A new entry for the user sub read from the store under version. */
static enum err entry_load(const struct oauth_ctx *ctx, const char *sub, int64_t version,
                           struct entry *e)
{
    struct user u = {0};
    enum err rc = store_user_get(ctx->store, sub, &u);

    memset(e, 0, sizeof *e);
    if (!rc) {
        memcpy(e->sub, u.sub, sizeof e->sub);
        e->enabled = u.enabled;
        e->version = version;
        e->used = true;
        rc = entry_fill_claims(e, u.claims);
    }
    user_clear(&u);
    if (rc)
        entry_clear(e);
    return rc;
}

struct writing {
    struct entry *e;
    struct json_writer *w;
};

/* What one answer is for: the user's sub, the sub shown, the scope, the
 * names the claims request parameter asked for (NULL: none). */
struct answer {
    const char *sub, *client_sub, *scope, *names;
};

static enum err write_one(const char *name, void *arg)
{
    struct writing *wr = arg;
    struct entry *e = wr->e;
    size_t i;

    for (i = 0; i < e->n; i++) {
        if (strcmp(e->claims[i].name, name) != 0)
            continue;
        if (e->claims[i].stamp != e->stamp) {
            e->claims[i].stamp = e->stamp;
            json_writer_raw(wr->w, name, e->claims[i].json, e->claims[i].len);
        }
        break;
    }
    return ERR_OK;
}

/* The answer from e (its stripe held, or e not yet shared). */
static enum err entry_write(const struct config *cfg, struct entry *e, const struct answer *a,
                            struct json_writer *w)
{
    struct writing wr = {e, w};
    enum err rc;

    if (!e->enabled)
        return ERR_NOT_FOUND;
    e->stamp++;
    json_writer_string(w, "sub", a->client_sub);
    rc = claims_each_released(cfg, a->scope, write_one, &wr);
    return rc ? rc : claims_each_named(a->names, write_one, &wr);
}

/* Writes from slot i when it holds sub as of version; *hit says whether. */
static enum err write_cached(const struct oauth_ctx *ctx, size_t i, const struct answer *a,
                             int64_t version, struct json_writer *w, bool *hit)
{
    struct entry *e = &slots[i];
    enum err rc = ERR_OK;

    pthread_mutex_lock(&locks[i % STRIPES]);
    *hit = e->used && e->version == version && strcmp(e->sub, a->sub) == 0;
    if (*hit)
        rc = entry_write(ctx->cfg, e, a, w);
    pthread_mutex_unlock(&locks[i % STRIPES]);
    return rc;
}

/* Puts e in slot i (which then owns what e held). */
static void remember(size_t i, struct entry *e)
{
    pthread_mutex_lock(&locks[i % STRIPES]);
    entry_clear(&slots[i]);
    slots[i] = *e;
    pthread_mutex_unlock(&locks[i % STRIPES]);
}

enum err user_cache_write_claims(const struct oauth_ctx *ctx, const char *sub,
                                 const char *client_sub, const char *scope, const char *names,
                                 struct json_writer *w)
{
    struct answer a = {sub, client_sub, scope, names};
    size_t i = slot_of(sub);
    struct entry e;
    int64_t version;
    bool hit;
    enum err rc;

    /* read before the row: a change after it moves the version past this */
    rc = store_users_version(ctx->store, &version);
    if (!rc)
        rc = write_cached(ctx, i, &a, version, w, &hit);
    if (rc || hit)
        return rc;
    rc = entry_load(ctx, sub, version, &e);
    if (!rc)
        rc = entry_write(ctx->cfg, &e, &a, w);
    if (rc == ERR_OK || rc == ERR_NOT_FOUND) {
        if (e.used)
            remember(i, &e);
    } else {
        entry_clear(&e);
    }
    return rc;
}

void user_cache_clear(void)
{
    size_t i;

    for (i = 0; i < SLOTS; i++) {
        pthread_mutex_lock(&locks[i % STRIPES]);
        entry_clear(&slots[i]);
        pthread_mutex_unlock(&locks[i % STRIPES]);
    }
}
