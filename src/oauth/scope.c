#include "oauth/scope.h"

#include <string.h>

#include "core/limits.h"
#include "core/text.h"

/* NQCHAR = %x21 / %x23-5B / %x5D-7E */
static bool nqchar(unsigned char c)
{
    return c >= 0x21 && c <= 0x7e && c != '"' && c != '\\';
}

enum err scope_parse(const char *s, struct strlist *out)
{
    enum err rc;

    if (strlen(s) > LIMIT_SCOPE)
        return ERR_INVALID_SCOPE;
    while (*s) {
        size_t n = 0;
        char tok[LIMIT_SCOPE + 1];

        while (*s == ' ')
            s++;
        while (s[n] && s[n] != ' ') {
            if (!nqchar((unsigned char)s[n]))
                return ERR_INVALID_SCOPE;
            n++;
        }
        if (n == 0)
            break;
        memcpy(tok, s, n);
        tok[n] = '\0';
        s += n;
        if (strlist_contains(out, tok))
            continue;
        if (out->n == LIMIT_SCOPE_TOKENS)
            return ERR_INVALID_SCOPE;
        rc = strlist_add(out, tok, n);
        if (rc)
            return rc;
    }
    return ERR_OK;
}

bool scope_is_subset(const struct strlist *a, const struct strlist *b)
{
    size_t i;

    for (i = 0; i < a->n; i++)
        if (!strlist_contains(b, a->items[i]))
            return false;
    return true;
}

bool scope_has(const char *s, const char *tok)
{
    return text_has_word(s, tok);
}

enum err scope_grant(const char *allowed, const char *requested, char **out, const char **why)
{
    struct strlist may = {0}, asked = {0};
    enum err rc;

    rc = scope_parse(allowed, &may);
    if (!rc)
        rc = scope_parse(requested && *requested ? requested : allowed, &asked);
    if (rc == ERR_INVALID_SCOPE)
        *why = "malformed scope";
    if (rc)
        goto out;
    if (asked.n == 0) {
        *why = "the client has no scope to grant";
        rc = ERR_INVALID_SCOPE;
    } else if (!scope_is_subset(&asked, &may)) {
        *why = "scope not registered for the client";
        rc = ERR_INVALID_SCOPE;
    } else {
        *out = strlist_join(&asked, " ");
        rc = *out ? ERR_OK : ERR_NOMEM;
    }
out:
    strlist_free(&may);
    strlist_free(&asked);
    return rc;
}
