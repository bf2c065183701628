#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/json_writer.h"
#include "http/cookie.h"
#include "http/http.h"
#include "http/router.h"

/* error_description is one of our own sentences: far below this */
#define ERROR_BODY_MAX (16 * 1024)

void http_response_json_text(struct http_response *r, int status, char *text, size_t len)
{
    if (!text) {
        http_response_body(r, 500, "application/json", "{\"error\":\"server_error\"}", 25);
        return;
    }
    free(r->body);
    r->status = status;
    r->content_type = "application/json";
    r->body = text;
    r->body_len = len;
}

void http_response_json(struct http_response *r, int status, struct json_t *obj)
{
    char *text = obj ? json_dumps(obj, JSON_COMPACT) : NULL;

    json_decref(obj);
    http_response_json_text(r, status, text, text ? strlen(text) : 0);
}

void http_response_body(struct http_response *r, int status, const char *content_type,
                        const char *body, size_t len)
{
    char *copy = malloc(len + 1);

    free(r->body);
    r->body = copy;
    r->body_len = copy ? len : 0;
    if (copy) {
        memcpy(copy, body, len);
        copy[len] = '\0';
    }
    r->status = copy ? status : 500;
    r->content_type = content_type;
}

/* A header name is a token; a value must not break the header line. */
static bool header_text_ok(const char *s, bool name)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\r' || c == '\n' || (c < 0x20 && c != '\t') || c == 0x7f)
            return false;
        if (name && (c == ':' || c == ' ' || c == '\t'))
            return false;
    }
    return true;
}

enum err http_response_header(struct http_response *r, const char *name, const char *value)
{
    struct http_header *grown;
    char *n, *v;

    if (!name[0] || !header_text_ok(name, true) || !header_text_ok(value, false))
        return ERR_INVALID_REQUEST;
    if (r->nheaders == r->cap_headers) {
        size_t cap = r->cap_headers ? 2 * r->cap_headers : 8;
        grown = realloc(r->headers, cap * sizeof *grown);
        if (!grown)
            return ERR_NOMEM;
        r->headers = grown;
        r->cap_headers = cap;
    }
    n = strdup(name);
    v = strdup(value);
    if (!n || !v) {
        free(n);
        free(v);
        return ERR_NOMEM;
    }
    r->headers[r->nheaders].name = n;
    r->headers[r->nheaders].value = v;
    r->nheaders++;
    return ERR_OK;
}

const char *http_response_get_header(const struct http_response *r, const char *name)
{
    size_t i;

    for (i = 0; i < r->nheaders; i++)
        if (strcasecmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    return NULL;
}

enum err http_response_set_cookie(struct http_response *r, const struct cookie *c)
{
    char line[LIMIT_SET_COOKIE];
    enum err rc = cookie_format(c, line, sizeof line);

    return rc ? rc : http_response_header(r, "Set-Cookie", line);
}

void http_response_redirect(struct http_response *r, int status, const char *location)
{
    free(r->body);
    r->body = NULL;
    r->body_len = 0;
    r->content_type = NULL;
    if ((status != 302 && status != 303) || http_response_header(r, "Location", location)) {
        http_response_error(r, ERR_SERVER_ERROR, NULL);
        return;
    }
    r->status = status;
}

/* A byte a CSP source expression may carry (no white space, ';' or ','; no
 * quote that would end a keyword) */
static bool csp_char(unsigned char c)
{
    return c > 0x20 && c < 0x7f && c != ';' && c != ',' && c != '\'' && c != '"';
}

/* The length of uri's CSP source: "scheme://authority" or "scheme:". */
static size_t csp_source_len(const char *uri)
{
    size_t n = strcspn(uri, ":"), i;

    if (!n || !uri[n])
        return 0;
    for (i = 0; i < n; i++)
        if (!isalnum((unsigned char)uri[i]) && !strchr("+-.", uri[i]))
            return 0;
    n++;
    /* CSP host sources have no IP-literal form (CSP3 §2.3.1): a browser drops
     * "http://[::1]:5" and with it the one target the form may reach. The
     * scheme alone is the narrowest source that still names an IPv6 host. */
    if (strncmp(uri + n, "//[", 3) == 0)
        return n;
    if (strncmp(uri + n, "//", 2) == 0)
        n += 2 + strcspn(uri + n + 2, "/?#");
    for (i = 0; i < n; i++)
        if (!csp_char((unsigned char)uri[i]))
            return 0;
    return n;
}

enum err http_response_allow_form_action(struct http_response *r, const char *uri)
{
    size_t n = csp_source_len(uri);
    char *src;

    /* a longer source would be cut by add_csp, and frame-ancestors with it */
    if (!n || n > LIMIT_URI || strcspn(uri, "@") < n)
        return ERR_INVALID_REQUEST;
    src = strndup(uri, n);
    if (!src)
        return ERR_NOMEM;
    free(r->form_action);
    r->form_action = src;
    return ERR_OK;
}

static bool is_html(const struct http_response *r)
{
    return r->content_type && strncasecmp(r->content_type, "text/html", 9) == 0;
}

static enum err add_csp(struct http_response *r, bool frameable)
{
    char csp[sizeof HTTP_CSP_HEAD + sizeof HTTP_CSP_TAIL + LIMIT_URI + 2];

    snprintf(csp, sizeof csp, "%s%s%s%s", HTTP_CSP_HEAD, r->form_action ? " " : "",
             r->form_action ? r->form_action : "",
             frameable ? HTTP_CSP_TAIL_FRAMEABLE : HTTP_CSP_TAIL);
    return http_response_header(r, "Content-Security-Policy", csp);
}

enum err http_response_apply_route(struct http_response *r, const struct route *route)
{
    unsigned flags = route ? route->flags : ROUTE_NO_STORE;
    enum err rc = ERR_OK;

    if (flags & (ROUTE_SESSION | ROUTE_CSRF))
        flags |= ROUTE_NO_STORE;
    if ((flags & ROUTE_HTML) || is_html(r)) {
        rc = add_csp(r, (flags & ROUTE_FRAMEABLE) != 0);
        if (!rc)
            rc = http_response_header(r, "X-Content-Type-Options", "nosniff");
        if (!rc)
            rc = http_response_header(r, "Referrer-Policy", "no-referrer");
    }
    if (!rc && (flags & ROUTE_CORS)) {
        rc = http_response_header(r, "Access-Control-Allow-Origin", "*");
        /* so a browser app can read why a bearer token was refused */
        if (!rc)
            rc = http_response_header(r, "Access-Control-Expose-Headers", "WWW-Authenticate");
    }
    if (!rc && (flags & ROUTE_NO_STORE)) {
        rc = http_response_header(r, "Cache-Control", "no-store");
        if (!rc)
            rc = http_response_header(r, "Pragma", "no-cache");
    } else if (!rc && route->cache_control) {
        /* only a success may be cached: a shared cache must not keep serving a failure */
        rc = http_response_header(r, "Cache-Control",
                                  r->status == 200 ? route->cache_control : "no-store");
    }
    return rc;
}

void http_response_options(struct http_response *r, const struct route *route)
{
    char allow[64];

    router_allow_header(route, allow, sizeof allow);
    http_response_body(r, 204, NULL, "", 0);
    if (http_response_header(r, "Allow", allow) ||
        ((route->flags & ROUTE_CORS) &&
         (http_response_header(r, "Access-Control-Allow-Methods", allow) ||
          http_response_header(r, "Access-Control-Allow-Headers", "Authorization, Content-Type") ||
          http_response_header(r, "Access-Control-Max-Age", "86400")))) {
        http_response_clear(r);
        http_response_error(r, ERR_NOMEM, NULL);
    }
}

static int status_of(enum err e)
{
    switch (e) {
    case ERR_INVALID_REQUEST:
    case ERR_INVALID_GRANT:
    case ERR_UNAUTHORIZED_CLIENT:
    case ERR_UNSUPPORTED_GRANT_TYPE:
    case ERR_INVALID_SCOPE:
    case ERR_UNSUPPORTED_RESPONSE_TYPE:
    case ERR_LOGIN_REQUIRED:
    case ERR_CONSENT_REQUIRED:
    case ERR_INTERACTION_REQUIRED:
    case ERR_ACCOUNT_SELECTION_REQUIRED:
    case ERR_REQUEST_NOT_SUPPORTED:
    case ERR_REQUEST_URI_NOT_SUPPORTED:
    case ERR_INVALID_TARGET:
    case ERR_THROTTLED: /* RFC 6749 §5.2: token errors are 400, Retry-After says when */
        return 400;
    case ERR_INVALID_CLIENT:
    case ERR_INVALID_TOKEN:
        return 401;
    case ERR_INSUFFICIENT_SCOPE:
    case ERR_ACCESS_DENIED:
        return 403;
    case ERR_HTTP_NOT_FOUND:
        return 404;
    case ERR_METHOD_NOT_ALLOWED:
        return 405;
    case ERR_TOO_LARGE:
        return 413;
    case ERR_TEMPORARILY_UNAVAILABLE:
        return 503;
    default:
        return 500;
    }
}

void http_response_error(struct http_response *r, enum err e, const char *desc)
{
    int status = status_of(e);
    struct json_writer w;
    char *text;
    size_t len = 0;

    json_writer_begin(&w, ERROR_BODY_MAX);
    json_writer_string(&w, "error", err_code(e));
    /* internal failures are described in the log, not to the client */
    if (desc && status != 500)
        json_writer_string(&w, "error_description", desc);
    text = json_writer_finish(&w, &len);
    if (e == ERR_INVALID_CLIENT && !http_response_get_header(r, "WWW-Authenticate"))
        http_response_header(r, "WWW-Authenticate", "Basic realm=\"oidcd\"");
    r->error = err_code(e);
    http_response_json_text(r, status, text, len);
}

void http_response_clear(struct http_response *r)
{
    size_t i;

    free(r->body);
    for (i = 0; i < r->nheaders; i++) {
        free(r->headers[i].name);
        free(r->headers[i].value);
    }
    free(r->headers);
    free(r->form_action);
    memset(r, 0, sizeof *r);
}
