#ifndef OIDCD_JOSE_JWS_H
#define OIDCD_JOSE_JWS_H

#include <cjose/jwk.h>
#include <stddef.h>

#include "core/errors.h"

/* Signs payload (JSON bytes) as a compact JWS with the protected header
 * {"alg": alg, "kid": kid, "typ": typ} (no "kid" when kid is NULL). *out is
 * newly allocated (caller frees). jwk may be shared by threads signing at
 * once. */
enum err jws_sign(const cjose_jwk_t *jwk, const char *alg, const char *kid, const char *typ,
                  const char *payload, size_t len, char **out);

/* Signs payload as a compact HS256 JWS keyed by the n octets of secret
 * (OpenID Connect Core §10.1: a client secret's octets), with no kid.
 * *out is newly allocated (caller frees). */
enum err jws_sign_hmac(const char *secret, size_t n, const char *typ, const char *payload,
                       size_t len, char **out);

#endif
