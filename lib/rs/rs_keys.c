/* The issuer's JWKS, shared by all threads. Readers take a counted reference
 * under a short mutex, so a refetch can swap in a new set while checks
 * still verify with the old one; no lock is held during an HTTP call. */

#include <stdlib.h>

#include "core/limits.h"
#include "rs_internal.h"

static void keys_unref(struct rs_keys *k)
{
    if (k && atomic_fetch_sub(&k->refs, 1) == 1) {
        jwks_free(k->set);
        free(k);
    }
}

void rs_keys_put(struct rs_keys *k)
{
    keys_unref(k);
}

/* Fetches and parses jwks_uri into a new, unshared key set. */
static enum err keys_fetch(struct oidc_rs *rs, struct rs_keys **out)
{
    struct rs_keys *k = NULL;
    char *body = NULL;
    size_t len = 0;
    enum err rc;

    *out = NULL;
    rc = rs_http_get(&rs->http, rs->jwks_uri, LIMIT_JWKS, &body, &len);
    if (rc)
        goto out;
    k = calloc(1, sizeof *k);
    if (!k) {
        rc = ERR_NOMEM;
        goto out;
    }
    rc = jwks_parse(body, len, &k->set);
    if (rc)
        goto out;
    if (jwks_count(k->set) == 0) {
        rc = ERR_INVALID_REQUEST;
        goto out;
    }
    atomic_init(&k->refs, 1);
    *out = k;
    k = NULL;
out:
    if (k) {
        jwks_free(k->set);
        free(k);
    }
    free(body);
    return rc;
}

/* Installs k (taking its reference) and drops the old set's. */
static void keys_install(struct oidc_rs *rs, struct rs_keys *k)
{
    struct rs_keys *old;

    pthread_mutex_lock(&rs->keys_lock);
    old = rs->keys;
    rs->keys = k;
    rs->fetched_at = rs_monotonic();
    rs->fetching = false;
    pthread_mutex_unlock(&rs->keys_lock);
    keys_unref(old);
}

enum err rs_keys_load(struct oidc_rs *rs)
{
    struct rs_keys *k = NULL;
    enum err rc;

    rc = keys_fetch(rs, &k);
    if (!rc)
        keys_install(rs, k);
    return rc;
}

/* Claims the right to refetch for an unknown kid: one thread at a time, and
 * at most once per RS_JWKS_REFETCH_SECONDS, so tokens with made-up kids cannot
 * turn this resource server into a flood against the issuer. */
static bool claim_refetch(struct oidc_rs *rs)
{
    int64_t now = rs_monotonic();
    bool claimed;

    pthread_mutex_lock(&rs->keys_lock);
    claimed = !rs->fetching &&
              (rs->refetched_at == 0 || now - rs->refetched_at >= RS_JWKS_REFETCH_SECONDS);
    if (claimed) {
        rs->fetching = true;
        rs->refetched_at = now;
    }
    pthread_mutex_unlock(&rs->keys_lock);
    return claimed;
}

static void release_fetch(struct oidc_rs *rs)
{
    pthread_mutex_lock(&rs->keys_lock);
    rs->fetching = false;
    pthread_mutex_unlock(&rs->keys_lock);
}

/* Fetches after a successful claim; on failure the old keys stay. */
static enum err refresh_claimed(struct oidc_rs *rs)
{
    struct rs_keys *k = NULL;
    enum err rc;

    rc = keys_fetch(rs, &k);
    if (rc) {
        release_fetch(rs);
        return rc;
    }
    keys_install(rs, k);
    return ERR_OK;
}

/* Takes a reference to the current set under the lock; *stale says this
 * thread claimed an age refresh (the set is older than RS_JWKS_MAX_AGE). */
static struct rs_keys *keys_ref(struct oidc_rs *rs, bool *stale)
{
    struct rs_keys *k;
    int64_t now = rs_monotonic();

    pthread_mutex_lock(&rs->keys_lock);
    *stale = !rs->fetching && now - rs->fetched_at >= RS_JWKS_MAX_AGE;
    if (*stale) {
        rs->fetching = true;
        rs->fetched_at = now; /* on failure, wait a full age before retrying */
    }
    k = rs->keys;
    atomic_fetch_add(&k->refs, 1);
    pthread_mutex_unlock(&rs->keys_lock);
    return k;
}

struct rs_keys *rs_keys_get(struct oidc_rs *rs)
{
    struct rs_keys *k;
    bool stale, again;

    /* A key the issuer withdrew must stop working some day even when no
     * unknown kid ever shows up: an old set is refetched in this thread. */
    k = keys_ref(rs, &stale);
    if (stale && refresh_claimed(rs) == ERR_OK) {
        keys_unref(k);
        k = keys_ref(rs, &again);
    }
    return k;
}

enum err rs_keys_refetch(struct oidc_rs *rs)
{
    if (!claim_refetch(rs))
        return ERR_NOT_FOUND;
    return refresh_claimed(rs);
}

void rs_keys_free_all(struct oidc_rs *rs)
{
    keys_unref(rs->keys);
    rs->keys = NULL;
}
