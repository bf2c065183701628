#ifndef OIDCD_OAUTH_TOKEN_CACHE_H
#define OIDCD_OAUTH_TOKEN_CACHE_H

/* Remembers JWTs whose signature was verified, so that a token presented again
 * (to the gate, to introspection) costs a SHA-256 instead of a signature check.
 * Entries are keyed by the token's SHA-256, hold no token, and die with the
 * token or with the key set they were verified under.
 *
 * Beside what the signature proves, an entry may hold the store's answer to
 * "is it still active?" (revoked, client disabled) for at most a second, the
 * bound DESIGN.md §8 sets for changes made elsewhere (the CLI, another
 * instance); a revocation made by this process drops every such answer at
 * once. Safe for any number of threads. */

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

/* The store's answer for the token with this hash, if one was remembered
 * less than a second ago and no revocation happened here since. */
bool token_cache_state_get(const unsigned char hash[HASH_LEN], struct token_state *out);

/* The revocation generation: read it before asking the store, and hand it to
 * token_cache_state_put, so that a revocation made here while the store was
 * being asked voids the answer. */
uint64_t token_cache_generation(void);

/* Remembers the store's answer for the token with this hash (only when its
 * claims are cached: call after token_cache_put). */
void token_cache_state_put(const unsigned char hash[HASH_LEN], uint64_t generation,
                           const struct token_state *st);

/* Forgets every remembered answer: a token was revoked by this process. */
void token_cache_forget_states(void);

/* Frees every entry (at shutdown). */
void token_cache_clear(void);

#endif
