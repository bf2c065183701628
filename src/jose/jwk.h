#ifndef OIDCD_JOSE_JWK_H
#define OIDCD_JOSE_JWK_H

#include <cjose/jwk.h>
#include <openssl/crypto.h>

#include "core/errors.h"

/* A fresh private key for alg ("RS256": RSA-2048, "ES256": P-256) with its
 * kid set to the RFC 7638 thumbprint. Caller releases with cjose_jwk_release. */
enum err jwk_generate(const char *alg, cjose_jwk_t **out);

/* The RFC 7638 SHA-256 thumbprint of the key, base64url, into kid[44]. */
enum err jwk_thumbprint(const cjose_jwk_t *jwk, char kid[44]);

/* The key's JSON: private (for sealing) or public with "kid", "alg" and
 * "use": "sig" (for the JWKS). Newly allocated; caller frees. */
char *jwk_private_json(const cjose_jwk_t *jwk);
char *jwk_public_json(const cjose_jwk_t *jwk, const char *alg);

/* Parses a JWK JSON document. ERR_CRYPTO if it is not one. */
enum err jwk_import(const char *json, cjose_jwk_t **out);

/* Releases a symmetric (oct) key made from a client secret, its copy of the
 * secret wiped first: cjose frees key data without clearing it. Inline, so
 * that liboidc-rs, which links jwt.c without this file, can use it. */
static inline void jwk_oct_release(cjose_jwk_t *jwk)
{
    /* an oct key's data is its bytes, keysize bits long */
    void *key = jwk ? cjose_jwk_get_keydata(jwk, NULL) : NULL;

    if (key)
        OPENSSL_cleanse(key, cjose_jwk_get_keysize(jwk, NULL) / 8);
    cjose_jwk_release(jwk);
}

#endif
