#include <openssl/crypto.h>
#include <string.h>

#include "endpoints/app.h"
#include "oauth/client_auth.h"

enum err endpoint_authenticate(struct app *app, const struct http_request *req,
                               struct http_response *resp, struct client *client, const char **why)
{
    struct client_credentials cred;
    enum err rc;

    rc = client_auth_collect(req->authorization, &req->form, &cred, why);
    if (!rc)
        rc = client_auth_verify(app->oauth.store, app->oauth.keys, &cred, client, why);
    OPENSSL_cleanse(cred.secret, sizeof cred.secret);
    if (!rc)
        memcpy(resp->client_id, client->id, sizeof resp->client_id);
    return rc;
}
