#include "core/url.h"

#include <arpa/inet.h>

#include <string.h>

#include "core/limits.h"
#include "core/text.h"

static bool is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* RFC 3986 §2.3 */
static bool url_is_unreserved(unsigned char c)
{
    return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

size_t url_scheme_length(const char *u)
{
    size_t n = 0;

    if (!is_alpha((unsigned char)u[0]))
        return 0;
    while (is_alpha((unsigned char)u[n]) || is_digit((unsigned char)u[n]) ||
           (u[n] && strchr("+-.", u[n])))
        n++;
    return u[n] == ':' ? n : 0;
}

_Static_assert(LIMIT_URI == 2048, "url_absolute_problem's phrase names the limit");

const char *url_absolute_problem(const char *u)
{
    size_t scheme = url_scheme_length(u);

    if (strlen(u) > LIMIT_URI)
        return "is longer than 2048 bytes";
    if (scheme == 0 || !u[scheme + 1])
        return "must be an absolute URI, such as https://api.example.com";
    if (strchr(u, '#'))
        return "must not have a fragment (#…)";
    if (u[strcspn(u, " \t\r\n\"<>\\^`{|}")])
        return "holds a character a URI cannot";
    return NULL;
}

enum err url_encode(struct buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t i = 0, run;
    enum err rc;

    while (i < n) {
        for (run = 0; i + run < n && url_is_unreserved((unsigned char)s[i + run]); run++)
            ;
        if (run) {
            if ((rc = buf_append(b, s + i, run)))
                return rc;
            i += run;
            continue;
        }
        char esc[3] = {'%', hex[(unsigned char)s[i] >> 4], hex[(unsigned char)s[i] & 15]};
        if ((rc = buf_append(b, esc, 3)))
            return rc;
        i++;
    }
    return ERR_OK;
}

/* What goes between base and the first parameter: "" when base already ends
 * in a separator that fits. */
static const char *separator(const char *base, enum url_part where)
{
    size_t len = strlen(base);
    char last = len ? base[len - 1] : '\0';

    if (where == URL_FRAGMENT)
        return "#";
    if (!strchr(base, '?'))
        return "?";
    return last == '?' || last == '&' ? "" : "&";
}

enum err url_add_form(struct buf *b, const struct url_param *params, size_t n)
{
    const char *sep = "";
    enum err rc;
    size_t i;

    for (i = 0; i < n; i++) {
        if (!params[i].value)
            continue;
        if ((rc = buf_append_str(b, sep)) ||
            (rc = url_encode(b, params[i].name, strlen(params[i].name))) ||
            (rc = buf_append(b, "=", 1)) ||
            (rc = url_encode(b, params[i].value, strlen(params[i].value))))
            return rc;
        sep = "&";
    }
    return ERR_OK;
}

enum err url_add_params(struct buf *b, const char *base, const struct url_param *params, size_t n,
                        enum url_part where)
{
    enum err rc;
    size_t i;

    if (strchr(base, '#'))
        return ERR_INVALID_REQUEST;
    if ((rc = buf_append_str(b, base)))
        return rc;
    for (i = 0; i < n && !params[i].value; i++)
        ;
    if (i == n)
        return ERR_OK;
    if ((rc = buf_append_str(b, separator(base, where))))
        return rc;
    return url_add_form(b, params, n);
}

/* The authority: the n bytes at a, as [userinfo "@"] host [":" port]. */
static enum err parse_authority(const char *a, size_t n, struct url_parts *out)
{
    const char *at = memrchr(a, '@', n);
    size_t h = 0, i;

    if (at) {
        out->userinfo = (struct url_span){a, (size_t)(at - a)};
        n -= (size_t)(at - a) + 1;
        a = at + 1;
    }
    if (n && a[0] == '[') {
        const char *close = memchr(a, ']', n);
        if (!close || !text_is_ipv6(a + 1, (size_t)(close - a - 1)))
            return ERR_INVALID_REQUEST;
        out->host = (struct url_span){a + 1, (size_t)(close - a - 1)};
        out->host_is_ipv6 = true;
        h = (size_t)(close - a) + 1;
    } else {
        while (h < n && a[h] != ':')
            h++;
        out->host = (struct url_span){a, h};
        if (memchr(a, '[', h) || memchr(a, ']', h))
            return ERR_INVALID_REQUEST;
    }
    if (h == n)
        return ERR_OK;
    if (a[h] != ':')
        return ERR_INVALID_REQUEST;
    for (i = h + 1; i < n; i++)
        if (!is_digit((unsigned char)a[i]))
            return ERR_INVALID_REQUEST;
    out->port = (struct url_span){a + h + 1, n - h - 1};
    return ERR_OK;
}

/* The span of u[from, to) up to the first of the bytes in stop. */
static size_t span_until(const char *u, size_t from, size_t to, const char *stop)
{
    while (from < to && (!u[from] || !strchr(stop, u[from])))
        from++;
    return from;
}

enum err url_parse(const char *u, size_t len, struct url_parts *out)
{
    size_t s, at, end;
    enum err rc;

    memset(out, 0, sizeof *out);
    /* url_scheme_length reads a NUL-terminated string: bound it by len */
    for (s = 0; s < len && u[s] != ':'; s++)
        if (!is_alpha((unsigned char)u[s]) &&
            (s == 0 || !(is_digit((unsigned char)u[s]) || (u[s] && strchr("+-.", u[s])))))
            return ERR_INVALID_REQUEST;
    if (s == 0 || s == len)
        return ERR_INVALID_REQUEST;
    out->scheme = (struct url_span){u, s};
    at = s + 1;
    if (len - at >= 2 && u[at] == '/' && u[at + 1] == '/') {
        end = span_until(u, at + 2, len, "/?#");
        if ((rc = parse_authority(u + at + 2, end - at - 2, out)))
            return rc;
        at = end;
    }
    end = span_until(u, at, len, "?#");
    out->path = (struct url_span){u + at, end - at};
    at = end;
    if (at < len && u[at] == '?') {
        end = span_until(u, at + 1, len, "#");
        out->query = (struct url_span){u + at + 1, end - at - 1};
        at = end;
    }
    if (at < len)
        out->fragment = (struct url_span){u + at + 1, len - at - 1};
    return ERR_OK;
}

bool url_span_equal(struct url_span a, struct url_span b)
{
    if (!a.p || !b.p)
        return !a.p && !b.p;
    return a.n == b.n && memcmp(a.p, b.p, a.n) == 0;
}

bool url_span_is(struct url_span a, const char *s)
{
    return a.p && a.n == strlen(s) && memcmp(a.p, s, a.n) == 0;
}

bool url_host_is_loopback(struct url_span h)
{
    char host[INET_ADDRSTRLEN];
    struct in_addr a;

    if (url_span_is(h, "localhost") || url_span_is(h, "::1"))
        return true;
    /* 127.0.0.0/8 as an address, not any name that starts with "127." */
    if (h.n >= sizeof host)
        return false;
    memcpy(host, h.p, h.n);
    host[h.n] = '\0';
    return inet_pton(AF_INET, host, &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}
