#ifndef OIDCD_ENDPOINTS_LOGOUT_REQUEST_H
#define OIDCD_ENDPOINTS_LOGOUT_REQUEST_H

/* What /end-session and /logout share: an RP-initiated logout request
 * (OpenID Connect RP-Initiated Logout 1.0 §2) read and checked, the
 * question page, and the end: session ended, cookie cleared, and the user
 * sent to the client's post_logout_redirect_uri or the signed-out page. */

#include "endpoints/app.h"
#include "oauth/logout.h"

struct logout_request {
    struct logout_hint hint; /* filled when hint_ok */
    bool hint_ok;            /* an id_token_hint was given and is ours */
    struct client client;    /* filled when has_client */
    bool has_client;
    /* borrowed from the request's parameters; NULL when absent */
    const char *id_token_hint;
    const char *redirect; /* post_logout_redirect_uri, registered for client */
    const char *state;
    const char *client_id;
    const char *logout_hint;
    const char *ui_locales;
};

/* Reads and checks the request in p (a query or a form). On failure the
 * answer, an error page that never redirects, is in resp. A hint that does
 * not verify is no hint, but then no redirect is made. Caller frees r with
 * logout_request_clear either way. */
enum err logout_request_read(const struct app *app, const struct params *p,
                             struct http_response *resp, struct logout_request *r);
void logout_request_clear(struct logout_request *r);

/* The sign-out question: a CSRF-protected form that posts r's client,
 * redirect and state to /logout. */
void logout_request_ask(const struct app *app, const struct http_request *req,
                        struct http_response *resp, const struct logout_request *r);

/* Ends the session of req (page_session_end) and lands: a 302 to r's
 * redirect with its state, or the signed-out page. */
void logout_request_finish(const struct app *app, const struct http_request *req,
                           struct http_response *resp, const struct logout_request *r);

#endif
