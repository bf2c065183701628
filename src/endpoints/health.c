/* GET /healthz: 200 while the server can reach its database. */
#include <jansson.h>

#include "endpoints/app.h"

void endpoint_health(void *app, const struct http_request *req, struct http_response *resp)
{
    int64_t version;
    enum err rc = store_keys_version(((struct app *)app)->oauth.store, &version);

    (void)req;
    if (rc) {
        http_response_error(resp, ERR_TEMPORARILY_UNAVAILABLE, "database unavailable");
        return;
    }
    http_response_json(resp, 200, json_pack("{s:s}", "status", "ok"));
}
