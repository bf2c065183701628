#ifndef OIDCD_CORE_TEXT_H
#define OIDCD_CORE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Copies the NUL-terminated s into dst of size bytes. False (dst untouched)
 * when s is NULL or does not fit with its NUL: never a truncated copy. */
bool text_copy(char *dst, size_t size, const char *s);

#endif
