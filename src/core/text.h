#ifndef OIDCD_CORE_TEXT_H
#define OIDCD_CORE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Copies the NUL-terminated s into dst of size bytes. False (dst untouched)
 * when s is NULL or does not fit with its NUL: never a truncated copy. */
bool text_copy(char *dst, size_t size, const char *s);

/* Writes v in decimal and a NUL into out, which holds TEXT_INT_SIZE bytes;
 * returns the number of digits (and sign) written. */
#define TEXT_INT_SIZE 21
size_t text_int(char *out, int64_t v);

/* True when the n bytes at s are all ASCII digits (true for n = 0). */
bool text_is_digits(const char *s, size_t n);

/* True when the n bytes at p are a TCP port as written in a URL or
 * host:port: 1 to 5 digits worth 1 to 65535, stored in *out unless NULL. */
bool text_port(const char *p, size_t n, long *out);

/* True when the n bytes at p are an IPv6 address in text form (the part
 * between the brackets of an IP literal, RFC 3986 §3.2.2). */
bool text_is_ipv6(const char *p, size_t n);

/* True when word (non-empty) is one of the words of list, which are
 * separated by one or more spaces (a scope string, RFC 6749 §3.3, or a
 * config value's choices). */
bool text_has_word(const char *list, const char *word);

/* True when each of the n bytes at s is an ASCII letter or digit or one of
 * the characters of set. */
bool text_all_in(const char *s, size_t n, const char *set);

/* True for optional white space in HTTP (RFC 9110 §5.6.3): space or tab. */
bool text_is_ows(char c);

/* Narrows the len bytes at *s to leave out leading and trailing OWS, which
 * is not part of a header field's value (RFC 9110 §5.5). */
void text_trim_ows(const char **s, size_t *len);

/* Length of the well-formed UTF-8 sequence (RFC 3629) of two to four bytes
 * at s (before end), or 0: no overlong forms, no surrogates, nothing past
 * U+10FFFF. */
size_t text_utf8_len(const unsigned char *s, const unsigned char *end);

/* Whether the n bytes at s are well-formed UTF-8 without control
 * characters (C0 and DEL): text fit for one line of a page or a listing. */
bool text_is_utf8_line(const char *s, size_t n);

#endif
