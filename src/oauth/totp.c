#include "oauth/totp.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

#include "core/base32.h"
#include "core/rand.h"
#include "core/text.h"
#include "core/url.h"

enum err totp_secret_new(unsigned char out[TOTP_SECRET_LEN])
{
    return rand_bytes(out, TOTP_SECRET_LEN);
}

int64_t totp_step(int64_t now)
{
    return now < 0 ? -1 : now / TOTP_PERIOD;
}

static const uint32_t powers[] = {1000000, 10000000, 100000000};

enum err totp_hotp(const unsigned char *key, size_t keylen, uint64_t counter, int digits,
                   uint32_t *out)
{
    unsigned char msg[8], mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;
    uint32_t bin;
    int i, off;

    if (digits < 6 || digits > 8 || !keylen || keylen > 0x7fffffff)
        return ERR_INVALID_REQUEST;
    for (i = 7; i >= 0; i--, counter >>= 8)
        msg[i] = (unsigned char)(counter & 0xff);
    if (!HMAC(EVP_sha1(), key, (int)keylen, msg, sizeof msg, mac, &maclen) || maclen != 20)
        return ERR_CRYPTO;
    /* dynamic truncation, RFC 4226 §5.3 */
    off = mac[19] & 0xf;
    bin = (uint32_t)(mac[off] & 0x7f) << 24 | (uint32_t)mac[off + 1] << 16 |
          (uint32_t)mac[off + 2] << 8 | mac[off + 3];
    OPENSSL_cleanse(mac, sizeof mac);
    *out = bin % powers[digits - 6];
    return ERR_OK;
}

static void format_code(uint32_t v, char out[TOTP_DIGITS + 1])
{
    int i;

    for (i = TOTP_DIGITS - 1; i >= 0; i--, v /= 10)
        out[i] = (char)('0' + v % 10);
    out[TOTP_DIGITS] = '\0';
}

static enum err code_at_step(const unsigned char *key, size_t keylen, int64_t step,
                             char out[TOTP_DIGITS + 1])
{
    uint32_t v;
    enum err rc = totp_hotp(key, keylen, (uint64_t)step, TOTP_DIGITS, &v);

    if (!rc)
        format_code(v, out);
    return rc;
}

enum err totp_code(const unsigned char *key, size_t keylen, int64_t now, char out[TOTP_DIGITS + 1])
{
    if (now < 0)
        return ERR_INVALID_REQUEST;
    return code_at_step(key, keylen, totp_step(now), out);
}

enum err totp_verify(const unsigned char *key, size_t keylen, const char *code, size_t len,
                     int64_t now, int64_t last_step, int64_t *new_step)
{
    char expect[TOTP_DIGITS + 1];
    int64_t step, found = TOTP_NO_STEP;
    int d;
    enum err rc = ERR_OK;

    if (now < 0 || len != TOTP_DIGITS || !text_is_digits(code, len))
        return ERR_INVALID_REQUEST;
    step = totp_step(now);
    /* every step of the window is computed and compared, whether or not an
     * earlier one matched, so the time taken says nothing of which did */
    for (d = -TOTP_WINDOW; !rc && d <= TOTP_WINDOW; d++) {
        int64_t s = step + d;
        if (s < 0)
            continue;
        rc = code_at_step(key, keylen, s, expect);
        if (!rc && CRYPTO_memcmp(expect, code, TOTP_DIGITS) == 0 && s > last_step &&
            found == TOTP_NO_STEP)
            found = s;
    }
    OPENSSL_cleanse(expect, sizeof expect);
    if (rc)
        return rc;
    if (found == TOTP_NO_STEP)
        return ERR_ACCESS_DENIED;
    *new_step = found;
    return ERR_OK;
}

static enum err label_part(struct buf *b, const char *s)
{
    return url_encode(b, s, strlen(s));
}

enum err totp_uri(struct buf *b, const char *issuer, const char *account,
                  const unsigned char secret[TOTP_SECRET_LEN])
{
    char text[TOTP_SECRET_BASE32_LEN + 1];
    bool has_issuer = issuer && *issuer;
    struct url_param params[] = {
        {"secret", text},      {"issuer", has_issuer ? issuer : NULL},
        {"algorithm", "SHA1"}, {"digits", "6"},
        {"period", "30"},
    };
    enum err rc;

    if (!account || !*account || strlen(account) > TOTP_LABEL_MAX ||
        (has_issuer && strlen(issuer) > TOTP_LABEL_MAX))
        return ERR_INVALID_REQUEST;
    base32_encode(secret, TOTP_SECRET_LEN, text);
    rc = buf_append_str(b, "otpauth://totp/");
    if (!rc && has_issuer)
        rc = label_part(b, issuer);
    if (!rc && has_issuer)
        rc = buf_append_str(b, ":");
    if (!rc)
        rc = label_part(b, account);
    if (!rc)
        rc = buf_append_str(b, "?");
    if (!rc)
        rc = url_add_form(b, params, sizeof params / sizeof params[0]);
    OPENSSL_cleanse(text, sizeof text);
    return rc;
}
