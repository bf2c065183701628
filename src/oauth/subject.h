#ifndef OIDCD_OAUTH_SUBJECT_H
#define OIDCD_OAUTH_SUBJECT_H

/* The sub a client sees for a user (OpenID Connect Core §8): the user's own
 * for a public client, a pairwise one for a pairwise client (per sector,
 * jose/subject.h). Everything that carries a user's sub to a client (ID
 * tokens, access tokens, introspection, userinfo, logout tokens) goes
 * through here; client_credentials tokens keep sub = client_id. */

#include <stdbool.h>

#include "jose/subject.h"
#include "oauth/oauth.h"

/* Whether c gets pairwise subs: its own choice, else tokens.subject_type. */
bool subject_is_pairwise(const struct config *cfg, const struct client *c);

/* The sub c sees for the user user_sub, into out. */
enum err subject_for_client(const struct oauth_ctx *ctx, const struct client *c,
                            const char *user_sub, char out[SUBJECT_MAX]);

/* subject_for_client for the client with this id (client_cache).
 * ERR_NOT_FOUND when no such client is registered. */
enum err subject_for_client_id(const struct oauth_ctx *ctx, const char *client_id,
                               const char *user_sub, char out[SUBJECT_MAX]);

/* What a client sees of a user's session: the sub (subject_for_client) and
 * the sid (OpenID Connect Back-Channel Logout §2.1). A public client sees the
 * session's own sid; a pairwise client one derived for its sector as its sub
 * is, so relying parties of two sectors cannot join their users on the sid
 * either. A NULL or empty sid gives an empty one. */
struct subject_view {
    char sub[SUBJECT_MAX];
    char sid[SUBJECT_MAX];
};

enum err subject_view_for_client(const struct oauth_ctx *ctx, const struct client *c,
                                 const char *user_sub, const char *sid, struct subject_view *out);

/* subject_view_for_client for the client with this id (client_cache).
 * ERR_NOT_FOUND when no such client is registered. */
enum err subject_view_for_client_id(const struct oauth_ctx *ctx, const char *client_id,
                                    const char *user_sub, const char *sid,
                                    struct subject_view *out);

/* The user whose sub the client client_id sees as sub, into out: the
 * reverse of subject_for_client_id. ERR_NOT_FOUND when the client is gone or
 * sub is no pairwise sub of its sector. */
enum err subject_user_of(const struct oauth_ctx *ctx, const char *client_id, const char *sub,
                         char out[LIMIT_SUB + 1]);

#endif
