#include "http/cookie.h"

#include <stdio.h>
#include <string.h>

#include "core/limits.h"

/* cookie-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E */
static bool cookie_octet(unsigned char c)
{
    return c >= 0x21 && c <= 0x7e && c != '"' && c != ',' && c != ';' && c != '\\';
}

/* tchar of RFC 9110 §5.6.2 */
static bool tchar(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool all_of(const char *p, size_t n, bool (*ok)(unsigned char))
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!ok((unsigned char)p[i]))
            return false;
    return true;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* The value of one pair, quotes removed; false when it is not cookie-value. */
static bool clean_value(const char **v, size_t *n)
{
    while (*n && is_space((*v)[*n - 1]))
        (*n)--;
    if (*n >= 2 && (*v)[0] == '"' && (*v)[*n - 1] == '"') {
        (*v)++;
        *n -= 2;
    }
    return all_of(*v, *n, cookie_octet);
}

enum err cookie_find(const char *buf, size_t len, const char *name, const char **value,
                     size_t *vlen)
{
    size_t pos = 0, pairs = 0, nlen = strlen(name);

    if (len > LIMIT_COOKIE_HEADER)
        return ERR_INVALID_REQUEST;
    while (pos < len) {
        const char *pair = buf + pos, *eq, *v;
        size_t plen, klen, n;

        while (pos < len && (is_space(buf[pos]) || buf[pos] == ';'))
            pos++;
        if (pos == len)
            break;
        pair = buf + pos;
        plen = 0;
        while (pos + plen < len && buf[pos + plen] != ';')
            plen++;
        pos += plen;
        if (++pairs > LIMIT_COOKIES)
            return ERR_INVALID_REQUEST;
        eq = memchr(pair, '=', plen);
        if (!eq)
            continue;
        klen = (size_t)(eq - pair);
        while (klen && is_space(pair[klen - 1]))
            klen--;
        if (klen != nlen || memcmp(pair, name, nlen) != 0)
            continue;
        v = eq + 1;
        n = plen - (size_t)(v - pair);
        while (n && is_space(*v)) {
            v++;
            n--;
        }
        if (!clean_value(&v, &n))
            continue;
        *value = v;
        *vlen = n;
        return ERR_OK;
    }
    return ERR_NOT_FOUND;
}

static bool path_char(unsigned char c)
{
    return c >= 0x20 && c < 0x7f && c != ';';
}

static const char *same_site_attr(enum cookie_same_site s)
{
    switch (s) {
    case COOKIE_LAX:
        return "; SameSite=Lax";
    case COOKIE_STRICT:
        return "; SameSite=Strict";
    case COOKIE_NONE:
        return "; SameSite=None";
    default:
        return "";
    }
}

static bool cookie_valid(const struct cookie *c)
{
    size_t nlen = c->name ? strlen(c->name) : 0;

    if (!nlen || !all_of(c->name, nlen, tchar) || !c->value ||
        !all_of(c->value, strlen(c->value), cookie_octet))
        return false;
    if (c->path && (c->path[0] != '/' || !all_of(c->path, strlen(c->path), path_char)))
        return false;
    /* a __Host- cookie the browser would refuse is a bug here, not there */
    if (strncmp(c->name, "__Host-", 7) == 0)
        return c->secure && c->path && strcmp(c->path, "/") == 0;
    if (strncmp(c->name, "__Secure-", 9) == 0)
        return c->secure;
    return true;
}

enum err cookie_format(const struct cookie *c, char *out, size_t size)
{
    char age[32] = "";
    int n;

    if (size)
        out[0] = '\0';
    if (!cookie_valid(c))
        return ERR_INVALID_REQUEST;
    if (c->max_age >= 0)
        snprintf(age, sizeof age, "; Max-Age=%lld", c->max_age);
    n = snprintf(out, size, "%s=%s%s%s%s%s%s%s", c->name, c->value, age, c->path ? "; Path=" : "",
                 c->path ? c->path : "", c->secure ? "; Secure" : "",
                 c->http_only ? "; HttpOnly" : "", same_site_attr(c->same_site));
    if (n < 0 || (size_t)n >= size) {
        if (size)
            out[0] = '\0';
        return ERR_TOO_LARGE;
    }
    return ERR_OK;
}
