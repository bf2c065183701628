/* GET and POST /consent: the user allows or denies the client the scopes of
 * the request carried in next; allow goes on to the code. */
#include <string.h>

#include "endpoints/app.h"
#include "endpoints/page.h"
#include "endpoints/signin.h"
#include "oauth/audit.h"
#include "oauth/claims.h"
#include "oauth/consent.h"
#include "oauth/scope.h"

static void show_page(const struct app *a, const struct http_request *req,
                      struct http_response *resp, const struct signin *s, const char *next)
{
    struct ui_scope_item items[LIMIT_SCOPE_TOKENS];
    struct strlist scopes = {0};
    char csrf[PAGE_CSRF_SIZE];
    struct ui_consent_view v = {s->client.name ? s->client.name : s->client.id, items, 0, csrf,
                                next};
    size_t i;

    /* the form posts here, and its answer goes on to the client */
    if (scope_parse(s->ar.scope, &scopes) || page_csrf_token(a, req, resp, csrf) ||
        http_response_allow_form_action(resp, s->ar.redirect_uri)) {
        page_error(a, resp, 500, "Something went wrong", "Please try again in a moment.");
        goto out;
    }
    for (i = 0; i < scopes.n && i < LIMIT_SCOPE_TOKENS; i++)
        items[v.nscopes++] = (struct ui_scope_item){
            scopes.items[i], claims_scope_description(a->oauth.cfg, scopes.items[i])};
    page_render(a, resp, 200, UI_CONSENT, &v);
out:
    strlist_free(&scopes);
}

static void answer(const struct app *a, const struct http_request *req, struct http_response *resp,
                   const struct signin *s, const struct session *se)
{
    struct consent_policy policy = {s->client.require_consent, s->client.reuse_consent};
    struct audit_who who = {se->user_sub, se->user_sub, s->ar.client_id, req->client_address};
    const char *decision = NULL;

    if (params_get_one(&req->form, "decision", &decision) || !decision ||
        (strcmp(decision, "allow") != 0 && strcmp(decision, "deny") != 0)) {
        resp->error = "invalid_request";
        page_error(a, resp, 400, "No answer was given", "Go back, and choose Allow or Deny.");
        return;
    }
    audit_record(a->oauth.store,
                 strcmp(decision, "allow") == 0 ? "consent.given" : "consent.denied", true, &who,
                 s->ar.scope);
    /* a denial is not remembered: the next request asks again */
    if (strcmp(decision, "deny") == 0)
        signin_reply_error(a, resp, &s->ar, ERR_ACCESS_DENIED, "the user denied the request");
    else if (consent_remember(&a->oauth, &policy, se->user_sub, s->ar.client_id, s->ar.scope))
        signin_reply_error(a, resp, &s->ar, ERR_SERVER_ERROR, "consent could not be stored");
    else
        signin_finish(a, req, resp, s, se);
}

void endpoint_consent(void *app, const struct http_request *req, struct http_response *resp)
{
    const struct app *a = app;
    const char *next = signin_next_param(req);
    struct authorize_error e;
    struct session se = {0};
    struct signin s;
    enum err rc;

    memset(&s, 0, sizeof s);
    if (!next) {
        signin_bad_next(a, resp);
        return;
    }
    rc = signin_parse_next(a, next, &s, &e, resp);
    if (rc) {
        signin_fail(a, resp, &s.ar, &e);
        goto out;
    }
    rc = signin_session(a, req, &se);
    if (rc == ERR_NOT_FOUND) /* signed out meanwhile: sign in again first */
        signin_send_to(a, resp, req->method == HTTP_POST ? 303 : 302, "/login", &s.ar, false);
    else if (rc)
        signin_reply_error(a, resp, &s.ar, ERR_SERVER_ERROR, "the session could not be read");
    else if (req->method == HTTP_POST)
        answer(a, req, resp, &s, &se);
    else
        show_page(a, req, resp, &s, next);
out:
    session_clear(&se);
    signin_clear(&s);
}
