#include "oauth/access_token.h"

#include <stdlib.h>
#include <string.h>

#include "core/b64url.h"
#include "core/clock.h"
#include "core/hash.h"
#include "core/json_writer.h"
#include "core/rand.h"

#define JTI_BYTES 16
#define OPAQUE_BYTES 32
/* issuer, ids and scope are bounded (core/limits.h): claims stay far below */
#define CLAIMS_MAX (16 * 1024)

static enum err issue_jwt(const struct oauth_ctx *ctx, const struct access_grant *g,
                          const char *jti, int64_t now, char **out)
{
    struct json_writer w;
    char *payload;
    size_t len = 0;
    enum err rc = ERR_NOMEM;

    json_writer_begin(&w, CLAIMS_MAX);
    json_writer_string(&w, "iss", ctx->cfg->issuer);
    json_writer_string(&w, "sub", g->subject);
    json_writer_string(&w, "aud", g->audience);
    json_writer_int(&w, "exp", now + ctx->cfg->access_token_ttl);
    json_writer_int(&w, "iat", now);
    json_writer_string(&w, "jti", jti);
    json_writer_string(&w, "client_id", g->client->id);
    json_writer_string(&w, "scope", g->scope);
    payload = json_writer_finish(&w, &len);
    if (payload)
        rc = keystore_sign(ctx->keys, "at+jwt", payload, len, out);
    free(payload);
    return rc;
}

static enum err issue_opaque(const struct oauth_ctx *ctx, const struct access_grant *g,
                             const char *jti, int64_t now, char **out)
{
    struct token t = {0};
    char *value = malloc(b64url_encoded_len(OPAQUE_BYTES) + 1);
    enum err rc;

    if (!value)
        return ERR_NOMEM;
    rc = rand_token(value, OPAQUE_BYTES);
    if (rc)
        goto out;
    hash_sha256(value, strlen(value), t.hash);
    memcpy(t.jti, jti, strlen(jti) + 1);
    memcpy(t.client_id, g->client->id, sizeof t.client_id);
    t.subject = (char *)g->subject;
    t.scope = (char *)g->scope;
    t.issued_at = now;
    t.expires_at = now + ctx->cfg->access_token_ttl;
    /* acknowledged only once stored: the token is useless otherwise */
    rc = store_token_insert(ctx->store, &t);
out:
    if (rc) {
        free(value);
        return rc;
    }
    *out = value;
    return ERR_OK;
}

enum err access_token_issue(const struct oauth_ctx *ctx, const struct access_grant *g, char **out,
                            long *expires_in, char jti_out[ACCESS_TOKEN_JTI_SIZE])
{
    char jti[ACCESS_TOKEN_JTI_SIZE];
    int64_t now = clock_now();
    enum err rc;

    rc = rand_token(jti, JTI_BYTES);
    if (rc)
        return rc;
    if (g->client->token_format == TOKEN_FORMAT_OPAQUE)
        rc = issue_opaque(ctx, g, jti, now, out);
    else
        rc = issue_jwt(ctx, g, jti, now, out);
    if (!rc)
        *expires_in = ctx->cfg->access_token_ttl;
    if (!rc && jti_out)
        memcpy(jti_out, jti, sizeof jti);
    return rc;
}
