/* GET /check-session (OpenID Connect Session Management 1.0 §3.3): the page
 * a relying party frames and asks, by postMessage, whether the browser's
 * session at the provider is still the one its session_state was made
 * for. The work is its script's (ui/static/check_session.js): the answer
 * comes from the browser-state cookie, which the server never sees here. */
#include "endpoints/app.h"
#include "endpoints/page.h"

void endpoint_check_session(void *app, const struct http_request *req, struct http_response *resp)
{
    const struct app *a = app;
    struct ui_check_session_view v = {a->cookies.browser_state_name};

    (void)req;
    if (!a->oauth.cfg->session_management) {
        http_response_error(resp, ERR_HTTP_NOT_FOUND, "session management is off");
        return;
    }
    page_render(a, resp, 200, UI_CHECK_SESSION, &v);
}
