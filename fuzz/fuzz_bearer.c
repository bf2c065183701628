/* libFuzzer target: core/bearer.c.
 * bearer_parse on the input as an Authorization header value: a token it
 * returns must lie inside the input, be 1..LIMIT_JWT bytes of b64token.
 * bearer_challenge with realm/error/description/scope cut from the input:
 * the header value it writes must hold no CR, LF, NUL or other control byte,
 * fit in the buffer, and have balanced, properly escaped quotes. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/bearer.h"
#include "core/limits.h"

static bool b64token_byte(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           strchr("-._~+/=", c) != NULL;
}

static void fuzz_parse(const char *in, size_t size)
{
    const char *tok;
    size_t n, i;

    if (bearer_parse(in, size, &tok, &n))
        return;
    if (n == 0 || n > LIMIT_JWT || tok < in || tok + n > in + size)
        abort();
    for (i = 0; i < n; i++)
        if (!b64token_byte((unsigned char)tok[i]))
            abort();
}

/* The value must be: Bearer name="..."(, name="...")* with every byte
 * printable ASCII and every '"' or '\' inside a value escaped. */
static void check_challenge(const char *out, size_t cap)
{
    size_t len = strnlen(out, cap), i;
    bool in_quotes = false;
    unsigned quotes = 0;

    if (len == cap || strncmp(out, "Bearer realm=\"", 14) != 0)
        abort();
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)out[i];
        if (c < 0x20 || c >= 0x7f)
            abort(); /* CR, LF, NUL and friends would break the header */
        if (in_quotes && c == '\\') {
            if (i + 1 >= len || (out[i + 1] != '"' && out[i + 1] != '\\'))
                abort();
            i++;
            continue;
        }
        if (c == '"') {
            in_quotes = !in_quotes;
            quotes++;
        }
    }
    if (in_quotes || quotes % 2 || quotes < 2)
        abort();
}

/* Input layout for the challenge: byte 0 picks which optional parts are
 * present, byte 1 the buffer size; the rest is cut at NUL bytes into realm,
 * error, description and scope. */
static void fuzz_challenge(const uint8_t *data, size_t size)
{
    char *text, *parts[4] = {"", "", "", ""}, *out;
    size_t cap, i, k = 0;
    unsigned flags;

    if (size < 2)
        return;
    flags = data[0];
    cap = data[1] == 0xff ? 1024 : data[1];
    text = malloc(size - 2 + 1);
    if (!text)
        return;
    memcpy(text, data + 2, size - 2);
    text[size - 2] = '\0';
    parts[0] = text;
    for (i = 0; i < size - 2 && k < 3; i++)
        if (text[i] == '\0')
            parts[++k] = text + i + 1;
    out = malloc(cap ? cap : 1);
    if (out && bearer_challenge(out, cap, parts[0], flags & 1 ? parts[1] : NULL,
                                flags & 2 ? parts[2] : NULL, flags & 4 ? parts[3] : NULL) == 0)
        check_challenge(out, cap);
    free(out);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_parse((const char *)data, size);
    fuzz_challenge(data, size);
    return 0;
}
