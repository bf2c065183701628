/* The Authorization header (RFC 6750 §2.1) and scope words. */

#include <string.h>

#include "core/bearer.h"
#include "rs_internal.h"

enum rs_auth rs_header_parse(const char *header, const char **tok, size_t *len)
{
    enum err rc = bearer_parse(header, header ? strlen(header) : 0, tok, len);

    if (rc == ERR_OK)
        return RS_AUTH_BEARER;
    *tok = NULL;
    *len = 0;
    /* another scheme is no Bearer credential at all: RFC 6750 §3.1 answers it
     * with a bare challenge */
    return rc == ERR_NOT_FOUND ? RS_AUTH_NONE : RS_AUTH_MALFORMED;
}

static bool scope_has(const char *scope, const char *word)
{
    size_t wlen = strlen(word);
    const char *p = scope;
    size_t n;

    if (wlen == 0)
        return false;
    while (*p) {
        while (*p == ' ')
            p++;
        n = strcspn(p, " ");
        if (n == wlen && memcmp(p, word, n) == 0)
            return true;
        p += n;
    }
    return false;
}

bool rs_scope_has_all(const char *scope, const char *const *req, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!scope || !scope_has(scope, req[i]))
            return false;
    return true;
}
