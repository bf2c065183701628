#ifndef OIDCD_ENDPOINTS_PAGE_H
#define OIDCD_ENDPOINTS_PAGE_H

/* The one home of what every HTML endpoint shares: the session cookie, the
 * CSRF cookie and its check, and page rendering. Cookie names and
 * attributes follow the issuer: on https `__Host-oidcd_session` and
 * `__Host-oidcd_csrf`, Secure; on http `oidcd_session` and `oidcd_csrf`,
 * Secure unless the host is loopback. Always HttpOnly, SameSite=Lax, Path=/,
 * but for session management's browser-state cookie (`oidcd_bs`, below).
 * The session cookie's value is opaque here: oauth/session.c gives and
 * checks it. */

#include <stdbool.h>
#include <stddef.h>

#include "endpoints/app.h"
#include "oauth/session.h"
#include "ui/render.h"

/* Fills *out (endpoints/app.h) for issuer (server.issuer). */
void page_cookies_init(struct page_cookies *out, const char *issuer);

/* The session token in req's session cookie, copied NUL-terminated into
 * token; ERR_NOT_FOUND when there is none or it cannot be one (wrong length). */
enum err page_session_get(const struct app *app, const struct http_request *req,
                          char token[SESSION_TOKEN_SIZE]);

/* Sets the session cookie to value for max_age seconds (session.ttl). With
 * session.management, also a new browser-state cookie (value "": its
 * deletion). */
enum err page_session_set(const struct app *app, struct http_response *resp, const char *value,
                          long long max_age);

/* The pending sign-in cookie (`oidcd_pending`, `__Host-` on https, as the
 * session's): between a correct password and the second factor. get: as
 * page_session_get; set: value for max_age seconds ("" and 0: delete). */
enum err page_pending_get(const struct app *app, const struct http_request *req,
                          char token[SESSION_TOKEN_SIZE]);
enum err page_pending_set(const struct app *app, struct http_response *resp, const char *value,
                          long long max_age);

/* Asks the browser to delete the session cookie. */
enum err page_session_clear(const struct app *app, struct http_response *resp);

/* Ends the session whose cookie req carries, if any (none, or one already
 * gone, is not an error), and clears the cookie: the one way a session
 * ends at the user's request (/logout, /end-session). ERR_STORE, ERR_NOMEM. */
enum err page_session_end(const struct app *app, const struct http_request *req,
                          struct http_response *resp);

/* base64url of 32 random bytes, and its NUL */
#define PAGE_CSRF_SIZE 44
#define PAGE_BROWSER_STATE_SIZE 44

/* The browser state of session management (OpenID Connect Session
 * Management 1.0 §3): the value of req's browser-state cookie, or, when it
 * has none (a session older than session.management), a new random one set
 * on resp. Not HttpOnly (the check-session page's script reads it); Secure
 * and SameSite=None where the other cookies are Secure, else SameSite=Lax.
 * ERR_CRYPTO, ERR_NOMEM. */
enum err page_browser_state(const struct app *app, const struct http_request *req,
                            struct http_response *resp, char out[PAGE_BROWSER_STATE_SIZE]);

/* The CSRF token a form of this page carries (hidden field csrf_token): the
 * cookie's when req has a well-formed one, else a new 256-bit token, set as
 * the CSRF cookie on resp (a browser session cookie). ERR_CRYPTO, ERR_NOMEM. */
enum err page_csrf_token(const struct app *app, const struct http_request *req,
                         struct http_response *resp, char out[PAGE_CSRF_SIZE]);

/* True when the form field csrf_token equals the CSRF cookie (double submit,
 * compared in constant time); false when either is missing or malformed. */
bool page_csrf_ok(const struct app *app, const struct http_request *req);

/* The CSRF token the form posted when it equals the cookie (page_csrf_ok):
 * a secret this browser holds, NUL-terminated (borrowed from req); NULL
 * when not. */
const char *page_csrf_posted(const struct app *app, const struct http_request *req);

/* The server's gate (http_server_options.gate), run before the handler of
 * every HTML, session or CSRF route: a Cookie header over its caps gets a 400
 * page, and a POST to a ROUTE_CSRF route that fails page_csrf_ok a 403 page;
 * the handler then never runs. */
bool page_gate(void *app, const struct route *route, const struct http_request *req,
               struct http_response *resp);

/* Renders page from view (the ui_*_view of that page) as resp's text/html
 * body with status. A render failure becomes a 500 page. The security
 * headers come from the route's flags (http/), not from here. */
void page_render(const struct app *app, struct http_response *resp, int status, enum ui_page page,
                 const void *view);

/* The error page: status, a short title and what to do next. */
void page_error(const struct app *app, struct http_response *resp, int status, const char *title,
                const char *message);

#endif
