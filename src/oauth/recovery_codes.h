#ifndef OIDCD_OAUTH_RECOVERY_CODES_H
#define OIDCD_OAUTH_RECOVERY_CODES_H

/* Recovery codes: ten single-use codes a user keeps on paper for when the
 * second factor is lost. Each is 28 random base32 characters (140 bits),
 * shown once, lower case, in groups of four ("abcd-efgh-…-wxyz"), and stored
 * only as the SHA-256 of its normalized form: a random value that long needs
 * no slow hash. The caller deletes a code's hash once it is used. */

#include <stdbool.h>
#include <stddef.h>

#include "core/errors.h"
#include "core/hash.h"

#define RECOVERY_CODES 10
#define RECOVERY_CODE_CHARS 28                                                 /* without dashes */
#define RECOVERY_CODE_TEXT (RECOVERY_CODE_CHARS + RECOVERY_CODE_CHARS / 4 - 1) /* with */
#define RECOVERY_CODE_INPUT_MAX 64 /* bytes of a typed code, spaces included */

struct recovery_codes {
    char text[RECOVERY_CODES][RECOVERY_CODE_TEXT + 1]; /* to show once */
    unsigned char hash[RECOVERY_CODES][HASH_LEN];      /* to store */
};

/* Ten fresh codes, all different, and their hashes. ERR_CRYPTO. */
enum err recovery_codes_new(struct recovery_codes *out);

/* The hash to store or look up for a code typed by a person: case, spaces,
 * tabs and dashes do not count. ERR_INVALID_REQUEST when what is left is not
 * 28 base32 characters or the input is longer than RECOVERY_CODE_INPUT_MAX. */
enum err recovery_code_hash(const char *input, size_t len, unsigned char out[HASH_LEN]);

/* Which of the n stored hashes the typed code matches: ERR_OK with *index,
 * ERR_ACCESS_DENIED when none does, ERR_INVALID_REQUEST when the input is no
 * code (recovery_code_hash). Every hash is compared in constant time, and all
 * of them whatever matched. */
enum err recovery_code_verify(const char *input, size_t len,
                              const unsigned char (*hashes)[HASH_LEN], size_t n, size_t *index);

#endif
