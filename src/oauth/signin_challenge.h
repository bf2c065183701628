#ifndef OIDCD_OAUTH_SIGNIN_CHALLENGE_H
#define OIDCD_OAUTH_SIGNIN_CHALLENGE_H

/* The challenges of username-less passkey sign-ins, which anyone may ask
 * for (GET /login): signed instead of stored, so showing the page writes
 * nothing. A challenge is WEBAUTHN_CHALLENGE_LEN bytes:
 *   [0]       SIGNIN_CHALLENGE_MARK (a stored challenge's first byte is 0)
 *   [1, 11)   a random nonce
 *   [11, 16)  when it expires, seconds since 1970, big-endian
 *   [16, 32)  HMAC-SHA-256, cut to 16 bytes, keyed with the server secret
 *             "passkey_signin", over a label, the purpose, the SHA-256 of
 *             the browser secret it is bound to, and bytes [0, 16)
 * so the server tells, with no row, that it issued the challenge, to which
 * browser, and until when. That it serves once is oauth/passkey_challenge.c's
 * (a used one's hash is recorded until it expires). */

#include <stdbool.h>
#include <stdint.h>

#include "core/errors.h"
#include "jose/keys.h"
#include "oauth/webauthn_client_data.h"

#define SIGNIN_CHALLENGE_KEY_LEN 32
#define SIGNIN_CHALLENGE_MARK 0x01

struct signin_challenge_key {
    unsigned char key[SIGNIN_CHALLENGE_KEY_LEN];
};

/* The key every instance on the database shares (made on first use), into
 * out; read once at start-up. ERR_CRYPTO, ERR_STORE. */
enum err signin_challenge_key_load(struct keystore *ks, struct signin_challenge_key *out);

/* A new challenge bound to secret (a cookie's value) that expires at
 * expires_at, into out. ERR_INVALID_REQUEST when expires_at does not fit
 * 40 bits; ERR_CRYPTO. */
enum err signin_challenge_make(const struct signin_challenge_key *k, const char *secret,
                               int64_t expires_at, unsigned char out[WEBAUTHN_CHALLENGE_LEN]);

/* Whether c has the shape of a signed sign-in challenge (its first byte);
 * says nothing of whether it is genuine. */
bool signin_challenge_is_one(const unsigned char c[WEBAUTHN_CHALLENGE_LEN]);

/* Whether c is a challenge that k made for the browser holding secret
 * (NULL: none), its MAC compared in constant time; true with its expiry in
 * *expires_at. False when any byte was changed or it was bound to another
 * secret: the two are one and the same to a MAC. */
bool signin_challenge_verify(const struct signin_challenge_key *k,
                             const unsigned char c[WEBAUTHN_CHALLENGE_LEN], const char *secret,
                             int64_t *expires_at);

#endif
