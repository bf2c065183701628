#include "oauth/session.h"

#include <openssl/crypto.h>
#include <string.h>

#include "core/clock.h"
#include "core/hash.h"
#include "core/rand.h"

#define SID_BYTES 16

enum err session_create(const struct oauth_ctx *ctx, const char *user_sub, const char *amr,
                        const struct session_origin *origin, char token[SESSION_TOKEN_SIZE],
                        struct session *out)
{
    struct session se = {0};
    int64_t now = clock_now();
    enum err rc;

    rc = rand_token(token, SESSION_TOKEN_BYTES);
    if (!rc)
        rc = rand_token(se.sid, SID_BYTES);
    if (rc)
        goto out;
    hash_sha256(token, SESSION_TOKEN_LEN, se.id_hash);
    se.user_sub = (char *)user_sub;
    se.amr = (char *)amr;
    if (origin) {
        se.address = (char *)origin->address;
        se.browser = (char *)origin->browser;
    }
    se.auth_time = now;
    se.created_at = now;
    se.expires_at = now + ctx->cfg->session_ttl;
    rc = store_session_insert(ctx->store, &se);
    if (rc || !out)
        goto out;
    *out = se;
    out->address = NULL;
    out->browser = NULL;
    out->user_sub = strdup(user_sub);
    out->amr = strdup(amr);
    if (!out->user_sub || !out->amr) {
        session_clear(out);
        rc = ERR_NOMEM;
    }
out:
    if (rc)
        OPENSSL_cleanse(token, SESSION_TOKEN_SIZE);
    return rc;
}

/* The stored hash of a well-formed token value; false for anything else. */
static bool token_hash(const char *token, unsigned char hash[HASH_LEN])
{
    size_t i;

    if (!token || strlen(token) != SESSION_TOKEN_LEN)
        return false;
    for (i = 0; i < SESSION_TOKEN_LEN; i++) {
        unsigned char ch = (unsigned char)token[i];
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
              ch == '-' || ch == '_'))
            return false;
    }
    hash_sha256(token, SESSION_TOKEN_LEN, hash);
    return true;
}

enum err session_lookup(const struct oauth_ctx *ctx, const char *token, struct session *out)
{
    unsigned char hash[HASH_LEN];
    enum err rc;

    memset(out, 0, sizeof *out);
    if (!token_hash(token, hash))
        return ERR_NOT_FOUND;
    rc = store_session_get(ctx->store, hash, out);
    if (!rc && out->expires_at <= clock_now()) {
        session_clear(out);
        rc = ERR_NOT_FOUND;
    }
    return rc;
}

enum err session_end(const struct oauth_ctx *ctx, const char *token)
{
    unsigned char hash[HASH_LEN];
    enum err rc;

    if (!token_hash(token, hash))
        return ERR_OK;
    rc = store_session_delete(ctx->store, hash);
    return rc == ERR_NOT_FOUND ? ERR_OK : rc;
}

enum err session_pending_create(const struct oauth_ctx *ctx, const char *user_sub, const char *amr,
                                int64_t auth_time, char token[SESSION_TOKEN_SIZE])
{
    struct session p = {0};
    int64_t now = clock_now();
    enum err rc = rand_token(token, SESSION_TOKEN_BYTES);

    if (!rc) {
        hash_sha256(token, SESSION_TOKEN_LEN, p.id_hash);
        p.user_sub = (char *)user_sub;
        p.amr = (char *)amr;
        p.auth_time = auth_time;
        p.created_at = now;
        p.expires_at = now + SESSION_PENDING_TTL;
        rc = store_pending_insert(ctx->store, &p);
    }
    if (rc)
        OPENSSL_cleanse(token, SESSION_TOKEN_SIZE);
    return rc;
}

enum err session_pending_lookup(const struct oauth_ctx *ctx, const char *token, struct session *out)
{
    unsigned char hash[HASH_LEN];
    enum err rc;

    memset(out, 0, sizeof *out);
    if (!token_hash(token, hash))
        return ERR_NOT_FOUND;
    rc = store_pending_get(ctx->store, hash, out);
    if (!rc && out->expires_at <= clock_now()) {
        session_clear(out);
        rc = ERR_NOT_FOUND;
    }
    return rc;
}

enum err session_pending_take(const struct oauth_ctx *ctx, const char *token)
{
    unsigned char hash[HASH_LEN];

    if (!token_hash(token, hash))
        return ERR_NOT_FOUND;
    return store_pending_delete(ctx->store, hash);
}
