#ifndef OIDCD_CORE_BEARER_H
#define OIDCD_CORE_BEARER_H

#include <stddef.h>

#include "core/errors.h"

/* Finds the token in an Authorization header value of the Bearer scheme
 * (RFC 6750 §2.1: "Bearer" 1*SP b64token; the scheme's case does not matter;
 * spaces around are allowed).
 * On success *token points into value and *toklen is its length. ERR_NO_CREDENTIALS
 * when value is NULL or of another scheme (no bearer credentials);
 * ERR_INVALID_TOKEN when it is Bearer but the token is missing, holds a
 * character outside b64token, or is longer than LIMIT_JWT. */
enum err bearer_parse(const char *value, size_t len, const char **token, size_t *toklen);

/* Writes an RFC 6750 §3 WWW-Authenticate value into out (n bytes):
 *   Bearer realm="R"[, error="E"][, error_description="D"][, scope="S"]
 * NULL parts are left out (a NULL realm is empty). Quotes and backslashes are escaped, control and
 * non-ASCII bytes dropped, so no value can break the header. ERR_TOO_LARGE when it does not fit. */
enum err bearer_challenge(char *out, size_t n, const char *realm, const char *error,
                          const char *desc, const char *scope);

#endif
