/* GET and POST /end-session (OpenID Connect RP-Initiated Logout 1.0): with
 * an id_token_hint of the signed-in user the session ends at once;
 * otherwise the user is asked first (the form posts to /logout). */
#include <stdio.h>
#include <string.h>

#include "core/url.h"
#include "endpoints/app.h"
#include "endpoints/logout_request.h"
#include "endpoints/page.h"
#include "endpoints/signin.h"
#include "oauth/subject.h"

/* A POST from the application's site carries no SameSite=Lax cookie, so the
 * session is out of sight: send the same request back as a GET, a top-level
 * navigation that carries it. */
static void again_as_get(const struct app *a, struct http_response *resp,
                         const struct logout_request *r)
{
    const struct url_param q[] = {
        {"id_token_hint", r->id_token_hint},
        {"post_logout_redirect_uri", r->redirect},
        {"state", r->state},
        {"client_id", r->client_id},
        {"logout_hint", r->logout_hint},
        {"ui_locales", r->ui_locales},
    };
    char base[sizeof a->oauth.cfg->issuer + sizeof "/end-session"];
    struct buf loc;
    enum err rc;

    snprintf(base, sizeof base, "%s/end-session", a->oauth.cfg->issuer);
    buf_init(&loc, strlen(base) + LIMIT_TARGET);
    rc = url_add_params(&loc, base, q, sizeof q / sizeof q[0], URL_QUERY);
    if (rc == ERR_TOO_LARGE) {
        resp->error = "invalid_request";
        page_error(a, resp, 400, "This sign-out link does not work",
                   "The application sent a sign-out request too large to carry on. Go back to "
                   "the application and sign out from there again.");
    } else if (rc) {
        page_error(a, resp, 500, "Something went wrong", "Please try again in a moment.");
    } else {
        http_response_redirect(resp, 303, loc.data);
    }
    buf_free(&loc);
}

/* Whether the hint names the signed-in user se: by the sub and sid its
 * client sees for them (pairwise or not, oauth/subject.h). */
static bool hint_names(const struct app *a, const struct logout_request *r,
                       const struct session *se)
{
    struct subject_view seen;

    return r->hint_ok &&
           subject_view_for_client_id(&a->oauth, r->hint.client_id, se->user_sub, se->sid, &seen) ==
               ERR_OK &&
           logout_hint_matches(&r->hint, seen.sub, seen.sid);
}

void endpoint_end_session(void *app, const struct http_request *req, struct http_response *resp)
{
    const struct app *a = app;
    const struct params *p = req->method == HTTP_POST ? &req->form : &req->query;
    struct logout_request r;
    struct session se;
    char token[SESSION_TOKEN_SIZE];
    enum err rc;

    if (logout_request_read(a, p, resp, &r))
        goto out;
    if (req->method == HTTP_POST && page_session_get(a, req, token) == ERR_NOT_FOUND) {
        again_as_get(a, resp, &r);
        goto out;
    }
    rc = signin_session(a, req, &se);
    if (rc == ERR_NOT_FOUND || (!rc && hint_names(a, &r, &se)))
        logout_request_finish(a, req, resp, &r);
    else if (!rc)
        logout_request_ask(a, req, resp, &r);
    else
        page_error(a, resp, 500, "Something went wrong", "Please try again in a moment.");
    session_clear(&se);
out:
    logout_request_clear(&r);
}
