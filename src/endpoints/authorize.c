/* GET and POST /authorize (RFC 6749 §4.1.1, OpenID Connect Core §3.1.2):
 * the request validated, then the login page, the consent page or the code. */
#include "core/clock.h"
#include "endpoints/app.h"
#include "endpoints/signin.h"
#include "oauth/consent.h"
#include "oauth/mfa.h"

/* No live session, or one the request does not accept (prompt=login, or
 * authenticated longer ago than max_age, Core §3.1.2.1). A session holds one
 * account, so prompt=select_account is a choice made on the login page. */
static bool login_needed(const struct authorize_request *r, const struct session *se, bool live)
{
    if (!live || (r->prompt & (PROMPT_LOGIN | PROMPT_SELECT_ACCOUNT)))
        return true;
    return r->max_age >= 0 && clock_now() - se->auth_time > r->max_age;
}

/* Whether the user must be asked, as the client is registered
 * (oauth/consent.h) or because the request says so (prompt=consent). */
static enum err consent_asked(const struct app *a, const struct signin *s, const struct session *se,
                              bool *ask)
{
    struct consent_policy policy = {s->client.require_consent, s->client.reuse_consent};
    struct strlist names = {0};
    enum err rc;

    *ask = true;
    if (s->ar.prompt & PROMPT_CONSENT)
        return ERR_OK;
    rc = claims_request_names(&s->ar.claims, &names);
    if (!rc)
        rc = consent_needed(&a->oauth, &policy, se->user_sub, s->ar.client_id, s->ar.scope, &names,
                            ask);
    strlist_free(&names);
    return rc;
}

/* A signed-in user the claims parameter does not name (Core §3.1.2.2): no
 * answer for them; without prompt=none, no account switch either (the
 * client asks again, naming the account it wants or none). */
static bool wrong_user(const struct app *a, struct http_response *resp, const struct signin *s,
                       const struct session *se)
{
    const struct authorize_request *r = &s->ar;

    if (signin_sub_allowed(a, s, se))
        return false;
    signin_reply_error(a, resp, r, r->prompt & PROMPT_NONE ? ERR_LOGIN_REQUIRED : ERR_ACCESS_DENIED,
                       "the signed-in user is not the one the claims parameter names");
    return true;
}

static void decide(const struct app *a, const struct http_request *req, struct http_response *resp,
                   const struct signin *s, const struct session *se, bool live)
{
    const struct authorize_request *r = &s->ar;
    bool ask = true;

    if (login_needed(r, se, live)) {
        if (r->prompt & PROMPT_NONE)
            signin_reply_error(a, resp, r, ERR_LOGIN_REQUIRED, "the user is not signed in");
        else
            signin_send_to(a, resp, 302, "/login", r, false);
        return;
    }
    /* step-up: a live session short of the level asked for is asked for
     * the missing factor only, never the password again */
    if (signin_step_up(a, resp, s, se, 302))
        return;
    if (consent_asked(a, s, se, &ask)) {
        signin_reply_error(a, resp, r, ERR_SERVER_ERROR, "consent could not be checked");
        return;
    }
    /* the claims parameter's sub is judged only for a client the user has
     * allowed: before that, no answer may tell the client who is signed in */
    if (!ask) {
        if (!wrong_user(a, resp, s, se))
            signin_finish(a, req, resp, s, se);
    } else if (r->prompt & PROMPT_NONE)
        signin_reply_error(a, resp, r, ERR_CONSENT_REQUIRED,
                           "the user has not allowed the client this scope or these claims");
    else
        signin_send_to(a, resp, 302, "/consent", r, false);
}

void endpoint_authorize(void *app, const struct http_request *req, struct http_response *resp)
{
    const struct app *a = app;
    struct signin s;
    struct authorize_error e;
    struct session se = {0};
    enum err rc;

    /* a POST carries the parameters in its form (Core §3.1.2.1) */
    rc = signin_parse(a, req->method == HTTP_POST ? &req->form : &req->query, &s, &e, resp);
    if (rc) {
        signin_fail(a, resp, &s.ar, &e);
        goto out;
    }
    rc = signin_session(a, req, &se);
    if (rc && rc != ERR_NOT_FOUND)
        signin_reply_error(a, resp, &s.ar, ERR_SERVER_ERROR, "the session could not be read");
    else
        decide(a, req, resp, &s, &se, rc == ERR_OK);
out:
    session_clear(&se);
    signin_clear(&s);
}
