#ifndef OIDCD_OAUTH_SESSION_H
#define OIDCD_OAUTH_SESSION_H

/* Browser sessions, without HTTP: a session's secret token is made here and
 * handed out once (the browser layer carries it in a cookie); only its
 * SHA-256 is stored. */

#include "core/b64url.h"
#include "oauth/oauth.h"

#define SESSION_TOKEN_BYTES 32 /* 256 bits */
#define SESSION_TOKEN_LEN 43   /* its base64url text */
#define SESSION_TOKEN_SIZE (SESSION_TOKEN_LEN + 1)

/* Where a session was started, as the account page shows it; either may be
 * NULL (unknown). */
struct session_origin {
    const char *address; /* the client's address */
    const char *browser; /* the browser's label (user_agent_label) */
};

/* Starts a session for user_sub, authenticated now by amr (space-separated,
 * "pwd"), from origin (may be NULL): a fresh random token into token (never reused, so a login
 * cannot be fixed to a value an attacker knows), a fresh random public sid, expiring after
 * session.ttl. When out is not NULL it gets the stored session, without its origin (caller frees
 * with session_clear). */
enum err session_create(const struct oauth_ctx *ctx, const char *user_sub, const char *amr,
                        const struct session_origin *origin, char token[SESSION_TOKEN_SIZE],
                        struct session *out);

/* The live session whose token is token (caller frees with
 * session_clear). ERR_NOT_FOUND when the value is malformed, unknown or
 * expired, or its user was deleted or disabled. */
enum err session_lookup(const struct oauth_ctx *ctx, const char *token, struct session *out);

/* Ends the session with this token; ending one that is gone is not an
 * error. */
enum err session_end(const struct oauth_ctx *ctx, const char *token);

/* How long a pending sign-in (a password proven, the second factor not
 * yet) lasts: long enough to open an authenticator app and type a code. */
#define SESSION_PENDING_TTL 300

/* Starts a pending sign-in for user_sub, who proved amr at auth_time: a
 * fresh random token into token, as for a session, but stored apart from
 * sessions (store_pending_insert): it reaches nothing a session does.
 * Expires after SESSION_PENDING_TTL. ERR_NOT_FOUND when the user is gone or
 * disabled. */
enum err session_pending_create(const struct oauth_ctx *ctx, const char *user_sub, const char *amr,
                                int64_t auth_time, char token[SESSION_TOKEN_SIZE]);

/* The live pending sign-in whose token is token (caller frees with
 * session_clear). ERR_NOT_FOUND when malformed, unknown or expired. */
enum err session_pending_lookup(const struct oauth_ctx *ctx, const char *token,
                                struct session *out);

/* Ends the pending sign-in: ERR_OK for the one caller that ended it,
 * ERR_NOT_FOUND for any other (gone, or taken by a racing request). */
enum err session_pending_take(const struct oauth_ctx *ctx, const char *token);

#endif
