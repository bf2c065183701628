#ifndef OIDCD_CORE_CLAIM_NAME_H
#define OIDCD_CORE_CLAIM_NAME_H

#include <stdbool.h>
#include <stddef.h>

#include "core/errors.h"

/* Claim names in claims.extra or one [scope.NAME] section's claims, and the
 * longest name. */
#define CLAIM_NAMES_MAX 64
#define CLAIM_NAME_MAX 64

/* True when the n bytes at p are a claim name oidcd accepts: 1 to
 * CLAIM_NAME_MAX of A-Z a-z 0-9 _ - . : / ~ (so a collision-resistant URI
 * name fits, and never '=', a quote or white space), and not one of the
 * claims the server sets in its tokens (iss, aud, nonce, acr, sid, …). */
bool claim_name_ok(const char *p, size_t n);

/* Space-separated claim names v (at most CLAIM_NAMES_MAX, each
 * claim_name_ok) into dst (size bytes), separated by one space each.
 * ERR_CONFIG with *hint saying what a value must be, or "too long". */
enum err claim_names_parse(char *dst, size_t size, const char *v, const char **hint);

#endif
