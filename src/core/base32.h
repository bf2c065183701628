#ifndef OIDCD_CORE_BASE32_H
#define OIDCD_CORE_BASE32_H

/* Base32 of RFC 4648 §6 without padding: the form authenticator apps take a
 * TOTP secret in (the otpauth:// URI's secret parameter). */

#include <stddef.h>

#include "core/errors.h"

/* Length of the unpadded base32 text for n bytes (without NUL). */
size_t base32_encoded_len(size_t n);

/* Encodes n bytes as upper-case unpadded base32 into out, NUL-terminated.
 * out must hold base32_encoded_len(n) + 1 bytes. Returns the text length. */
size_t base32_encode(const void *in, size_t n, char *out);

/* Decodes len characters of unpadded base32, either case, into out, which
 * must hold len * 5 / 8 bytes; *outlen gets the byte count.
 * ERR_INVALID_REQUEST for a character outside the alphabet (padding '='
 * included), a length no byte count encodes to, or set bits past the last
 * byte (so each byte string has one text). */
enum err base32_decode(const char *in, size_t len, unsigned char *out, size_t *outlen);

#endif
