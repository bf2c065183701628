/* libFuzzer target: core/b64url.c b64url_decode and b64_decode.
 * Output buffers are exactly the size the header asks callers for, so ASan
 * sees any overrun. Property: whatever decodes re-encodes to the same text
 * (one encoding per byte string), for base64url as it is and for standard
 * base64 after mapping "+/" to "-_" and dropping the padding. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/b64url.h"

static void round_trip(const unsigned char *bin, size_t n, const char *want, size_t wantlen)
{
    char *text = malloc(b64url_encoded_len(n) + 1);

    if (!text)
        return;
    if (b64url_encode(bin, n, text) != wantlen || memcmp(text, want, wantlen) != 0)
        abort();
    free(text);
}

static void fuzz_url(const char *in, size_t size)
{
    unsigned char *out = malloc(size * 3 / 4 + 1);
    size_t n;

    if (out && b64url_decode(in, size, out, &n) == 0) {
        if (n > size * 3 / 4)
            abort();
        round_trip(out, n, in, size);
    }
    free(out);
}

static void fuzz_std(const char *in, size_t size)
{
    unsigned char *out = malloc(size * 3 / 4 + 3);
    char *mapped = malloc(size + 1);
    size_t n, i, len = size;

    if (out && mapped && b64_decode(in, size, out, &n) == 0) {
        while (len > 0 && in[len - 1] == '=')
            len--;
        for (i = 0; i < len; i++)
            mapped[i] = in[i] == '+' ? '-' : in[i] == '/' ? '_' : in[i];
        round_trip(out, n, mapped, len);
    }
    free(mapped);
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_url((const char *)data, size);
    fuzz_std((const char *)data, size);
    return 0;
}
