#include "core/bearer.h"
#include "endpoints/app.h"

#define REALM "oidcd"

void endpoint_bearer_deny(struct http_response *resp, enum err e, const char *why,
                          const char *scope)
{
    char challenge[1024];
    const char *error = e == ERR_NO_CREDENTIALS ? NULL : err_code(e);

    /* no credentials at all: the bare challenge of RFC 6750 §3.1 */
    if (bearer_challenge(challenge, sizeof challenge, REALM, error, error ? why : NULL, scope))
        bearer_challenge(challenge, sizeof challenge, REALM, error, NULL, NULL);
    http_response_header(resp, "WWW-Authenticate", challenge);
    if (e == ERR_NO_CREDENTIALS)
        http_response_body(resp, 401, "text/plain", "", 0);
    else
        http_response_error(resp, e, why);
    resp->error = error ? error : "no_token";
}
