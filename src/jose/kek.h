#ifndef OIDCD_JOSE_KEK_H
#define OIDCD_JOSE_KEK_H

/* The key-encryption key: private signing keys are stored sealed with it
 * (AES-256-GCM), so a copy of the database alone does not leak them. */

#include <stddef.h>

#include "core/errors.h"

#define KEK_LEN 32

struct kek {
    unsigned char key[KEK_LEN];
};

/* Reads the key from path (64 hex digits). On failure writes a one-line
 * reason into why and returns ERR_IO (cannot read, errno tells why) or
 * ERR_CONFIG (not a key). */
enum err kek_load(const char *path, struct kek *out, char *why, size_t whylen);

/* Like kek_load, but when the file does not exist, creates it with mode 0600
 * holding a fresh random key. Only right while no key is sealed yet: see
 * keystore_open_kek_file. */
enum err kek_load_or_create(const char *path, struct kek *out, char *why, size_t whylen);

/* Encrypts n bytes, binding them to aad (the key id). *out is newly allocated
 * (caller frees). */
enum err kek_seal(const struct kek *k, const char *aad, const void *in, size_t n,
                  unsigned char **out, size_t *outlen);

/* Decrypts what kek_seal made with the same aad into a newly allocated,
 * NUL-terminated buffer (caller frees). ERR_CRYPTO when the key is wrong or the
 * data was altered. */
enum err kek_open(const struct kek *k, const char *aad, const unsigned char *in, size_t n,
                  char **out);

#endif
