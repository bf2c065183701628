#include "core/hash.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

void hash_sha256(const void *in, size_t n, unsigned char out[HASH_LEN])
{
    SHA256(in, n, out);
}

bool hash_matches(const char *secret, size_t n, const unsigned char stored[HASH_LEN])
{
    unsigned char h[HASH_LEN];

    /* Hashing first makes the comparison independent of the secret's length. */
    hash_sha256(secret, n, h);
    return CRYPTO_memcmp(h, stored, HASH_LEN) == 0;
}
