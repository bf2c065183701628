#ifndef OIDCD_OAUTH_PASSKEY_CHALLENGE_H
#define OIDCD_OAUTH_PASSKEY_CHALLENGE_H

/* The challenges of passkey ceremonies, without HTTP: each is for one
 * purpose (enum webauthn_purpose), bound to a secret the browser holds (a
 * cookie's value: the page that offered it must be the one that answers),
 * single use and short-lived (webauthn.timeout_seconds). A registration's
 * or a second factor's, issued only to a session or a pending sign-in, is
 * random and stored as hashes until it is used; a username-less sign-in's,
 * which anyone may ask for, is signed instead (oauth/signin_challenge.h),
 * and only its use is stored. Callers need not know which is which. */

#include <stdbool.h>
#include <stdint.h>

#include "oauth/oauth.h"
#include "oauth/webauthn_client_data.h"

/* base64url of WEBAUTHN_CHALLENGE_LEN bytes, and its NUL */
#define PASSKEY_CHALLENGE_TEXT_SIZE 44

/* A challenge as it came back: what it was issued for (a stored one's row,
 * a signed one's fields), and its bytes (which clientDataJSON must name). */
struct passkey_ceremony {
    struct webauthn_challenge stored;
    unsigned char challenge[WEBAUTHN_CHALLENGE_LEN];
};

/* Issues a challenge at now for purpose, bound to secret, for the user sub
 * ("" for none: a username-less sign-in); its text (base64url, for the
 * page's form) into out. A sign-in's writes nothing (ERR_CONFIG when ctx
 * has no signin_key). ERR_CRYPTO, ERR_STORE. */
enum err passkey_challenge_issue(const struct oauth_ctx *ctx, enum webauthn_purpose purpose,
                                 const char *secret, const char *sub, int64_t now,
                                 char out[PASSKEY_CHALLENGE_TEXT_SIZE]);

/* Takes the challenge whose text is text (NULL counts as ""): it cannot
 * serve again whatever follows. signin_secret is what a username-less
 * sign-in's is bound to (the CSRF cookie's value; NULL: none): a signed
 * challenge is checked against it here, before its use is recorded.
 * ERR_ACCESS_DENIED with *why when the text is malformed, names no
 * challenge (never issued, or taken already), or is a signed one altered
 * or not bound to signin_secret; ERR_STORE. Expiry, purpose and binding are
 * passkey_challenge_check's (an expired signed one is left unrecorded). */
enum err passkey_challenge_take(const struct oauth_ctx *ctx, const char *text,
                                const char *signin_secret, int64_t now,
                                struct passkey_ceremony *out, const char **why);

/* Whether the taken challenge c may serve at now for purpose, from the
 * browser holding secret (NULL: none): not expired, issued for that
 * purpose, and bound to that secret (compared in constant time). False with
 * *why when not. */
bool passkey_challenge_check(const struct passkey_ceremony *c, enum webauthn_purpose purpose,
                             const char *secret, int64_t now, const char **why);

#endif
