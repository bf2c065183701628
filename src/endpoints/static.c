#include <string.h>

#include "endpoints/app.h"
#include "ui/render.h"

void endpoint_static(void *app_, const struct http_request *req, struct http_response *resp)
{
    const struct app *app = app_;
    size_t skip = strlen(app->oauth.cfg->issuer_path) + strlen("/static/");
    const char *data, *type;
    size_t len;

    /* the route is the prefix issuer_path/static/, so req->path holds it */
    if (strlen(req->path) <= skip || !ui_static_get(req->path + skip, &data, &len, &type)) {
        http_response_error(resp, ERR_HTTP_NOT_FOUND, "no such file");
        return;
    }
    http_response_body(resp, 200, type, data, len);
}
