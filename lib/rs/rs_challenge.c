/* The WWW-Authenticate value of a refusal (RFC 6750 §3). */

#include <stdlib.h>
#include <string.h>

#include "core/bearer.h"
#include "rs_internal.h"

#define CHALLENGE_MAX 4096

char *rs_challenge_build(const char *realm, const char *error, const char *description,
                         const char *scope)
{
    char *out = malloc(CHALLENGE_MAX);

    /* description and scope only ever come with an error */
    if (out && bearer_challenge(out, CHALLENGE_MAX, realm ? realm : "", error,
                                error ? description : NULL, error ? scope : NULL)) {
        free(out);
        out = NULL;
    }
    return out;
}

char *rs_scope_join(const char *const *req, size_t n)
{
    struct buf b;
    enum err rc = ERR_OK;
    size_t i;

    buf_init(&b, CHALLENGE_MAX);
    for (i = 0; i < n && !rc; i++) {
        if (i > 0)
            rc = buf_append(&b, " ", 1);
        if (!rc)
            rc = buf_append_str(&b, req[i]);
    }
    if (rc) {
        buf_free(&b);
        return NULL;
    }
    return buf_take(&b);
}
