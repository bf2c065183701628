/* A parsed COSE key at work: stored as DER, read back, checking signatures. */
#include "jose/cose_key.h"

#include <limits.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <stdbool.h>
#include <string.h>

void cose_key_clear(struct cose_key *k)
{
    EVP_PKEY_free(k->pkey);
    k->pkey = NULL;
    k->alg = 0;
}

enum err cose_key_to_der(const struct cose_key *k, unsigned char **der, size_t *len)
{
    int n;

    *der = NULL;
    n = k->pkey ? i2d_PUBKEY(k->pkey, der) : -1;
    if (n <= 0)
        return ERR_CRYPTO;
    *len = (size_t)n;
    return ERR_OK;
}

static bool ed25519_usable(EVP_PKEY *pkey)
{
    unsigned char x[32];
    size_t n = sizeof(x);

    return EVP_PKEY_is_a(pkey, "ED25519") && EVP_PKEY_get_raw_public_key(pkey, x, &n) == 1 &&
           n == sizeof(x) && !cose_key_ed25519_small_order(x);
}

/* True when pkey is what alg needs: the same checks cose_key_parse makes,
 * for a key that comes from storage rather than from an authenticator. */
static bool key_fits_alg(EVP_PKEY *pkey, int alg)
{
    char group[32];
    int bits;

    switch (alg) {
    case COSE_ALG_ES256:
        return EVP_PKEY_is_a(pkey, "EC") &&
               EVP_PKEY_get_utf8_string_param(pkey, "group", group, sizeof(group), NULL) == 1 &&
               strcmp(group, "prime256v1") == 0;
    case COSE_ALG_EDDSA:
        return ed25519_usable(pkey);
    case COSE_ALG_RS256:
        bits = EVP_PKEY_get_bits(pkey);
        return EVP_PKEY_is_a(pkey, "RSA") && bits >= COSE_RSA_MIN_BITS && bits <= COSE_RSA_MAX_BITS;
    default:
        return false;
    }
}

enum err cose_key_from_der(int alg, const unsigned char *der, size_t len, struct cose_key *out,
                           const char **why)
{
    const unsigned char *p = der;
    EVP_PKEY *pkey = NULL;

    out->alg = 0;
    out->pkey = NULL;
    if (len <= LONG_MAX)
        pkey = d2i_PUBKEY(NULL, &p, (long)len);
    /* the whole buffer is the key: nothing may trail it */
    if (!pkey || (size_t)(p - der) != len) {
        EVP_PKEY_free(pkey);
        ERR_clear_error();
        *why = "stored credential key is not DER SubjectPublicKeyInfo";
        return ERR_INVALID_REQUEST;
    }
    if (!key_fits_alg(pkey, alg)) {
        EVP_PKEY_free(pkey);
        *why = "stored credential key does not match its algorithm";
        return ERR_INVALID_REQUEST;
    }
    out->alg = alg;
    out->pkey = pkey;
    return ERR_OK;
}

enum err cose_key_verify(const struct cose_key *k, const unsigned char *msg, size_t msglen,
                         const unsigned char *sig, size_t siglen)
{
    EVP_MD_CTX *ctx = NULL;
    /* Ed25519 hashes inside the algorithm: no digest is named */
    const EVP_MD *md = k->alg == COSE_ALG_EDDSA ? NULL : EVP_sha256();
    enum err rc = ERR_CRYPTO;
    int ok;

    if (!k->pkey)
        return ERR_CRYPTO;
    ctx = EVP_MD_CTX_new();
    /* RSA keys default to PKCS#1 v1.5 padding, which RS256 is */
    if (!ctx || EVP_DigestVerifyInit(ctx, NULL, md, NULL, k->pkey) != 1)
        goto out;
    ok = EVP_DigestVerify(ctx, sig, siglen, msg, msglen);
    /* 0 is a wrong signature, a negative value one that does not even parse
     * (a bad DER ECDSA signature, say): both are the signer's fault */
    rc = ok == 1 ? ERR_OK : ERR_ACCESS_DENIED;
out:
    /* a failure leaves entries on this thread's OpenSSL error queue */
    ERR_clear_error();
    EVP_MD_CTX_free(ctx);
    return rc;
}
