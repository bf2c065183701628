/* The Authorization header (RFC 6750 §2.1) and scope words. */

#include <string.h>

#include "core/bearer.h"
#include "core/text.h"
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
    return rc == ERR_NO_CREDENTIALS ? RS_AUTH_NONE : RS_AUTH_MALFORMED;
}

bool rs_scope_has_all(const char *scope, const char *const *req, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!scope || !text_has_word(scope, req[i]))
            return false;
    return true;
}
