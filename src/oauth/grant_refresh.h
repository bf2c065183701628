#ifndef OIDCD_OAUTH_GRANT_REFRESH_H
#define OIDCD_OAUTH_GRANT_REFRESH_H

/* The refresh_token grant (RFC 6749 §6), with rotation and reuse detection
 * (RFC 9700 §4.14.2). */

#include <stdint.h>

#include "oauth/grant_code.h"
#include "oauth/oauth.h"

/* Mints a refresh token for the grant rt describes (the caller has set its
 * client_id, user_sub, scope, resource, auth_time, sid and the access
 * token issued with it): a fresh 256-bit value into *out (caller frees); its
 * SHA-256 and issued_at (now) into rt; when rt->family is "", a new family
 * begun now (family_issued_at; else the caller copies the family's start).
 * rt->expires_at is tokens.refresh_token_ttl after now, but no later than
 * tokens.refresh_token_max_lifetime after the family began. Nothing is
 * stored. */
enum err grant_refresh_mint(const struct oauth_ctx *ctx, int64_t now, struct refresh_token *rt,
                            char **out);

/* For an authenticated client (a public one has sent its client_id alone).
 * refresh_token and scope are the request's parameters (NULL when absent);
 * claims may be NULL.
 *
 * ERR_UNAUTHORIZED_CLIENT when the client lacks the grant;
 * ERR_INVALID_REQUEST when refresh_token is missing; ERR_INVALID_SCOPE when
 * scope is not within the token's, or not within the client's scope as it is
 * now (client->scope; without scope, the token's is cut to it);
 * ERR_INVALID_GRANT when the client no longer holds offline_access, or the
 * token is unknown, another client's, expired (by its own lifetime or by its
 * family's, tokens.refresh_token_max_lifetime from the code's redemption),
 * its user deleted or disabled, or already used — then its whole family
 * (every refresh token rotated from the same code, and the access tokens
 * issued with them) is revoked. On success *out holds a new access token for
 * scope (the token's own when NULL, cut as above), a new ID token when
 * openid was granted (no nonce; the same sub, auth_time and sid), and the
 * token's successor, which keeps the token's whole scope; the
 * presented token is used up. *why gets a static description on failure.
 *
 * The access token is for the resources res names, or without any, for
 * those the authorization request named, as with the code
 * (grant_authorization_code): ERR_INVALID_TARGET for a resource the request
 * did not name, and the token stays unspent. */
enum err grant_refresh_token(const struct oauth_ctx *ctx, const struct client *client,
                             const char *refresh_token, const char *scope,
                             const struct grant_resources *res, id_token_claims_fn claims,
                             struct token_response *out, const char **why);

#endif
