#include "jose/jwk.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/b64url.h"
#include "core/hash.h"
#include "core/log.h"

static void log_cjose(const char *what, const cjose_err *err)
{
    log_kv(LOG_ERROR, "jose error", "op", what, "error", err->message, NULL);
}

enum err jwk_generate(const char *alg, cjose_jwk_t **out)
{
    static const uint8_t e65537[] = {0x01, 0x00, 0x01};
    cjose_jwk_t *jwk = NULL;
    cjose_err err;
    char kid[44];

    if (strcmp(alg, "RS256") == 0)
        jwk = cjose_jwk_create_RSA_random(2048, e65537, sizeof e65537, &err);
    else if (strcmp(alg, "ES256") == 0)
        jwk = cjose_jwk_create_EC_random(CJOSE_JWK_EC_P_256, &err);
    else
        return ERR_CONFIG;
    if (!jwk) {
        log_cjose("generate", &err);
        return ERR_CRYPTO;
    }
    if (jwk_thumbprint(jwk, kid) || !cjose_jwk_set_kid(jwk, kid, strlen(kid), &err)) {
        cjose_jwk_release(jwk);
        return ERR_CRYPTO;
    }
    *out = jwk;
    return ERR_OK;
}

enum err jwk_thumbprint(const cjose_jwk_t *jwk, char kid[44])
{
    static const char *const rsa_members[] = {"e", "kty", "n", NULL};
    static const char *const ec_members[] = {"crv", "kty", "x", "y", NULL};
    const char *const *members;
    unsigned char digest[HASH_LEN];
    json_t *full = NULL, *canon = NULL;
    char *text = NULL, *canon_text = NULL;
    cjose_err err;
    enum err rc = ERR_CRYPTO;
    size_t i;

    text = cjose_jwk_to_json(jwk, false, &err);
    full = text ? json_loads(text, 0, NULL) : NULL;
    if (!full)
        goto out;
    members = cjose_jwk_get_kty(jwk, &err) == CJOSE_JWK_KTY_RSA ? rsa_members : ec_members;
    canon = json_object();
    for (i = 0; canon && members[i]; i++) {
        json_t *v = json_object_get(full, members[i]);
        /* json_object_set adds its own reference; v stays owned by full */
        if (!v || json_object_set(canon, members[i], v))
            goto out;
    }
    /* RFC 7638 §3: members in lexicographic order, no white space */
    canon_text = canon ? json_dumps(canon, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    if (!canon_text)
        goto out;
    hash_sha256(canon_text, strlen(canon_text), digest);
    b64url_encode(digest, sizeof digest, kid);
    rc = ERR_OK;
out:
    free(text);
    free(canon_text);
    json_decref(full);
    json_decref(canon);
    return rc;
}

char *jwk_private_json(const cjose_jwk_t *jwk)
{
    cjose_err err;

    return cjose_jwk_to_json(jwk, true, &err);
}

char *jwk_public_json(const cjose_jwk_t *jwk, const char *alg)
{
    cjose_err err;
    char *text = cjose_jwk_to_json(jwk, false, &err);
    json_t *obj = text ? json_loads(text, 0, NULL) : NULL;
    char *out = NULL;

    if (obj && !json_object_set_new(obj, "alg", json_string(alg)) &&
        !json_object_set_new(obj, "use", json_string("sig")))
        out = json_dumps(obj, JSON_COMPACT);
    free(text);
    json_decref(obj);
    return out;
}

enum err jwk_import(const char *json, cjose_jwk_t **out)
{
    cjose_err err;

    *out = cjose_jwk_import(json, strlen(json), &err);
    if (!*out) {
        log_cjose("import", &err);
        return ERR_CRYPTO;
    }
    return ERR_OK;
}
