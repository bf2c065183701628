#include "core/byte_cursor.h"

#include <string.h>

void byte_cursor_init(struct byte_cursor *c, const unsigned char *buf, size_t len)
{
    c->p = buf;
    c->left = len;
}

bool byte_cursor_take(struct byte_cursor *c, size_t n, const unsigned char **out)
{
    if (n > c->left)
        return false;
    *out = c->p;
    c->p += n;
    c->left -= n;
    return true;
}

bool byte_cursor_copy(struct byte_cursor *c, void *out, size_t n)
{
    const unsigned char *p;

    if (!byte_cursor_take(c, n, &p))
        return false;
    memcpy(out, p, n);
    return true;
}

bool byte_cursor_skip(struct byte_cursor *c, size_t n)
{
    const unsigned char *p;

    return byte_cursor_take(c, n, &p);
}

bool byte_cursor_u8(struct byte_cursor *c, uint8_t *out)
{
    const unsigned char *p;

    if (!byte_cursor_take(c, 1, &p))
        return false;
    *out = p[0];
    return true;
}

bool byte_cursor_u16be(struct byte_cursor *c, uint16_t *out)
{
    const unsigned char *p;

    if (!byte_cursor_take(c, 2, &p))
        return false;
    *out = (uint16_t)((unsigned)p[0] << 8 | p[1]);
    return true;
}

bool byte_cursor_u32be(struct byte_cursor *c, uint32_t *out)
{
    const unsigned char *p;

    if (!byte_cursor_take(c, 4, &p))
        return false;
    *out = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    return true;
}
