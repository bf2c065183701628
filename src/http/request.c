#include <string.h>

#include "http/cookie.h"
#include "http/http.h"

const char *http_request_header(const struct http_request *req, const char *name)
{
    return req->header ? req->header(req->header_ctx, name) : NULL;
}

enum err http_request_cookie(const struct http_request *req, const char *name, const char **value,
                             size_t *len)
{
    const char *h = http_request_header(req, "Cookie");
    enum err rc;

    if (!h)
        return ERR_NOT_FOUND;
    rc = cookie_find(h, strlen(h), name, value, len);
    return rc == ERR_INVALID_REQUEST ? rc : rc ? ERR_NOT_FOUND : ERR_OK;
}
