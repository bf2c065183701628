#include "core/text.h"

#include <string.h>

bool text_copy(char *dst, size_t size, const char *s)
{
    size_t n = s ? strlen(s) : 0;

    if (!s || n >= size)
        return false;
    memcpy(dst, s, n + 1);
    return true;
}
