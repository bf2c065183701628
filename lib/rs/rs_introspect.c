/* Introspection mode (RFC 7662): ask the issuer about each token, and keep
 * positive answers for a short, bounded time, negative ones for a few
 * seconds (so a token refused once does not cost an issuer call per
 * request); the cache has a fixed size. The cache is keyed by the
 * SHA-256 of the token, so memory never holds a usable token. */

#include <jansson.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/limits.h"
#include "rs_internal.h"

/* What an active answer told us. Strings are borrowed from the JSON. */
struct answer {
    const char *sub, *client_id, *scope;
    int64_t exp;
    const char *refusal; /* static: why the token is refused; NULL when active */
};

static void entry_clear(struct rs_cache_entry *e)
{
    free(e->sub);
    free(e->client_id);
    free(e->scope);
    memset(e, 0, sizeof *e);
}

void rs_cache_free_all(struct oidc_rs *rs)
{
    size_t i, j;

    for (i = 0; i < RS_CACHE_BUCKETS; i++)
        for (j = 0; j < RS_CACHE_WAYS; j++)
            entry_clear(&rs->cache[i][j]);
}

/* Copies a live entry for key into out, or its refusal into *refusal. True
 * on a hit. */
static bool cache_lookup(struct oidc_rs *rs, const unsigned char key[HASH_LEN],
                         struct oidc_rs_result *out, bool *fill_failed, const char **refusal)
{
    struct rs_cache_entry *bucket = rs->cache[key[0]];
    int64_t now = rs_now();
    bool hit = false;
    size_t j;

    pthread_mutex_lock(&rs->cache_lock);
    for (j = 0; j < RS_CACHE_WAYS && !hit; j++) {
        if (bucket[j].until > now && CRYPTO_memcmp(bucket[j].key, key, HASH_LEN) == 0) {
            hit = true;
            *refusal = bucket[j].refusal;
            if (!*refusal)
                *fill_failed = rs_result_fill(out, bucket[j].sub, bucket[j].client_id,
                                              bucket[j].scope, bucket[j].exp) != ERR_OK;
        }
    }
    pthread_mutex_unlock(&rs->cache_lock);
    return hit;
}

/* Keeps an active answer for min(cache_seconds, exp - now) seconds, a
 * refusal for min(cache_seconds, RS_NEGATIVE_CACHE_SECONDS), in the bucket's
 * empty, expired or oldest way. Best effort: a failed copy is simply not
 * cached. */
static void cache_store(struct oidc_rs *rs, const unsigned char key[HASH_LEN],
                        const struct answer *a)
{
    struct rs_cache_entry fresh = {0}, *victim, *bucket = rs->cache[key[0]];
    int64_t now = rs_now(), until = now + rs->cache_seconds;
    size_t j;

    if (rs->cache_seconds <= 0)
        return;
    if (a->refusal && rs->cache_seconds > RS_NEGATIVE_CACHE_SECONDS)
        until = now + RS_NEGATIVE_CACHE_SECONDS;
    if (!a->refusal && a->exp > 0 && a->exp < until)
        until = a->exp;
    if (until <= now)
        return;
    memcpy(fresh.key, key, HASH_LEN);
    fresh.until = until;
    fresh.added = now;
    fresh.exp = a->exp;
    fresh.refusal = a->refusal;
    fresh.sub = a->sub ? strdup(a->sub) : NULL;
    fresh.client_id = a->client_id ? strdup(a->client_id) : NULL;
    fresh.scope = a->scope ? strdup(a->scope) : NULL;
    if ((a->sub && !fresh.sub) || (a->client_id && !fresh.client_id) ||
        (a->scope && !fresh.scope)) {
        entry_clear(&fresh);
        return;
    }
    pthread_mutex_lock(&rs->cache_lock);
    victim = &bucket[0];
    for (j = 0; j < RS_CACHE_WAYS; j++) {
        if (bucket[j].until <= now) {
            victim = &bucket[j];
            break;
        }
        if (bucket[j].added < victim->added)
            victim = &bucket[j];
    }
    entry_clear(victim);
    *victim = fresh;
    pthread_mutex_unlock(&rs->cache_lock);
}

/* True when aud (a string or an array of strings) names want. */
static bool aud_has(json_t *aud, const char *want)
{
    size_t i;
    json_t *v;

    if (json_is_string(aud))
        return strcmp(json_string_value(aud), want) == 0;
    json_array_foreach(aud, i, v)
    {
        if (json_is_string(v) && strcmp(json_string_value(v), want) == 0)
            return true;
    }
    return false;
}

/* Judges an introspection response. NULL when the token is active for us
 * (a is filled), else why not. */
static const char *judge(const struct oidc_rs *rs, json_t *doc, struct answer *a)
{
    json_t *exp = json_object_get(doc, "exp");
    json_t *iss = json_object_get(doc, "iss"), *aud = json_object_get(doc, "aud");
    json_t *type = json_object_get(doc, "token_type"), *scope = json_object_get(doc, "scope");

    if (!json_is_true(json_object_get(doc, "active")))
        return "the token is not active";
    if (iss && (!json_is_string(iss) || strcmp(json_string_value(iss), rs->issuer) != 0))
        return "the token is from another issuer";
    if (type && (!json_is_string(type) || strcasecmp(json_string_value(type), "Bearer") != 0))
        return "the token is not an access token";
    if (rs->audience && !aud_has(aud, rs->audience))
        return "the token is not meant for this audience";
    if (scope && !json_is_string(scope))
        return "the token's scope is malformed";
    a->sub = json_string_value(json_object_get(doc, "sub"));
    a->client_id = json_string_value(json_object_get(doc, "client_id"));
    a->scope = json_string_value(scope);
    /* as in local mode: expired from its exp second on, and written so that
     * no value can overflow (leeway is bounded) */
    if (exp && (!json_is_integer(exp) || json_integer_value(exp) <= rs_now() - rs->leeway))
        return "the token has expired";
    a->exp = json_integer_value(exp);
    return NULL;
}

/* Maps a failed introspection call to a refusal. */
static int call_error(enum err rc, long status, const char **why)
{
    if (rc == ERR_TEMPORARILY_UNAVAILABLE) {
        *why = "the issuer could not be reached";
        return OIDC_RS_ERROR_UNAVAILABLE;
    }
    *why = status == 401 ? "the issuer refused this resource server's credentials"
                         : "the introspection call failed";
    return OIDC_RS_ERROR_SERVER;
}

/* Builds "token=…&token_type_hint=access_token"; caller frees. */
static char *form_for(const char *tok, size_t len)
{
    static const char hint[] = "&token_type_hint=access_token";
    char *copy, *esc, *form = NULL;
    size_t n;

    copy = strndup(tok, len);
    esc = copy ? rs_http_escape(copy) : NULL;
    if (esc) {
        n = strlen("token=") + strlen(esc) + sizeof hint;
        form = malloc(n);
        if (form)
            snprintf(form, n, "token=%s%s", esc, hint);
    }
    free(copy);
    free(esc);
    return form;
}

/* Calls the issuer. OIDC_RS_ERROR_NONE with out filled (and the answer
 * cached), or the refusal and *why. */
static int introspect(struct oidc_rs *rs, const char *tok, size_t len,
                      const unsigned char key[HASH_LEN], struct oidc_rs_result *out,
                      const char **why)
{
    struct answer a = {0};
    json_t *doc = NULL;
    char *form, *body = NULL;
    size_t blen = 0;
    long status = 0;
    int error = OIDC_RS_ERROR_SERVER;
    enum err rc;

    *why = "out of memory";
    form = form_for(tok, len);
    if (!form)
        goto out;
    rc = rs_http_post_form(&rs->http, rs->introspection_endpoint, rs->client_id, rs->client_secret,
                           form, RS_INTROSPECTION_MAX, &body, &blen, &status);
    if (rc) {
        error = call_error(rc, status, why);
        goto out;
    }
    doc = json_loadb(body, blen, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(doc)) {
        *why = "the introspection response is not a JSON object";
        goto out;
    }
    *why = judge(rs, doc, &a);
    if (*why) {
        a.refusal = *why;
        cache_store(rs, key, &a);
        error = OIDC_RS_ERROR_INVALID_TOKEN;
        goto out;
    }
    *why = "out of memory";
    if (rs_result_fill(out, a.sub, a.client_id, a.scope, a.exp))
        goto out;
    cache_store(rs, key, &a);
    error = OIDC_RS_ERROR_NONE;
out:
    json_decref(doc);
    free(body);
    free(form);
    return error;
}

/* Refuses unless every required scope is confirmed by the answer. */
static void check_scopes(struct oidc_rs *rs, const char *const *req, size_t n,
                         struct oidc_rs_result *out)
{
    if (rs_scope_has_all(out->scope, req, n)) {
        out->status = 200;
        return;
    }
    if (out->scope)
        rs_result_refuse(rs, out, OIDC_RS_ERROR_INSUFFICIENT_SCOPE,
                         "the token lacks a required scope", req, n);
    else if (rs->missing_scope == OIDC_RS_MISSING_SCOPE_ERROR)
        rs_result_refuse(rs, out, OIDC_RS_ERROR_SERVER, "the introspection response has no scope",
                         req, n);
    else
        rs_result_refuse(rs, out, OIDC_RS_ERROR_INSUFFICIENT_SCOPE,
                         "the issuer did not confirm the token's scope", req, n);
}

void rs_introspect_check(struct oidc_rs *rs, const char *tok, size_t len, const char *const *req,
                         size_t n, struct oidc_rs_result *out)
{
    unsigned char key[HASH_LEN];
    const char *why = NULL;
    bool fill_failed = false;
    int error;

    hash_sha256(tok, len, key);
    if (!cache_lookup(rs, key, out, &fill_failed, &why)) {
        error = introspect(rs, tok, len, key, out, &why);
        if (error) {
            rs_result_refuse(rs, out, error, why, req, n);
            return;
        }
    } else if (why) {
        rs_result_refuse(rs, out, OIDC_RS_ERROR_INVALID_TOKEN, why, req, n);
        return;
    } else if (fill_failed) {
        rs_result_refuse(rs, out, OIDC_RS_ERROR_SERVER, "out of memory", req, n);
        return;
    }
    check_scopes(rs, req, n, out);
}
