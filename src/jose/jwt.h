#ifndef OIDCD_JOSE_JWT_H
#define OIDCD_JOSE_JWT_H

/* Verifying compact JWS tokens against a JWK set: used by the server (for
 * its own tokens) and by liboidc-rs (for tokens of an issuer it trusts). The
 * algorithm is taken from the key, never from the token alone: a token whose
 * header names another algorithm than its key is refused, and "none" always. */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/errors.h"

struct jwks;

/* Parses a JWKS document ({"keys": [...]}) of at most LIMIT_JWKS bytes.
 * Keys that are not for signatures ("use" other than "sig") or of a type or
 * algorithm we do not verify (RS256, PS256, ES256) are skipped. A key with no
 * "alg" gets RS256 (RSA) or ES256 (P-256). ERR_INVALID_REQUEST when the
 * document is malformed. Caller frees with jwks_free. */
enum err jwks_parse(const char *json, size_t len, struct jwks **out);
void jwks_free(struct jwks *set);

/* Number of usable keys in set; whether one has this kid. */
size_t jwks_count(const struct jwks *set);
bool jwks_has_kid(const struct jwks *set, const char *kid);
/* True when some key in the set verifies alg. */
bool jwks_has_alg(const struct jwks *set, const char *alg);

struct jwt {
    char alg[16];
    char kid[128];
    char typ[64];   /* "" when absent */
    json_t *claims; /* the payload, a JSON object; owned */
};

/* Verifies a compact JWS of len bytes with the key its header names (or the
 * only key, when the header names none) and decodes its claims into out
 * (caller frees with jwt_clear). Returns ERR_OK; ERR_NOT_FOUND when no key in
 * set has the token's kid (the caller may refetch its JWKS); ERR_INVALID_TOKEN
 * otherwise, with a static *why. Does not check any claim. */
enum err jwt_verify(const char *token, size_t len, const struct jwks *set, struct jwt *out,
                    const char **why);

/* Verifies a compact HS256 JWS keyed by the secret_len octets of secret
 * (a client secret, OpenID Connect Core §10.1) and decodes its claims, as
 * jwt_verify does; a header naming any other algorithm is refused. */
enum err jwt_verify_hmac(const char *token, size_t len, const char *secret, size_t secret_len,
                         struct jwt *out, const char **why);

/* Decodes the header and claims of a well-formed compact JWS WITHOUT checking
 * its signature: only to find which key verifies it (an HS256 token's
 * audience names the client whose secret it is). Caller frees with
 * jwt_clear; ERR_INVALID_TOKEN with a static *why. */
enum err jwt_decode_unverified(const char *token, size_t len, struct jwt *out, const char **why);

/* What a token must hold to be accepted. */
struct jwt_expect {
    const char *issuer;   /* iss must equal it */
    const char *typ;      /* header typ, e.g. "at+jwt" ("application/" prefix allowed); NULL: any */
    const char *audience; /* aud must be or contain it; NULL: any */
    int64_t now;
    long leeway; /* seconds of clock skew allowed on exp and nbf */
};

/* Checks iss, typ, aud, exp (required) and nbf. ERR_INVALID_TOKEN with a static
 * *why. */
enum err jwt_check(const struct jwt *t, const struct jwt_expect *e, const char **why);

/* A string claim, or NULL when absent or not a string. Borrowed from t. */
const char *jwt_claim_str(const struct jwt *t, const char *name);
/* An integer claim, or 0 when absent or not an integer. */
int64_t jwt_claim_int(const struct jwt *t, const char *name);

void jwt_clear(struct jwt *t);

#endif
