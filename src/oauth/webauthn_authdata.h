#ifndef OIDCD_OAUTH_WEBAUTHN_AUTHDATA_H
#define OIDCD_OAUTH_WEBAUTHN_AUTHDATA_H

/* WebAuthn authenticator data (Level 3 §6.1): rpIdHash, flags, signCount,
 * then attested credential data when AT is set and an extensions map when
 * ED is set, and nothing after. Every field is read through a byte cursor
 * that checks the bytes left; the credential key and the extensions are
 * CBOR, measured and decoded by libcbor (core/cbor_input.h). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/errors.h"
#include "core/hash.h"
#include "core/limits.h"
#include "jose/cose_key.h"

#define WEBAUTHN_FLAG_UP 0x01 /* user present */
#define WEBAUTHN_FLAG_UV 0x04 /* user verified */
#define WEBAUTHN_FLAG_BE 0x08 /* backup eligible */
#define WEBAUTHN_FLAG_BS 0x10 /* backed up */
#define WEBAUTHN_FLAG_AT 0x40 /* attested credential data included */
#define WEBAUTHN_FLAG_ED 0x80 /* extension data included */

#define WEBAUTHN_AAGUID_LEN 16

struct webauthn_authdata {
    unsigned char rp_id_hash[HASH_LEN];
    uint8_t flags;
    uint32_t sign_count;
    /* attested credential data: set only when flags has AT */
    unsigned char aaguid[WEBAUTHN_AAGUID_LEN];
    unsigned char cred_id[LIMIT_WEBAUTHN_CREDENTIAL_ID];
    size_t cred_id_len;
    struct cose_key key; /* owned; empty without AT */
};

/* Parses len bytes of authenticator data into *out. ERR_INVALID_REQUEST with
 * *why for anything short, long, or inconsistent: fewer than 37 bytes, BS
 * without BE, a credential id of 0 or more than 1023 bytes, a credential key
 * cose_key_parse refuses, extension data that is not one CBOR map, or bytes
 * left over. ERR_NOMEM/ERR_CRYPTO when the system fails. The caller frees
 * with webauthn_authdata_clear, also after a failure. */
enum err webauthn_authdata_parse(const unsigned char *buf, size_t len,
                                 struct webauthn_authdata *out, const char **why);

/* Checks sig, the authenticator's signature over auth_data (len bytes, as
 * received) followed by client_data_hash, with key (§6.3.3 step 11, §7.2
 * step 20). ERR_ACCESS_DENIED when it does not verify; ERR_NOMEM. */
enum err webauthn_authdata_verify(const struct cose_key *key, const unsigned char *auth_data,
                                  size_t len, const unsigned char client_data_hash[HASH_LEN],
                                  const unsigned char *sig, size_t siglen);

/* Frees the key *a holds; accepts a cleared or failed parse. */
void webauthn_authdata_clear(struct webauthn_authdata *a);

#endif
