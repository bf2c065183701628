/* libFuzzer target: the redirect-URI rules in oauth/client_rules.c
 * client_check. The client's redirect_uris are the input split on '\n'
 * (each line kept as it is, empty ones too); every other field is fixed and
 * valid, so the verdict depends on the URIs alone. An accepted list must
 * hold at most LIMIT_URIS absolute URIs with no fragment, white space or
 * control byte. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "oauth/client_rules.h"

static void check_accepted(const struct strlist *l)
{
    size_t i, j;

    if (l->n > LIMIT_URIS)
        abort();
    for (i = 0; i < l->n; i++) {
        const char *u = l->items[i];
        const char *colon = strchr(u, ':');
        if (!colon || colon == u || strchr(u, '#') || strlen(u) > LIMIT_URI)
            abort();
        for (j = 0; u[j]; j++)
            if ((unsigned char)u[j] <= ' ' || u[j] == 0x7f)
                abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct client c;
    const char *why = NULL, *p = (const char *)data, *end = p + size;
    char name[] = "fuzz client", scope[] = "openid read_books";
    enum err rc;

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
    while (p <= end && c.redirect_uris.n <= LIMIT_URIS + 1) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (strlist_add(&c.redirect_uris, p, n))
            goto out;
        p += n + 1;
    }
    rc = client_check(&c, &why);
    if (rc == ERR_OK)
        check_accepted(&c.redirect_uris);
    else if (rc != ERR_INVALID_REQUEST || !why)
        abort();
out:
    strlist_free(&c.grant_types);
    strlist_free(&c.response_types);
    strlist_free(&c.redirect_uris);
    return 0;
}
