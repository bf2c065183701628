#ifndef OIDCD_OAUTH_CLIENT_AUTH_H
#define OIDCD_OAUTH_CLIENT_AUTH_H

/* Client authentication at the token endpoint (RFC 6749 §2.3). */

#include <stdbool.h>
#include <stddef.h>

#include "core/errors.h"
#include "core/form.h"
#include "core/limits.h"
#include "jose/keys.h"
#include "store/store.h"

enum cred_method { CRED_NONE, CRED_BASIC, CRED_POST };

/* The credentials a request presented, not yet checked. */
struct client_credentials {
    enum cred_method method;
    char id[LIMIT_CLIENT_ID + 1];
    char secret[LIMIT_SECRET + 1];
    bool has_secret;
};

/* Parses an Authorization header value of the Basic scheme: base64 of
 * "id:secret", each form-url-decoded (§2.3.1). ERR_INVALID_CLIENT for a header
 * of another scheme or that does not decode; ERR_INVALID_REQUEST for parts
 * over the limits. */
enum err client_auth_parse_basic(const char *value, size_t len, struct client_credentials *out);

/* Collects the credentials from the Authorization header (may be NULL) and
 * the form: Basic, or client_id/client_secret in the body, never both
 * (ERR_INVALID_REQUEST). *why gets a static description on failure. */
enum err client_auth_collect(const char *authorization, const struct params *form,
                             struct client_credentials *out, const char **why);

/* Looks up the client and checks the credentials against it: it must exist,
 * be enabled, and authenticate the way it is registered, with its secret
 * (compared in constant time through its SHA-256). ERR_INVALID_CLIENT
 * otherwise. The client may come from a cache up to a second old
 * (oauth/client_cache.h; ks opens an HS256 client's secret). On success
 * fills *client (caller frees with client_clear). */
enum err client_auth_verify(struct store *s, struct keystore *ks,
                            const struct client_credentials *cred, struct client *client,
                            const char **why);

#endif
