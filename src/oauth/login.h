#ifndef OIDCD_OAUTH_LOGIN_H
#define OIDCD_OAUTH_LOGIN_H

/* A password login without HTTP: the throttle (oauth/login_throttle.h), the
 * user, argon2id (oauth/password.h) and the re-hash of an old hash. */

#include <stddef.h>

#include "oauth/login_throttle.h"
#include "oauth/oauth.h"
#include "oauth/password.h"

/* One try, as the login form sent it. Borrowed. */
struct login_attempt {
    const char *username; /* as typed; NULL counts as "" */
    const char *password; /* NULL counts as "" */
    const char *address;  /* the client's address for the throttle; may be NULL */
};

/* Checks a.username and a.password.
 *
 * ERR_OK: *user (caller frees with user_clear) is the enabled user whose
 * password matched; the account's throttle counter starts again, and when the
 * stored hash was made with other parameters a new one is stored (a failure
 * to store it is logged, not returned).
 * ERR_ACCESS_DENIED: the username is unknown, the user has no password or is
 * disabled, or the password is wrong; every case costs one argon2id
 * verification with the current parameters, and is counted against the
 * account and the address.
 * ERR_TEMPORARILY_UNAVAILABLE: too many failures of the account or the
 * address; *retry_after is the seconds to wait, nothing was checked (so the
 * right password waits too).
 * ERR_NOMEM, ERR_STORE. *why gets a static reason for the log (never the
 * password). On every error user is cleared, but for ERR_ACCESS_DENIED its
 * sub names the account the username belongs to ("" when none), and
 * *retry_after is the seconds of the lock this failure started (0: none). */
enum err login_password(const struct oauth_ctx *ctx, struct password_policy *pw,
                        struct login_throttle *throttle, const struct login_attempt *a,
                        struct user *user, long *retry_after, const char **why);

#endif
