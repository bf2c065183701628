#ifndef OIDCD_OAUTH_GRANT_PASSWORD_H
#define OIDCD_OAUTH_GRANT_PASSWORD_H

/* The resource owner password credentials grant (RFC 6749 §4.3), off unless
 * grants.password is on. RFC 9700 §2.4 says it MUST NOT be used; it is here
 * for the operators django-oidc-provider's OIDC_GRANT_TYPE_PASSWORD_ENABLE
 * served, with the login page's checks: the throttle, argon2id with an
 * equal-cost dummy, the re-hash. */

#include <stddef.h>

#include "oauth/grant_code.h"
#include "oauth/login.h"

/* One request's parameters. Borrowed. */
struct password_grant_request {
    struct login_attempt login;       /* username, password (NULL when absent), address */
    const char *scope;                /* NULL: the client's whole scope */
    struct grant_resources resources; /* RFC 8707 */
};

/* What became of the attempt, for the answer and the log. */
struct password_grant_result {
    long retry_after;             /* ERR_THROTTLED: seconds until an attempt may come;
                                     ERR_INVALID_GRANT: the lock this failure started, or 0 */
    const char *reason;           /* why the credentials were refused (static; never
                                     the password), or NULL */
    char user_sub[LIMIT_SUB + 1]; /* the account the username named; "" if none */
};

/* For an authenticated client; claims may be NULL.
 *
 * ERR_UNSUPPORTED_GRANT_TYPE while grants.password is off;
 * ERR_UNAUTHORIZED_CLIENT for a public client or one not registered for the
 * grant; ERR_INVALID_REQUEST when username or password is missing or longer
 * than LIMIT_USERNAME or LIMIT_PASSWORD; ERR_INVALID_SCOPE and
 * ERR_INVALID_TARGET as for client_credentials — all of these before the
 * password is checked, so none is counted by the throttle. Then
 * ERR_INVALID_GRANT, with one description whatever the cause (res->reason
 * has it), for an unknown username, a disabled user, one without password
 * or a wrong password, each at the cost of one argon2id verification;
 * ERR_THROTTLED (res->retry_after) while the account (or the address, when
 * r->login.address is not NULL) is locked out (oauth/login.h).
 *
 * On success *out holds an access token whose sub is the user's (aud and
 * scope as client_credentials decides them from the granted scope and
 * resources), an ID token when openid is granted (auth_time now, amr pwd, no
 * nonce, no sid) and a refresh token when the client holds refresh_token and
 * offline_access is granted, stored before this returns; it keeps the
 * requested resources, as a code keeps its authorization request's. *why gets a static
 * description on failure. */
enum err grant_password(const struct oauth_ctx *ctx, struct password_policy *pw,
                        struct login_throttle *throttle, const struct client *client,
                        const struct password_grant_request *r, id_token_claims_fn claims,
                        struct token_response *out, struct password_grant_result *res,
                        const char **why);

#endif
