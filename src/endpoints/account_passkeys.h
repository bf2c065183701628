#ifndef OIDCD_ENDPOINTS_ACCOUNT_PASSKEYS_H
#define OIDCD_ENDPOINTS_ACCOUNT_PASSKEYS_H

/* The Passkeys section of the account page (/account): each passkey with
 * when it was added and last used, renamed and removed there, and the form
 * that adds one (it posts to /account/passkey, account_passkey.c). */

#include "core/clock.h"
#include "endpoints/passkey_form.h"
#include "oauth/mfa.h"

/* Why a change to the factors was refused (mfa_factors_may_change). */
#define ACCOUNT_PASSWORD_ALONE                                                                     \
    "This session was signed in with the password alone. Sign out, then sign in with your "        \
    "second factor to change it."
#define ACCOUNT_SIGN_IN_AGAIN                                                                      \
    "You signed in more than ten minutes ago. Sign out and sign in again, then change how you "    \
    "sign in: that is how we know it is you."

/* The message for a refused change. */
const char *account_change_refused(enum mfa_change why);

struct account_passkeys {
    struct passkey *list;
    size_t n;
    struct ui_passkey_item items[LIMIT_USER_PASSKEYS];
    char (*ids)[PASSKEY_ID_TEXT_SIZE]; /* each one's base64url id */
    char created[LIMIT_USER_PASSKEYS][CLOCK_TEXT_SIZE];
    char last_used[LIMIT_USER_PASSKEYS][CLOCK_TEXT_SIZE + 16];
    char summary[128];
    struct passkey_form form;
};

/* The section for user u into *out: the passkeys, each item carrying csrf
 * (the page's token), and the add form, bound to secret (the session's
 * token), display_name the name a browser shows for the account. Passkeys
 * off: nothing (no section). ERR_STORE, ERR_NOMEM, ERR_CRYPTO. Caller frees
 * with account_passkeys_clear either way. */
enum err account_passkeys_read(const struct app *app, const struct user *u,
                               const char *display_name, const char *secret, const char *csrf,
                               struct account_passkeys *out);

void account_passkeys_clear(struct account_passkeys *p);

/* The page's actions passkey_rename (fields credential_id, name) and
 * passkey_remove (credential_id) for the user sub, audited; *notice or
 * *error says what came of it. ERR_INVALID_REQUEST for another action;
 * ERR_STORE. */
enum err account_passkeys_change(const struct app *app, const struct http_request *req,
                                 const char *sub, const char *action, const char **notice,
                                 const char **error);

#endif
