/* libFuzzer target: the redirect-URI rules in oauth/client_rules.c
 * client_check. The input split on '\n' (each line kept as it is, empty ones
 * too) is checked twice: as the client's redirect_uris, then as its
 * post_logout_redirect_uris; every other field is fixed and valid, so the
 * verdict depends on the URIs alone, and both lists must get the same one.
 * An accepted list must pass the oracle below, written apart from the code
 * under test: at most LIMIT_URIS URIs of 1 to LIMIT_URI bytes, each an
 * RFC 3986 scheme and ':' followed by more, not javascript/data/vbscript/file,
 * of printable ASCII without '#' or white space; http and https with "//",
 * a host and no user info, a port only as 1-65535; brackets only around an
 * http(s) host. A list with a '#', a
 * control byte or a refused scheme in it must be refused. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/limits.h"
#include "oauth/client_rules.h"

static bool alpha(char ch)
{
    return (ch | 0x20) >= 'a' && (ch | 0x20) <= 'z';
}

static bool digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

/* The scheme's length, or 0 when u does not start with "scheme:". */
static size_t scheme_of(const char *u)
{
    size_t n;

    if (!alpha(u[0]))
        return 0;
    for (n = 1; alpha(u[n]) || digit(u[n]) || u[n] == '+' || u[n] == '-' || u[n] == '.'; n++)
        ;
    return u[n] == ':' ? n : 0;
}

static bool refused_scheme(const char *u, size_t n)
{
    static const char *const bad[] = {"javascript", "data", "vbscript", "file"};
    size_t i;

    for (i = 0; i < 4; i++)
        if (n == strlen(bad[i]) && strncasecmp(u, bad[i], n) == 0)
            return true;
    return false;
}

/* After "http(s)://": a host, then nothing, ":PORT", '/' or '?'; no '@'. */
static bool http_authority(const char *a)
{
    size_t end = strcspn(a, "/?"), colon;
    unsigned long port = 0;

    if (end == 0 || memchr(a, '@', end))
        return false;
    if (a[0] == '[') {
        const char *close = memchr(a, ']', end);
        if (!close || close == a + 1)
            return false;
        colon = (size_t)(close - a) + 1;
        if (colon < end && a[colon] != ':')
            return false;
    } else {
        const char *c = memchr(a, ':', end);
        colon = c ? (size_t)(c - a) : end;
        if (colon == 0)
            return false;
    }
    if (colon == end)
        return true;
    if (end - colon < 2 || end - colon > 6)
        return false;
    for (size_t i = colon + 1; i < end; i++) {
        if (!digit(a[i]))
            return false;
        port = port * 10 + (unsigned long)(a[i] - '0');
    }
    return port >= 1 && port <= 65535;
}

static bool plausible(const char *u)
{
    size_t len = strlen(u), s = scheme_of(u), i;

    if (len == 0 || len > LIMIT_URI || s == 0 || refused_scheme(u, s) || !u[s + 1])
        return false;
    for (i = 0; i < len; i++)
        if ((unsigned char)u[i] <= ' ' || (unsigned char)u[i] >= 0x7f || u[i] == '#')
            return false;
    if ((s == 4 && strncasecmp(u, "http", 4) == 0) || (s == 5 && strncasecmp(u, "https", 5) == 0)) {
        /* brackets only around the host: "[" right after "//", one "]" */
        const char *open = strchr(u, '['), *close = strchr(u, ']');
        if ((open || close) &&
            (open != u + s + 3 || !close || strchr(open + 1, '[') || strchr(close + 1, ']')))
            return false;
        return strncmp(u + s + 1, "//", 2) == 0 && http_authority(u + s + 3);
    }
    return !strpbrk(u, "[]");
}

/* A URI no rule may let through, whatever else it holds. */
static bool plainly_bad(const char *u)
{
    size_t s = scheme_of(u), i;

    if (strchr(u, '#') || (s && refused_scheme(u, s)))
        return true;
    for (i = 0; u[i]; i++)
        if ((unsigned char)u[i] < ' ' || u[i] == 0x7f)
            return true;
    return false;
}

static void judge(enum err rc, const char *why, const struct strlist *l, const char *kind)
{
    size_t i;

    if (rc != ERR_OK) {
        if (rc != ERR_INVALID_REQUEST || !why || !strstr(why, kind) || strchr(why, '\n'))
            abort();
        if (strcmp(kind, "redirect URI") == 0 && strstr(why, "post-logout"))
            abort();
        return;
    }
    if (l->n > LIMIT_URIS)
        abort();
    for (i = 0; i < l->n; i++)
        if (!plausible(l->items[i]) || plainly_bad(l->items[i]))
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct client c;
    struct strlist uris = {0};
    const char *why = NULL, *p = (const char *)data, *end = p + size;
    char name[] = "fuzz client", scope[] = "openid read_books";
    enum err first, second;

    memset(&c, 0, sizeof c);
    memcpy(c.id, "fuzz-client", sizeof "fuzz-client");
    c.name = name;
    c.scope = scope;
    c.type = CLIENT_CONFIDENTIAL;
    c.auth_method = AUTH_CLIENT_SECRET_BASIC;
    c.enabled = true;
    if (strlist_add(&c.grant_types, "authorization_code", 18) ||
        strlist_add(&c.response_types, "code", 4))
        goto out;
    while (p <= end && uris.n <= LIMIT_URIS + 1) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (strlist_add(&uris, p, n))
            goto out;
        p += n + 1;
    }

    c.redirect_uris = uris;
    first = client_check(&c, &why);
    judge(first, why, &uris, "redirect URI");
    c.redirect_uris = (struct strlist){0};

    c.post_logout_redirect_uris = uris;
    second = client_check(&c, &why);
    judge(second, why, &uris, "post-logout redirect URI");
    c.post_logout_redirect_uris = (struct strlist){0};

    if ((first == ERR_OK) != (second == ERR_OK))
        abort();
out:
    strlist_free(&c.grant_types);
    strlist_free(&c.response_types);
    strlist_free(&uris);
    return 0;
}
