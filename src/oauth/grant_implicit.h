#ifndef OIDCD_OAUTH_GRANT_IMPLICIT_H
#define OIDCD_OAUTH_GRANT_IMPLICIT_H

/* What /authorize issues once the user has signed in and consented: the
 * code of the code flow, and the tokens of the implicit and hybrid flows
 * (OpenID Connect Core §3.2.2.5, §3.3.2.5). */

#include "core/text.h"
#include "oauth/authorize_request.h"
#include "oauth/grant_code.h"

/* What was issued; NULL for what the response type does not ask for. */
struct implicit_tokens {
    char *code;
    char *access_token; /* no refresh token ever comes from /authorize */
    char expires_in[TEXT_INT_SIZE];
    char *scope; /* the access token's: the granted scope, cut to its resources */
    char *id_token;
};

/* Frees what t holds and empties it; t may be NULL. */
void implicit_tokens_clear(struct implicit_tokens *t);

/* Issues what r->response_words asks for, for the user of se and client
 * (the client r names): a code bound to r and se (code_issue); an access
 * token for the resources r named, or every resource owning a granted scope
 * (resource_target, as the code it would come from at /token), in the
 * client's format or theirs, its scope cut to theirs; an ID token (nonce, auth_time, sid, amr;
 * at_hash with an access token, c_hash with a code) carrying the user
 * claims of the scope (from claims) when it is issued alone (Core §5.4),
 * otherwise as tokens.id_token_include_claims says, and those r's claims
 * parameter asks for the ID token (Core §5.5); the code and the access token
 * carry the names it asks for /userinfo. Caller clears *out
 * either way. ERR_INVALID_TARGET (with *why) when the resources changed since
 * the request was checked; ERR_NOMEM, ERR_STORE, ERR_CRYPTO, or what claims
 * returns. */
enum err grant_implicit_issue(const struct oauth_ctx *ctx, const struct client *client,
                              const struct authorize_request *r, const struct session *se,
                              id_token_claims_fn claims, struct implicit_tokens *out,
                              const char **why);

/* The fields of t for authorize_response_success, borrowed from t. */
void implicit_tokens_view(const struct implicit_tokens *t, struct authorize_issued *view);

#endif
