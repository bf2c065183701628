#ifndef OIDCD_OAUTH_GRANT_CODE_H
#define OIDCD_OAUTH_GRANT_CODE_H

/* Authorization codes: made for /authorize, redeemed by the
 * authorization_code grant (RFC 6749 §4.1, RFC 7636, OpenID Connect Core
 * §3.1.3). */

#include <jansson.h>
#include <stdint.h>

#include "oauth/access_token.h"
#include "oauth/id_token.h"
#include "oauth/oauth.h"
#include "oauth/pkce.h"
#include "oauth/resource.h"

/* What a code is bound to: the validated authorization request and the
 * session that approved it. Borrowed; nonce and code_challenge may be NULL. */
struct code_request {
    const char *client_id;
    const char *redirect_uri; /* as the request sent it */
    const char *user_sub;
    const char *scope; /* granted, space-separated */
    const char *nonce;
    const char *code_challenge;
    enum pkce_method code_challenge_method; /* NONE exactly when no challenge */
    int64_t auth_time;
    const char *amr;
    const char *sid;
    const struct strlist *resources; /* RFC 8707: the resources requested; may be NULL */
    /* the access token /authorize issued with the code (hybrid), which a
     * replay of the code revokes too; NULL when none */
    const char *front_at_jti;
    int64_t front_at_expires_at;
    /* the claim names the claims request parameter asked for, space-separated;
     * NULL: none */
    const char *claims_userinfo;
    const char *claims_id_token;
};

/* The resource parameters of a token request (RFC 8707 §2), borrowed. */
struct grant_resources {
    const char *const *ids;
    size_t n;
};

/* Makes a 256-bit single-use code bound to r, stored as its SHA-256, valid
 * for tokens.code_ttl. *out is newly allocated (caller frees). */
enum err code_issue(const struct oauth_ctx *ctx, const struct code_request *r, char **out);

/* The user's claims for the ID token (oauth/claims.c): a new JSON object for
 * sub, the granted scope (may be "") and the names (space-separated, NULL
 * for none) the claims request parameter asked for, or NULL for none. */
typedef enum err (*id_token_claims_fn)(const struct oauth_ctx *ctx, const char *sub,
                                       const char *scope, const char *names, json_t **out);

/* Signs the ID token c into *out (caller frees), with the user's claims from
 * claims (may be NULL): those of scope when tokens.id_token_include_claims is
 * on or c->release_claims is set, and those c->requested names. Its sub is
 * the one c->client_id sees for the user c->subject (oauth/subject.h). */
enum err grant_id_token_issue(const struct oauth_ctx *ctx, struct id_token_claims *c,
                              const char *scope, id_token_claims_fn claims, char **out);

/* ERR_OK when the user sub still exists and is enabled: deleting or
 * disabling a user stops what they approved before. ERR_INVALID_GRANT (with
 * *why) otherwise; other errors when the store fails. */
enum err grant_user_check(const struct oauth_ctx *ctx, const char *sub, const char **why);

/* What a user granted a client, whichever grant brings it (a code, a
 * password). Borrowed; nonce may be NULL, sid is "" without a session. */
struct user_grant {
    const char *user_sub;
    const char *scope;    /* granted, space-separated */
    const char *resource; /* the resource ids the grant's request named
                             (space-separated), kept by the refresh token;
                             NULL: none */
    int64_t auth_time;
    const char *amr;
    const char *sid;
    const char *nonce;
    /* the claim names the claims request parameter asked for (kept by the
     * refresh token), space-separated; NULL: none */
    const char *claims_userinfo;
    const char *claims_id_token;
};

/* What grant_user_issue issued, for the caller to record. */
struct user_issued {
    char jti[ACCESS_TOKEN_JTI_SIZE]; /* the access token's */
    int64_t at_expires_at;
    bool has_refresh;
    struct refresh_token refresh; /* when has_refresh: not stored yet; its
                                     strings are borrowed from the grant */
};

/* Issues the tokens of u to client into out: an access token for target
 * (oauth/resource.h), whose scope out->scope takes over (target->scope
 * becomes NULL), an ID token (at_hash, nonce, sid, amr; user claims from
 * claims, which may be NULL) when u's scope has openid, and a refresh token
 * of a new family, with u's whole scope and resources, when the client holds
 * the refresh_token grant and u's scope has offline_access — its row into
 * issued->refresh, for the caller to store as its grant requires. The
 * caller clears out on failure. */
enum err grant_user_issue(const struct oauth_ctx *ctx, const struct client *client,
                          const struct user_grant *u, struct token_target *target,
                          id_token_claims_fn claims, int64_t now, struct token_response *out,
                          struct user_issued *issued);

/* The authorization_code grant for an authenticated client (a public one has
 * sent its client_id alone). code, redirect_uri and code_verifier are the
 * request's parameters (NULL when absent); claims may be NULL.
 *
 * ERR_UNAUTHORIZED_CLIENT when the client lacks the grant; ERR_INVALID_REQUEST
 * when code or redirect_uri is missing; ERR_INVALID_GRANT when the code is
 * unknown, expired, another client's, already used (then whatever its first
 * use issued is revoked), redirect_uri differs from the authorization
 * request's, a code_verifier is sent for a code issued without a challenge
 * or none for one with it, the verifier does not match, or a public client's
 * code was issued without S256. On success *out holds the access token, the
 * granted scope, the ID token when openid was granted and a refresh token
 * when the client holds the refresh_token grant and offline_access was
 * granted; what was issued is recorded on the code. *why gets a static
 * description on failure.
 *
 * The access token is for the resources res names, each one the
 * authorization request named too, or without any, for those the request
 * named (resource_target_granted, oauth/resource.h; ERR_INVALID_TARGET, and
 * the code is used up); its scope, and the answer's, is cut to theirs. The
 * ID token and the refresh token keep the code's whole scope; the refresh
 * token keeps the request's resources. */
enum err grant_authorization_code(const struct oauth_ctx *ctx, const struct client *client,
                                  const char *code, const char *redirect_uri,
                                  const char *code_verifier, const struct grant_resources *res,
                                  id_token_claims_fn claims, struct token_response *out,
                                  const char **why);

#endif
