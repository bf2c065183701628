#include "core/form.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Bytes not copied as they are: '%', '+' and control bytes. */
static const bool special[256] = {[0 ... 0x1f] = true, ['%'] = true, ['+'] = true, [0x7f] = true};

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* Whether any of the 8 bytes in x is special: x has a byte below 0x20, or a
 * byte equal to 0x7f, '%' or '+' (a byte of x ^ pattern is zero). Both tests
 * are exact about "any", which is all that is asked. */
static bool any_special(uint64_t x)
{
    uint64_t below = (x - ONES * 0x20) & ~x & HIGHS;
    uint64_t del = x ^ (ONES * 0x7f), pct = x ^ (ONES * '%'), plus = x ^ (ONES * '+');

    return (below | ((del - ONES) & ~del & HIGHS) | ((pct - ONES) & ~pct & HIGHS) |
            ((plus - ONES) & ~plus & HIGHS)) != 0;
}

/* Length of the run of plain bytes at the start of in: 8 bytes a step while
 * none is special (tokens and ids are one long run), then byte by byte. */
static size_t plain_run(const char *in, size_t len)
{
    size_t n = 0;
    uint64_t x;

    while (len - n >= 8) {
        memcpy(&x, in + n, 8);
        if (any_special(x))
            break;
        n += 8;
    }
    while (n < len && !special[(unsigned char)in[n]])
        n++;
    return n;
}

enum err form_decode(const char *in, size_t len, char *out, size_t *outlen)
{
    size_t i, o = 0, run;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];
        /* most values (tokens, ids) are one plain run: copy it at once */
        run = plain_run(in + i, len - i);
        if (run) {
            memcpy(out + o, in + i, run);
            o += run;
            i += run - 1;
            continue;
        }
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            int hi, lo;
            if (i + 2 >= len)
                return ERR_INVALID_REQUEST;
            hi = hexval((unsigned char)in[i + 1]);
            lo = hexval((unsigned char)in[i + 2]);
            if (hi < 0 || lo < 0)
                return ERR_INVALID_REQUEST;
            c = (unsigned char)(hi << 4 | lo);
            i += 2;
        }
        /* control bytes (NUL, CR, LF, …) never belong in an OAuth parameter */
        if (c < 0x20 || c == 0x7f)
            return ERR_INVALID_REQUEST;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    *outlen = o;
    return ERR_OK;
}

/* Decodes one "name=value" pair of n bytes into the arena at *pos. */
static enum err add_pair(struct params *p, const char *s, size_t n, size_t *pos)
{
    const char *eq = memchr(s, '=', n);
    size_t nlen = eq ? (size_t)(eq - s) : n;
    size_t used;
    enum err rc;

    if (p->n == LIMIT_PARAMS)
        return ERR_INVALID_REQUEST;
    rc = form_decode(s, nlen, p->arena + *pos, &used);
    if (rc)
        return rc;
    p->items[p->n].name = p->arena + *pos;
    *pos += used + 1;
    if (eq)
        rc = form_decode(eq + 1, n - nlen - 1, p->arena + *pos, &used);
    else
        p->arena[*pos] = '\0', used = 0;
    if (rc)
        return rc;
    p->items[p->n].value = p->arena + *pos;
    *pos += used + 1;
    p->n++;
    return ERR_OK;
}

enum err form_parse(const char *buf, size_t len, struct params *out)
{
    size_t start = 0, i, pos = 0;
    enum err rc = ERR_OK;

    out->n = 0;
    /* each pair decodes to at most its own length plus two NULs */
    out->arena = malloc(len + 2 * LIMIT_PARAMS + 2);
    if (!out->arena)
        return ERR_NOMEM;
    while (start <= len && !rc) {
        const char *amp = memchr(buf + start, '&', len - start);
        i = amp ? (size_t)(amp - buf) : len;
        if (i > start)
            rc = add_pair(out, buf + start, i - start, &pos);
        start = i + 1;
    }
    if (rc)
        params_free(out);
    return rc;
}

void params_free(struct params *p)
{
    if (!p)
        return;
    free(p->arena);
    p->arena = NULL;
    p->n = 0;
}

enum err params_get_one(const struct params *p, const char *name, const char **value)
{
    size_t i;

    *value = NULL;
    for (i = 0; i < p->n; i++) {
        if (p->items[i].value[0] == '\0' || strcmp(p->items[i].name, name) != 0)
            continue;
        if (*value)
            return ERR_INVALID_REQUEST;
        *value = p->items[i].value;
    }
    return ERR_OK;
}
