#ifndef OIDCD_OAUTH_CLIENT_CACHE_H
#define OIDCD_OAUTH_CLIENT_CACHE_H

/* Registered clients as the store gave them less than a second ago, so that
 * authenticating a client on every introspection or token request does not
 * cost a database read each time. A second is the bound DESIGN.md §8 sets for
 * a change made by the CLI or another instance to show (a disabled client,
 * a rotated secret). An id no client has is remembered as such for the same
 * second, so an unknown id costs no store read that a known one does not.
 * Safe for any number of threads. */

#include "jose/keys.h"
#include "store/store.h"

/* Fills *out (caller frees with client_clear) with the client with this id:
 * from the cache when fresh, else from the store (and remembered). An HS256
 * client's sealed secret is opened with ks once per store read, into
 * out->secret_opened (left NULL, and logged, when it does not open, or ks
 * is NULL). ERR_NOT_FOUND (remembered too), or the store's error. */
enum err client_cache_get(struct store *s, struct keystore *ks, const char *id, struct client *out);

/* Frees every entry (at shutdown). */
void client_cache_clear(void);

#endif
