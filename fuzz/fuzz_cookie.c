/* libFuzzer target: http/cookie.c cookie_find on Cookie header values, and
 * cookie_format. Besides crashes it checks what cookie_find promises: a value
 * found lies inside the input and holds only cookie-octets; and that a value
 * found, set again through cookie_format, is found again unchanged. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "http/cookie.h"

static const char *const names[] = {"oidcd_session", "__Host-oidcd_csrf", "a", "", "x y"};

static void check(const char *buf, size_t size, const char *v, size_t n)
{
    size_t i;

    if (v < buf || v + n > buf + size)
        abort();
    for (i = 0; i < n; i++)
        if (v[i] <= 0x20 || v[i] >= 0x7f || strchr("\";,\\", v[i]))
            abort();
}

static void round_trip(const char *name, const char *v, size_t n)
{
    char value[LIMIT_COOKIE_HEADER + 1], line[LIMIT_COOKIE_HEADER + 64];
    struct cookie c = {name, value, 60, "/", true, true, COOKIE_LAX};
    const char *again;
    size_t alen;

    memcpy(value, v, n);
    value[n] = '\0';
    if (cookie_format(&c, line, sizeof line))
        return; /* a name that is no token */
    /* the Set-Cookie attributes read as further pairs of a cookie-string */
    if (cookie_find(line, strlen(line), name, &again, &alen) || alen != n ||
        memcmp(again, value, n) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *buf = (const char *)data + 1, *v;
    const char *name;
    size_t n;

    if (size < 1)
        return 0;
    name = names[data[0] % (sizeof names / sizeof names[0])];
    if (cookie_find(buf, size - 1, name, &v, &n) == 0) {
        check(buf, size - 1, v, n);
        round_trip(name[0] == '_' ? "oidcd_csrf" : name, v, n);
    }
    return 0;
}
