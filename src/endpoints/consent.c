/* GET and POST /consent: the user allows or denies the client the scopes of
 * the request carried in next, and the claims its claims parameter names
 * beyond what those scopes release; allow goes on to the code. */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/limits.h"
#include "endpoints/app.h"
#include "endpoints/page.h"
#include "endpoints/signin.h"
#include "oauth/audit.h"
#include "oauth/claims.h"
#include "oauth/consent.h"
#include "oauth/scope.h"

/* The claim names the request's claims parameter asks for that its scope
 * does not release: what the user allows by name. Appended to out. */
static enum err claims_beyond_scope(const struct app *a, const struct authorize_request *r,
                                    struct strlist *out)
{
    struct strlist names = {0}, released = {0};
    enum err rc = claims_request_names(&r->claims, &names);
    size_t i;

    if (!rc && names.n)
        rc = claims_released_names(a->oauth.cfg, r->scope, &released);
    for (i = 0; !rc && i < names.n; i++)
        if (!strlist_contains(&released, names.items[i]))
            rc = strlist_add(out, names.items[i], strlen(names.items[i]));
    strlist_free(&names);
    strlist_free(&released);
    return rc;
}

static void show_page(const struct app *a, const struct http_request *req,
                      struct http_response *resp, const struct signin *s, const char *next)
{
    struct ui_scope_item items[LIMIT_SCOPE_TOKENS], *claims = NULL;
    struct strlist scopes = {0}, names = {0};
    char csrf[PAGE_CSRF_SIZE];
    struct ui_consent_view v = {
        s->client.name ? s->client.name : s->client.id, items, 0, NULL, 0, csrf, next};
    size_t i;

    /* the form posts here, and its answer goes on to the client */
    if (scope_parse(s->ar.scope, &scopes) || claims_beyond_scope(a, &s->ar, &names) ||
        !(claims = calloc(names.n + 1, sizeof *claims)) || page_csrf_token(a, req, resp, csrf) ||
        http_response_allow_form_action(resp, s->ar.redirect_uri)) {
        page_error(a, resp, 500, "Something went wrong", "Please try again in a moment.");
        goto out;
    }
    for (i = 0; i < scopes.n && i < LIMIT_SCOPE_TOKENS; i++)
        items[v.nscopes++] = (struct ui_scope_item){
            scopes.items[i], claims_scope_description(a->oauth.cfg, scopes.items[i])};
    for (i = 0; i < names.n; i++)
        claims[i] = (struct ui_scope_item){names.items[i], NULL};
    v.claims = claims;
    v.nclaims = names.n;
    page_render(a, resp, 200, UI_CONSENT, &v);
out:
    free(claims);
    strlist_free(&scopes);
    strlist_free(&names);
}

/* What the user answered about, for the audit trail: the scope, and the
 * claims asked beyond it ("openid email; claims: phone_number"). */
static void audit_answer(const struct app *a, const struct http_request *req,
                         const struct signin *s, const struct session *se, bool allow,
                         const struct strlist *names)
{
    struct audit_who who = {se->user_sub, se->user_sub, s->ar.client_id, req->client_address};
    const char *type = allow ? "consent.given" : "consent.denied";
    char *joined = names->n ? strlist_join(names, " ") : NULL;
    struct buf detail;

    buf_init(&detail, LIMIT_FORM_BODY);
    if (joined && !buf_append_str(&detail, s->ar.scope) && !buf_append_str(&detail, "; claims: ") &&
        !buf_append_str(&detail, joined))
        audit_record(a->oauth.store, type, true, &who, detail.data);
    else /* no claims, or no memory for them: the scope at least */
        audit_record(a->oauth.store, type, true, &who, s->ar.scope);
    buf_free(&detail);
    free(joined);
}

static void answer(const struct app *a, const struct http_request *req, struct http_response *resp,
                   const struct signin *s, const struct session *se)
{
    struct consent_policy policy = {s->client.require_consent, s->client.reuse_consent};
    struct strlist names = {0};
    const char *decision = NULL;
    bool allow;

    if (params_get_one(&req->form, "decision", &decision) || !decision ||
        (strcmp(decision, "allow") != 0 && strcmp(decision, "deny") != 0)) {
        resp->error = "invalid_request";
        page_error(a, resp, 400, "No answer was given", "Go back, and choose Allow or Deny.");
        return;
    }
    allow = strcmp(decision, "allow") == 0;
    if (claims_beyond_scope(a, &s->ar, &names)) {
        signin_reply_error(a, resp, &s->ar, ERR_SERVER_ERROR, "consent could not be stored");
        goto out;
    }
    audit_answer(a, req, s, se, allow, &names);
    /* a denial is not remembered: the next request asks again */
    if (!allow)
        signin_reply_error(a, resp, &s->ar, ERR_ACCESS_DENIED, "the user denied the request");
    else if (consent_remember(&a->oauth, &policy, se->user_sub, s->ar.client_id, s->ar.scope,
                              &names))
        signin_reply_error(a, resp, &s->ar, ERR_SERVER_ERROR, "consent could not be stored");
    else
        signin_finish(a, req, resp, s, se);
out:
    strlist_free(&names);
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
    else if (signin_step_up(a, resp, &s, &se, req->method == HTTP_POST ? 303 : 302))
        ; /* the second factor first, as at /authorize */
    else if (req->method == HTTP_POST)
        answer(a, req, resp, &s, &se);
    else
        show_page(a, req, resp, &s, next);
out:
    session_clear(&se);
    signin_clear(&s);
}
