#ifndef OIDCD_OAUTH_LOGOUT_H
#define OIDCD_OAUTH_LOGOUT_H

/* RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0) without
 * HTTP: the id_token_hint checked as one of our own ID tokens, and the
 * post_logout_redirect_uri matched against the client's registration. */

#include <stdbool.h>
#include <stddef.h>

#include "core/limits.h"
#include "oauth/oauth.h"

/* What a verified id_token_hint says. */
struct logout_hint {
    char *sub;
    char *sid;                           /* NULL when the token has none */
    char client_id[LIMIT_CLIENT_ID + 1]; /* its aud, or azp when aud names several */
};

/* Verifies the len bytes at token as an ID token this server issued: signed
 * by one of the published keys (or, HS256, with the secret of the HS256
 * client its audience names), header typ JWT (so never an access token),
 * iss the issuer, a sub and one audience. Its expiry is not checked: a hint
 * may be old (§2). Fills out (caller frees with logout_hint_clear, either
 * way). ERR_INVALID_TOKEN with a static *why; ERR_NOMEM. */
enum err logout_hint_verify(const struct oauth_ctx *ctx, const char *token, size_t len,
                            struct logout_hint *out, const char **why);
void logout_hint_clear(struct logout_hint *h);

/* True when the hint names the user user_sub and, when it carries a sid,
 * the session sid. */
bool logout_hint_matches(const struct logout_hint *h, const char *user_sub, const char *sid);

/* True when uri is one of c's post_logout_redirect_uris, byte for byte. */
bool logout_redirect_registered(const struct client *c, const char *uri);

#endif
