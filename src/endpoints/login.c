/* GET and POST /login: the password form, then a new session and back to
 * /authorize with the request the form carried in next. */
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "endpoints/app.h"
#include "endpoints/login_event.h"
#include "endpoints/page.h"
#include "endpoints/passkey_form.h"
#include "endpoints/signin.h"
#include "oauth/login.h"
#include "oauth/mfa.h"
#include "oauth/session.h"

/* One message for every failure, so that it tells nothing about which part
 * was wrong. */
#define LOGIN_ERROR "Incorrect username or password."

/* The form, with the client's name when there is a request (s not NULL). */
static void show_form(const struct app *a, const struct http_request *req,
                      struct http_response *resp, const struct signin *s, const char *next,
                      const char *username, const char *error)
{
    char csrf[PAGE_CSRF_SIZE];
    struct passkey_form pk;
    struct ui_login_view v = {s ? (s->client.name ? s->client.name : s->client.id) : NULL,
                              username,
                              error,
                              csrf,
                              next,
                              {0}};
    enum err rc;

    /* the form posts here, and its answer leads on to the client */
    if (page_csrf_token(a, req, resp, csrf) ||
        (s && http_response_allow_form_action(resp, s->ar.redirect_uri))) {
        page_error(a, resp, 500, "Something went wrong", "Please try again in a moment.");
        return;
    }
    /* a username-less sign-in, its challenge bound to this browser's CSRF
     * cookie: no page of another browser can answer it. Without it the
     * password still signs in. */
    rc = passkey_form_get(a, WEBAUTHN_PURPOSE_SIGNIN, csrf, "", &pk);
    if (rc)
        log_kv(LOG_ERROR, "could not offer a passkey sign-in", "error", err_str(rc), NULL);
    v.passkey = pk.view;
    page_render(a, resp, 200, UI_LOGIN, &v);
    passkey_form_clear(&pk);
}

static void server_error(const struct app *a, struct http_response *resp, enum err rc)
{
    log_kv(LOG_ERROR, "sign-in could not go on", "error", err_str(rc), NULL);
    page_error(a, resp, 500, "Something went wrong", "Please try again in a moment.");
}

/* The password was right and a second factor is next: a pending sign-in
 * (its own cookie, never a session) and on to /login/mfa with the request. */
static enum err to_second_factor(const struct app *a, const struct http_request *req,
                                 struct http_response *resp, const struct signin *s, bool has,
                                 const struct user *u)
{
    char token[SESSION_TOKEN_SIZE], url[sizeof a->oauth.cfg->issuer + 16];
    enum err rc;

    /* a pending sign-in replaces the browser's session, whichever it was */
    rc = signin_end_session(a, req, resp);
    if (!rc)
        rc = session_pending_create(&a->oauth, u->sub, MFA_AMR_PWD, clock_now(), token);
    if (!rc)
        rc = page_pending_set(a, resp, token, SESSION_PENDING_TTL);
    OPENSSL_cleanse(token, sizeof token);
    if (rc)
        return rc;
    if (has) {
        signin_send_to(a, resp, 303, "/login/mfa", &s->ar, false);
    } else {
        snprintf(url, sizeof url, "%s/login/mfa", a->oauth.cfg->issuer);
        http_response_redirect(resp, 303, url);
    }
    return ERR_OK;
}

/* After a correct password: a full session, or the second factor first
 * (the user has one, or the server, the client or the request wants one);
 * a user who has none where one is needed is told so. */
static void after_password(const struct app *a, const struct http_request *req,
                           struct http_response *resp, const struct signin *s, bool has,
                           const struct user *u)
{
    struct mfa_status st;
    enum err rc = mfa_status_get(&a->oauth, u->sub, &st);

    if (!rc && mfa_status_has_factor(&st))
        rc = to_second_factor(a, req, resp, s, has, u);
    else if (!rc && signin_mfa_required(a, has ? s : NULL))
        signin_no_second_factor(a, resp);
    else if (!rc && !(rc = signin_start_session(a, req, resp, u->sub, MFA_AMR_PWD)))
        signin_signed_in(a, resp, s, has);
    if (rc)
        server_error(a, resp, rc);
}

static void try_login(const struct app *a, const struct http_request *req,
                      struct http_response *resp, const struct signin *s, const char *next,
                      bool has)
{
    /* an unknown address is no counter: one shared by all would lock out everyone */
    struct login_attempt at = {NULL, NULL, req->client_address[0] ? req->client_address : NULL};
    struct user u = {0};
    const char *why = NULL, *client_id = has ? s->ar.client_id : NULL;
    long retry_after = 0;
    enum err rc;

    if (params_get_one(&req->form, "username", &at.username) ||
        params_get_one(&req->form, "password", &at.password))
        at.username = at.password = NULL;
    rc = login_password(&a->oauth, a->passwords, a->throttle, &at, &u, &retry_after, &why);
    if (!rc || rc == ERR_ACCESS_DENIED || rc == ERR_TEMPORARILY_UNAVAILABLE) {
        struct login_event e = {!rc                       ? LOGIN_OK
                                : rc == ERR_ACCESS_DENIED ? LOGIN_REFUSED
                                                          : LOGIN_LOCKED,
                                "login_page",
                                !rc ? u.username : at.username,
                                u.sub[0] ? u.sub : NULL,
                                client_id,
                                NULL,
                                req->client_address,
                                why,
                                rc == ERR_ACCESS_DENIED ? retry_after : 0};
        login_event(a, &e);
    }
    if (!rc) {
        after_password(a, req, resp, s, has, &u);
    } else if (rc == ERR_ACCESS_DENIED || rc == ERR_TEMPORARILY_UNAVAILABLE) {
        if (rc == ERR_ACCESS_DENIED)
            show_form(a, req, resp, has ? s : NULL, next, at.username, LOGIN_ERROR);
        else
            signin_throttled(a, resp, retry_after);
    } else {
        server_error(a, resp, rc);
    }
    user_clear(&u);
}

void endpoint_login(void *app, const struct http_request *req, struct http_response *resp)
{
    const struct app *a = app;
    struct signin s;
    const char *next;
    bool has;

    if (signin_read_next(a, req, resp, &s, &next, &has))
        goto out;
    if (req->method == HTTP_POST)
        try_login(a, req, resp, &s, next, has);
    else /* login_hint (Core §3.1.2.1) fills in the username */
        show_form(a, req, resp, has ? &s : NULL, next, has ? s.ar.login_hint : NULL, NULL);
out:
    signin_clear(&s);
}
