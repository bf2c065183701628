#ifndef OIDCD_OAUTH_RESOURCE_H
#define OIDCD_OAUTH_RESOURCE_H

/* Registered APIs (RFC 8707): which resources a token is for, and the scope
 * and lifetime that follow. The registered resources are read through a
 * cache at most a second old (DESIGN.md §8), so a token request costs no
 * database read for them. Safe for any number of threads. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/form.h"
#include "core/limits.h"
#include "core/strlist.h"
#include "oauth/oauth.h"

/* What a token is issued for. */
struct token_target {
    struct strlist audience; /* resource ids; empty: no resource, aud is the client */
    char *scope;             /* the scope the token carries */
    bool has_format;         /* a resource chose the format: opaque when any chose it */
    enum token_format format;
    int64_t ttl; /* the shortest lifetime a resource asked for; 0: the server's */
};

/* Decides the target of a token granted `scope` (space-separated). With n
 * requested resource ids: every one must be registered and own one of the
 * granted scopes, else ERR_INVALID_TARGET with *why; the scope is cut to
 * what those resources own. With none: the audience is every resource that
 * owns a granted scope, and the scope is kept. Caller frees out with
 * token_target_clear (also after an error). */
enum err resource_target(const struct oauth_ctx *ctx, const char *const *requested, size_t n,
                         const char *scope, struct token_target *out, const char **why);
void token_target_clear(struct token_target *t);

/* The same for a token of a user's grant (authorization_code, refresh_token;
 * RFC 8707 §2.2), whose authorization request named the resources in named
 * (space-separated; NULL or "" for none, and then as resource_target). Else
 * each requested id must be one of named (ERR_INVALID_TARGET otherwise) and
 * is judged as by resource_target; with none requested the audience is the
 * named resources that own one of the scopes, the scope cut to theirs, and
 * ERR_INVALID_TARGET when none does. Caller frees out (also after an
 * error). */
enum err resource_target_granted(const struct oauth_ctx *ctx, const char *named,
                                 const char *const *requested, size_t n, const char *scope,
                                 struct token_target *out, const char **why);

/* ERR_OK when a token for scope may be aimed at every id of requested (none
 * at all included): resource_target's rules and errors, at /authorize. */
enum err resource_check(const struct oauth_ctx *ctx, const struct strlist *requested,
                        const char *scope, const char **why);

/* The resource parameters of p (RFC 8707 §2, repeatable; empty ones
 * skipped) into out, borrowed from p, and their number into *n.
 * ERR_INVALID_TARGET (*why set) when one is not an absolute URI without a
 * fragment (url_absolute_problem). */
enum err resource_params_collect(const struct params *p, const char *out[LIMIT_PARAMS], size_t *n,
                                 const char **why);

/* Appends every scope some resource owns to out. */
enum err resource_all_scopes(struct store *s, struct strlist *out);

/* Forgets the cached resources (at shutdown, and in tests). */
void resource_cache_clear(void);

#endif
