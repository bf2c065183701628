#ifndef OIDCD_OAUTH_GRANT_CLIENT_CREDENTIALS_H
#define OIDCD_OAUTH_GRANT_CLIENT_CREDENTIALS_H

#include <stddef.h>

#include "oauth/oauth.h"

/* The client credentials grant (RFC 6749 §4.4) for an authenticated client.
 * scope is the request's scope parameter (NULL when absent: the client's whole
 * registered scope); resources are its n resource parameters (RFC 8707: the
 * token is for them and its scope is cut to theirs). ERR_UNAUTHORIZED_CLIENT
 * for a public client or one not registered for the grant;
 * ERR_INVALID_SCOPE; ERR_INVALID_TARGET. *why gets a static description on
 * failure. */
enum err grant_client_credentials(const struct oauth_ctx *ctx, const struct client *client,
                                  const char *scope, const char *const *resources, size_t n,
                                  struct token_response *out, const char **why);

#endif
