#ifndef OIDCD_JOSE_SUBJECT_H
#define OIDCD_JOSE_SUBJECT_H

/* Pairwise subject identifiers (OpenID Connect Core §8.1). A pairwise sub is
 * the user's own sub encrypted deterministically with AES-256-SIV (RFC 5297)
 * under a server secret, the sector bound in as associated data. So the same
 * user and sector always give the same sub, on every instance and after any
 * restart; two sectors give unrelated subs; and only this server can turn
 * one back into its user (userinfo needs that: the access token carries the
 * pairwise sub, and there is no table to look it up in). */

#include <stddef.h>

#include "core/errors.h"
#include "core/limits.h"
#include "jose/kek.h"
#include "store/store.h"

#define SUBJECT_KEY_LEN 64 /* AES-256-SIV takes two 256-bit keys */
#define SUBJECT_TAG_LEN 16
/* base64url of the tag and a sub of up to LIMIT_SUB bytes, with NUL */
#define SUBJECT_MAX (((SUBJECT_TAG_LEN + LIMIT_SUB) * 4 + 2) / 3 + 1)

struct subject_key {
    unsigned char key[SUBJECT_KEY_LEN];
};

/* The server's pairwise subject key: the one stored (sealed with kek) under
 * server_secrets "pairwise_subject", made and stored first when there is
 * none. ERR_CRYPTO when kek does not open it. */
enum err subject_key_load(struct store *s, const struct kek *kek, struct subject_key *out);

/* The pairwise sub of the user sub in sector into out. ERR_INVALID_REQUEST
 * when sub is longer than LIMIT_SUB; ERR_CRYPTO when OpenSSL fails. */
enum err subject_pairwise(const struct subject_key *k, const char *sector, const char *sub,
                          char out[SUBJECT_MAX]);

/* The user's sub that subject_pairwise made pairwise in sector, into out.
 * ERR_NOT_FOUND when pairwise is no sub this key made for this sector. */
enum err subject_local(const struct subject_key *k, const char *sector, const char *pairwise,
                       char out[LIMIT_SUB + 1]);

#endif
