#ifndef OIDCD_OAUTH_WEBAUTHN_ATTESTATION_H
#define OIDCD_OAUTH_WEBAUTHN_ATTESTATION_H

/* The attestation object of a registration (WebAuthn Level 3 §6.5.4): a
 * CBOR map of fmt, attStmt and authData, decoded by libcbor; and what its
 * attestation statement proves (§8.2 "packed", §8.7 "none"). */

#include <cbor.h>
#include <stddef.h>

#include "core/errors.h"
#include "core/hash.h"
#include "oauth/webauthn_authdata.h"

#define WEBAUTHN_FMT_MAX 32 /* bytes of an attestation format name */

enum webauthn_attestation_kind {
    WEBAUTHN_ATTESTATION_NONE,      /* fmt "none": nothing attested */
    WEBAUTHN_ATTESTATION_SELF,      /* "packed" signed by the credential's own key, verified */
    WEBAUTHN_ATTESTATION_UNVERIFIED /* "packed" with x5c, or another format: attested, not
                                       verified; the caller stores it as none unless configured
                                       to want direct attestation */
};

struct webauthn_attestation {
    cbor_item_t *root; /* owned: the whole decoded object */
    char fmt[WEBAUTHN_FMT_MAX + 1];
    cbor_item_t *statement;         /* attStmt, borrowed from root */
    const unsigned char *auth_data; /* authData's bytes, borrowed from root */
    size_t auth_data_len;
};

/* Decodes len bytes that must be exactly one attestation object: a CBOR map
 * with a text fmt (at most WEBAUTHN_FMT_MAX bytes), a map attStmt and a byte
 * string authData, each once (other members are ignored). ERR_INVALID_REQUEST
 * with *why otherwise (also for bytes after the object, or more than
 * LIMIT_WEBAUTHN_ATTESTATION); ERR_NOMEM. Free with
 * webauthn_attestation_clear, also after a failure. */
enum err webauthn_attestation_parse(const unsigned char *buf, size_t len,
                                    struct webauthn_attestation *out, const char **why);

/* Judges att's statement for the parsed authenticator data ad (whose key is
 * the new credential's) and the SHA-256 of the client data, into *kind:
 * "none" needs an empty statement; "packed" without x5c needs alg equal to
 * the credential's and sig verifying over authData || client data hash with
 * the credential's key (ERR_ACCESS_DENIED if not); "packed" with x5c, or any
 * other format, is UNVERIFIED. ERR_INVALID_REQUEST with *why for a malformed
 * statement. */
enum err webauthn_attestation_check(const struct webauthn_attestation *att,
                                    const struct webauthn_authdata *ad,
                                    const unsigned char client_data_hash[HASH_LEN],
                                    enum webauthn_attestation_kind *kind, const char **why);

void webauthn_attestation_clear(struct webauthn_attestation *att);

#endif
