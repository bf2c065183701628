#ifndef OIDCD_OAUTH_PASSWORD_H
#define OIDCD_OAUTH_PASSWORD_H

/* User passwords: argon2id (libargon2) with the configured parameters, at
 * most a fixed number of hashes at once so memory stays bounded
 * (passwords.argon2_memory_kib × that number). Thread-safe. */

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"
#include "core/errors.h"

struct password_policy;

/* A policy with cfg's passwords.argon2_* parameters that runs at most
 * max_at_once (>= 1; the server: its worker threads, the CLI: 1) hashes or
 * verifications at once; callers beyond that wait their turn. It makes one
 * hash of a random password up front, for password_verify_dummy.
 * ERR_NOMEM, ERR_CRYPTO. Free with password_policy_free. */
enum err password_policy_new(const struct config *cfg, unsigned max_at_once,
                             struct password_policy **out);
void password_policy_free(struct password_policy *p);

/* The argon2id encoded hash ("$argon2id$v=19$m=…,t=…,p=…$salt$hash") of the
 * len bytes at password, with a fresh 16-byte salt. *out is the caller's
 * (free()). ERR_INVALID_REQUEST for an empty password or one longer than
 * LIMIT_PASSWORD; ERR_NOMEM; ERR_CRYPTO. */
enum err password_hash(struct password_policy *p, const char *password, size_t len, char **out);

/* ERR_OK when password matches the encoded hash, ERR_ACCESS_DENIED when it
 * does not (or encoded is not an argon2id hash, or the password is empty or
 * too long), ERR_NOMEM. On ERR_OK, *rehash says whether encoded was made with
 * other parameters than the policy's: the caller then stores a new
 * password_hash of the same password. The comparison is constant-time. */
enum err password_verify(struct password_policy *p, const char *encoded, const char *password,
                         size_t len, bool *rehash);

/* Costs what password_verify costs with the policy's parameters, and never
 * matches: for an unknown username or a user without a password, so that a
 * wrong username takes as long as a wrong password. */
void password_verify_dummy(struct password_policy *p, const char *password, size_t len);

#endif
