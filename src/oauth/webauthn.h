#ifndef OIDCD_OAUTH_WEBAUTHN_H
#define OIDCD_OAUTH_WEBAUTHN_H

/* The server's side of the two WebAuthn ceremonies (Level 3 §7.1
 * registration, §7.2 authentication), with no HTTP and no store: the caller
 * hands over what the browser sent and what it expects, and gets back the
 * fields to store or to update. Parsing is in webauthn_client_data.c,
 * webauthn_attestation.c and webauthn_authdata.c; keys and signatures in
 * jose/cose_key.c. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/errors.h"
#include "core/limits.h"
#include "oauth/webauthn_attestation.h"
#include "oauth/webauthn_authdata.h"
#include "oauth/webauthn_client_data.h"

/* What this ceremony must match. */
struct webauthn_expect {
    const char *rp_id;              /* the RP ID: its SHA-256 is the authenticator's rpIdHash */
    const char *origin;             /* the exact origin clientDataJSON must name */
    const unsigned char *challenge; /* the WEBAUTHN_CHALLENGE_LEN bytes issued for it */
    bool require_uv;                /* refuse unless the authenticator verified the user */
};

/* A new credential, to store. */
struct webauthn_registration {
    unsigned char cred_id[LIMIT_WEBAUTHN_CREDENTIAL_ID];
    size_t cred_id_len;
    int alg;                       /* COSE_ALG_* */
    unsigned char *public_key_der; /* SubjectPublicKeyInfo, owned */
    size_t public_key_der_len;
    uint32_t sign_count;
    unsigned char aaguid[WEBAUTHN_AAGUID_LEN];
    bool user_verified, backup_eligible, backed_up;
    enum webauthn_attestation_kind attestation;
    char fmt[WEBAUTHN_FMT_MAX + 1];
};

/* Verifies a registration: clientDataJSON (type "webauthn.create", challenge,
 * origin), then the attestation object: rpIdHash, UP, UV when required, AT
 * with a supported credential key, and the attestation statement. The
 * caller compares out->cred_id with the response's rawId and keeps the
 * transports. ERR_INVALID_REQUEST with *why for anything refused,
 * ERR_ACCESS_DENIED for a self attestation signature that does not verify,
 * ERR_NOMEM/ERR_CRYPTO for the system. Free *out with
 * webauthn_registration_clear, also after a failure. */
enum err webauthn_registration_verify(const struct webauthn_expect *e,
                                      const unsigned char *client_data, size_t client_data_len,
                                      const unsigned char *attestation, size_t attestation_len,
                                      struct webauthn_registration *out, const char **why);

void webauthn_registration_clear(struct webauthn_registration *r);

/* A stored credential, as an assertion is checked against it. */
struct webauthn_credential {
    int alg;
    const unsigned char *public_key_der;
    size_t public_key_der_len;
    uint32_t sign_count;
};

/* What a verified assertion says, to update the stored credential. */
struct webauthn_assertion {
    uint32_t sign_count;
    bool user_verified, backup_eligible, backed_up;
};

/* Verifies an assertion for cred: clientDataJSON (type "webauthn.get",
 * challenge, origin), rpIdHash, UP, UV when required, the signature over
 * authenticatorData || SHA-256(clientDataJSON), and last the sign counter:
 * the new count must exceed the stored one unless both are 0.
 * ERR_OK: all passed. ERR_CONFLICT ("counter went backwards"): everything
 * else passed and *out is filled, but the counter did not advance, which may
 * mean a cloned authenticator; the caller applies its counter policy.
 * ERR_ACCESS_DENIED: the signature does not verify. ERR_INVALID_REQUEST with
 * *why: anything else refused. ERR_NOMEM/ERR_CRYPTO: the system. */
enum err webauthn_assertion_verify(const struct webauthn_expect *e,
                                   const struct webauthn_credential *cred,
                                   const unsigned char *client_data, size_t client_data_len,
                                   const unsigned char *auth_data, size_t auth_data_len,
                                   const unsigned char *sig, size_t sig_len,
                                   struct webauthn_assertion *out, const char **why);

/* The counter rule alone (§6.1.1): true when new_count may follow stored. */
bool webauthn_counter_advances(uint32_t stored, uint32_t new_count);

#endif
