#ifndef OIDCD_JOSE_COSE_KEY_H
#define OIDCD_JOSE_COSE_KEY_H

/* A WebAuthn credential's public key: a COSE_Key (RFC 9052 §7, RFC 9053)
 * turned into an OpenSSL key, kept as DER SubjectPublicKeyInfo for storage,
 * and used to check the authenticator's signatures. Three algorithms only:
 * ES256 (P-256), EdDSA (Ed25519) and RS256 (RSA of 2048 to 4096 bits). */

#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/errors.h"

/* COSE algorithm identifiers (IANA "COSE Algorithms") */
#define COSE_ALG_ES256 (-7)
#define COSE_ALG_EDDSA (-8)
#define COSE_ALG_RS256 (-257)

#define COSE_RSA_MIN_BITS 2048
#define COSE_RSA_MAX_BITS 4096

struct cose_key {
    int alg;        /* one of COSE_ALG_* */
    EVP_PKEY *pkey; /* owned; NULL when empty */
};

/* Decodes the COSE_Key that starts buf (a CBOR map, parsed by libcbor) into
 * *out and sets *used to its length in bytes, so the caller can go on after
 * it. Requires kty, alg and the key's parameters to agree: ES256 is kty 2,
 * crv 1, x and y of 32 bytes each and a point on the curve; EdDSA is kty 1,
 * crv 6 (Ed25519), x of 32 bytes; RS256 is kty 3 with n of 2048 to 4096 bits
 * and an odd e. Anything else is ERR_INVALID_REQUEST with *why saying what;
 * ERR_NOMEM or ERR_CRYPTO when OpenSSL fails. The caller frees *out with
 * cose_key_clear (also after a failure). */
enum err cose_key_parse(const unsigned char *buf, size_t len, size_t *used, struct cose_key *out,
                        const char **why);

/* True when the 32-byte Ed25519 public key x encodes a point of small
 * order, which OpenSSL accepts and for which forged signatures verify. */
bool cose_key_ed25519_small_order(const unsigned char x[32]);

/* Frees what k holds and empties it; accepts an empty key. */
void cose_key_clear(struct cose_key *k);

/* The key as DER SubjectPublicKeyInfo in a new buffer (*der, caller frees
 * with OPENSSL_free) of *len bytes. ERR_CRYPTO on failure. */
enum err cose_key_to_der(const struct cose_key *k, unsigned char **der, size_t *len);

/* The reverse of cose_key_to_der, for a key read back from storage under
 * its COSE alg: the DER must be a key of that algorithm's type (and curve,
 * and size). ERR_INVALID_REQUEST with *why otherwise. */
enum err cose_key_from_der(int alg, const unsigned char *der, size_t len, struct cose_key *out,
                           const char **why);

/* Checks sig over msg with k: ES256 takes a DER ECDSA signature over
 * SHA-256, EdDSA a raw 64-byte Ed25519 signature, RS256 PKCS#1 v1.5 with
 * SHA-256. ERR_ACCESS_DENIED when the signature does not verify (or is not
 * even well-formed), ERR_CRYPTO when OpenSSL fails otherwise. */
enum err cose_key_verify(const struct cose_key *k, const unsigned char *msg, size_t msglen,
                         const unsigned char *sig, size_t siglen);

#endif
