#ifndef OIDCD_CORE_BUF_H
#define OIDCD_CORE_BUF_H

#include <stddef.h>

#include "core/errors.h"

/* A growable byte buffer that refuses to grow past `max`. data is always
 * NUL-terminated (the NUL is not counted in len). */
struct buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max;
};

void buf_init(struct buf *b, size_t max);

/* Appends n bytes. ERR_TOO_LARGE past max (b is left unchanged), ERR_NOMEM. */
enum err buf_append(struct buf *b, const void *p, size_t n);

/* Appends a NUL-terminated string. */
enum err buf_append_str(struct buf *b, const char *s);

/* Hands the data to the caller (who frees it) and empties b. */
char *buf_take(struct buf *b);

void buf_free(struct buf *b);

#endif
