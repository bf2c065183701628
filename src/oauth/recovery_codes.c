#include "oauth/recovery_codes.h"

#include <openssl/crypto.h>
#include <string.h>

#include "core/rand.h"

static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

/* One code: each random byte gives one character (256 is a multiple of 32,
 * so the characters are uniform), a dash after every four. */
static enum err new_code(char text[RECOVERY_CODE_TEXT + 1], unsigned char hash[HASH_LEN])
{
    unsigned char r[RECOVERY_CODE_CHARS];
    char plain[RECOVERY_CODE_CHARS];
    size_t i, o = 0;
    enum err rc = rand_bytes(r, sizeof r);

    if (rc)
        return rc;
    for (i = 0; i < RECOVERY_CODE_CHARS; i++) {
        if (i && i % 4 == 0)
            text[o++] = '-';
        plain[i] = alphabet[r[i] & 31];
        text[o++] = plain[i];
    }
    text[o] = '\0';
    hash_sha256(plain, sizeof plain, hash);
    OPENSSL_cleanse(r, sizeof r);
    OPENSSL_cleanse(plain, sizeof plain);
    return ERR_OK;
}

static bool seen(const struct recovery_codes *c, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (CRYPTO_memcmp(c->hash[i], c->hash[n], HASH_LEN) == 0)
            return true;
    return false;
}

enum err recovery_codes_new(struct recovery_codes *out)
{
    size_t i;
    enum err rc = ERR_OK;

    for (i = 0; !rc && i < RECOVERY_CODES; i++) {
        rc = new_code(out->text[i], out->hash[i]);
        /* 140 random bits do not repeat, but a code shown twice would be
         * one code that works once: draw again rather than trust that */
        while (!rc && seen(out, i))
            rc = new_code(out->text[i], out->hash[i]);
    }
    if (rc)
        OPENSSL_cleanse(out, sizeof *out);
    return rc;
}

/* c lower-cased when it is a base32 character; 0 for a separator; -1 else. */
static int normal_char(unsigned char c)
{
    if (c == ' ' || c == '\t' || c == '-')
        return 0;
    if (c >= 'A' && c <= 'Z')
        c = (unsigned char)(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))
        return c;
    return -1;
}

enum err recovery_code_hash(const char *input, size_t len, unsigned char out[HASH_LEN])
{
    char plain[RECOVERY_CODE_CHARS];
    size_t i, o = 0;
    enum err rc = ERR_OK;

    if (len > RECOVERY_CODE_INPUT_MAX)
        return ERR_INVALID_REQUEST;
    for (i = 0; !rc && i < len; i++) {
        int c = normal_char((unsigned char)input[i]);
        if (c < 0 || (c > 0 && o == RECOVERY_CODE_CHARS))
            rc = ERR_INVALID_REQUEST;
        else if (c > 0)
            plain[o++] = (char)c;
    }
    if (!rc && o != RECOVERY_CODE_CHARS)
        rc = ERR_INVALID_REQUEST;
    if (!rc)
        hash_sha256(plain, sizeof plain, out);
    OPENSSL_cleanse(plain, sizeof plain);
    return rc;
}

enum err recovery_code_verify(const char *input, size_t len,
                              const unsigned char (*hashes)[HASH_LEN], size_t n, size_t *index)
{
    unsigned char h[HASH_LEN];
    size_t i, found = n;
    enum err rc = recovery_code_hash(input, len, h);

    if (rc)
        return rc;
    for (i = 0; i < n; i++)
        if (CRYPTO_memcmp(h, hashes[i], HASH_LEN) == 0 && found == n)
            found = i;
    if (found == n)
        return ERR_ACCESS_DENIED;
    *index = found;
    return ERR_OK;
}
