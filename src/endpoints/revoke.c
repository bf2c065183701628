/* POST /revoke (RFC 7009): a client revokes its own tokens. */
#include <string.h>

#include "endpoints/app.h"
#include "oauth/audit.h"
#include "oauth/token_inspect.h"

void endpoint_revoke(void *app, const struct http_request *req, struct http_response *resp)
{
    struct app *a = app;
    struct client caller = {0};
    const char *token, *hint, *why = NULL;
    enum err rc;

    rc = endpoint_authenticate(a, req, resp, &caller, &why);
    if (!rc && (params_get_one(&req->form, "token", &token) ||
                params_get_one(&req->form, "token_type_hint", &hint) || !token)) {
        rc = ERR_INVALID_REQUEST;
        why = "exactly one token parameter is required";
    }
    /* §2.2: unknown tokens and other clients' tokens are answered 200 too */
    if (!rc)
        rc = token_revoke(&a->oauth, caller.id, token, strlen(token));
    if (!rc) {
        struct audit_who who = {caller.id, NULL, caller.id, req->client_address};
        /* which token, if any, is not told: nor does the answer (§2.2) */
        audit_record(a->oauth.store, "token.revoked", true, &who, hint);
    }
    if (rc)
        http_response_error(resp, rc, why);
    else
        http_response_body(resp, 200, "application/json", "{}", 2);
    client_clear(&caller);
}
