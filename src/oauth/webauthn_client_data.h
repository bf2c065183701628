#ifndef OIDCD_OAUTH_WEBAUTHN_CLIENT_DATA_H
#define OIDCD_OAUTH_WEBAUTHN_CLIENT_DATA_H

/* The browser's clientDataJSON (WebAuthn Level 3 §5.8.1), checked against
 * what the server expects of one ceremony (§7.1 steps 7-10, §7.2 steps
 * 11-14). */

#include <stddef.h>

#include "core/errors.h"

#define WEBAUTHN_CHALLENGE_LEN 32
#define WEBAUTHN_TYPE_CREATE "webauthn.create"
#define WEBAUTHN_TYPE_GET "webauthn.get"

/* Checks the len bytes of clientDataJSON: a JSON object (no repeated member)
 * whose type is exactly type, whose challenge is the base64url of exactly
 * the challenge the server issued (compared in constant time), whose origin
 * is exactly origin, whose crossOrigin is absent or false, and without a
 * topOrigin (no ceremony in a cross-origin iframe). ERR_INVALID_REQUEST with
 * *why naming the first check that failed. */
enum err webauthn_client_data_check(const unsigned char *json, size_t len, const char *type,
                                    const unsigned char challenge[WEBAUTHN_CHALLENGE_LEN],
                                    const char *origin, const char **why);

#endif
