#include "core/db_url.h"

#include <string.h>

/* Past the libpq key=value value quoted at v ('…', backslash escapes). */
static const char *quoted_end(const char *v)
{
    for (v++; *v && *v != '\''; v++)
        if (*v == '\\' && v[1])
            v++;
    return *v ? v + 1 : v;
}

void mask_database_url(const char *url, char *out, size_t n)
{
    const char *scheme = strstr(url, "://"), *auth, *at, *colon, *p = url, *key, *v;
    size_t at_out = 0, len;

#define PUT(s, k)                                                                                  \
    do {                                                                                           \
        len = (k) < n - 1 - at_out ? (k) : n - 1 - at_out;                                         \
        memcpy(out + at_out, (s), len);                                                            \
        at_out += len;                                                                             \
    } while (0)
    if (n == 0)
        return;
    /* scheme://user:PASSWORD@host…: the userinfo of the authority only */
    if (scheme) {
        auth = scheme + 3;
        /* libpq ends the userinfo at '@' or '/' only: a password may hold
         * '?' or '#' */
        at = memchr(auth, '@', strcspn(auth, "/"));
        colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
        if (colon) {
            PUT(url, (size_t)(colon + 1 - url));
            PUT("****", 4);
            p = at;
        }
    }
    /* every …password = VALUE (password=, sslpassword=, in a query or as a
     * key=value word), to the next space or & */
    while ((key = strcasestr(p, "password")) != NULL) {
        v = key + 8 + strspn(key + 8, " ");
        if (*v != '=') {
            PUT(p, (size_t)(key + 8 - p));
            p = key + 8;
            continue;
        }
        v++;
        v += strspn(v, " ");
        PUT(p, (size_t)(v - p));
        PUT("****", 4);
        p = *v == '\'' ? quoted_end(v) : v + strcspn(v, " &");
    }
    PUT(p, strlen(p));
    out[at_out] = '\0';
#undef PUT
}
