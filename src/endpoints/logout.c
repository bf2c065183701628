/* GET and POST /logout: a confirm page, then the session ended. */
#include <string.h>

#include "core/log.h"
#include "endpoints/app.h"
#include "endpoints/page.h"
#include "oauth/session.h"

/* Ends the session whose cookie req carries, if any. */
static enum err end_session(const struct app *a, const struct http_request *req)
{
    char cookie[SESSION_COOKIE_SIZE];
    struct session se = {0};
    const char *v;
    size_t n;
    enum err rc;

    if (page_session_get(a, req, &v, &n) || n != SESSION_COOKIE_LEN)
        return ERR_OK;
    memcpy(cookie, v, n);
    cookie[n] = '\0';
    if (session_lookup(&a->oauth, cookie, &se) == ERR_OK)
        log_kv(LOG_INFO, "logout", "sub", se.user_sub, NULL);
    session_clear(&se);
    rc = session_end(&a->oauth, cookie);
    return rc;
}

void endpoint_logout(void *app, const struct http_request *req, struct http_response *resp)
{
    const struct app *a = app;
    struct ui_logout_view confirm;
    struct ui_logged_out_view done = {0};
    char csrf[PAGE_CSRF_SIZE];

    if (req->method != HTTP_POST) {
        confirm.csrf_token = csrf;
        if (page_csrf_token(a, req, resp, csrf))
            page_error(a, resp, 500, "Something went wrong", "Please try again in a moment.");
        else
            page_render(a, resp, 200, UI_LOGOUT, &confirm);
        return;
    }
    if (end_session(a, req) || page_session_clear(a, resp)) {
        page_error(a, resp, 500, "Something went wrong",
                   "You could not be signed out. Please try again in a moment.");
        return;
    }
    page_render(a, resp, 200, UI_LOGGED_OUT, &done);
}
