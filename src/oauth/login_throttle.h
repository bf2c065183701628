#ifndef OIDCD_OAUTH_LOGIN_THROTTLE_H
#define OIDCD_OAUTH_LOGIN_THROTTLE_H

/* Failed-login counters per account and per client address, in a bounded
 * in-memory table (login.max_failures, login.lockout_seconds).
 *
 * An attempt is reserved before the password is checked and settled after,
 * so requests racing each other cannot run more than max_failures guesses
 * between two lockouts. After max_failures failures in a row on one counter,
 * attempts are refused for lockout_seconds; each further lockout of that
 * counter doubles it, up to LOGIN_LOCKOUT_GROWTH_MAX times lockout_seconds.
 * A counter quiet for that long is forgotten.
 *
 * A locked account is not a way to keep its owner out: an address from which
 * the account logged in during the last LOGIN_KNOWN_SECONDS is let through the
 * account's lock (the address's own lock still holds). A success resets its
 * account's counter, not the address's.
 *
 * Accounts are compared ignoring ASCII case (as usernames are); IPv6
 * addresses by their /64, which one host usually holds whole. Names are kept
 * only as salted hashes. Safe to share by threads. Times are passed in (the
 * caller's clock_now), so tests can move them. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/errors.h"

#define LOGIN_LOCKOUT_GROWTH_MAX 64
#define LOGIN_KNOWN_SECONDS (30 * 86400)

struct login_throttle;

/* A table of capacity counters (a full table forgets the least recently
 * failed of the few it could use). ERR_NOMEM, ERR_CRYPTO. Caller frees with
 * login_throttle_free. */
enum err login_throttle_new(long max_failures, long lockout_seconds, size_t capacity,
                            struct login_throttle **out);
void login_throttle_free(struct login_throttle *t);

/* New limits (a reload): the counters are kept; a lockout under way keeps
 * its end, the next one is measured by the new limits. */
void login_throttle_set_limits(struct login_throttle *t, long max_failures, long lockout_seconds);

/* Reserves an attempt for account from address (either may be NULL; a NULL
 * address has no counter and no known-address bypass of the account's lock,
 * as for the password grant, whose peer is the client, not the user) at now:
 * 0 when it may go ahead — the caller then settles it with
 * login_throttle_end, exactly once —, else the seconds until one may (no
 * reservation made). */
long login_throttle_begin(struct login_throttle *t, const char *account, const char *address,
                          int64_t now);

enum login_outcome {
    LOGIN_FAILED,    /* a wrong password (or no such user) */
    LOGIN_SUCCEEDED, /* the password matched */
    LOGIN_UNDECIDED  /* nothing was checked (the store failed, say) */
};

/* Settles an attempt login_throttle_begin let through: a failure counts
 * against both counters (and may lock them); a success starts the account's
 * counter again and remembers the address as one the account uses; an
 * undecided attempt only gives its reservation back. Returns the seconds of
 * the lock this failure started (the longer of the two), or 0. */
long login_throttle_end(struct login_throttle *t, const char *account, const char *address,
                        int64_t now, enum login_outcome outcome);

#endif
