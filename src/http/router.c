#include "http/router.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/text.h"

enum http_method router_method(const char *name)
{
    if (strcmp(name, "GET") == 0)
        return HTTP_GET;
    if (strcmp(name, "POST") == 0)
        return HTTP_POST;
    if (strcmp(name, "HEAD") == 0)
        return HTTP_HEAD;
    if (strcmp(name, "OPTIONS") == 0)
        return HTTP_OPTIONS;
    return HTTP_OTHER;
}

const struct route *router_match(const struct route *routes, size_t n, const char *path)
{
    const struct route *best = NULL;
    size_t i, len, best_len = 0;

    for (i = 0; i < n; i++) {
        if (!(routes[i].flags & ROUTE_PREFIX)) {
            if (strcmp(routes[i].path, path) == 0)
                return &routes[i];
            continue;
        }
        len = strlen(routes[i].path);
        if (len > best_len && strncmp(routes[i].path, path, len) == 0) {
            best = &routes[i];
            best_len = len;
        }
    }
    return best;
}

bool router_allows(const struct route *route, enum http_method method)
{
    unsigned m = route->methods;

    if (m & HTTP_GET)
        m |= HTTP_HEAD;
    return (m & method) != 0;
}

void router_allow_header(const struct route *route, char *out, size_t n)
{
    static const struct {
        unsigned bit;
        const char *names;
    } methods[] = {{HTTP_GET, "GET, HEAD"}, {HTTP_POST, "POST"}, {HTTP_OPTIONS, "OPTIONS"}};
    size_t i, len = 0;

    if (n)
        out[0] = '\0';
    for (i = 0; i < sizeof methods / sizeof methods[0] && len < n; i++) {
        if (!(route->methods & methods[i].bit))
            continue;
        len += (size_t)snprintf(out + len, n - len, "%s%s", len ? ", " : "", methods[i].names);
    }
}

bool router_content_type_is(const char *value, const char *wanted)
{
    size_t n = strlen(wanted);

    if (!value)
        return false;
    while (text_is_ows(*value))
        value++;
    if (strncasecmp(value, wanted, n) != 0)
        return false;
    value += n;
    while (text_is_ows(*value))
        value++;
    return *value == '\0' || *value == ';';
}
