/* POST /introspect (RFC 7662), with the audience rule of DESIGN.md §6: a
 * caller sees a token as active only when its scope holds
 * token_introspection and, while introspection.validate_audience_scope is
 * on, the token's audience too. */
#include <jansson.h>
#include <string.h>

#include "endpoints/app.h"
#include "oauth/scope.h"
#include "oauth/token_inspect.h"

static json_t *active_body(const struct config *cfg, const struct token_info *t)
{
    json_t *o = json_pack("{s:b, s:s, s:s, s:s, s:s, s:I, s:I, s:s}", "active", 1, "client_id",
                          t->client_id, "sub", t->subject, "aud", t->audience, "iss", cfg->issuer,
                          "exp", (json_int_t)t->expires_at, "iat", (json_int_t)t->issued_at,
                          "token_type", "Bearer");

    if (o && cfg->introspection_response_scope)
        json_object_set_new(o, "scope", json_string(t->scope));
    return o;
}

void endpoint_introspect(void *app, const struct http_request *req, struct http_response *resp)
{
    struct app *a = app;
    struct client caller = {0};
    struct token_info t = {0};
    const char *token, *hint, *why = NULL;
    enum err rc;

    rc = endpoint_authenticate(a, req, resp, &caller, &why);
    if (!rc && !scope_has(caller.scope, "token_introspection")) {
        rc = ERR_INSUFFICIENT_SCOPE;
        why = "the caller's scope lacks token_introspection";
    }
    if (!rc && (params_get_one(&req->form, "token", &token) ||
                params_get_one(&req->form, "token_type_hint", &hint) || !token)) {
        rc = ERR_INVALID_REQUEST;
        why = "exactly one token parameter is required";
    }
    if (rc) {
        http_response_error(resp, rc, why);
        goto out;
    }
    /* token_type_hint only says where to look first; both kinds are searched */
    rc = token_inspect(&a->oauth, token, strlen(token), &t, &why);
    if (!rc && a->oauth.cfg->introspection_validate_audience_scope &&
        !scope_has(caller.scope, t.audience))
        rc = ERR_INVALID_TOKEN;
    if (rc == ERR_OK)
        http_response_json(resp, 200, active_body(a->oauth.cfg, &t));
    else if (rc == ERR_INVALID_TOKEN)
        http_response_json(resp, 200, json_pack("{s:b}", "active", 0));
    else
        http_response_error(resp, rc, NULL);
out:
    token_info_clear(&t);
    client_clear(&caller);
}
