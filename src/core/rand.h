#ifndef OIDCD_CORE_RAND_H
#define OIDCD_CORE_RAND_H

#include <stddef.h>

#include "core/errors.h"

/* n bytes from the CSPRNG. ERR_CRYPTO if it fails (never returns weak bytes). */
enum err rand_bytes(void *out, size_t n);

/* n random bytes as unpadded base64url text into out, which must hold
 * b64url_encoded_len(n) + 1 bytes. */
enum err rand_token(char *out, size_t n);

#endif
