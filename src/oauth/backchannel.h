#ifndef OIDCD_OAUTH_BACKCHANNEL_H
#define OIDCD_OAUTH_BACKCHANNEL_H

/* OpenID Connect Back-Channel Logout 1.0: the logout token, and the worker
 * thread that delivers the ones the store has queued (store.h,
 * struct backchannel_logout) to each client's backchannel_logout_uri, so
 * that no user's request ever waits for a client's server. */

#include "oauth/oauth.h"

#define BACKCHANNEL_EVENT "http://schemas.openid.net/event/backchannel-logout"

/* A signed logout token (§2.4) telling client that session sid of the
 * user sub ended: iss, aud, iat, exp (a short life), a random jti, the event,
 * the sub the client sees for the user (oauth/subject.h) and sid; never a
 * nonce. ERR_NOT_FOUND when the client is no longer registered. Header typ
 * logout+jwt (§2.4). Signed as the client's ID tokens are (id_token_sign):
 * the client verifies both alike. *out is newly allocated (caller frees). */
enum err backchannel_token_issue(const struct oauth_ctx *ctx, const struct client *client,
                                 const char *sub, const char *sid, char **out);

struct backchannel;

/* Starts the delivery worker (ctx is borrowed until backchannel_stop).
 * ERR_NOMEM when the thread or libcurl cannot start. */
enum err backchannel_start(const struct oauth_ctx *ctx, struct backchannel **out);

/* Stops the worker, cutting a delivery under way short (it is tried again
 * after a restart), and frees it. Accepts NULL. */
void backchannel_stop(struct backchannel *b);

#endif
