#ifndef OIDCD_HTTP_ROUTER_H
#define OIDCD_HTTP_ROUTER_H

#include "http/http.h"

/* The method bit for an HTTP method name. */
enum http_method router_method(const char *name);

/* The route whose path is exactly path; else the ROUTE_PREFIX route with the
 * longest path that starts path; else NULL. */
const struct route *router_match(const struct route *routes, size_t n, const char *path);

/* True when route accepts method (GET routes also accept HEAD). */
bool router_allows(const struct route *route, enum http_method method);

/* The Allow header value for route into out ("GET, HEAD", "POST", "GET, HEAD,
 * POST, OPTIONS"); cut short when n is too small. */
void router_allow_header(const struct route *route, char *out, size_t n);

/* True when a Content-Type header value is the media type wanted (parameters
 * such as charset after ';' are allowed; case does not matter). */
bool router_content_type_is(const char *value, const char *wanted);

#endif
