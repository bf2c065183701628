#include "core/hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <pthread.h>

/* OpenSSL 3 looks SHA256() up in its provider store on every call, under a
 * lock all threads share; the method is fetched once here instead. */
static EVP_MD *sha256;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void fetch_sha256(void)
{
    sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
}

void hash_sha256(const void *in, size_t n, unsigned char out[HASH_LEN])
{
    pthread_once(&sha256_once, fetch_sha256);
    if (!sha256 || !EVP_Digest(in, n, out, NULL, sha256, NULL))
        SHA256(in, n, out);
}

bool hash_matches(const char *secret, size_t n, const unsigned char stored[HASH_LEN])
{
    unsigned char h[HASH_LEN];

    /* Hashing first makes the comparison independent of the secret's length. */
    hash_sha256(secret, n, h);
    return CRYPTO_memcmp(h, stored, HASH_LEN) == 0;
}

uint32_t hash_fnv1a(const char *s)
{
    uint32_t h = 2166136261u;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}
