#ifndef OIDCD_OAUTH_ACCESS_TOKEN_H
#define OIDCD_OAUTH_ACCESS_TOKEN_H

#include <stdbool.h>
#include <stdint.h>

#include "oauth/oauth.h"
#include "oauth/resource.h"

/* What an access token grants. Borrowed strings. */
struct access_grant {
    const struct client *client;
    const char *subject;  /* the user, or the client_id for client_credentials */
    const char *audience; /* who the token is for when no resource is */
    const char *scope;    /* space-separated */
    /* subject is the client's own id (client_credentials); otherwise it is
     * a user's own sub, and the token carries the sub the client sees for
     * them (oauth/subject.h) */
    bool subject_is_client;
    /* the claim names the claims request parameter asked for /userinfo
     * (space-separated; NULL: none), which the token carries to /userinfo */
    const char *claims_userinfo;
    /* a user's sign-in: its methods (space-separated, RFC 8176; NULL: none
     * known, as for client_credentials) and when it was made */
    const char *amr;
    int64_t auth_time;
};

#define ACCESS_TOKEN_JTI_SIZE 32

/* Issues an access token for the resources of target (oauth/resource.h: its
 * audience, format and lifetime) in the client's format or theirs: a JWT per
 * RFC 9068 signed with the current key, or an opaque 256-bit token stored as
 * its SHA-256. Its aud is its resources (a string for one, an array for
 * more), else g->audience. g->claims_userinfo goes into the JWT as the claim
 * userinfo_claims (names only, never values), or is stored with the token.
 * With g->amr, a JWT carries auth_time, acr and amr (RFC 9068 §2.2.1).
 * *out is newly allocated (caller frees); *expires_in gets its lifetime and,
 * when jti is not NULL, it gets the token's id (to revoke it by). */
enum err access_token_issue_for(const struct oauth_ctx *ctx, const struct access_grant *g,
                                const struct token_target *target, char **out, long *expires_in,
                                char jti[ACCESS_TOKEN_JTI_SIZE]);

#endif
