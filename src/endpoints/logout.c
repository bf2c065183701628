/* GET and POST /logout: the sign-out question, then the session ended. The
 * question of an RP-initiated logout (/end-session) posts here too, with
 * the application's client_id, post_logout_redirect_uri and state, checked
 * again as /end-session checks them. */
#include "endpoints/app.h"
#include "endpoints/logout_request.h"

void endpoint_logout(void *app, const struct http_request *req, struct http_response *resp)
{
    const struct app *a = app;
    struct logout_request r = {0};

    if (req->method != HTTP_POST)
        logout_request_ask(a, req, resp, &r);
    else if (!logout_request_read(a, &req->form, resp, &r))
        logout_request_finish(a, req, resp, &r);
    logout_request_clear(&r);
}
