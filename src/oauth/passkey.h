#ifndef OIDCD_OAUTH_PASSKEY_H
#define OIDCD_OAUTH_PASSKEY_H

/* Passkeys without HTTP: a registration finished into a stored passkey, an
 * assertion checked against one, under the server's settings (webauthn.*:
 * the RP ID, the counter policy, what is kept of an attestation). The
 * WebAuthn checks themselves are oauth/webauthn.h's; challenges are
 * oauth/passkey_challenge.h's. */

#include <stdbool.h>

#include "core/buf.h"
#include "oauth/oauth.h"
#include "oauth/passkey_challenge.h"

/* The amr (RFC 8176) of a passkey sign-in: a hardware-bound key ("hwk"), or
 * one the authenticator may copy to the user's other devices ("swk": backup
 * eligible, a synced passkey); the user's presence ("user"); and more than
 * one factor ("mfa": a device held and a PIN or biometric, or a password
 * before it). */
#define PASSKEY_AMR_HWK "hwk user mfa"
#define PASSKEY_AMR_SWK "swk user mfa"
#define PASSKEY_AMR_PWD_HWK "pwd hwk user mfa"
#define PASSKEY_AMR_PWD_SWK "pwd swk user mfa"

#define PASSKEY_DEFAULT_NAME "Passkey"

/* base64url of the longest credential id, and its NUL */
#define PASSKEY_ID_TEXT_SIZE ((LIMIT_WEBAUTHN_CREDENTIAL_ID * 4 + 2) / 3 + 1)

/* The COSE algorithms offered (pubKeyCredParams), in order of preference. */
#define PASSKEY_ALGS "-7 -8 -257"

/* What the browser posted from navigator.credentials.create or .get, each
 * as the form carried it (base64url without padding; NULL: absent). */
struct passkey_response {
    const char *credential_id; /* rawId */
    const char *client_data;   /* clientDataJSON */
    /* create */
    const char *attestation_object;
    const char *transports; /* space-separated, as the browser reported */
    /* get */
    const char *authenticator_data;
    const char *signature;
    const char *user_handle; /* may be empty */
};

/* Whether passkeys are on (config_webauthn_rp_id). */
bool passkey_enabled(const struct config *cfg);

/* The name a user gave a passkey, checked: NULL or blank is
 * PASSKEY_DEFAULT_NAME; surrounding spaces go. Into out; false when longer
 * than LIMIT_PASSKEY_NAME bytes, or not UTF-8 text without control
 * characters. */
bool passkey_name_clean(const char *name, char out[LIMIT_PASSKEY_NAME + 1]);

/* Finishes a registration for the user of the taken challenge c (checked
 * by the caller for WEBAUTHN_PURPOSE_REGISTER): verifies r, named name
 * (passkey_name_clean'd by the caller) at now, and stores it. ERR_OK with
 * *out filled (caller frees with passkey_clear); ERR_ACCESS_DENIED with
 * *why for anything refused: a malformed or oversized field, a response
 * WebAuthn refuses, a rawId other than the attested credential's;
 * ERR_CONFLICT: that credential is registered already; ERR_TOO_LARGE: the
 * user has LIMIT_USER_PASSKEYS; ERR_NOMEM, ERR_CRYPTO, ERR_STORE. */
enum err passkey_register(const struct oauth_ctx *ctx, const struct passkey_ceremony *c,
                          const struct passkey_response *r, const char *name, int64_t now,
                          struct passkey *out, const char **why);

/* The passkey r names (caller frees with passkey_clear), of a user who
 * exists and is enabled. ERR_ACCESS_DENIED with *why: a malformed id, or
 * none such; ERR_STORE. */
enum err passkey_lookup(const struct oauth_ctx *ctx, const struct passkey_response *r,
                        struct passkey *out, const char **why);

/* What a checked assertion signs in. */
struct passkey_signin {
    const char *amr;        /* PASSKEY_AMR_* (static) */
    bool counter_backwards; /* let through by webauthn.counter_policy = log */
};

/* Checks assertion r with pk (passkey_lookup's) for the taken challenge c
 * (checked by the caller: WEBAUTHN_PURPOSE_SIGNIN or _SECOND_FACTOR, its
 * binding), at now. A sign-in requires user verification, and a non-empty
 * user handle must be pk's user's; a second factor requires pk to be the
 * challenge's user's, and the amr says a password came first. The counter
 * must advance (webauthn.counter_policy = log lets a counter that did not
 * through, flagged), and the use is recorded only if no other assertion
 * moved the counter meanwhile. ERR_OK with *out; ERR_ACCESS_DENIED with
 * *why for anything refused; ERR_NOMEM, ERR_CRYPTO, ERR_STORE. */
enum err passkey_assert(const struct oauth_ctx *ctx, const struct passkey_ceremony *c,
                        const struct passkey *pk, const struct passkey_response *r, int64_t now,
                        struct passkey_signin *out, const char **why);

/* Renames the user's passkey whose base64url id is id to name
 * (passkey_name_clean'd by the caller). ERR_NOT_FOUND: a malformed id, or
 * no passkey of this user has it; ERR_STORE. */
enum err passkey_rename(const struct oauth_ctx *ctx, const char *sub, const char *id,
                        const char *name);

/* Removes the user's passkey whose base64url id is id. ERR_NOT_FOUND as
 * passkey_rename; ERR_STORE. */
enum err passkey_remove(const struct oauth_ctx *ctx, const char *sub, const char *id);

/* The base64url ids of the user's passkeys, space-separated, into b (for a
 * form's allowCredentials or excludeCredentials); *n gets how many.
 * ERR_STORE, ERR_NOMEM. */
enum err passkey_ids_of_user(const struct oauth_ctx *ctx, const char *sub, struct buf *b,
                             size_t *n);

#endif
