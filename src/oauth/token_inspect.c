#include "oauth/token_inspect.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/hash.h"
#include "core/text.h"
#include "jose/jwt.h"
#include "oauth/client_cache.h"
#include "oauth/subject.h"
#include "oauth/token_cache.h"

static bool looks_like_jwt(const char *token, size_t len)
{
    const char *dot = memchr(token, '.', len);

    return dot && memchr(dot + 1, '.', len - (size_t)(dot + 1 - token));
}

/* The aud claim (a string or an array of strings) as space-separated words. */
/* The string or strings of claim name, space-separated. */
static char *claim_words(const struct jwt *t, const char *name)
{
    json_t *aud = json_object_get(t->claims, name), *v;
    struct strlist words = {0};
    char *joined = NULL;
    size_t i;

    if (json_is_string(aud))
        return strdup(json_string_value(aud));
    json_array_foreach(aud, i, v)
    {
        if (json_is_string(v) && strlist_add(&words, json_string_value(v), json_string_length(v)))
            goto out;
    }
    joined = strlist_join(&words, " ");
out:
    strlist_free(&words);
    return joined;
}

static enum err read_jwt(const struct oauth_ctx *ctx, const char *token, size_t len,
                         struct token_info *out, const char **why)
{
    struct jwt t;
    /* expiry is checked by token_inspect, so a long leeway here */
    struct jwt_expect e = {ctx->cfg->issuer, "at+jwt", NULL, 0, 0};
    enum err rc;

    rc = keystore_verify(ctx->keys, token, len, &t, why);
    if (rc)
        return rc;
    e.now = jwt_claim_int(&t, "exp") - 1;
    rc = jwt_check(&t, &e, why);
    if (!rc && (!text_copy(out->client_id, sizeof out->client_id, jwt_claim_str(&t, "client_id")) ||
                !text_copy(out->jti, sizeof out->jti, jwt_claim_str(&t, "jti")))) {
        *why = "token lacks client_id or jti";
        rc = ERR_INVALID_TOKEN;
    }
    if (!rc) {
        out->is_jwt = true;
        out->subject = strdup(jwt_claim_str(&t, "sub") ? jwt_claim_str(&t, "sub") : "");
        out->audience = claim_words(&t, "aud");
        out->scope = strdup(jwt_claim_str(&t, "scope") ? jwt_claim_str(&t, "scope") : "");
        if (jwt_claim_str(&t, "userinfo_claims") &&
            !(out->claims_userinfo = strdup(jwt_claim_str(&t, "userinfo_claims"))))
            rc = ERR_NOMEM;
        if (json_object_get(t.claims, "amr") && !(out->amr = claim_words(&t, "amr")))
            rc = ERR_NOMEM;
        out->auth_time = jwt_claim_int(&t, "auth_time");
        out->issued_at = jwt_claim_int(&t, "iat");
        out->expires_at = jwt_claim_int(&t, "exp");
        if (!out->subject || !out->audience || !out->scope)
            rc = ERR_NOMEM;
    }
    jwt_clear(&t);
    return rc;
}

/* The signature check is the cost of a JWT; a token seen before skips it. */
static enum err read_jwt_cached(const struct oauth_ctx *ctx, const char *token, size_t len,
                                struct token_info *out, const char **why)
{
    unsigned char hash[HASH_LEN];
    int64_t version = keystore_version(ctx->keys);
    enum err rc;

    hash_sha256(token, len, hash);
    if (token_cache_get(hash, version, clock_now(), out))
        return ERR_OK;
    rc = read_jwt(ctx, token, len, out, why);
    if (!rc) {
        memcpy(out->hash, hash, HASH_LEN);
        token_cache_put(hash, version, out);
    }
    return rc;
}

/* A refresh token: its family in jti, for the client it was issued to. */
static enum err read_refresh(const struct oauth_ctx *ctx, const unsigned char hash[HASH_LEN],
                             struct token_info *out, const char **why)
{
    struct refresh_token rt;
    char sub[SUBJECT_MAX];
    enum err rc = store_refresh_token_get(ctx->store, hash, &rt);

    if (rc == ERR_NOT_FOUND) {
        *why = "unknown token";
        return ERR_INVALID_TOKEN;
    }
    if (rc)
        return rc;
    /* stored with the user's own sub; the client is told its own for them */
    rc = subject_for_client_id(ctx, rt.client_id, rt.user_sub, sub);
    if (!rc) {
        free(rt.user_sub);
        rt.user_sub = strdup(sub);
        rc = rt.user_sub ? ERR_OK : ERR_NOMEM;
    }
    if (rc) {
        refresh_token_clear(&rt);
        *why = "client no longer registered";
        return rc == ERR_NOT_FOUND ? ERR_INVALID_TOKEN : rc;
    }
    out->is_refresh = true;
    out->used = rt.used_at != 0;
    memcpy(out->client_id, rt.client_id, sizeof out->client_id);
    memcpy(out->jti, rt.family, sizeof out->jti);
    out->subject = rt.user_sub;
    out->scope = rt.scope;
    out->audience = strdup(rt.client_id);
    free(rt.resource);
    free(rt.claims_userinfo);
    free(rt.claims_id_token);
    out->amr = rt.amr;
    out->auth_time = rt.amr ? rt.auth_time : 0;
    out->issued_at = rt.issued_at;
    out->expires_at = rt.expires_at;
    return out->audience ? ERR_OK : ERR_NOMEM;
}

static enum err read_opaque(const struct oauth_ctx *ctx, const char *token, size_t len,
                            bool refresh_too, struct token_info *out, const char **why)
{
    unsigned char hash[HASH_LEN];
    struct token t;
    enum err rc;

    hash_sha256(token, len, hash);
    rc = store_token_get(ctx->store, hash, &t);
    if (rc == ERR_NOT_FOUND && refresh_too)
        return read_refresh(ctx, hash, out, why);
    if (rc == ERR_NOT_FOUND) {
        *why = "unknown token";
        return ERR_INVALID_TOKEN;
    }
    if (rc)
        return rc;
    memcpy(out->client_id, t.client_id, sizeof out->client_id);
    memcpy(out->jti, t.jti, sizeof out->jti);
    out->subject = t.subject;
    out->scope = t.scope;
    out->claims_userinfo = t.claims_userinfo;
    out->amr = t.amr;
    out->auth_time = t.auth_time;
    /* stored access tokens name their resources, else are for their client */
    out->audience = t.audience ? t.audience : strdup(t.client_id);
    out->issued_at = t.issued_at;
    out->expires_at = t.expires_at;
    return out->audience ? ERR_OK : ERR_NOMEM;
}

/* token_read, refresh tokens too when refresh_too. */
static enum err read_any(const struct oauth_ctx *ctx, const char *token, size_t len,
                         bool refresh_too, struct token_info *out, const char **why)
{
    enum err rc;

    memset(out, 0, sizeof *out);
    *why = "malformed token";
    if (len == 0 || len > LIMIT_JWT)
        return ERR_INVALID_TOKEN;
    if (looks_like_jwt(token, len))
        rc = read_jwt_cached(ctx, token, len, out, why);
    else
        rc = read_opaque(ctx, token, len, refresh_too, out, why);
    if (rc)
        token_info_clear(out);
    return rc;
}

enum err token_read(const struct oauth_ctx *ctx, const char *token, size_t len,
                    struct token_info *out, const char **why)
{
    return read_any(ctx, token, len, false, out, why);
}

/* The state of a stored token, whose row is its record: gone when revoked
 * (and with its client), so only its client's state is left to know, from
 * the client cache (as fresh as a JWT's cached state: DESIGN.md §8). One
 * database read per introspection instead of two. */
static enum err stored_state(const struct oauth_ctx *ctx, const char *client_id,
                             struct token_state *out)
{
    struct client c;
    enum err rc = client_cache_get(ctx->store, ctx->keys, client_id, &c);

    memset(out, 0, sizeof *out);
    if (rc == ERR_NOT_FOUND)
        return ERR_OK;
    if (rc)
        return rc;
    out->client_exists = true;
    out->client_enabled = c.enabled;
    client_clear(&c);
    return ERR_OK;
}

/* Active: not expired, not revoked, client registered and enabled. */
static enum err check_active(const struct oauth_ctx *ctx, const struct token_info *t,
                             const char **why)
{
    struct token_state st;
    uint64_t generation;
    enum err rc;

    if (t->expires_at <= clock_now()) {
        *why = "token expired";
        return ERR_INVALID_TOKEN;
    }
    if (t->used) {
        *why = "refresh token already used";
        return ERR_INVALID_TOKEN;
    }
    if (!t->is_jwt) {
        rc = stored_state(ctx, t->client_id, &st);
        if (rc)
            return rc;
    } else if (!token_cache_state_get(t->hash, &st)) {
        generation = token_cache_generation();
        rc = store_token_state(ctx->store, t->client_id, t->jti, &st);
        if (rc)
            return rc;
        token_cache_state_put(t->hash, generation, &st);
    }
    if (st.revoked)
        *why = "token revoked";
    else if (!st.client_exists)
        *why = "client no longer registered";
    else if (!st.client_enabled)
        *why = "client disabled";
    else
        return ERR_OK;
    return ERR_INVALID_TOKEN;
}

static enum err inspect(const struct oauth_ctx *ctx, const char *token, size_t len,
                        bool refresh_too, struct token_info *out, const char **why)
{
    enum err rc = read_any(ctx, token, len, refresh_too, out, why);

    if (!rc)
        rc = check_active(ctx, out, why);
    if (rc)
        token_info_clear(out);
    return rc;
}

enum err token_inspect(const struct oauth_ctx *ctx, const char *token, size_t len,
                       struct token_info *out, const char **why)
{
    return inspect(ctx, token, len, false, out, why);
}

enum err token_introspect(const struct oauth_ctx *ctx, const char *token, size_t len,
                          struct token_info *out, const char **why)
{
    return inspect(ctx, token, len, true, out, why);
}

enum err token_revoke(const struct oauth_ctx *ctx, const char *client_id, const char *token,
                      size_t len)
{
    struct token_info t;
    unsigned char hash[HASH_LEN];
    const char *why;
    enum err rc;

    rc = read_any(ctx, token, len, true, &t, &why);
    if (rc == ERR_INVALID_TOKEN)
        return ERR_OK;
    if (rc)
        return rc;
    if (strcmp(t.client_id, client_id) != 0 || t.expires_at <= clock_now()) {
        token_info_clear(&t);
        return ERR_OK;
    }
    if (t.is_refresh) {
        rc = store_refresh_family_revoke(ctx->store, t.jti);
        token_cache_forget_states();
    } else if (t.is_jwt) {
        rc = store_revocation_add(ctx->store, t.jti, t.client_id, t.expires_at);
        token_cache_forget_states();
    } else {
        hash_sha256(token, len, hash);
        rc = store_token_delete(ctx->store, hash);
        if (rc == ERR_NOT_FOUND)
            rc = ERR_OK;
    }
    token_info_clear(&t);
    return rc;
}

void token_info_clear(struct token_info *t)
{
    if (!t)
        return;
    free(t->subject);
    free(t->audience);
    free(t->scope);
    free(t->claims_userinfo);
    free(t->amr);
    memset(t, 0, sizeof *t);
}
