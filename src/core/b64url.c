#include "core/b64url.h"

#include <stdint.h>

static const char url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t b64url_encoded_len(size_t n)
{
    return n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0);
}

size_t b64url_encode(const void *in, size_t n, char *out)
{
    const unsigned char *p = in;
    size_t i, o = 0;

    for (i = 0; i + 2 < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        out[o++] = url_alphabet[v >> 18 & 63];
        out[o++] = url_alphabet[v >> 12 & 63];
        out[o++] = url_alphabet[v >> 6 & 63];
        out[o++] = url_alphabet[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)p[i] << 16;
        out[o++] = url_alphabet[v >> 18 & 63];
        out[o++] = url_alphabet[v >> 12 & 63];
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
        out[o++] = url_alphabet[v >> 18 & 63];
        out[o++] = url_alphabet[v >> 12 & 63];
        out[o++] = url_alphabet[v >> 6 & 63];
    }
    out[o] = '\0';
    return o;
}

/* Value of c in the given alphabet flavour, or -1. */
static int sextet(unsigned char c, int url)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == (url ? '-' : '+'))
        return 62;
    if (c == (url ? '_' : '/'))
        return 63;
    return -1;
}

static enum err decode(const char *in, size_t len, unsigned char *out, size_t *outlen, int url)
{
    uint32_t acc = 0;
    size_t i, o = 0;
    int bits = 0;

    if (len % 4 == 1)
        return ERR_INVALID_REQUEST;
    for (i = 0; i < len; i++) {
        int v = sextet((unsigned char)in[i], url);
        if (v < 0)
            return ERR_INVALID_REQUEST;
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
        }
    }
    /* leftover bits must be zero: one encoding per byte string */
    if (acc & ((1u << bits) - 1))
        return ERR_INVALID_REQUEST;
    *outlen = o;
    return ERR_OK;
}

enum err b64url_decode(const char *in, size_t len, unsigned char *out, size_t *outlen)
{
    return decode(in, len, out, outlen, 1);
}

enum err b64_decode(const char *in, size_t len, unsigned char *out, size_t *outlen)
{
    size_t pad = 0;

    if (len % 4 == 0) {
        while (pad < 2 && len > pad && in[len - 1 - pad] == '=')
            pad++;
    }
    return decode(in, len - pad, out, outlen, 0);
}
