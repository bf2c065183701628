#include "oauth/access_token.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/b64url.h"
#include "core/clock.h"
#include "core/hash.h"
#include "core/rand.h"

#define JTI_BYTES 16
#define OPAQUE_BYTES 32

static enum err issue_jwt(const struct oauth_ctx *ctx, const struct access_grant *g,
                          const char *jti, int64_t now, char **out)
{
    json_t *claims;
    char *payload = NULL;
    enum err rc = ERR_NOMEM;

    claims = json_pack("{s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:s}", "iss", ctx->cfg->issuer, "sub",
                       g->subject, "aud", g->audience, "exp",
                       (json_int_t)(now + ctx->cfg->access_token_ttl), "iat", (json_int_t)now,
                       "jti", jti, "client_id", g->client->id, "scope", g->scope);
    if (claims)
        payload = json_dumps(claims, JSON_COMPACT);
    if (payload)
        rc = keystore_sign(ctx->keys, "at+jwt", payload, strlen(payload), out);
    free(payload);
    json_decref(claims);
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
                            long *expires_in)
{
    char jti[32];
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
    return rc;
}
