#ifndef OIDCD_OAUTH_TOKEN_CACHE_H
#define OIDCD_OAUTH_TOKEN_CACHE_H

/* Remembers JWTs whose signature was verified, so that a token presented again
 * (to the gate, to introspection) costs a SHA-256 instead of a signature check.
 * Only what the signature proves is cached; whether the token is still active
 * (revoked, client disabled) is asked of the store every time. Entries are
 * keyed by the token's SHA-256, hold no token, and die with the token or with
 * the key set they were verified under. Safe for any number of threads. */

#include <stdbool.h>
#include <stdint.h>

#include "core/hash.h"
#include "oauth/token_inspect.h"

/* Copies the cached claims of the token with this hash into out (caller
 * frees with token_info_clear). False when absent, expired at now, or
 * verified under another key set version. */
bool token_cache_get(const unsigned char hash[HASH_LEN], int64_t keys_version, int64_t now,
                     struct token_info *out);

/* Remembers t (copied) for the token with this hash. Best effort: silently
 * does nothing when memory is short. */
void token_cache_put(const unsigned char hash[HASH_LEN], int64_t keys_version,
                     const struct token_info *t);

/* Frees every entry (at shutdown). */
void token_cache_clear(void);

#endif
