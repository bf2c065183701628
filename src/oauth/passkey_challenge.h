#ifndef OIDCD_OAUTH_PASSKEY_CHALLENGE_H
#define OIDCD_OAUTH_PASSKEY_CHALLENGE_H

/* The challenges of passkey ceremonies, without HTTP: each is random, for
 * one purpose (enum webauthn_purpose), bound to a secret the browser holds
 * (a cookie's value: the page that offered it must be the one that answers),
 * stored only as hashes, single use and short-lived (webauthn.timeout_seconds). */

#include <stdbool.h>
#include <stdint.h>

#include "oauth/oauth.h"
#include "oauth/webauthn_client_data.h"

/* base64url of WEBAUTHN_CHALLENGE_LEN bytes, and its NUL */
#define PASSKEY_CHALLENGE_TEXT_SIZE 44

/* A challenge as it came back: what the store kept, and its bytes (which
 * clientDataJSON must name). */
struct passkey_ceremony {
    struct webauthn_challenge stored;
    unsigned char challenge[WEBAUTHN_CHALLENGE_LEN];
};

/* Issues a challenge at now for purpose, bound to secret, for the user sub
 * ("" for none: a username-less sign-in); its text (base64url, for the
 * page's form) into out. ERR_CRYPTO, ERR_STORE. */
enum err passkey_challenge_issue(const struct oauth_ctx *ctx, enum webauthn_purpose purpose,
                                 const char *secret, const char *sub, int64_t now,
                                 char out[PASSKEY_CHALLENGE_TEXT_SIZE]);

/* Takes the challenge whose text is text (NULL counts as ""): it is gone
 * from the store whatever follows. ERR_ACCESS_DENIED with *why when the
 * text is malformed or names no challenge (never issued, or taken already);
 * ERR_STORE. Expiry, purpose and binding are passkey_challenge_check's. */
enum err passkey_challenge_take(const struct oauth_ctx *ctx, const char *text,
                                struct passkey_ceremony *out, const char **why);

/* Whether the taken challenge c may serve at now for purpose, from the
 * browser holding secret (NULL: none): not expired, issued for that
 * purpose, and bound to that secret (compared in constant time). False with
 * *why when not. */
bool passkey_challenge_check(const struct passkey_ceremony *c, enum webauthn_purpose purpose,
                             const char *secret, int64_t now, const char **why);

#endif
