/* GET and POST /login: the password form, then a new session and back to
 * /authorize with the request the form carried in next. */
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "endpoints/app.h"
#include "endpoints/login_event.h"
#include "endpoints/page.h"
#include "endpoints/signin.h"
#include "oauth/login.h"
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
    struct ui_login_view v = {s ? (s->client.name ? s->client.name : s->client.id) : NULL, username,
                              error, csrf, next};

    /* the form posts here, and its answer leads on to the client */
    if (page_csrf_token(a, req, resp, csrf) ||
        (s && http_response_allow_form_action(resp, s->ar.redirect_uri))) {
        page_error(a, resp, 500, "Something went wrong", "Please try again in a moment.");
        return;
    }
    page_render(a, resp, 200, UI_LOGIN, &v);
}

/* Reads next: ERR_OK with *has set when there is a request; else the
 * answer is in resp. */
static enum err read_next(const struct app *a, const struct http_request *req,
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
static enum err start_session(const struct app *a, const struct http_request *req,
                              struct http_response *resp, const struct user *u)
{
    char token[SESSION_TOKEN_SIZE];
    enum err rc;

    if (!page_session_get(a, req, token)) {
        rc = session_end(&a->oauth, token);
        if (rc)
            return rc;
    }
    rc = session_create(&a->oauth, u->sub, "pwd", token, NULL);
    if (!rc)
        rc = page_session_set(a, resp, token, a->oauth.cfg->session_ttl);
    OPENSSL_cleanse(token, sizeof token);
    return rc;
}

/* Signed in: back to /authorize, where the new session now counts. */
static void signed_in(const struct app *a, struct http_response *resp, const struct signin *s,
                      bool has)
{
    struct authorize_request again;

    if (!has) {
        page_error(a, resp, 200, "You are signed in",
                   "Go back to the application you were using and continue there.");
        return;
    }
    /* the login just made satisfies prompt=login and any max_age: without
     * both, a slow round trip could ask for the login again and again */
    again = s->ar;
    again.max_age = -1;
    signin_send_to(a, resp, 303, "/authorize", &again, true);
}

static void throttled(const struct app *a, struct http_response *resp, long retry_after)
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
    if (!rc)
        rc = start_session(a, req, resp, &u);
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
        signed_in(a, resp, s, has);
    } else if (rc == ERR_ACCESS_DENIED || rc == ERR_TEMPORARILY_UNAVAILABLE) {
        if (rc == ERR_ACCESS_DENIED)
            show_form(a, req, resp, has ? s : NULL, next, at.username, LOGIN_ERROR);
        else
            throttled(a, resp, retry_after);
    } else {
        log_kv(LOG_ERROR, "login could not be checked", "error", err_str(rc), NULL);
        page_error(a, resp, 500, "Something went wrong", "Please try again in a moment.");
    }
    user_clear(&u);
}

void endpoint_login(void *app, const struct http_request *req, struct http_response *resp)
{
    const struct app *a = app;
    struct signin s;
    const char *next;
    bool has;

    if (read_next(a, req, resp, &s, &next, &has))
        goto out;
    if (req->method == HTTP_POST)
        try_login(a, req, resp, &s, next, has);
    else /* login_hint (Core §3.1.2.1) fills in the username */
        show_form(a, req, resp, has ? &s : NULL, next, has ? s.ar.login_hint : NULL, NULL);
out:
    signin_clear(&s);
}
