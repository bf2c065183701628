#ifndef OIDCD_OAUTH_USER_CLAIMS_H
#define OIDCD_OAUTH_USER_CLAIMS_H

/* A signed-in user's claims as a token's scope releases them: what userinfo
 * answers and what an ID token carries when tokens.id_token_include_claims is
 * on. */

#include <jansson.h>

#include "oauth/oauth.h"

/* The claims of the user sub that scope (space-separated, as granted)
 * releases, and those names (space-separated, the claims request
 * parameter's; NULL for none) names, through claims_release: a new object (*out, caller
 * json_decref) with "sub" first, empty claims left out. ERR_NOT_FOUND when the user no longer
 * exists or is disabled (a token or code issued to them speaks for no one now); ERR_STORE,
 * ERR_NOMEM. Its signature is id_token_claims_fn's. */
enum err user_claims_get(const struct oauth_ctx *ctx, const char *sub, const char *scope,
                         const char *names, json_t **out);

#endif
