#ifndef OIDCD_OAUTH_LOGIN_THROTTLE_H
#define OIDCD_OAUTH_LOGIN_THROTTLE_H

/* Failed-login counters per account and per client address, in a bounded
 * in-memory table (login.max_failures, login.lockout_seconds). After
 * max_failures failures in a row on one counter, attempts are refused for
 * lockout_seconds; each further lockout of that counter doubles it, up to
 * LOGIN_LOCKOUT_GROWTH_MAX times lockout_seconds, so no one is locked out for
 * longer than that at a time. A counter quiet for that long is forgotten. A
 * success resets its account's counter (not the address's). Names are kept
 * only as salted hashes. Safe to share by threads. Times are passed in (the
 * caller's clock_now), so tests can move them. */

#include <stddef.h>
#include <stdint.h>

#include "core/errors.h"

#define LOGIN_LOCKOUT_GROWTH_MAX 64

struct login_throttle;

/* A table of capacity counters (a full table forgets the least recently
 * failed of the few it could use). ERR_NOMEM, ERR_CRYPTO. Caller frees with
 * login_throttle_free. */
enum err login_throttle_new(long max_failures, long lockout_seconds, size_t capacity,
                            struct login_throttle **out);
void login_throttle_free(struct login_throttle *t);

/* 0 when an attempt for account from address (either may be NULL) may go
 * ahead at now; else the seconds until one may. */
long login_throttle_check(struct login_throttle *t, const char *account, const char *address,
                          int64_t now);

/* Counts a failed attempt against both (an attempt refused by check is not
 * counted). */
void login_throttle_failure(struct login_throttle *t, const char *account, const char *address,
                            int64_t now);

/* A successful login: the account's counter starts again. */
void login_throttle_success(struct login_throttle *t, const char *account);

#endif
