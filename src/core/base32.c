#include "core/base32.h"

#include <stdint.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

size_t base32_encoded_len(size_t n)
{
    return (n * 8 + 4) / 5;
}

size_t base32_encode(const void *in, size_t n, char *out)
{
    const unsigned char *p = in;
    uint32_t acc = 0;
    unsigned bits = 0;
    size_t i, o = 0;

    for (i = 0; i < n; i++) {
        acc = (acc << 8 | p[i]) & 0xfff;
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out[o++] = alphabet[acc >> bits & 31];
        }
    }
    if (bits)
        out[o++] = alphabet[acc << (5 - bits) & 31];
    out[o] = '\0';
    return o;
}

static int quintet(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a';
    if (c >= '2' && c <= '7')
        return c - '2' + 26;
    return -1;
}

enum err base32_decode(const char *in, size_t len, unsigned char *out, size_t *outlen)
{
    uint32_t acc = 0;
    unsigned bits = 0;
    size_t i, o = 0;

    /* 8 characters carry 5 bytes; a tail of 1, 3 or 6 characters carries
     * no whole byte count */
    if (len % 8 == 1 || len % 8 == 3 || len % 8 == 6)
        return ERR_INVALID_REQUEST;
    for (i = 0; i < len; i++) {
        int v = quintet((unsigned char)in[i]);
        if (v < 0)
            return ERR_INVALID_REQUEST;
        acc = (acc << 5 | (uint32_t)v) & 0xfff;
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
        }
    }
    if (acc & ((1u << bits) - 1))
        return ERR_INVALID_REQUEST;
    *outlen = o;
    return ERR_OK;
}
