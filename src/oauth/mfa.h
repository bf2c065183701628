#ifndef OIDCD_OAUTH_MFA_H
#define OIDCD_OAUTH_MFA_H

/* A user's second factors without HTTP: TOTP enrolment and checks (the
 * secret sealed with the key-encryption key, the replay rule kept by the
 * store), recovery codes, and the authentication context (acr) a session's
 * methods (amr, RFC 8176) reach. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oauth/oauth.h"
#include "oauth/recovery_codes.h"
#include "oauth/totp.h"

#define MFA_ACR_PWD "urn:oidcd:acr:pwd"
#define MFA_ACR_MFA "urn:oidcd:acr:mfa"
#define MFA_ACR_PHR "urn:oidcd:acr:phr" /* phishing-resistant: a passkey */

/* The amr of a session signed in with a password and then a TOTP code or a
 * recovery code (both one-time passwords, RFC 8176 §2: "otp"). */
#define MFA_AMR_PWD "pwd"
#define MFA_AMR_PWD_OTP "pwd otp mfa"

/* How strong a sign-in is, weakest first; the levels acr values name. */
enum mfa_level { MFA_LEVEL_PWD, MFA_LEVEL_MFA, MFA_LEVEL_PHR };

/* What a user has, for the account page, the CLI and the sign-in. */
struct mfa_status {
    bool totp;               /* a TOTP secret exists */
    bool totp_confirmed;     /* … and counts */
    int64_t totp_created_at; /* 0: none */
    int64_t totp_last_used_at;
    size_t recovery_total;         /* recovery codes of the current set */
    size_t recovery_left;          /* … not used yet */
    int64_t recovery_last_used_at; /* 0: none used */
    size_t passkeys;               /* passkeys registered */
};

/* The user's factors. ERR_STORE, ERR_NOMEM. */
enum err mfa_status_get(const struct oauth_ctx *ctx, const char *sub, struct mfa_status *out);

/* Whether the user has a second factor that signs in (a confirmed TOTP,
 * recovery codes left, or a passkey). */
bool mfa_status_has_factor(const struct mfa_status *st);

/* Seconds after a sign-in in which a session may change the user's
 * factors. */
#define MFA_CHANGE_WINDOW 600

/* What a session may do to its user's factors. */
enum mfa_change {
    MFA_CHANGE_ALLOWED,
    MFA_CHANGE_NEEDS_FACTOR, /* the user has a factor; the session did not show one */
    MFA_CHANGE_NEEDS_SIGNIN, /* the session's sign-in is too old */
};

/* Whether the session se may change its user's factors at now, into *out.
 * A user who has a second factor changes factors only from a session that
 * showed one (a stolen password-only session, one from before the factor
 * say, must not mint recovery codes, start a new secret or add a passkey).
 * And any change, the first factor's set-up included, only within
 * MFA_CHANGE_WINDOW of the session's sign-in: a session cookie taken later
 * must not tie the account to the taker's factor, nor add the taker's
 * passkey (a sign-in of its own) and remove the user's. ERR_STORE,
 * ERR_NOMEM. */
enum err mfa_factors_may_change(const struct oauth_ctx *ctx, const struct session *se, int64_t now,
                                enum mfa_change *out);

/* A fresh TOTP secret for the user into secret, stored sealed, replacing
 * any earlier one; confirmed (it counts at once: the operator hands it
 * over) or not (the user proves it with a code first, mfa_totp_check with
 * confirm). ERR_NOT_FOUND (no such user), ERR_CRYPTO, ERR_STORE. */
enum err mfa_totp_enrol(const struct oauth_ctx *ctx, const char *sub, bool confirmed,
                        unsigned char secret[TOTP_SECRET_LEN]);

/* The user's TOTP secret opened into secret (the account page shows it
 * again while it is not confirmed). ERR_NOT_FOUND, ERR_CRYPTO. */
enum err mfa_totp_secret(const struct oauth_ctx *ctx, const char *sub, bool *confirmed,
                         unsigned char secret[TOTP_SECRET_LEN]);

/* Appends the otpauth:// key URI of secret for username to b, the issuer's
 * host (and port) as the issuer name an authenticator app shows
 * (totp_uri). ERR_INVALID_REQUEST, ERR_TOO_LARGE, ERR_NOMEM. */
enum err mfa_totp_uri(const struct config *cfg, const char *username,
                      const unsigned char secret[TOTP_SECRET_LEN], struct buf *b);

/* Checks a typed TOTP code (len bytes) at now against the user's secret and
 * accepts it once. With confirm, only an unconfirmed secret is checked, and
 * confirmed by the code; without, only a confirmed one. ERR_OK;
 * ERR_ACCESS_DENIED when the code is malformed, wrong, or a replay (its
 * step not past the last accepted one, also when another request took it
 * first); ERR_NOT_FOUND when the user has no secret in that state;
 * ERR_CRYPTO, ERR_STORE. */
enum err mfa_totp_check(const struct oauth_ctx *ctx, const char *sub, const char *code, size_t len,
                        int64_t now, bool confirm);

/* Uses one of the user's recovery codes (typed, len bytes) at now.
 * ERR_ACCESS_DENIED when it is malformed, unknown or used already. */
enum err mfa_recovery_use(const struct oauth_ctx *ctx, const char *sub, const char *code,
                          size_t len, int64_t now);

/* Ten fresh recovery codes into out (to show once), replacing the user's
 * set. ERR_NOT_FOUND, ERR_CRYPTO, ERR_STORE. Caller wipes out. */
enum err mfa_recovery_regenerate(const struct oauth_ctx *ctx, const char *sub, int64_t now,
                                 struct recovery_codes *out);

/* The login throttle's account (oauth/login_throttle.h) for the user's
 * second factors, codes and passkeys alike: apart from the password's
 * ("pwd:" and the username), limited alike. */
#define MFA_THROTTLE_KEY_SIZE (LIMIT_SUB + 8)
void mfa_throttle_key(const char *sub, char out[MFA_THROTTLE_KEY_SIZE]);

/* The level a session's amr reaches: MFA_LEVEL_PHR when it holds "mfa" and
 * a key that proved possession bound to the origin ("hwk" or "swk": a
 * passkey), MFA_LEVEL_MFA when it holds "mfa" alone, else MFA_LEVEL_PWD. */
enum mfa_level mfa_level_of_amr(const char *amr);

/* The acr value of a level. */
const char *mfa_acr(enum mfa_level level);

/* The level an acr value names; false for a value this server does not
 * know. */
bool mfa_level_of_acr(const char *acr, enum mfa_level *out);

#endif
