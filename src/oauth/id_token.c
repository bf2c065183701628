#include "oauth/id_token.h"

#include <stdlib.h>
#include <string.h>

#include "core/b64url.h"
#include "core/clock.h"
#include "core/hash.h"
#include "core/strlist.h"
#include "jose/jws.h"
#include "oauth/mfa.h"

enum err id_token_sign(const struct oauth_ctx *ctx, const struct client *client, const char *typ,
                       const char *payload, char **out)
{
    const char *alg =
        client && client->id_token_alg[0] ? client->id_token_alg : ctx->cfg->key_algorithm;

    if (strcmp(alg, "HS256") != 0)
        return keystore_sign(ctx->keys, alg, typ, payload, strlen(payload), out);
    if (!client->secret_opened)
        return ERR_CRYPTO;
    return jws_sign_hmac(client->secret_opened, strlen(client->secret_opened), typ, payload,
                         strlen(payload), out);
}

/* at_hash and c_hash (Core §3.1.3.6, §3.3.2.11): the left half of the hash
 * of value; every algorithm signs with SHA-256 (RS256, ES256, HS256). */
static enum err add_half_hash(json_t *claims, const char *name, const char *value)
{
    unsigned char digest[HASH_LEN];
    char half[32]; /* 22 characters */

    if (!value)
        return ERR_OK;
    hash_sha256(value, strlen(value), digest);
    b64url_encode(digest, HASH_LEN / 2, half);
    return json_object_set_new(claims, name, json_string(half)) ? ERR_NOMEM : ERR_OK;
}

static enum err add_amr(json_t *claims, const char *amr)
{
    struct strlist methods = {0};
    json_t *array = json_array();
    enum err rc = array ? strlist_split(&methods, amr, " ") : ERR_NOMEM;
    size_t i;

    for (i = 0; !rc && i < methods.n; i++)
        if (json_array_append_new(array, json_string(methods.items[i])))
            rc = ERR_NOMEM;
    strlist_free(&methods);
    if (!rc && json_array_size(array) > 0)
        return json_object_set_new(claims, "amr", array) ? ERR_NOMEM : ERR_OK;
    json_decref(array);
    return rc;
}

static enum err set_optional(json_t *claims, const char *name, const char *value)
{
    if (!value || !*value)
        return ERR_OK;
    return json_object_set_new(claims, name, json_string(value)) ? ERR_NOMEM : ERR_OK;
}

static json_t *base_claims(const struct oauth_ctx *ctx, const struct id_token_claims *c)
{
    int64_t now = clock_now();

    return json_pack("{s:s, s:s, s:s, s:I, s:I, s:I}", "iss", ctx->cfg->issuer, "sub", c->subject,
                     "aud", c->client_id, "exp", (json_int_t)(now + ctx->cfg->id_token_ttl), "iat",
                     (json_int_t)now, "auth_time", (json_int_t)c->auth_time);
}

enum err id_token_issue(const struct oauth_ctx *ctx, const struct id_token_claims *c, char **out)
{
    json_t *claims = base_claims(ctx, c);
    char *payload = NULL;
    enum err rc = claims ? ERR_OK : ERR_NOMEM;

    if (!rc)
        rc = set_optional(claims, "nonce", c->nonce);
    if (!rc)
        rc = set_optional(claims, "sid", c->sid);
    if (!rc)
        rc = add_half_hash(claims, "at_hash", c->access_token);
    if (!rc)
        rc = add_half_hash(claims, "c_hash", c->code);
    if (!rc && c->amr && *c->amr)
        rc = add_amr(claims, c->amr);
    /* the level the methods reach (docs/ENDPOINTS.md): known with them */
    if (!rc && c->amr && *c->amr)
        rc = set_optional(claims, "acr", mfa_acr(mfa_level_of_amr(c->amr)));
    /* user claims never replace the ones above (update_missing) */
    if (!rc && c->extra && json_object_update_missing(claims, (json_t *)c->extra))
        rc = ERR_NOMEM;
    if (!rc) {
        payload = json_dumps(claims, JSON_COMPACT);
        rc = payload ? ERR_OK : ERR_NOMEM;
    }
    if (!rc)
        rc = id_token_sign(ctx, c->client, "JWT", payload, out);
    free(payload);
    json_decref(claims);
    return rc;
}
