#include "oauth/logout.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "jose/jwt.h"
#include "oauth/client_cache.h"

/* The client the token was issued to: aud when it names one, else azp when
 * aud holds it (OIDC Core §2). NULL when neither says. Borrowed from t. */
static const char *audience_of(const struct jwt *t)
{
    json_t *aud = json_object_get(t->claims, "aud");
    const char *azp = jwt_claim_str(t, "azp");
    size_t i;
    json_t *v;

    if (json_is_string(aud))
        return json_string_value(aud);
    if (!json_is_array(aud))
        return NULL;
    if (json_array_size(aud) == 1)
        return json_string_value(json_array_get(aud, 0));
    json_array_foreach(aud, i, v)
    {
        if (azp && json_is_string(v) && strcmp(json_string_value(v), azp) == 0)
            return azp;
    }
    return NULL;
}

static enum err read_claims(const struct jwt *t, struct logout_hint *out, const char **why)
{
    const char *sub = jwt_claim_str(t, "sub");
    const char *sid = jwt_claim_str(t, "sid");

    if (!sub || !*sub) {
        *why = "the token has no sub";
        return ERR_INVALID_TOKEN;
    }
    if (!text_copy(out->client_id, sizeof out->client_id, audience_of(t))) {
        *why = "the token names no single audience";
        return ERR_INVALID_TOKEN;
    }
    out->sub = strdup(sub);
    out->sid = sid ? strdup(sid) : NULL;
    return !out->sub || (sid && !out->sid) ? ERR_NOMEM : ERR_OK;
}

/* An HS256 hint is keyed by the secret of the client its audience names:
 * read the audience unverified, then verify with that client's secret. */
static enum err verify_hmac(const struct oauth_ctx *ctx, const char *token, size_t len,
                            struct jwt *t, const char **why)
{
    char id[LIMIT_CLIENT_ID + 1];
    struct client c = {0};
    enum err rc;

    if (!text_copy(id, sizeof id, audience_of(t))) {
        *why = "the token names no single audience";
        return ERR_INVALID_TOKEN;
    }
    jwt_clear(t);
    rc = client_cache_get(ctx->store, ctx->keys, id, &c);
    if (rc == ERR_NOT_FOUND || (!rc && strcmp(c.id_token_alg, "HS256") != 0) ||
        (!rc && !c.secret_opened)) {
        *why = "no HS256 client has the token's audience";
        rc = ERR_INVALID_TOKEN;
    }
    if (!rc)
        rc = jwt_verify_hmac(token, len, c.secret_opened, strlen(c.secret_opened), t, why);
    client_clear(&c);
    return rc;
}

/* Verifies the token with a published key, or an HS256 one with its
 * client's secret. */
static enum err verify_any(const struct oauth_ctx *ctx, const char *token, size_t len,
                           struct jwt *t, const char **why)
{
    enum err rc = jwt_decode_unverified(token, len, t, why);

    if (rc)
        return rc;
    if (strcmp(t->alg, "HS256") == 0)
        return verify_hmac(ctx, token, len, t, why);
    jwt_clear(t);
    return keystore_verify(ctx->keys, token, len, t, why);
}

enum err logout_hint_verify(const struct oauth_ctx *ctx, const char *token, size_t len,
                            struct logout_hint *out, const char **why)
{
    struct jwt t;
    struct jwt_expect e = {ctx->cfg->issuer, "JWT", NULL, 0, 0};
    enum err rc;

    memset(out, 0, sizeof *out);
    if (len > LIMIT_ID_TOKEN_HINT) {
        *why = "the token is too long";
        return ERR_INVALID_TOKEN;
    }
    rc = verify_any(ctx, token, len, &t, why);
    if (rc) {
        jwt_clear(&t);
        return rc;
    }
    /* any expiry will do: check the rest as of just before it */
    e.now = jwt_claim_int(&t, "exp") - 1;
    rc = jwt_check(&t, &e, why);
    if (!rc)
        rc = read_claims(&t, out, why);
    jwt_clear(&t);
    return rc;
}

void logout_hint_clear(struct logout_hint *h)
{
    if (!h)
        return;
    free(h->sub);
    free(h->sid);
    memset(h, 0, sizeof *h);
}

bool logout_hint_matches(const struct logout_hint *h, const char *user_sub, const char *sid)
{
    if (!h->sub || !user_sub || strcmp(h->sub, user_sub) != 0)
        return false;
    return !h->sid || (sid && strcmp(h->sid, sid) == 0);
}

bool logout_redirect_registered(const struct client *c, const char *uri)
{
    return strlist_contains(&c->post_logout_redirect_uris, uri);
}
