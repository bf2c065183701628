/* GET|POST /userinfo (OpenID Connect Core §5.3): the signed-in user's sub and
 * the claims the access token's scopes release. The token comes in the
 * Authorization header (RFC 6750 §2.1) or, on a POST, as the form parameter
 * access_token (§2.2), never both; the query (§2.3) is not read.
 *
 * Refusals (RFC 6750 §3.1): no token, 401 with a bare challenge; a token that
 * is not active (expired, revoked, unknown, its client gone), 401
 * invalid_token; a token that speaks for no user, 401 invalid_token as well:
 * a client_credentials token (its subject is its client) or one whose user
 * was deleted or disabled. Only a new token, from a user's sign-in, helps
 * there, which is what invalid_token tells a client, while
 * insufficient_scope would send it after a scope it may already hold. A
 * user's token without openid: 403 insufficient_scope, scope="openid".
 *
 * Besides the scope's claims, those the claims request parameter asked for
 * /userinfo (OpenID Connect Core §5.5): their names travel in the access
 * token (a JWT's userinfo_claims, or the stored opaque token's row). */
#include <stdlib.h>
#include <string.h>

#include "core/bearer.h"
#include "core/json_writer.h"
#include "endpoints/app.h"
#include "oauth/scope.h"
#include "oauth/subject.h"
#include "oauth/token_inspect.h"
#include "oauth/user_cache.h"

/* sub and claims of at most LIMIT_CLAIMS bytes, escaped once by jansson */
#define BODY_MAX (2 * LIMIT_CLAIMS + 1024)

/* The bearer token of req into *token, *len. */
static enum err find_token(const struct http_request *req, const char **token, size_t *len,
                           const char **why)
{
    const char *form = NULL;
    enum err rc;

    if (req->method == HTTP_POST && params_get_one(&req->form, "access_token", &form)) {
        *why = "access_token given more than once";
        return ERR_INVALID_REQUEST;
    }
    rc = bearer_parse(req->authorization, req->authorization ? strlen(req->authorization) : 0,
                      token, len);
    if (rc == ERR_NO_CREDENTIALS && form) {
        *token = form;
        *len = strlen(form);
        return ERR_OK;
    }
    if (!rc && form) {
        *why = "a token in the header and another in the body";
        return ERR_INVALID_REQUEST;
    }
    *why = "malformed bearer credentials";
    return rc;
}

/* The answer for an active token t (*out, caller frees), or why it speaks
 * for no user. */
static enum err user_of(const struct oauth_ctx *ctx, const struct token_info *t, char **out,
                        size_t *len, const char **why)
{
    char user_sub[LIMIT_SUB + 1];
    struct json_writer w;
    enum err rc;

    if (!t->subject[0] || strcmp(t->subject, t->client_id) == 0) {
        *why = "the token was issued to a client, not to a user";
        return ERR_INVALID_TOKEN;
    }
    if (!scope_has(t->scope, "openid")) {
        *why = "the token lacks the openid scope";
        return ERR_INSUFFICIENT_SCOPE;
    }
    /* a pairwise client's token carries its sub: the user is behind it */
    rc = subject_user_of(ctx, t->client_id, t->subject, user_sub);
    json_writer_begin(&w, BODY_MAX);
    if (!rc)
        rc = user_cache_write_claims(ctx, user_sub, t->subject, t->scope, t->claims_userinfo, &w);
    *out = json_writer_finish(&w, len);
    if (!rc && !*out)
        rc = w.rc ? w.rc : ERR_NOMEM;
    if (rc == ERR_NOT_FOUND) {
        *why = "the token's user no longer exists or is disabled";
        rc = ERR_INVALID_TOKEN;
    }
    if (rc) {
        free(*out);
        *out = NULL;
    }
    return rc;
}

void endpoint_userinfo(void *app, const struct http_request *req, struct http_response *resp)
{
    struct app *a = app;
    struct token_info t = {0};
    const char *token = NULL, *why = NULL;
    char *body = NULL;
    size_t len = 0, body_len = 0;
    enum err rc;

    rc = find_token(req, &token, &len, &why);
    if (!rc)
        rc = token_inspect(&a->oauth, token, len, &t, &why);
    if (!rc) {
        memcpy(resp->client_id, t.client_id, sizeof resp->client_id);
        rc = user_of(&a->oauth, &t, &body, &body_len, &why);
    }
    if (!rc)
        http_response_json_text(resp, 200, body, body_len); /* takes body */
    else if (rc == ERR_NO_CREDENTIALS || rc == ERR_INVALID_TOKEN || rc == ERR_INSUFFICIENT_SCOPE ||
             rc == ERR_INVALID_REQUEST)
        endpoint_bearer_deny(resp, rc, why, rc == ERR_INSUFFICIENT_SCOPE ? "openid" : NULL);
    else
        http_response_error(resp, rc, NULL);
    token_info_clear(&t);
}
