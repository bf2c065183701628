/* libFuzzer target: oauth/scope.c scope_parse, scope_is_subset, scope_has.
 * The input is two scope strings separated by the first NUL byte. Parsed
 * sets must hold no repeat, no empty token and at most LIMIT_SCOPE_TOKENS;
 * every set is a subset of itself; scope_has agrees with the parsed set. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "oauth/scope.h"

static void check_set(const struct strlist *l, const char *text)
{
    size_t i, j;

    if (l->n > LIMIT_SCOPE_TOKENS || !scope_is_subset(l, l))
        abort();
    for (i = 0; i < l->n; i++) {
        if (!l->items[i][0] || strchr(l->items[i], ' ') || !scope_has(text, l->items[i]))
            abort();
        for (j = 0; j < i; j++)
            if (strcmp(l->items[i], l->items[j]) == 0)
                abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct strlist a = {0}, b = {0};
    char *text;
    const char *second;
    int ra, rb;

    text = malloc(size + 2);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    text[size + 1] = '\0';
    second = text + strlen(text) + 1;
    ra = scope_parse(text, &a);
    rb = scope_parse(second, &b);
    if (!ra)
        check_set(&a, text);
    if (!rb)
        check_set(&b, second);
    if (!ra && !rb) {
        size_t i;
        (void)scope_is_subset(&a, &b);
        if (scope_is_subset(&a, &b))
            for (i = 0; i < a.n; i++)
                if (!scope_has(second, a.items[i]))
                    abort();
    }
    (void)scope_has(text, second);
    (void)scope_has(second, text);
    strlist_free(&a);
    strlist_free(&b);
    free(text);
    return 0;
}
