#include "oauth/login.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"

/* Stores a hash of password made with the current parameters. */
static void rehash(const struct oauth_ctx *ctx, struct password_policy *pw, const struct user *u,
                   const char *password)
{
    char *hash = NULL;
    enum err rc = password_hash(pw, password, strlen(password), &hash);

    if (!rc)
        rc = store_user_set_password(ctx->store, u->sub, hash, u->password_hash);
    free(hash);
    /* ERR_NOT_FOUND: the password was changed meanwhile, and stays as set */
    if (rc && rc != ERR_NOT_FOUND)
        log_kv(LOG_WARN, "could not re-hash a password", "username", u->username, "error",
               err_str(rc), NULL);
}

/* Looks the user up and verifies the password: ERR_OK, ERR_ACCESS_DENIED
 * (at the cost of one verification whatever the reason), ERR_NOMEM,
 * ERR_STORE. */
static enum err verify(const struct oauth_ctx *ctx, struct password_policy *pw,
                       const char *username, const char *password, struct user *u, bool *old_hash,
                       const char **why)
{
    size_t len = strlen(password);
    enum err rc;

    *old_hash = false;
    rc = strlen(username) > LIMIT_USERNAME ? ERR_NOT_FOUND
                                           : store_user_get_by_username(ctx->store, username, u);
    if (rc == ERR_NOT_FOUND || (!rc && !u->enabled)) {
        *why = rc ? "unknown username" : "user disabled";
        password_verify_dummy(pw, password, len);
        return ERR_ACCESS_DENIED;
    }
    if (rc)
        return rc;
    /* no password: password_verify pays the dummy's cost */
    rc = password_verify(pw, u->password_hash, password, len, old_hash);
    if (rc == ERR_ACCESS_DENIED)
        *why = u->password_hash ? "wrong password" : "user without password";
    return rc;
}

/* The throttle's account key for a typed username: "pwd:" and the name
 * whole, a namespace of its own, so that nothing typed can count against the
 * second-factor keys ("mfa:" and a user's sub). Caller frees; NULL: no memory. */
static char *throttle_key(const char *username)
{
    size_t n = strlen(username);
    char *key = malloc(n + 5);

    if (key) {
        memcpy(key, "pwd:", 4);
        memcpy(key + 4, username, n + 1);
    }
    return key;
}

enum err login_password(const struct oauth_ctx *ctx, struct password_policy *pw,
                        struct login_throttle *throttle, const struct login_attempt *a,
                        struct user *user, long *retry_after, const char **why)
{
    const char *username = a->username ? a->username : "";
    const char *password = a->password ? a->password : "";
    bool old_hash = false;
    char *key = throttle_key(username);
    enum err rc;

    memset(user, 0, sizeof *user);
    if (!key)
        return ERR_NOMEM;
    /* reserved before the password is checked: racing requests cannot run
     * more guesses than the throttle allows */
    *retry_after = login_throttle_begin(throttle, key, a->address, clock_now());
    if (*retry_after > 0) {
        free(key);
        *why = "throttled";
        return ERR_TEMPORARILY_UNAVAILABLE;
    }
    rc = verify(ctx, pw, username, password, user, &old_hash, why);
    *retry_after = login_throttle_end(throttle, key, a->address, clock_now(),
                                      rc == ERR_OK              ? LOGIN_SUCCEEDED
                                      : rc == ERR_ACCESS_DENIED ? LOGIN_FAILED
                                                                : LOGIN_UNDECIDED);
    free(key);
    if (rc) {
        /* the sub of the account a wrong password was tried on stays, for
         * the audit trail */
        char sub[sizeof user->sub];
        memcpy(sub, user->sub, sizeof sub);
        user_clear(user);
        if (rc == ERR_ACCESS_DENIED)
            memcpy(user->sub, sub, sizeof sub);
        return rc;
    }
    if (old_hash)
        rehash(ctx, pw, user, password);
    return ERR_OK;
}
