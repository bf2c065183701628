#ifndef OIDCD_JOSE_KEYS_H
#define OIDCD_JOSE_KEYS_H

/* The keystore: every published signing key, decrypted once when loaded and
 * reloaded when another process changes the keys. Safe to share by threads. */

#include <stddef.h>
#include <stdint.h>

#include "core/errors.h"
#include "core/strlist.h"
#include "jose/kek.h"
#include "store/store.h"

struct keystore;

enum key_state { KEY_NEXT, KEY_CURRENT, KEY_RETIRED };

/* Loads and decrypts every stored key. ERR_CRYPTO (with why naming the key)
 * when a key does not decrypt: the encryption key file is not the one the
 * keys were sealed with. Caller frees with keystore_free. */
enum err keystore_open(struct store *s, const struct kek *kek, struct keystore **out, char *why,
                       size_t whylen);
void keystore_free(struct keystore *ks);

/* keystore_open with the key-encryption key in the file kek_path. The file is
 * created (kek_load_or_create) only while s holds no signing key: once keys
 * are stored, a missing file is an error, and so (ERR_CRYPTO) is one whose key
 * does not open every stored key. Nothing is stored either way. why gets a
 * one-line reason on failure. */
enum err keystore_open_kek_file(struct store *s, const char *kek_path, struct keystore **out,
                                char *why, size_t whylen);

/* Generates and stores a new key of alg, sealed with the keystore's
 * key-encryption key (see keys_create). kid receives its id. The keystore
 * itself sees it at its next keystore_refresh. */
enum err keystore_add(struct keystore *ks, const char *alg, int64_t not_before,
                      int64_t retire_others, char kid[64]);

/* Creates a first key of alg when there is none of that alg (each
 * algorithm has keys of its own: one current, next and retired ones). */
enum err keystore_ensure(struct keystore *ks, const char *alg);

/* Reloads the keys when the stored ones changed since the last load. Cheap
 * when nothing changed (one indexed read). Keys that do not decrypt are
 * logged once and not tried again until they change. Not for two threads at
 * once (the server's upkeep thread calls it). */
enum err keystore_refresh(struct keystore *ks);

/* Signs payload as a compact JWS with the current key of alg ("RS256",
 * "ES256") and the given typ. *out is newly allocated (caller frees).
 * ERR_CRYPTO when no key of alg signs now. */
enum err keystore_sign(struct keystore *ks, const char *alg, const char *typ, const char *payload,
                       size_t len, char **out);

/* Seals a client secret with the key-encryption key, bound to client_id, for
 * the clients whose ID tokens are HS256 (the secret is their key). *out is
 * newly allocated (caller frees). */
enum err keystore_seal_secret(struct keystore *ks, const char *client_id, const char *secret,
                              unsigned char **out, size_t *outlen);

/* Opens what keystore_seal_secret sealed for client_id into a newly
 * allocated string (caller wipes and frees). ERR_CRYPTO when it does not
 * open (another key-encryption key, another client, altered). */
enum err keystore_open_secret(struct keystore *ks, const char *client_id,
                              const unsigned char *sealed, size_t n, char **out);

/* Seals a user's TOTP secret (n bytes) with the key-encryption key, bound
 * to the user's sub in a name space of its own ("totp:SUB"). *out is newly
 * allocated (caller frees). */
enum err keystore_seal_totp(struct keystore *ks, const char *sub, const unsigned char *secret,
                            size_t n, unsigned char **out, size_t *outlen);

/* Opens what keystore_seal_totp sealed for sub into out, exactly n bytes:
 * ERR_CRYPTO when it does not open or does not hold n bytes (the sealed
 * length tells: kek_open returns none). */
enum err keystore_open_totp(struct keystore *ks, const char *sub, const unsigned char *sealed,
                            size_t sealed_len, unsigned char *out, size_t n);

/* Verifies a compact JWS signed by one of the published keys and decodes
 * its claims (see jwt_verify; caller frees out with jwt_clear). */
struct jwt;
enum err keystore_verify(struct keystore *ks, const char *token, size_t len, struct jwt *out,
                         const char **why);

/* A number that changes whenever the loaded keys do. */
int64_t keystore_version(struct keystore *ks);

struct subject_key;
/* The pairwise subject key (jose/subject.h), read or made in the store on
 * the first call and kept (borrowed: lives as long as ks). */
enum err keystore_subject_key(struct keystore *ks, const struct subject_key **out);

/* The n-byte server secret stored under name (jose/server_secret.h),
 * opened with ks's key-encryption key into out; made first when there is
 * none. ERR_CRYPTO, ERR_STORE. */
enum err keystore_server_secret(struct keystore *ks, const char *name, unsigned char *out,
                                size_t n);

/* The JWKS document of every published key; newly allocated, caller frees. */
char *keystore_jwks(struct keystore *ks);

/* The distinct algorithms of the published keys, appended to out. */
enum err keystore_algs(struct keystore *ks, struct strlist *out);

/* Generates and stores a new key of alg that signs from not_before on; the
 * keys it supersedes stay published until retire_others. kid receives its id. */
enum err keys_create(struct store *s, const struct kek *kek, const char *alg, int64_t not_before,
                     int64_t retire_others, char kid[64]);

/* The state at time now of keys[i] among the keys of its algorithm (ordered
 * as store_key_list gives them). */
enum key_state key_state(const struct signing_key *keys, size_t n, size_t i, int64_t now);
const char *key_state_name(enum key_state s);

#endif
