#include "endpoints/signin.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/log.h"
#include "core/url.h"
#include "core/user_agent.h"
#include "endpoints/metrics.h"
#include "endpoints/page.h"
#include "oauth/audit.h"
#include "oauth/client_cache.h"
#include "oauth/grant_implicit.h"
#include "oauth/mfa.h"
#include "oauth/session.h"
#include "oauth/session_state.h"
#include "oauth/subject.h"
#include "oauth/user_claims.h"

void signin_clear(struct signin *s)
{
    if (!s)
        return;
    client_clear(&s->client);
    authorize_request_clear(&s->ar);
}

enum err signin_session_token(const struct app *app, const struct http_request *req,
                              struct session *se, char token[SESSION_TOKEN_SIZE])
{
    memset(se, 0, sizeof *se);
    if (page_session_get(app, req, token))
        return ERR_NOT_FOUND;
    /* a session whose user was deleted or disabled is not found */
    return session_lookup(&app->oauth, token, se);
}

enum err signin_session(const struct app *app, const struct http_request *req, struct session *se)
{
    char token[SESSION_TOKEN_SIZE];
    enum err rc = signin_session_token(app, req, se, token);

    OPENSSL_cleanse(token, sizeof token);
    return rc;
}

static enum err fatal(struct authorize_error *e, enum err code, const char *description)
{
    *e = (struct authorize_error){code, description, true};
    return code;
}

enum err signin_parse(const struct app *app, const struct params *p, struct signin *s,
                      struct authorize_error *e, struct http_response *resp)
{
    const struct client *c = NULL;
    const char *id = NULL;
    enum err rc;

    memset(s, 0, sizeof *s);
    if (!params_get_one(p, "client_id", &id) && id && strlen(id) <= LIMIT_CLIENT_ID) {
        rc = client_cache_get(app->oauth.store, app->oauth.keys, id, &s->client);
        if (rc && rc != ERR_NOT_FOUND)
            return fatal(e, rc, "the client could not be looked up");
        if (!rc) {
            c = &s->client;
            memcpy(resp->client_id, c->id, sizeof resp->client_id);
        }
    }
    rc = authorize_request_parse(p, c, &s->ar, e);
    if (!rc)
        rc = authorize_request_check_resources(&app->oauth, &s->ar, e);
    return rc ? rc : authorize_request_check_claims(&app->oauth, c, &s->ar, e);
}

enum err signin_parse_next(const struct app *app, const char *next, struct signin *s,
                           struct authorize_error *e, struct http_response *resp)
{
    struct params p;
    enum err rc;

    memset(s, 0, sizeof *s);
    if (!next || !*next)
        return fatal(e, ERR_INVALID_REQUEST, "the sign-in request is missing");
    if (form_parse(next, strlen(next), &p))
        return fatal(e, ERR_INVALID_REQUEST, "the sign-in request is malformed");
    rc = signin_parse(app, &p, s, e, resp);
    params_free(&p);
    return rc;
}

static void server_error_page(const struct app *app, struct http_response *resp)
{
    page_error(app, resp, 500, "Something went wrong",
               "We could not finish signing you in. Please try again in a moment.");
}

void signin_fail(const struct app *app, struct http_response *resp,
                 const struct authorize_request *r, const struct authorize_error *e)
{
    char message[512];

    if (!e->fatal) {
        signin_reply_error(app, resp, r, e->code, e->description);
        return;
    }
    resp->error = err_code(e->code);
    if (e->code == ERR_NOMEM || e->code == ERR_STORE) {
        server_error_page(app, resp);
        return;
    }
    snprintf(message, sizeof message,
             "The application that sent you here made a request that cannot be used (%s), so "
             "you cannot sign in to it from this link. Go back to the application and try "
             "again; if it keeps happening, tell the application's owner.",
             e->description ? e->description : err_code(e->code));
    page_error(app, resp, 400, "This sign-in link does not work", message);
}

/* The redirect carrying f; when it does not fit a Location (an ID token with
 * large claims, say), a small server_error through the same channel instead,
 * so the client learns the outcome; the page only when even that fails. */
static void redirect(const struct app *app, struct http_response *resp,
                     const struct authorize_request *r, const struct authorize_response *f)
{
    struct authorize_error e = {ERR_SERVER_ERROR,
                                "the authorization response is too large for a redirect", false};
    struct authorize_response small;
    char *location = NULL;
    enum err rc = authorize_response_location(r, f, &location);

    if (rc == ERR_TOO_LARGE) {
        log_kv(LOG_ERROR, "authorization response too large for a redirect", "client_id",
               r->client_id, NULL);
        resp->error = err_code(e.code);
        authorize_response_error(&small, r, &e, app->oauth.cfg->issuer);
        rc = authorize_response_location(r, &small, &location);
    }
    if (rc) {
        server_error_page(app, resp);
        return;
    }
    http_response_redirect(resp, 302, location);
    free(location);
}

/* Sends the response fields f to the client: a redirect, or the form_post
 * page, which the browser may submit to the client's origin. */
static void reply(const struct app *app, struct http_response *resp,
                  const struct authorize_request *r, const struct authorize_response *f)
{
    struct ui_field fields[AUTHORIZE_RESPONSE_FIELDS];
    struct ui_form_post_view v = {r->redirect_uri, fields, f->n};
    size_t i;

    if (http_response_allow_form_action(resp, r->redirect_uri)) {
        server_error_page(app, resp);
        return;
    }
    if (r->response_mode == RESPONSE_MODE_FORM_POST) {
        for (i = 0; i < f->n; i++)
            fields[i] = (struct ui_field){f->fields[i].name, f->fields[i].value};
        page_render(app, resp, 200, UI_FORM_POST, &v);
        return;
    }
    redirect(app, resp, r, f);
}

void signin_reply_error(const struct app *app, struct http_response *resp,
                        const struct authorize_request *r, enum err code, const char *description)
{
    struct authorize_error e = {code, description, false};
    struct authorize_response f;

    resp->error = err_code(code);
    authorize_response_error(&f, r, &e, app->oauth.cfg->issuer);
    reply(app, resp, r, &f);
}

/* The session_state of this response into out, "" when session.management
 * is off. */
static enum err session_state(const struct app *app, const struct http_request *req,
                              struct http_response *resp, const struct authorize_request *r,
                              char out[SESSION_STATE_SIZE])
{
    char browser_state[PAGE_BROWSER_STATE_SIZE];
    enum err rc;

    out[0] = '\0';
    if (!app->oauth.cfg->session_management)
        return ERR_OK;
    rc = page_browser_state(app, req, resp, browser_state);
    return rc ? rc : session_state_compute(r->client_id, r->redirect_uri, browser_state, out);
}

bool signin_sub_allowed(const struct app *app, const struct signin *s, const struct session *se)
{
    char sub[SUBJECT_MAX];

    if (!s->ar.claims.sub_fixed)
        return true;
    return !subject_for_client(&app->oauth, &s->client, se->user_sub, sub) &&
           claims_request_sub_ok(&s->ar.claims, sub);
}

void signin_finish(const struct app *app, const struct http_request *req,
                   struct http_response *resp, const struct signin *s, const struct session *se)
{
    const struct authorize_request *r = &s->ar;
    struct implicit_tokens t;
    struct authorize_issued issued;
    struct authorize_response f;
    char state[SESSION_STATE_SIZE];
    const char *why = NULL;
    enum err rc;

    /* never for a session short of the level the request needs, whichever
     * page led here */
    if (signin_step_up(app, resp, s, se, 303))
        return;
    /* never a token for another user than the one the request named (Core §3.1.2.2) */
    if (!signin_sub_allowed(app, s, se)) {
        signin_reply_error(app, resp, r, ERR_ACCESS_DENIED,
                           "the signed-in user is not the one the claims parameter names");
        return;
    }
    rc = grant_implicit_issue(&app->oauth, &s->client, r, se, user_claims_get, &t, &why);
    if (!rc)
        rc = session_state(app, req, resp, r, state);
    if (rc == ERR_INVALID_TARGET) {
        signin_reply_error(app, resp, r, rc, why);
    } else if (rc) {
        log_kv(LOG_ERROR, "could not issue the authorization response", "client_id", r->client_id,
               "error", err_str(rc), NULL);
        signin_reply_error(app, resp, r, ERR_SERVER_ERROR,
                           "the authorization response could not be issued");
    } else {
        if (t.access_token || t.id_token)
            metrics_tokens_issued("implicit", r->client_id);
        implicit_tokens_view(&t, &issued);
        issued.session_state = state[0] ? state : NULL;
        authorize_response_success(&f, r, &issued, app->oauth.cfg->issuer);
        reply(app, resp, r, &f);
    }
    implicit_tokens_clear(&t);
}

/* issuer + path + "?next=" + the request percent-encoded (or, for
 * /authorize, "?" + the request), no longer than a request target may be. */
static enum err page_location(const struct config *cfg, const char *path,
                              const struct authorize_request *r, bool drop_login, struct buf *loc)
{
    bool authorize = strcmp(path, "/authorize") == 0;
    struct buf query;
    enum err rc;

    buf_init(&query, LIMIT_TARGET);
    buf_init(loc, strlen(cfg->issuer) - strlen(cfg->issuer_path) + LIMIT_TARGET);
    rc = authorize_request_serialise(r, drop_login, &query);
    if (!rc)
        rc = buf_append_str(loc, cfg->issuer);
    if (!rc)
        rc = buf_append_str(loc, path);
    if (!rc)
        rc = buf_append_str(loc, authorize ? "?" : "?next=");
    if (!rc)
        rc = authorize ? buf_append(loc, query.data, query.len)
                       : url_encode(loc, query.data, query.len);
    buf_free(&query);
    return rc;
}

void signin_send_to(const struct app *app, struct http_response *resp, int status, const char *path,
                    const struct authorize_request *r, bool drop_login)
{
    struct buf loc;
    enum err rc = page_location(app->oauth.cfg, path, r, drop_login, &loc);

    if (rc == ERR_TOO_LARGE)
        signin_reply_error(app, resp, r, ERR_INVALID_REQUEST,
                           "the authorization request is too large to carry through sign-in");
    else if (rc)
        server_error_page(app, resp);
    else
        http_response_redirect(resp, status, loc.data);
    buf_free(&loc);
}

const char *signin_next_param(const struct http_request *req)
{
    const struct params *p = req->method == HTTP_POST ? &req->form : &req->query;
    const char *v = NULL;

    if (params_get_one(p, "next", &v))
        return NULL;
    return v ? v : "";
}

void signin_bad_next(const struct app *app, struct http_response *resp)
{
    resp->error = "invalid_request";
    page_error(app, resp, 400, "This sign-in link does not work",
               "The page was opened with a link that is not valid. Go back to the application "
               "you were using and sign in from there.");
}

/* Reads next: ERR_OK with *has set when there is a request; else the
 * answer is in resp. */
enum err signin_read_next(const struct app *a, const struct http_request *req,
                          struct http_response *resp, struct signin *s, const char **next,
                          bool *has)
{
    struct authorize_error e;
    enum err rc;

    memset(s, 0, sizeof *s);
    *has = false;
    *next = signin_next_param(req);
    if (!*next) {
        signin_bad_next(a, resp);
        return ERR_INVALID_REQUEST;
    }
    if (!**next)
        return ERR_OK;
    rc = signin_parse_next(a, *next, s, &e, resp);
    if (rc)
        signin_fail(a, resp, &s->ar, &e);
    *has = !rc;
    return rc;
}

/* Ends the session the browser had (if any), starts a new one for u and
 * sets its cookie: never the old id again (no session fixation). */
enum err signin_end_session(const struct app *a, const struct http_request *req,
                            struct http_response *resp)
{
    char token[SESSION_TOKEN_SIZE];
    enum err rc;

    if (page_session_get(a, req, token))
        return ERR_OK;
    rc = session_end(&a->oauth, token);
    OPENSSL_cleanse(token, sizeof token);
    return rc ? rc : page_session_clear(a, resp);
}

enum err signin_start_session(const struct app *a, const struct http_request *req,
                              struct http_response *resp, const char *sub, const char *amr)
{
    char token[SESSION_TOKEN_SIZE], browser[USER_AGENT_LABEL_SIZE];
    const char *ua = http_request_header(req, "User-Agent");
    struct session_origin origin = {req->client_address[0] ? req->client_address : NULL, browser};
    enum err rc;

    if (!page_session_get(a, req, token)) {
        rc = session_end(&a->oauth, token);
        if (rc)
            return rc;
    }
    /* strnlen: a header past the cap is unknown, however long it is */
    user_agent_label(ua, ua ? strnlen(ua, LIMIT_USER_AGENT + 1) : 0, browser);
    rc = session_create(&a->oauth, sub, amr, &origin, token, NULL);
    if (!rc)
        rc = page_session_set(a, resp, token, a->oauth.cfg->session_ttl);
    OPENSSL_cleanse(token, sizeof token);
    return rc;
}

/* Signed in: back to /authorize, where the new session now counts. */
void signin_signed_in(const struct app *a, struct http_response *resp, const struct signin *s,
                      bool has)
{
    struct authorize_request again;
    char url[sizeof a->oauth.cfg->issuer + 16];

    /* signed in for no application: the account page */
    if (!has) {
        snprintf(url, sizeof url, "%s/account", a->oauth.cfg->issuer);
        http_response_redirect(resp, 303, url);
        return;
    }
    /* the login just made satisfies prompt=login and any max_age: without
     * both, a slow round trip could ask for the login again and again */
    again = s->ar;
    again.max_age = -1;
    signin_send_to(a, resp, 303, "/authorize", &again, true);
}

void signin_audit(const struct app *a, const struct http_request *req, const struct signin *s,
                  bool has, const char *sub, const char *type, bool ok, const char *detail)
{
    struct audit_who who = {sub, sub, has ? s->ar.client_id : NULL,
                            req->client_address[0] ? req->client_address : NULL};

    audit_record(a->oauth.store, type, ok, &who, detail);
}

void signin_throttled(const struct app *a, struct http_response *resp, long retry_after)
{
    char seconds[32], message[256];

    snprintf(seconds, sizeof seconds, "%ld", retry_after);
    snprintf(message, sizeof message,
             "Too many failed attempts to sign in. Wait %ld second%s, then try again.", retry_after,
             retry_after == 1 ? "" : "s");
    resp->error = "throttled";
    page_error(a, resp, 429, "Too many failed attempts", message);
    http_response_header(resp, "Retry-After", seconds);
}

enum mfa_level signin_level_needed(const struct app *a, const struct signin *s)
{
    enum mfa_level need = a->oauth.cfg->login_require_mfa ? MFA_LEVEL_MFA : MFA_LEVEL_PWD;

    if (s && s->client.require_mfa && need < MFA_LEVEL_MFA)
        need = MFA_LEVEL_MFA;
    if (s && s->ar.acr_min > (int)need)
        need = (enum mfa_level)s->ar.acr_min;
    return need;
}

bool signin_mfa_required(const struct app *a, const struct signin *s)
{
    return signin_level_needed(a, s) >= MFA_LEVEL_MFA;
}

bool signin_step_up(const struct app *a, struct http_response *resp, const struct signin *s,
                    const struct session *se, int status)
{
    const struct authorize_request *r = &s->ar;
    enum mfa_level need = signin_level_needed(a, s);

    if (mfa_level_of_amr(se->amr) >= need)
        return false;
    if (r->prompt & PROMPT_NONE)
        signin_reply_error(a, resp, r, ERR_INTERACTION_REQUIRED,
                           need >= MFA_LEVEL_PHR
                               ? "the request needs a passkey the session has not shown"
                               : "the request needs a second factor the session has not shown");
    else
        signin_send_to(a, resp, status, "/login/mfa", r, false);
    return true;
}

void signin_no_passkey(const struct app *a, struct http_response *resp)
{
    resp->error = "passkey_required";
    page_error(a, resp, 403, "A passkey is needed",
               "The application you came from asks for a sign-in with a passkey, and your "
               "account has none yet. Add one on your account page (/account), then try again.");
}

void signin_no_second_factor(const struct app *a, struct http_response *resp)
{
    resp->error = "second_factor_required";
    page_error(a, resp, 403, "A second factor is needed",
               "Signing in here needs a second factor, such as a code from an authenticator "
               "app, and your account has none yet. Add one on your account page (/account) "
               "from a sign-in that does not need it, or ask the people who run this service "
               "to add one for you; then try again.");
}
