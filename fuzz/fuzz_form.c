/* libFuzzer target: core/form.c form_parse and params_get_one on query
 * strings and application/x-www-form-urlencoded bodies. Besides crashes it
 * checks what form_parse promises: at most LIMIT_PARAMS pairs, and no
 * control byte in any decoded name or value; and that params_get_one never
 * answers with an empty value (RFC 6749 §3.1: it counts as omitted). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/form.h"

static const char *const names[] = {"grant_type",   "client_id", "client_secret", "scope", "token",
                                    "redirect_uri", ""};

static void check_text(const char *s, size_t max)
{
    size_t i, n = strlen(s);

    if (n > max)
        abort();
    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct params p;
    const char *v;
    size_t i;

    if (form_parse((const char *)data, size, &p))
        return 0;
    if (p.n > LIMIT_PARAMS)
        abort();
    for (i = 0; i < p.n; i++) {
        check_text(p.items[i].name, size);
        check_text(p.items[i].value, size);
    }
    for (i = 0; i < sizeof names / sizeof names[0]; i++)
        if (params_get_one(&p, names[i], &v) == 0 && v && !v[0])
            abort(); /* an empty value counts as omitted */
    if (p.n > 0 && p.items[0].value[0] && params_get_one(&p, p.items[0].name, &v) == 0 &&
        v != p.items[0].value)
        abort(); /* a name given once with a value must give back that value */
    params_free(&p);
    return 0;
}
