/* libFuzzer target: oauth/client_auth.c client_auth_parse_basic on an
 * Authorization header value ("Basic base64(id:secret)"). On success the
 * parts must be within their limits and free of control bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oauth/client_auth.h"

/* client_auth.c also holds client_auth_verify, which needs the store; the
 * fuzzer never calls it, so these stand in for the client cache and store/
 * at link time. */
#include "oauth/client_cache.h"

enum err client_cache_get(struct store *s, struct keystore *ks, const char *id,
                          struct client *out)
{
    (void)s, (void)ks, (void)id, (void)out;
    abort();
}

void client_clear(struct client *c)
{
    (void)c;
    abort();
}

static void check_part(const char *s, size_t cap)
{
    size_t i, n = strnlen(s, cap);

    if (n == cap)
        abort(); /* not NUL-terminated inside its buffer */
    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct client_credentials cred;

    if (client_auth_parse_basic((const char *)data, size, &cred))
        return 0;
    if (cred.method != CRED_BASIC || !cred.has_secret || !cred.id[0])
        abort();
    check_part(cred.id, sizeof cred.id);
    check_part(cred.secret, sizeof cred.secret);
    return 0;
}
