#include "oauth/signin_challenge.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

#include "core/hash.h"
#include "core/rand.h"
#include "store/store.h"

#define SECRET_NAME "passkey_signin"
/* what the MAC is over: no MAC of this key for anything else can pass */
#define LABEL "oidcd passkey sign-in challenge v1"
#define NONCE_AT 1
#define EXPIRES_AT 11
#define EXPIRES_LEN 5
#define MAC_AT 16
#define MAC_LEN (WEBAUTHN_CHALLENGE_LEN - MAC_AT)

enum err signin_challenge_key_load(struct keystore *ks, struct signin_challenge_key *out)
{
    return keystore_server_secret(ks, SECRET_NAME, out->key, sizeof out->key);
}

/* The MAC of c's first MAC_AT bytes for the browser secret into out. */
static enum err mac(const struct signin_challenge_key *k, const unsigned char *c,
                    const char *secret, unsigned char out[MAC_LEN])
{
    unsigned char msg[sizeof LABEL + 1 + HASH_LEN + MAC_AT], full[EVP_MAX_MD_SIZE];
    unsigned char *p = msg;
    unsigned int n = 0;

    memcpy(p, LABEL, sizeof LABEL); /* with its NUL */
    p += sizeof LABEL;
    *p++ = (unsigned char)WEBAUTHN_PURPOSE_SIGNIN;
    hash_sha256(secret, strlen(secret), p);
    p += HASH_LEN;
    memcpy(p, c, MAC_AT);
    if (!HMAC(EVP_sha256(), k->key, sizeof k->key, msg, sizeof msg, full, &n) || n < MAC_LEN)
        return ERR_CRYPTO;
    memcpy(out, full, MAC_LEN);
    OPENSSL_cleanse(full, sizeof full);
    return ERR_OK;
}

enum err signin_challenge_make(const struct signin_challenge_key *k, const char *secret,
                               int64_t expires_at, unsigned char out[WEBAUTHN_CHALLENGE_LEN])
{
    enum err rc;
    int i;

    if (expires_at < 0 || expires_at >= (int64_t)1 << (8 * EXPIRES_LEN))
        return ERR_INVALID_REQUEST;
    out[0] = SIGNIN_CHALLENGE_MARK;
    rc = rand_bytes(out + NONCE_AT, EXPIRES_AT - NONCE_AT);
    if (rc)
        return rc;
    for (i = EXPIRES_LEN - 1; i >= 0; i--, expires_at >>= 8)
        out[EXPIRES_AT + i] = (unsigned char)(expires_at & 0xff);
    return mac(k, out, secret, out + MAC_AT);
}

bool signin_challenge_is_one(const unsigned char c[WEBAUTHN_CHALLENGE_LEN])
{
    return c[0] == SIGNIN_CHALLENGE_MARK;
}

bool signin_challenge_verify(const struct signin_challenge_key *k,
                             const unsigned char c[WEBAUTHN_CHALLENGE_LEN], const char *secret,
                             int64_t *expires_at)
{
    unsigned char want[MAC_LEN];
    int64_t t = 0;
    int i;

    if (!secret || !signin_challenge_is_one(c) || mac(k, c, secret, want) ||
        CRYPTO_memcmp(want, c + MAC_AT, MAC_LEN) != 0)
        return false;
    for (i = 0; i < EXPIRES_LEN; i++)
        t = t << 8 | c[EXPIRES_AT + i];
    *expires_at = t;
    return true;
}
