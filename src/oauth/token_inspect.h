#ifndef OIDCD_OAUTH_TOKEN_INSPECT_H
#define OIDCD_OAUTH_TOKEN_INSPECT_H

/* What an access or refresh token says, for introspection (RFC 7662), the
 * gate and revocation (RFC 7009). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/hash.h"
#include "oauth/oauth.h"

struct token_info {
    bool is_jwt;
    bool is_refresh;              /* a refresh token: jti holds its family */
    bool used;                    /* a refresh token already rotated */
    unsigned char hash[HASH_LEN]; /* SHA-256 of the token */
    char client_id[LIMIT_CLIENT_ID + 1];
    char jti[64];
    char *subject;
    char *audience; /* space-separated: one word per aud value */
    char *scope;
    char *claims_userinfo; /* claim names asked for /userinfo (Core §5.5); NULL: none */
    char *amr;             /* a user's sign-in methods, space-separated; NULL: none */
    int64_t auth_time;     /* … and when that sign-in was */
    int64_t issued_at;
    int64_t expires_at;
};

/* Reads an access token this server issued — a JWT it signed or an opaque
 * token it stored — whether active or not (never a refresh token). ERR_OK
 * with out filled (caller frees with token_info_clear); ERR_INVALID_TOKEN
 * when it is not one of ours (bad signature, unknown, malformed), with *why;
 * other errors when the store fails. */
enum err token_read(const struct oauth_ctx *ctx, const char *token, size_t len,
                    struct token_info *out, const char **why);

/* Like token_read, and the token must be active now: not expired, not
 * revoked, and its client still registered and enabled. ERR_INVALID_TOKEN
 * (with *why) when it is not. */
enum err token_inspect(const struct oauth_ctx *ctx, const char *token, size_t len,
                       struct token_info *out, const char **why);

/* Like token_inspect, and a refresh token is found too (is_refresh set;
 * active while not expired, not rotated and its family not revoked), for
 * introspection only: a refresh token never passes as an access token. */
enum err token_introspect(const struct oauth_ctx *ctx, const char *token, size_t len,
                          struct token_info *out, const char **why);

/* Revokes the token when it was issued to client_id (RFC 7009 §2.1): a
 * refresh token with its whole family and their access tokens; a token
 * of another client, an unknown or an expired one is left as it is and is not
 * an error (§2.2). The revocation is committed before this returns. */
enum err token_revoke(const struct oauth_ctx *ctx, const char *client_id, const char *token,
                      size_t len);

void token_info_clear(struct token_info *t);

#endif
