#ifndef OIDCD_HTTP_COOKIE_H
#define OIDCD_HTTP_COOKIE_H

/* Cookies as RFC 6265 writes them: reading a Cookie header's value and
 * building a Set-Cookie value. Pure functions: no state, no allocation. */

#include <stdbool.h>
#include <stddef.h>

#include "core/errors.h"

/* Finds the cookie called name in len bytes of a Cookie header value
 * (cookie-string, RFC 6265 §4.2.1: "a=b; c=d"; white space around pairs and
 * a pair with no '=' are tolerated and skipped). On ERR_OK *value points into
 * buf (no copy, not NUL-terminated) and *vlen is its length, the DQUOTEs of a
 * quoted value left out. The first pair with that name wins (browsers send
 * the one with the longest Path first). A pair whose value holds a byte
 * outside cookie-octet is never returned. ERR_NOT_FOUND when there is no such
 * cookie; ERR_INVALID_REQUEST when len is over LIMIT_COOKIE_HEADER or the
 * string holds more than LIMIT_COOKIES pairs. */
enum err cookie_find(const char *buf, size_t len, const char *name, const char **value,
                     size_t *vlen);

enum cookie_same_site { COOKIE_SAME_SITE_UNSET, COOKIE_LAX, COOKIE_STRICT, COOKIE_NONE };

/* A cookie to set. max_age < 0 leaves Max-Age out (a session cookie); 0
 * asks the browser to delete it. path NULL leaves Path out. */
struct cookie {
    const char *name;  /* a token (RFC 9110 §5.6.2) */
    const char *value; /* cookie-octets only; may be "" */
    long long max_age;
    const char *path; /* no ';' or control byte */
    bool http_only;
    bool secure;
    enum cookie_same_site same_site;
};

/* Writes the Set-Cookie value for c and a NUL into out (size bytes):
 * "name=value; Max-Age=N; Path=/; Secure; HttpOnly; SameSite=Lax".
 * ERR_INVALID_REQUEST when the name, value or path holds a byte that would
 * break the header or the cookie's syntax, or when a __Host- name lacks
 * Secure or Path=/ (RFC 6265bis §4.1.3.2); ERR_TOO_LARGE when out is too
 * small. On failure out is "". */
enum err cookie_format(const struct cookie *c, char *out, size_t size);

#endif
