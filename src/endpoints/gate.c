/* GET /gate?scope=a,b&audience=URI: for nginx auth_request. 200 with the
 * token's subject, client and scope in X-Auth-* headers when the bearer token
 * is active, is for the audience asked for (when one is) and holds every
 * scope asked for; else 401/403 with an RFC 6750 challenge. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/bearer.h"
#include "endpoints/app.h"
#include "oauth/scope.h"
#include "oauth/token_inspect.h"

/* Every scope asked for must be in the token's. */
static enum err check_scopes(const struct strlist *want, const char *granted, const char **why)
{
    size_t i;

    for (i = 0; i < want->n; i++) {
        if (!scope_has(granted, want->items[i])) {
            *why = "the token lacks a required scope";
            return ERR_INSUFFICIENT_SCOPE;
        }
    }
    return ERR_OK;
}

/* The token must name the audience asked for (RFC 9068 §4). */
static enum err check_audience(const char *want, const char *audience, const char **why)
{
    if (!want || scope_has(audience, want))
        return ERR_OK;
    *why = "the token is not for this audience";
    return ERR_INVALID_TOKEN;
}

void endpoint_gate(void *app, const struct http_request *req, struct http_response *resp)
{
    struct app *a = app;
    struct token_info t = {0};
    struct strlist want = {0};
    const char *wanted, *audience, *token, *why = "malformed bearer credentials";
    char *asked = NULL;
    size_t len = 0;
    enum err rc;

    /* scopes come space- or comma-separated; the challenge names them with spaces */
    if (params_get_one(&req->query, "scope", &wanted) ||
        strlist_split(&want, wanted ? wanted : "", " ,") || !(asked = strlist_join(&want, " "))) {
        http_response_error(resp, ERR_INVALID_REQUEST, "scope given more than once");
        goto out;
    }
    if (params_get_one(&req->query, "audience", &audience)) {
        http_response_error(resp, ERR_INVALID_REQUEST, "audience given more than once");
        goto out;
    }
    rc = bearer_parse(req->authorization, req->authorization ? strlen(req->authorization) : 0,
                      &token, &len);
    if (!rc)
        rc = token_inspect(&a->oauth, token, len, &t, &why);
    if (!rc) {
        memcpy(resp->client_id, t.client_id, sizeof resp->client_id);
        rc = check_audience(audience, t.audience, &why);
    }
    if (!rc)
        rc = check_scopes(&want, t.scope, &why);
    if (rc == ERR_NO_CREDENTIALS || rc == ERR_INVALID_TOKEN || rc == ERR_INSUFFICIENT_SCOPE) {
        endpoint_bearer_deny(resp, rc, why, rc == ERR_INSUFFICIENT_SCOPE ? asked : NULL);
    } else if (rc) {
        http_response_error(resp, rc, NULL);
    } else {
        http_response_header(resp, "X-Auth-Subject", t.subject);
        http_response_header(resp, "X-Auth-Client-Id", t.client_id);
        http_response_header(resp, "X-Auth-Scope", t.scope);
        http_response_body(resp, 200, "text/plain", "", 0);
    }
out:
    free(asked);
    strlist_free(&want);
    token_info_clear(&t);
}
