#include "endpoints/page.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/b64url.h"
#include "core/log.h"
#include "core/rand.h"
#include "core/text.h"
#include "core/url.h"
#include "http/cookie.h"
#include "oauth/session.h"

#define CSRF_BYTES 32
#define CSRF_LEN (PAGE_CSRF_SIZE - 1)
#define BROWSER_STATE_BYTES 32

void page_cookies_init(struct page_cookies *out, const char *issuer)
{
    struct url_parts u;
    bool https = strncmp(issuer, "https://", 8) == 0;

    out->secure = true;
    if (!https && url_parse(issuer, strlen(issuer), &u) == ERR_OK && url_host_is_loopback(u.host))
        out->secure = false;
    /* __Host- needs https: a browser refuses it from a plain-http origin */
    snprintf(out->session_name, sizeof out->session_name, "%soidcd_session",
             https ? "__Host-" : "");
    snprintf(out->csrf_name, sizeof out->csrf_name, "%soidcd_csrf", https ? "__Host-" : "");
    snprintf(out->pending_name, sizeof out->pending_name, "%soidcd_pending",
             https ? "__Host-" : "");
    snprintf(out->browser_state_name, sizeof out->browser_state_name, "%soidcd_bs",
             https ? "__Host-" : "");
}

static struct cookie cookie_of(const struct app *app, const char *name, const char *value,
                               long long max_age)
{
    struct cookie c = {name, value, max_age, "/", true, app->cookies.secure, COOKIE_LAX};

    return c;
}

/* The token in req's cookie name, copied NUL-terminated into token. */
static enum err token_cookie_get(const struct http_request *req, const char *name,
                                 char token[SESSION_TOKEN_SIZE])
{
    const char *v;
    size_t n;
    enum err rc = http_request_cookie(req, name, &v, &n);

    if (!rc && n != SESSION_TOKEN_LEN)
        rc = ERR_NOT_FOUND;
    if (rc)
        return rc;
    memcpy(token, v, n);
    token[n] = '\0';
    return ERR_OK;
}

enum err page_session_get(const struct app *app, const struct http_request *req,
                          char token[SESSION_TOKEN_SIZE])
{
    return token_cookie_get(req, app->cookies.session_name, token);
}

enum err page_pending_get(const struct app *app, const struct http_request *req,
                          char token[SESSION_TOKEN_SIZE])
{
    return token_cookie_get(req, app->cookies.pending_name, token);
}

enum err page_pending_set(const struct app *app, struct http_response *resp, const char *value,
                          long long max_age)
{
    struct cookie c = cookie_of(app, app->cookies.pending_name, value, max_age);

    return http_response_set_cookie(resp, &c);
}

/* The browser-state cookie of session management: the check-session
 * page's script reads it, so it is not HttpOnly. A relying party embeds that
 * page from its own site, where only a SameSite=None cookie reaches it; a
 * browser takes SameSite=None only with Secure, so a plain-http loopback
 * issuer gets Lax, which serves relying parties on the same host. */
static enum err browser_state_set(const struct app *app, struct http_response *resp,
                                  const char *value, long long max_age)
{
    struct cookie c = cookie_of(app, app->cookies.browser_state_name, value, max_age);

    c.http_only = false;
    c.same_site = c.secure ? COOKIE_NONE : COOKIE_LAX;
    return http_response_set_cookie(resp, &c);
}

/* A new browser state: random, and nothing to do with the session token. */
static enum err browser_state_new(const struct app *app, struct http_response *resp,
                                  char out[PAGE_BROWSER_STATE_SIZE])
{
    enum err rc = rand_token(out, BROWSER_STATE_BYTES);

    return rc ? rc : browser_state_set(app, resp, out, app->oauth.cfg->session_ttl);
}

enum err page_browser_state(const struct app *app, const struct http_request *req,
                            struct http_response *resp, char out[PAGE_BROWSER_STATE_SIZE])
{
    const char *v;
    size_t n;

    if (http_request_cookie(req, app->cookies.browser_state_name, &v, &n) == ERR_OK &&
        n == PAGE_BROWSER_STATE_SIZE - 1) {
        memcpy(out, v, n);
        out[n] = '\0';
        return ERR_OK;
    }
    return browser_state_new(app, resp, out);
}

enum err page_session_set(const struct app *app, struct http_response *resp, const char *value,
                          long long max_age)
{
    struct cookie c = cookie_of(app, app->cookies.session_name, value, max_age);
    char state[PAGE_BROWSER_STATE_SIZE];
    enum err rc = http_response_set_cookie(resp, &c);

    /* every login and logout changes the browser state (Session Management §3) */
    if (rc || !app->oauth.cfg->session_management)
        return rc;
    if (!*value)
        return browser_state_set(app, resp, "", 0);
    return browser_state_new(app, resp, state);
}

enum err page_session_clear(const struct app *app, struct http_response *resp)
{
    return page_session_set(app, resp, "", 0);
}

enum err page_session_end(const struct app *app, const struct http_request *req,
                          struct http_response *resp)
{
    char token[SESSION_TOKEN_SIZE];
    struct session se = {0};
    enum err rc;

    if (page_session_get(app, req, token))
        return page_session_clear(app, resp);
    if (session_lookup(&app->oauth, token, &se) == ERR_OK)
        log_kv(LOG_INFO, "logout", "sub", se.user_sub, NULL);
    session_clear(&se);
    rc = session_end(&app->oauth, token);
    return rc ? rc : page_session_clear(app, resp);
}

/* The CSRF cookie of req when it is one we could have made. */
static bool csrf_cookie(const struct app *app, const struct http_request *req, const char **v)
{
    size_t n;

    return http_request_cookie(req, app->cookies.csrf_name, v, &n) == ERR_OK && n == CSRF_LEN;
}

enum err page_csrf_token(const struct app *app, const struct http_request *req,
                         struct http_response *resp, char out[PAGE_CSRF_SIZE])
{
    struct cookie c;
    const char *v;
    enum err rc;

    if (csrf_cookie(app, req, &v)) {
        memcpy(out, v, CSRF_LEN);
        out[CSRF_LEN] = '\0';
        return ERR_OK;
    }
    rc = rand_token(out, CSRF_BYTES);
    if (rc)
        return rc;
    /* no Max-Age: it lives as long as the browser session */
    c = cookie_of(app, app->cookies.csrf_name, out, -1);
    return http_response_set_cookie(resp, &c);
}

bool page_csrf_ok(const struct app *app, const struct http_request *req)
{
    const char *cookie, *field;

    if (!csrf_cookie(app, req, &cookie) || params_get_one(&req->form, "csrf_token", &field) ||
        !field || strlen(field) != CSRF_LEN)
        return false;
    return CRYPTO_memcmp(cookie, field, CSRF_LEN) == 0;
}

const char *page_csrf_posted(const struct app *app, const struct http_request *req)
{
    const char *field;

    /* the field, not the cookie: a cookie's value is not NUL-terminated */
    return page_csrf_ok(app, req) && !params_get_one(&req->form, "csrf_token", &field) ? field
                                                                                       : NULL;
}

/* A Cookie header over its caps hides every cookie in it: without this
 * answer the browser would look signed out and every form would fail its
 * CSRF check, again and again (a sibling site can plant that many). */
static bool cookies_readable(const struct app *app, const struct http_request *req,
                             struct http_response *resp)
{
    const char *v;
    size_t n;

    if (http_request_cookie(req, app->cookies.session_name, &v, &n) != ERR_INVALID_REQUEST)
        return true;
    resp->error = "cookies_too_large";
    page_error(app, resp, 400, "Too many cookies",
               "Your browser sent more cookies for this site than it can read. Delete this "
               "site's cookies in your browser's settings, then try again.");
    return false;
}

bool page_gate(void *app, const struct route *route, const struct http_request *req,
               struct http_response *resp)
{
    if (!cookies_readable(app, req, resp))
        return false;
    if (!(route->flags & ROUTE_CSRF) || req->method != HTTP_POST || page_csrf_ok(app, req))
        return true;
    resp->error = "csrf";
    page_error(app, resp, 403, "This form has expired",
               "The page you sent could not be verified, so nothing was done. Go back, reload "
               "the page and try again. If this keeps happening, allow cookies for this site.");
    return false;
}

void page_render(const struct app *app, struct http_response *resp, int status, enum ui_page page,
                 const void *view)
{
    char *html = NULL;
    size_t len = 0;

    if (ui_render(app->ui, page, app->oauth.cfg->issuer_path, view, &html, &len)) {
        http_response_body(resp, 500, "text/html; charset=utf-8", ui_fallback_page(),
                           strlen(ui_fallback_page()));
        return;
    }
    free(resp->body);
    resp->body = html;
    resp->body_len = len;
    resp->status = status;
    resp->content_type = "text/html; charset=utf-8";
}

void page_error(const struct app *app, struct http_response *resp, int status, const char *title,
                const char *message)
{
    struct ui_error_view v = {title, message};

    page_render(app, resp, status, UI_ERROR, &v);
}
