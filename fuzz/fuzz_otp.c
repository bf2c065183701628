/* libFuzzer target: what a person types as a second factor, and the base32
 * of a TOTP secret. core/base32.c base32_decode into a buffer of exactly the
 * documented size; round trip: what decodes re-encodes to the same text, up
 * to case. oauth/totp.c totp_verify: succeeds only on exactly 6 digits, and
 * then with a step inside the window. oauth/recovery_codes.c
 * recovery_code_hash: succeeds only when 28 base32 characters remain after
 * case, spaces, tabs and dashes are set aside, and on no more than
 * RECOVERY_CODE_INPUT_MAX bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/base32.h"
#include "oauth/recovery_codes.h"
#include "oauth/totp.h"

static void fuzz_base32(const char *in, size_t size)
{
    unsigned char *out = malloc(size * 5 / 8 + 1);
    char *text = NULL;
    size_t n, i;

    if (out && base32_decode(in, size, out, &n) == 0) {
        if (n > size * 5 / 8)
            abort();
        text = malloc(base32_encoded_len(n) + 1);
        if (!text)
            goto out;
        if (base32_encode(out, n, text) != size)
            abort();
        for (i = 0; i < size; i++) {
            char c = in[i] >= 'a' && in[i] <= 'z' ? (char)(in[i] - 'a' + 'A') : in[i];
            if (text[i] != c)
                abort();
        }
    }
out:
    free(text);
    free(out);
}

static void fuzz_totp(const char *in, size_t size)
{
    static const unsigned char key[TOTP_SECRET_LEN] = "12345678901234567890";
    const int64_t now = 1111111111;
    int64_t step = 0;
    size_t i;
    enum err rc = totp_verify(key, sizeof key, in, size, now, TOTP_NO_STEP, &step);

    if (rc == ERR_OK || rc == ERR_ACCESS_DENIED) {
        if (size != TOTP_DIGITS)
            abort();
        for (i = 0; i < size; i++)
            if (in[i] < '0' || in[i] > '9')
                abort();
    } else if (rc != ERR_INVALID_REQUEST) {
        abort();
    }
    if (rc == ERR_OK &&
        (step < totp_step(now) - TOTP_WINDOW || step > totp_step(now) + TOTP_WINDOW))
        abort();
}

static void fuzz_recovery(const char *in, size_t size)
{
    unsigned char h[HASH_LEN];
    size_t i, kept = 0;

    if (recovery_code_hash(in, size, h) != ERR_OK)
        return;
    if (size > RECOVERY_CODE_INPUT_MAX)
        abort();
    for (i = 0; i < size; i++) {
        char c = in[i];
        if (c == ' ' || c == '\t' || c == '-')
            continue;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7')))
            abort();
        kept++;
    }
    if (kept != RECOVERY_CODE_CHARS)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_base32((const char *)data, size);
    fuzz_totp((const char *)data, size);
    fuzz_recovery((const char *)data, size);
    return 0;
}
