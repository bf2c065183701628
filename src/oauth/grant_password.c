#include "oauth/grant_password.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "oauth/mfa.h"
#include "oauth/scope.h"

/* One description for every refused credential, so that the answer tells
 * nothing about which part was wrong or whether the account exists. */
#define BAD_CREDENTIALS "invalid username or password"

static enum err check_client(const struct oauth_ctx *ctx, const struct client *client,
                             const char **why)
{
    if (!ctx->cfg->grants_password) {
        *why = "the password grant is not enabled";
        return ERR_UNSUPPORTED_GRANT_TYPE;
    }
    /* RFC 9700 §2.4: a public client would hand any app the user's password */
    if (client->type == CLIENT_PUBLIC) {
        *why = "public clients may not use the password grant";
        return ERR_UNAUTHORIZED_CLIENT;
    }
    if (!strlist_contains(&client->grant_types, "password")) {
        *why = "password is not among the client's grant types";
        return ERR_UNAUTHORIZED_CLIENT;
    }
    return ERR_OK;
}

/* RFC 6749 §4.3.2: both are required; the caps are the login form's. */
static enum err check_params(const struct login_attempt *a, const char **why)
{
    if (!a->username)
        *why = "username is required";
    else if (!a->password)
        *why = "password is required";
    else if (strlen(a->username) > LIMIT_USERNAME)
        *why = "username is longer than 64 bytes";
    else if (strlen(a->password) > LIMIT_PASSWORD)
        *why = "password is longer than 1024 bytes";
    else
        return ERR_OK;
    return ERR_INVALID_REQUEST;
}

/* The login page's check (oauth/login.h), in the grant's errors. */
static enum err authenticate(const struct oauth_ctx *ctx, struct password_policy *pw,
                             struct login_throttle *throttle, const struct login_attempt *a,
                             struct user *user, struct password_grant_result *res, const char **why)
{
    enum err rc = login_password(ctx, pw, throttle, a, user, &res->retry_after, &res->reason);

    if (rc == ERR_ACCESS_DENIED) {
        *why = BAD_CREDENTIALS;
        return ERR_INVALID_GRANT;
    }
    if (rc == ERR_TEMPORARILY_UNAVAILABLE) {
        *why = "too many failed attempts: try again later";
        return ERR_THROTTLED;
    }
    return rc;
}

/* The grant carries a password only: a sign-in that needs a second factor
 * (login.require_mfa, the client's require_mfa, or a user who has one) is
 * refused, as the login page would ask for the factor. */
static enum err second_factor_needed(const struct oauth_ctx *ctx, const struct client *client,
                                     const struct user *user, struct password_grant_result *res,
                                     const char **why)
{
    struct mfa_status st = {0};
    enum err rc = ERR_OK;

    if (!ctx->cfg->login_require_mfa && !client->require_mfa) {
        rc = mfa_status_get(ctx, user->sub, &st);
        if (rc || !mfa_status_has_factor(&st))
            return rc;
    }
    res->reason = "second factor required";
    *why = "this sign-in needs a second factor, which the password grant cannot carry: use the "
           "authorization code flow";
    return ERR_INVALID_GRANT;
}

/* The resource ids the request named, each once, space-separated, for the
 * refresh token to keep (as a code keeps its request's): NULL for none. */
static enum err named_resources(const struct grant_resources *res, char **out)
{
    struct strlist ids = {0};
    enum err rc = ERR_OK;
    size_t i;

    *out = NULL;
    for (i = 0; !rc && i < res->n; i++)
        if (!strlist_contains(&ids, res->ids[i]))
            rc = strlist_add(&ids, res->ids[i], strlen(res->ids[i]));
    if (!rc && ids.n && !(*out = strlist_join(&ids, " ")))
        rc = ERR_NOMEM;
    strlist_free(&ids);
    return rc;
}

/* The tokens for user, the refresh token stored (it has no code to be
 * recorded on). */
static enum err issue(const struct oauth_ctx *ctx, const struct client *client,
                      const struct user *user, const char *scope, const struct grant_resources *res,
                      struct token_target *target, id_token_claims_fn claims,
                      struct token_response *out)
{
    int64_t now = clock_now();
    /* signed in now, by password, outside any browser session */
    struct user_grant u = {
        .user_sub = user->sub, .scope = scope, .auth_time = now, .amr = "pwd", .sid = ""};
    struct user_issued issued;
    char *resource = NULL;
    enum err rc;

    rc = named_resources(res, &resource);
    u.resource = resource;
    if (!rc)
        rc = grant_user_issue(ctx, client, &u, target, claims, now, out, &issued);
    if (!rc && issued.has_refresh)
        rc = store_refresh_token_insert(ctx->store, &issued.refresh);
    free(resource);
    return rc;
}

enum err grant_password(const struct oauth_ctx *ctx, struct password_policy *pw,
                        struct login_throttle *throttle, const struct client *client,
                        const struct password_grant_request *r, id_token_claims_fn claims,
                        struct token_response *out, struct password_grant_result *res,
                        const char **why)
{
    struct token_target target = {0};
    struct user user = {0};
    char *scope = NULL;
    enum err rc;

    memset(out, 0, sizeof *out);
    memset(res, 0, sizeof *res);
    rc = check_client(ctx, client, why);
    if (!rc)
        rc = check_params(&r->login, why);
    /* the request is checked whole before the password costs anything */
    if (!rc)
        rc = scope_grant(client->scope, r->scope, &scope, why);
    if (!rc)
        rc = resource_target(ctx, r->resources.ids, r->resources.n, scope, &target, why);
    if (!rc)
        rc = authenticate(ctx, pw, throttle, &r->login, &user, res, why);
    if (!rc)
        rc = second_factor_needed(ctx, client, &user, res, why);
    memcpy(res->user_sub, user.sub, sizeof res->user_sub);
    if (!rc)
        rc = issue(ctx, client, &user, scope, &r->resources, &target, claims, out);
    if (rc)
        token_response_clear(out);
    token_target_clear(&target);
    user_clear(&user);
    free(scope);
    return rc;
}
