/* POST /token (RFC 6749 §3.2, §5). */
#include <stdio.h>
#include <string.h>

#include "core/json_writer.h"
#include "core/log.h"
#include "endpoints/app.h"
#include "endpoints/login_event.h"
#include "endpoints/metrics.h"
#include "oauth/grant_client_credentials.h"
#include "oauth/grant_code.h"
#include "oauth/grant_password.h"
#include "oauth/grant_refresh.h"
#include "oauth/resource.h"
#include "oauth/user_claims.h"

/* Tokens are at most LIMIT_JWT bytes; with the scope, far below this. */
#define BODY_MAX (64 * 1024)

static void send_tokens(struct http_response *resp, const struct token_response *t)
{
    struct json_writer w;
    size_t len = 0;
    char *text;

    json_writer_begin(&w, BODY_MAX);
    json_writer_string(&w, "access_token", t->access_token);
    json_writer_string(&w, "token_type", "Bearer");
    json_writer_int(&w, "expires_in", t->expires_in);
    if (t->scope)
        json_writer_string(&w, "scope", t->scope);
    if (t->refresh_token)
        json_writer_string(&w, "refresh_token", t->refresh_token);
    if (t->id_token)
        json_writer_string(&w, "id_token", t->id_token);
    text = json_writer_finish(&w, &len);
    http_response_json_text(resp, 200, text, len);
}

/* The ID token's user claims (tokens.id_token_include_claims): a code whose
 * user was deleted or disabled since is no grant any more. */
static enum err id_token_claims(const struct oauth_ctx *ctx, const char *sub, const char *scope,
                                const char *names, json_t **out)
{
    enum err rc = user_claims_get(ctx, sub, scope, names, out);

    return rc == ERR_NOT_FOUND ? ERR_INVALID_GRANT : rc;
}

static enum err run_code_grant(struct app *a, const struct http_request *req,
                               const struct client *client, const struct grant_resources *res,
                               struct token_response *out, const char **why)
{
    const char *code, *redirect_uri, *verifier;

    if (params_get_one(&req->form, "code", &code) ||
        params_get_one(&req->form, "redirect_uri", &redirect_uri) ||
        params_get_one(&req->form, "code_verifier", &verifier)) {
        *why = "a parameter was given more than once";
        return ERR_INVALID_REQUEST;
    }
    return grant_authorization_code(&a->oauth, client, code, redirect_uri, verifier, res,
                                    id_token_claims, out, why);
}

static enum err run_refresh_grant(struct app *a, const struct http_request *req,
                                  const struct client *client, const char *scope,
                                  const struct grant_resources *res, struct token_response *out,
                                  const char **why)
{
    const char *refresh_token;

    if (params_get_one(&req->form, "refresh_token", &refresh_token)) {
        *why = "a parameter was given more than once";
        return ERR_INVALID_REQUEST;
    }
    return grant_refresh_token(&a->oauth, client, refresh_token, scope, res, id_token_claims, out,
                               why);
}

/* The password grant, logged as the login page logs a login (the username,
 * the reason of a refusal, the client and the address; never the
 * password); a lockout of the account answers 400 invalid_grant with
 * Retry-After. */
static enum err run_password_grant(struct app *a, const struct http_request *req,
                                   struct http_response *resp, const struct client *client,
                                   const char *scope, const struct grant_resources *res,
                                   struct token_response *out, const char **why)
{
    /* No address: the peer is the client's backend, not the user's browser, so
     * a counter for it would let one user's failures lock out all the client's
     * users, and a known (account, address) pair would let guesses through the
     * client skip the account's lock. Only the account counts. */
    struct password_grant_request r = {{NULL, NULL, NULL}, scope, *res};
    struct password_grant_result result;
    char seconds[32];
    enum err rc;

    if (params_get_one(&req->form, "username", &r.login.username) ||
        params_get_one(&req->form, "password", &r.login.password)) {
        *why = "a parameter was given more than once";
        return ERR_INVALID_REQUEST;
    }
    rc = grant_password(&a->oauth, a->passwords, a->throttle, client, &r, id_token_claims, out,
                        &result, why);
    if (!rc || result.reason) {
        struct login_event e = {!rc                   ? LOGIN_OK
                                : rc == ERR_THROTTLED ? LOGIN_LOCKED
                                                      : LOGIN_REFUSED,
                                "password_grant",
                                r.login.username,
                                result.user_sub[0] ? result.user_sub : NULL,
                                client->id,
                                "password",
                                req->client_address,
                                result.reason,
                                rc == ERR_INVALID_GRANT ? result.retry_after : 0};
        login_event(a, &e);
    }
    if (rc == ERR_THROTTLED) {
        snprintf(seconds, sizeof seconds, "%ld", result.retry_after);
        http_response_header(resp, "Retry-After", seconds);
    }
    return rc;
}

static enum err run_grant(struct app *a, const struct http_request *req, struct http_response *resp,
                          const struct client *client, struct token_response *out, const char **why)
{
    const char *grant_type, *scope, *resources[LIMIT_PARAMS];
    struct grant_resources res = {resources, 0};
    enum err rc;

    if (params_get_one(&req->form, "grant_type", &grant_type) ||
        params_get_one(&req->form, "scope", &scope)) {
        *why = "a parameter was given more than once";
        return ERR_INVALID_REQUEST;
    }
    if (!grant_type) {
        *why = "grant_type is required";
        return ERR_INVALID_REQUEST;
    }
    rc = resource_params_collect(&req->form, resources, &res.n, why);
    if (rc)
        return rc;
    if (strcmp(grant_type, "client_credentials") == 0)
        rc = grant_client_credentials(&a->oauth, client, scope, resources, res.n, out, why);
    else if (strcmp(grant_type, "password") == 0)
        rc = run_password_grant(a, req, resp, client, scope, &res, out, why);
    else if (strcmp(grant_type, "authorization_code") == 0)
        rc = run_code_grant(a, req, client, &res, out, why);
    else if (strcmp(grant_type, "refresh_token") == 0)
        rc = run_refresh_grant(a, req, client, scope, &res, out, why);
    else {
        *why = "unsupported grant_type";
        return ERR_UNSUPPORTED_GRANT_TYPE;
    }
    if (!rc)
        metrics_tokens_issued(grant_type, client->id);
    return rc;
}

void endpoint_token(void *app, const struct http_request *req, struct http_response *resp)
{
    struct client client = {0};
    struct token_response tokens = {0};
    const char *why = NULL;
    enum err rc;

    rc = endpoint_authenticate(app, req, resp, &client, &why);
    if (!rc)
        rc = run_grant(app, req, resp, &client, &tokens, &why);
    if (!rc)
        send_tokens(resp, &tokens);
    if (rc)
        http_response_error(resp, rc, why);
    token_response_clear(&tokens);
    client_clear(&client);
}
