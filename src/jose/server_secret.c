#include "jose/server_secret.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rand.h"

#define AAD_PREFIX "server_secrets:"

enum err server_secret_load(struct store *s, const struct kek *kek, const char *name,
                            unsigned char *out, size_t n)
{
    unsigned char *fresh = malloc(n), *sealed = NULL, *stored = NULL;
    size_t sealed_len = 0, stored_len = 0;
    char aad[64], *opened = NULL;
    enum err rc = fresh ? rand_bytes(fresh, n) : ERR_NOMEM;

    /* bound to its name: one secret's sealed bytes never open as another's */
    if (!rc && (size_t)snprintf(aad, sizeof aad, "%s%s", AAD_PREFIX, name) >= sizeof aad)
        rc = ERR_INVALID_REQUEST;
    if (!rc)
        rc = kek_seal(kek, aad, fresh, n, &sealed, &sealed_len);
    if (fresh)
        OPENSSL_cleanse(fresh, n);
    if (!rc)
        rc = store_secret_get_or_add(s, name, sealed, sealed_len, &stored, &stored_len);
    /* a sealed secret of another length is no secret of ours */
    if (!rc && stored_len != sealed_len)
        rc = ERR_CRYPTO;
    if (!rc)
        rc = kek_open(kek, aad, stored, stored_len, &opened);
    if (!rc)
        memcpy(out, opened, n);
    if (opened)
        OPENSSL_cleanse(opened, n);
    free(opened);
    free(fresh);
    free(sealed);
    free(stored);
    return rc;
}
