#ifndef OIDCD_HTTP_HTTP_H
#define OIDCD_HTTP_HTTP_H

/* What handlers see of HTTP: a parsed request, a response to fill, and the
 * route table that drives the checks made before any handler runs. Only
 * http/ knows libmicrohttpd. */

#include <stdbool.h>
#include <stddef.h>

#include "core/errors.h"
#include "core/form.h"
#include "core/limits.h"

enum http_method { HTTP_GET = 1, HTTP_POST = 2, HTTP_HEAD = 4, HTTP_OTHER = 8, HTTP_OPTIONS = 16 };

enum body_kind { BODY_NONE, BODY_FORM };

/* A request header lookup the server fills: the value of the first header
 * called name (any case), or NULL. The string lives as long as the request. */
typedef const char *(*http_header_lookup)(void *ctx, const char *name);

/* An IPv6 address as text (INET6_ADDRSTRLEN), and its NUL */
#define HTTP_ADDRESS_SIZE 46
/* The longest X-Request-Id taken from a request (see http/server.c). */
#define HTTP_REQUEST_ID_MAX 64

struct http_request {
    enum http_method method;
    const char *path;
    const char *authorization; /* the Authorization header, or NULL */
    struct params query;
    struct params form; /* the body, for BODY_FORM routes */
    http_header_lookup header;
    void *header_ctx;
    /* the peer's IP address as text ("192.0.2.1", "2001:db8::1"), "" when
     * unknown; behind a reverse proxy, the proxy's */
    char client_address[HTTP_ADDRESS_SIZE];
};

/* The value of request header name (case-insensitive), or NULL; borrowed for
 * the handler's run. */
const char *http_request_header(const struct http_request *req, const char *name);

/* The cookie called name, from the Cookie header (cookie_find's rules): ERR_OK
 * with *value pointing into the header and *len its length; ERR_NOT_FOUND
 * when absent; ERR_INVALID_REQUEST when the header is over its caps (so
 * nothing in it can be read). */
enum err http_request_cookie(const struct http_request *req, const char *name, const char **value,
                             size_t *len);

/* One response header; both strings are owned by the response. */
struct http_header {
    char *name;
    char *value;
};

struct http_response {
    int status;
    const char *content_type;
    char *body; /* owned */
    size_t body_len;
    struct http_header *headers; /* owned, grows as needed */
    size_t nheaders, cap_headers;
    /* owned, or NULL: one more CSP form-action source for an HTML page, the
     * origin a form on it may end up at (http_response_allow_form_action) */
    char *form_action;
    /* for the access log */
    char client_id[LIMIT_CLIENT_ID + 1];
    const char *error;
};

typedef void (*http_handler)(void *app, const struct http_request *req, struct http_response *resp);

/* What a route needs; the server (and the gate of http_server_options) acts
 * on them, so no handler repeats it. */
enum route_flag {
    ROUTE_NO_STORE = 1u << 0,    /* Cache-Control: no-store, Pragma: no-cache */
    ROUTE_CLIENT_AUTH = 1u << 1, /* a back-channel call a client authenticates */
    ROUTE_SESSION = 1u << 2,     /* reads the browser session: no-store */
    ROUTE_CSRF = 1u << 3,        /* a POST must pass the CSRF check first; no-store */
    ROUTE_HTML = 1u << 4,        /* a page: CSP, nosniff, no referrer */
    ROUTE_PREFIX = 1u << 5,      /* path matches every path that starts with it */
    ROUTE_CORS = 1u << 6,        /* any origin may read it: Access-Control-Allow-Origin: * */
    ROUTE_FRAMEABLE = 1u << 7,   /* a page any site may frame: CSP frame-ancestors * */
};

struct route {
    const char *path; /* exact match on the request path, or prefix (ROUTE_PREFIX) */
    /* enum http_method bits; GET routes answer HEAD too; the server itself
     * answers OPTIONS on a route that lists it (a CORS preflight with
     * ROUTE_CORS), so no handler sees it */
    unsigned methods;
    enum body_kind body; /* BODY_FORM: application/x-www-form-urlencoded */
    size_t max_body;
    unsigned flags;            /* enum route_flag bits */
    const char *cache_control; /* when no flag asks for no-store; NULL: none */
    http_handler handler;
};

/* The Content-Security-Policy of every HTML page, around the form-action
 * sources: 'self' and, where a page sets one, the client's origin. */
#define HTTP_CSP_HEAD                                                                              \
    "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; form-action 'self'"
#define HTTP_CSP_TAIL "; frame-ancestors 'none'; base-uri 'none'"
#define HTTP_CSP_TAIL_FRAMEABLE "; frame-ancestors *; base-uri 'none'"

/* Adds to r the headers route's flags imply (CSP, nosniff, Referrer-Policy,
 * Cache-Control, Pragma): what the server does before it sends any response.
 * A text/html response gets the page headers whatever the route (NULL: no
 * route matched). ERR_NOMEM. */
enum err http_response_apply_route(struct http_response *r, const struct route *route);

/* The answer to OPTIONS on route: 204 with Allow and, for a ROUTE_CORS
 * route, the preflight headers of the Fetch standard (the methods, the
 * Authorization and Content-Type request headers, a day's Max-Age).
 * No credentials are asked for. */
void http_response_options(struct http_response *r, const struct route *route);

/* Sets a JSON body from a jansson value. Steals the reference to obj. */
struct json_t;
void http_response_json(struct http_response *r, int status, struct json_t *obj);

/* Sets a JSON body the response takes over (malloc'd, len bytes, as from
 * json_writer_finish); NULL text makes a 500 server_error. */
void http_response_json_text(struct http_response *r, int status, char *text, size_t len);

/* Sets a body that is copied. */
void http_response_body(struct http_response *r, int status, const char *content_type,
                        const char *body, size_t len);

/* Adds a header; name and value are copied. ERR_INVALID_REQUEST (nothing
 * added) when either holds a CR, LF or NUL-less control byte that would split
 * the header; ERR_NOMEM. There is no cap on their number. */
enum err http_response_header(struct http_response *r, const char *name, const char *value);

/* The value of the first header called name (any case) set on r, or NULL. */
const char *http_response_get_header(const struct http_response *r, const char *name);

/* Adds a Set-Cookie header for c (cookie_format's rules and errors). */
struct cookie;
enum err http_response_set_cookie(struct http_response *r, const struct cookie *c);

/* An empty-bodied redirect: status 302 or 303 with Location: location.
 * A location with a control byte or a status that is neither makes a 500. */
void http_response_redirect(struct http_response *r, int status, const char *location);

/* Lets the forms of this HTML page (and the redirects after them) go to the
 * origin of uri as well as to 'self': the CSP form-action source is the
 * scheme://host[:port] of an absolute http(s) URI, or "scheme:" of a
 * private-use URI (RFC 8252 §7.1). ERR_INVALID_REQUEST when uri has no
 * scheme or holds a byte a CSP source cannot carry. ERR_NOMEM. */
enum err http_response_allow_form_action(struct http_response *r, const char *uri);

/* Sets the error response for e: status, {"error": …, "error_description":
 * desc} and, for invalid_client, a Basic challenge (RFC 6749 §5.2). desc may
 * be NULL. */
void http_response_error(struct http_response *r, enum err e, const char *desc);

void http_response_clear(struct http_response *r);

#endif
