#include "core/text.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>

size_t text_int(char *out, int64_t v)
{
    char digits[TEXT_INT_SIZE];
    /* the magnitude as unsigned: -INT64_MIN does not fit an int64_t */
    uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    size_t n = 0, len = 0;

    do {
        digits[n++] = (char)('0' + m % 10);
        m /= 10;
    } while (m);
    if (v < 0)
        out[len++] = '-';
    while (n)
        out[len++] = digits[--n];
    out[len] = '\0';
    return len;
}

bool text_copy(char *dst, size_t size, const char *s)
{
    size_t n = s ? strlen(s) : 0;

    if (!s || n >= size)
        return false;
    memcpy(dst, s, n + 1);
    return true;
}

bool text_is_ows(char c)
{
    return c == ' ' || c == '\t';
}

void text_trim_ows(const char **s, size_t *len)
{
    while (*len > 0 && text_is_ows(**s))
        (*s)++, (*len)--;
    while (*len > 0 && text_is_ows((*s)[*len - 1]))
        (*len)--;
}

bool text_is_digits(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

bool text_port(const char *p, size_t n, long *out)
{
    long v = 0;
    size_t i;

    if (n == 0 || n > 5)
        return false;
    for (i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        v = v * 10 + (p[i] - '0');
    }
    if (v < 1 || v > 65535)
        return false;
    if (out)
        *out = v;
    return true;
}

bool text_is_ipv6(const char *p, size_t n)
{
    char text[INET6_ADDRSTRLEN];
    struct in6_addr addr;

    if (n == 0 || n >= sizeof text)
        return false;
    memcpy(text, p, n);
    text[n] = '\0';
    return inet_pton(AF_INET6, text, &addr) == 1;
}

bool text_all_in(const char *s, size_t n, const char *set)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && !strchr(set, s[i]))
            return false;
    return true;
}

bool text_has_word(const char *list, const char *word)
{
    size_t n = strlen(word), m;

    while (n && *list) {
        while (*list == ' ')
            list++;
        m = strcspn(list, " ");
        if (m == n && memcmp(list, word, n) == 0)
            return true;
        list += m;
    }
    return false;
}

size_t text_utf8_len(const unsigned char *s, const unsigned char *end)
{
    size_t len, i;
    uint32_t cp;

    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        len = 2, cp = s[0] & 0x1fu;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        len = 3, cp = s[0] & 0x0fu;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        len = 4, cp = s[0] & 0x07u;
    else
        return 0;
    if ((size_t)(end - s) < len)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3fu);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return len;
}

bool text_is_utf8_line(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;

    while (p < end) {
        size_t len = 1;
        if (*p >= 0x80)
            len = text_utf8_len(p, end);
        else if (*p < 0x20 || *p == 0x7f)
            return false;
        if (!len)
            return false;
        p += len;
    }
    return true;
}
