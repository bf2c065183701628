#include "core/rand.h"

#include <openssl/rand.h>

#include "core/b64url.h"

enum err rand_bytes(void *out, size_t n)
{
    if (n > 0x7fffffff || RAND_bytes(out, (int)n) != 1)
        return ERR_CRYPTO;
    return ERR_OK;
}

enum err rand_token(char *out, size_t n)
{
    unsigned char raw[64];
    enum err rc;

    if (n > sizeof raw)
        return ERR_CRYPTO;
    rc = rand_bytes(raw, n);
    if (rc)
        return rc;
    b64url_encode(raw, n, out);
    return ERR_OK;
}
