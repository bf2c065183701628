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
