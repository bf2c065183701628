#ifndef OIDCD_OAUTH_TOTP_H
#define OIDCD_OAUTH_TOTP_H

/* Time-based one-time passwords (RFC 6238) as authenticator apps make them:
 * HMAC-SHA1, 6 digits, 30-second steps, one step of clock drift either way.
 * A code is good once: verification returns the time step it matched, the
 * caller stores it, and a later code whose step is not past the stored one
 * is refused as a replay. The secret is at rest only sealed with the
 * key-encryption key (jose/kek.h); that is the caller's job. */

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/errors.h"

#define TOTP_SECRET_LEN 20 /* 160 bits, RFC 4226 §4's recommended length */
#define TOTP_SECRET_BASE32_LEN 32
#define TOTP_DIGITS 6
#define TOTP_PERIOD 30
#define TOTP_WINDOW 1      /* steps accepted either side of now */
#define TOTP_NO_STEP (-1)  /* last_step of a secret never used */
#define TOTP_LABEL_MAX 256 /* bytes of the issuer and of the account name */

/* A fresh secret from the CSPRNG. ERR_CRYPTO. */
enum err totp_secret_new(unsigned char out[TOTP_SECRET_LEN]);

/* The time step of Unix time now (floor(now / 30)); -1 before 1970. */
int64_t totp_step(int64_t now);

/* The HOTP value (RFC 4226 §5.3) of key for counter, cut to digits decimal
 * digits (6 to 8), into *out. ERR_INVALID_REQUEST for another digit count
 * or an empty key; ERR_CRYPTO. */
enum err totp_hotp(const unsigned char *key, size_t keylen, uint64_t counter, int digits,
                   uint32_t *out);

/* The 6-digit code of key for the step of time now, as text with leading
 * zeros. ERR_INVALID_REQUEST before 1970; ERR_CRYPTO. */
enum err totp_code(const unsigned char *key, size_t keylen, int64_t now, char out[TOTP_DIGITS + 1]);

/* Checks the len bytes at code (exactly 6 ASCII digits, nothing else) against
 * the steps now-1, now and now+1, compared in constant time. ERR_OK when it
 * matches a step past last_step (TOTP_NO_STEP before any use): *new_step gets
 * that step, to be stored as the next last_step. ERR_INVALID_REQUEST when code
 * is not 6 digits or now is before 1970; ERR_ACCESS_DENIED when it matches no
 * step, or only a step at or before last_step (a replay, or an older code
 * after a newer one); ERR_CRYPTO. *new_step is set only on ERR_OK. */
enum err totp_verify(const unsigned char *key, size_t keylen, const char *code, size_t len,
                     int64_t now, int64_t last_step, int64_t *new_step);

/* Appends the Key URI of the secret that authenticator apps read (also from
 * a QR code): otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=…&algorithm=SHA1
 * &digits=6&period=30, issuer and account percent-encoded (a ':' in either
 * becomes %3A, so the label splits in one place). issuer NULL or "": no
 * issuer in the label or the parameters. ERR_INVALID_REQUEST for an empty
 * account or a name longer than TOTP_LABEL_MAX; ERR_TOO_LARGE past b's max;
 * ERR_NOMEM. */
enum err totp_uri(struct buf *b, const char *issuer, const char *account,
                  const unsigned char secret[TOTP_SECRET_LEN]);

#endif
