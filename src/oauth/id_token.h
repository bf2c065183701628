#ifndef OIDCD_OAUTH_ID_TOKEN_H
#define OIDCD_OAUTH_ID_TOKEN_H

/* The ID token (OpenID Connect Core §2, §3.1.3.6). */

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "oauth/oauth.h"

/* What goes into one ID token. Borrowed; optional fields may be NULL. */
struct id_token_claims {
    const char *subject;   /* the user's own sub: grant_id_token_issue puts the
                              sub the client sees in its place */
    const char *client_id; /* aud */
    int64_t auth_time;
    const char *nonce;        /* from the authorization request */
    const char *access_token; /* issued alongside: at_hash */
    const char *code;         /* issued alongside by /authorize: c_hash */
    const char *sid;
    const char *amr;             /* space-separated: a JSON array */
    const json_t *extra;         /* an object of user claims (oauth/claims.c); never
                                    overrides the claims above */
    const struct client *client; /* signs with its id_token_alg (and, for
                                    HS256, its opened secret); NULL: the
                                    server's keys.algorithm */
    bool release_claims;         /* the scope's user claims go in even when
                                    tokens.id_token_include_claims is off
                                    (grant_id_token_issue) */
    const char *requested;       /* space-separated names of user claims the claims
                                    request parameter asked for the ID token (Core
                                    §5.5); NULL: none (grant_id_token_issue) */
};

/* Signs payload (JSON) as client's ID tokens are signed (id_token_sign):
 * with the current key of its id_token_alg, or for HS256 with its secret
 * (OpenID Connect Core §10.1; no kid). client NULL: keys.algorithm. *out is
 * newly allocated (caller frees). ERR_CRYPTO when no key of the algorithm
 * signs, or an HS256 client's secret was not opened. */
enum err id_token_sign(const struct oauth_ctx *ctx, const struct client *client, const char *typ,
                       const char *payload, char **out);

/* Builds and signs (id_token_sign, typ "JWT") an ID token: iss, sub, aud,
 * exp (tokens.id_token_ttl), iat, auth_time, nonce, at_hash (the left half of
 * the SHA-256 of the access token, base64url), c_hash (the same of the
 * code), sid, amr, then extra. *out is
 * newly allocated (caller frees). ERR_CRYPTO when no key signs. */
enum err id_token_issue(const struct oauth_ctx *ctx, const struct id_token_claims *c, char **out);

#endif
