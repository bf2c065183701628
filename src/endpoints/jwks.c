/* GET /jwks: every key that may still verify a live token (RFC 7517 §5). */
#include <stdlib.h>
#include <string.h>

#include "endpoints/app.h"

void endpoint_jwks(void *app, const struct http_request *req, struct http_response *resp)
{
    char *jwks = keystore_jwks(((struct app *)app)->oauth.keys);

    (void)req;
    if (!jwks) {
        http_response_error(resp, ERR_NOMEM, NULL);
        return;
    }
    http_response_body(resp, 200, "application/json", jwks, strlen(jwks));
    free(jwks);
}
