#ifndef OIDCD_JOSE_SERVER_SECRET_H
#define OIDCD_JOSE_SERVER_SECRET_H

/* Secrets the server makes once and keeps in the store (server_secrets),
 * sealed with the key-encryption key: every instance on one database reads
 * the same one, and a database dump alone does not reveal it. */

#include <stddef.h>

#include "core/errors.h"
#include "jose/kek.h"
#include "store/store.h"

/* The n-byte secret stored (sealed with kek, bound to name) under name,
 * into out; a fresh random one made and stored first when there is none,
 * so every process that asks at once gets the same. ERR_CRYPTO when kek
 * does not open it or it is not n bytes; ERR_STORE. */
enum err server_secret_load(struct store *s, const struct kek *kek, const char *name,
                            unsigned char *out, size_t n);

#endif
