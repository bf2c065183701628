#ifndef OIDCD_CORE_BYTE_CURSOR_H
#define OIDCD_CORE_BYTE_CURSOR_H

/* Reads through a byte buffer that may not be as long as it claims to be.
 * Every read checks the bytes left first and, when too few remain, fails
 * without moving: parsers of binary formats (WebAuthn authenticator data)
 * never do arithmetic on a pointer with a length taken from the input. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct byte_cursor {
    const unsigned char *p; /* the next unread byte */
    size_t left;            /* bytes from p to the end */
};

void byte_cursor_init(struct byte_cursor *c, const unsigned char *buf, size_t len);

/* Points *out at the next n bytes (borrowed from the buffer) and moves past
 * them; false, and nothing moved, when fewer than n remain. */
bool byte_cursor_take(struct byte_cursor *c, size_t n, const unsigned char **out);

/* Copies the next n bytes into out; false when fewer than n remain. */
bool byte_cursor_copy(struct byte_cursor *c, void *out, size_t n);

/* One byte, or a big-endian 16- or 32-bit number; false when too short. */
bool byte_cursor_u8(struct byte_cursor *c, uint8_t *out);
bool byte_cursor_u16be(struct byte_cursor *c, uint16_t *out);
bool byte_cursor_u32be(struct byte_cursor *c, uint32_t *out);

/* Moves past n bytes (the length of an item a decoder measured); false when
 * fewer than n remain. */
bool byte_cursor_skip(struct byte_cursor *c, size_t n);

#endif
