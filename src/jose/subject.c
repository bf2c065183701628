#include "jose/subject.h"

#include <openssl/evp.h>
#include <string.h>

#include "core/b64url.h"
#include "jose/server_secret.h"

enum err subject_key_load(struct store *s, const struct kek *kek, struct subject_key *out)
{
    return server_secret_load(s, kek, "pairwise_subject", out->key, sizeof out->key);
}

/* One AES-256-SIV pass over n bytes of in into out: encrypting makes the tag,
 * decrypting checks it. */
static enum err siv(const struct subject_key *k, int encrypt, const char *sector,
                    const unsigned char *in, size_t n, unsigned char *out,
                    unsigned char tag[SUBJECT_TAG_LEN])
{
    EVP_CIPHER *cipher = EVP_CIPHER_fetch(NULL, "AES-256-SIV", NULL);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int len = 0;
    enum err rc = ERR_CRYPTO;

    if (!cipher || !ctx || !EVP_CipherInit_ex2(ctx, cipher, k->key, NULL, encrypt, NULL))
        goto out;
    if (!encrypt && !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, SUBJECT_TAG_LEN, tag))
        goto out;
    if (!EVP_CipherUpdate(ctx, NULL, &len, (const unsigned char *)sector, (int)strlen(sector)))
        goto out;
    if (!EVP_CipherUpdate(ctx, out, &len, in, (int)n) || !EVP_CipherFinal_ex(ctx, out + len, &len))
        goto out;
    if (encrypt && !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, SUBJECT_TAG_LEN, tag))
        goto out;
    rc = ERR_OK;
out:
    EVP_CIPHER_CTX_free(ctx);
    EVP_CIPHER_free(cipher);
    return rc;
}

enum err subject_pairwise(const struct subject_key *k, const char *sector, const char *sub,
                          char out[SUBJECT_MAX])
{
    unsigned char raw[SUBJECT_TAG_LEN + LIMIT_SUB];
    size_t n = strlen(sub);
    enum err rc;

    if (n > LIMIT_SUB)
        return ERR_INVALID_REQUEST;
    rc = siv(k, 1, sector, (const unsigned char *)sub, n, raw + SUBJECT_TAG_LEN, raw);
    if (!rc)
        b64url_encode(raw, SUBJECT_TAG_LEN + n, out);
    return rc;
}

enum err subject_local(const struct subject_key *k, const char *sector, const char *pairwise,
                       char out[LIMIT_SUB + 1])
{
    unsigned char raw[SUBJECT_MAX];
    size_t len = strlen(pairwise), n = 0;

    if (len >= SUBJECT_MAX || b64url_decode(pairwise, len, raw, &n) || n <= SUBJECT_TAG_LEN)
        return ERR_NOT_FOUND;
    n -= SUBJECT_TAG_LEN;
    if (siv(k, 0, sector, raw + SUBJECT_TAG_LEN, n, (unsigned char *)out, raw))
        return ERR_NOT_FOUND;
    out[n] = '\0';
    return memchr(out, '\0', n) ? ERR_NOT_FOUND : ERR_OK;
}
