#ifndef OIDCD_CORE_B64URL_H
#define OIDCD_CORE_B64URL_H

#include <stddef.h>

#include "core/errors.h"

/* Length of the unpadded base64url text for n bytes (without NUL). */
size_t b64url_encoded_len(size_t n);

/* Encodes n bytes as unpadded base64url into out, NUL-terminated.
 * out must hold b64url_encoded_len(n) + 1 bytes. Returns the text length. */
size_t b64url_encode(const void *in, size_t n, char *out);

/* Decodes unpadded base64url text (padding '=' is refused, as RFC 7515 wants).
 * out must hold at least len * 3 / 4 bytes. ERR_INVALID_REQUEST on a bad
 * character or an impossible length. */
enum err b64url_decode(const char *in, size_t len, unsigned char *out, size_t *outlen);

/* Decodes standard base64 (RFC 4648 §4, padding optional, as in HTTP Basic).
 * out must hold at least len * 3 / 4 + 3 bytes. */
enum err b64_decode(const char *in, size_t len, unsigned char *out, size_t *outlen);

#endif
