#ifndef OIDCD_OAUTH_USER_CACHE_H
#define OIDCD_OAUTH_USER_CACHE_H

/* Users as the store last gave them, each claim already serialized, so that
 * answering /userinfo costs one read of the store's users version instead of
 * the user's row and a parse of their claims. An entry is used only while
 * that version is the one it was read under: any change to any user, by this
 * process, the CLI or another instance, is seen on the very next request (a
 * disabled, deleted or changed user is never answered from memory). Safe for
 * any number of threads. */

#include "core/json_writer.h"
#include "oauth/oauth.h"

/* Writes to w the members of the user sub's userinfo answer: "sub" (as
 * client_sub, the sub the client sees for the user: oauth/subject.h), then
 * each claim the granted scope (space-separated) releases, then each of
 * names (space-separated, the claims request parameter's; NULL for none),
 * those that are not empty, once each, in that order (as claims_release).
 * ERR_NOT_FOUND when the user no longer exists or is disabled (nothing
 * written); ERR_STORE, ERR_NOMEM. */
enum err user_cache_write_claims(const struct oauth_ctx *ctx, const char *sub,
                                 const char *client_sub, const char *scope, const char *names,
                                 struct json_writer *w);

/* Frees every entry (at shutdown). */
void user_cache_clear(void);

#endif
