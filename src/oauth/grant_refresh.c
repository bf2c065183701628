#include "oauth/grant_refresh.h"

#include <stdlib.h>
#include <string.h>

#include "core/b64url.h"
#include "core/clock.h"
#include "core/hash.h"
#include "core/rand.h"
#include "oauth/access_token.h"
#include "oauth/audit.h"
#include "oauth/claims.h"
#include "oauth/scope.h"
#include "oauth/token_cache.h"

#define REFRESH_BYTES 32
#define REFRESH_LEN 43 /* base64url of REFRESH_BYTES */
#define FAMILY_BYTES 16

static enum err refuse(const char **why, const char *text)
{
    *why = text;
    return ERR_INVALID_GRANT;
}

/* A token presented again after its rotation: its family was revoked (by
 * the caller, or the store's rotation that lost the race). */
static enum err reuse_detected(const struct oauth_ctx *ctx, const struct refresh_token *rt,
                               const char **why)
{
    struct audit_who who = {rt->client_id, rt->user_sub, rt->client_id, NULL};

    token_cache_forget_states();
    audit_record(ctx->store, "refresh.reused", false, &who,
                 "a rotated refresh token was presented again: its family is revoked");
    return refuse(why, "the refresh token was already used");
}

/* Revokes the family of a token presented again after its rotation. */
static enum err reused(const struct oauth_ctx *ctx, const struct refresh_token *rt,
                       const char **why)
{
    enum err rc = store_refresh_family_revoke(ctx->store, rt->family);

    return rc ? rc : reuse_detected(ctx, rt, why);
}

/* The stored token for value into *rt, when the client may use it. */
static enum err find(const struct oauth_ctx *ctx, const struct client *client, const char *value,
                     int64_t now, struct refresh_token *rt, const char **why)
{
    unsigned char hash[HASH_LEN];
    enum err rc;

    if (strlen(value) != REFRESH_LEN)
        return refuse(why, "unknown refresh token");
    hash_sha256(value, REFRESH_LEN, hash);
    rc = store_refresh_token_get(ctx->store, hash, rt);
    if (rc == ERR_NOT_FOUND)
        return refuse(why, "unknown refresh token");
    if (rc)
        return rc;
    /* another client's token is not its to spend, nor to burn */
    if (strcmp(rt->client_id, client->id) != 0)
        return refuse(why, "the refresh token was issued to another client");
    if (rt->used_at)
        return reused(ctx, rt, why);
    if (now >= rt->expires_at)
        return refuse(why, "the refresh token has expired");
    /* a family from before the bound was lowered ends by the bound now */
    if (now - rt->family_issued_at >= ctx->cfg->refresh_token_max_lifetime)
        return refuse(why, "the refresh token's family has reached its maximum lifetime");
    return ERR_OK;
}

/* The scope for this refresh into *want: the one asked for, which must lie
 * within the token's (RFC 6749 §6); else the token's. */
static enum err scope_wanted(const char *asked, const char *granted, struct strlist *want,
                             const char **why)
{
    struct strlist have = {0};
    enum err rc = scope_parse(asked ? asked : granted, want);

    if (!rc && asked)
        rc = scope_parse(granted, &have);
    if (!rc && asked && (want->n == 0 || !scope_is_subset(want, &have))) {
        *why = "scope exceeds what the refresh token was granted";
        rc = ERR_INVALID_SCOPE;
    }
    strlist_free(&have);
    return rc;
}

/* Of want, what the client holds now, as a new string into *out: an
 * operator may have narrowed its scope since the grant. A scope asked for
 * and no longer held is invalid_scope; the token's own is cut silently (the
 * answer's scope says what was granted). Without offline_access, which every
 * family was granted for, the client may refresh no more. */
static enum err scope_held(const struct client *client, const struct strlist *want, bool asked,
                           char **out, const char **why)
{
    struct strlist held = {0}, kept = {0};
    enum err rc = scope_parse(client->scope ? client->scope : "", &held);
    size_t i;

    if (!rc && asked && !scope_is_subset(want, &held)) {
        *why = "scope is no longer registered for the client";
        rc = ERR_INVALID_SCOPE;
    } else if (!rc && !strlist_contains(&held, "offline_access")) {
        *why = "offline_access is no longer registered for the client";
        rc = ERR_INVALID_GRANT;
    }
    for (i = 0; !rc && i < want->n; i++)
        if (strlist_contains(&held, want->items[i]))
            rc = strlist_add(&kept, want->items[i], strlen(want->items[i]));
    if (!rc && !(*out = strlist_join(&kept, " ")))
        rc = ERR_NOMEM;
    strlist_free(&held);
    strlist_free(&kept);
    return rc;
}

/* The scope granted now, as a new string into *out. */
static enum err narrow_scope(const struct client *client, const char *asked, const char *granted,
                             char **out, const char **why)
{
    struct strlist want = {0};
    enum err rc = scope_wanted(asked, granted, &want, why);

    if (!rc)
        rc = scope_held(client, &want, asked != NULL, out, why);
    strlist_free(&want);
    return rc;
}

static enum err issue_id_token(const struct oauth_ctx *ctx, const struct client *client,
                               const struct refresh_token *rt, const char *scope,
                               const char *requested, id_token_claims_fn claims,
                               struct token_response *out)
{
    struct id_token_claims c = {0};

    c.client = client;
    c.subject = rt->user_sub;
    c.client_id = rt->client_id;
    c.auth_time = rt->auth_time;
    c.access_token = out->access_token;
    c.sid = rt->sid;
    c.amr = rt->amr;
    c.requested = requested;
    return grant_id_token_issue(ctx, &c, scope, claims, &out->id_token);
}

/* When a token issued at now expires, its family having begun at
 * family_start: tokens.refresh_token_ttl from now, but never later than
 * tokens.refresh_token_max_lifetime from the family's start, so that
 * rotating a token does not keep its family alive for ever. */
static int64_t expires_at(const struct config *cfg, int64_t family_start, int64_t now)
{
    int64_t by_ttl = now + cfg->refresh_token_ttl;
    int64_t by_family = family_start + cfg->refresh_token_max_lifetime;

    return by_ttl < by_family ? by_ttl : by_family;
}

enum err grant_refresh_mint(const struct oauth_ctx *ctx, int64_t now, struct refresh_token *rt,
                            char **out)
{
    char *value = malloc(REFRESH_LEN + 1);
    enum err rc = value ? rand_token(value, REFRESH_BYTES) : ERR_NOMEM;

    if (!rc && !rt->family[0]) {
        rc = rand_token(rt->family, FAMILY_BYTES);
        rt->family_issued_at = now;
    }
    if (rc) {
        free(value);
        return rc;
    }
    hash_sha256(value, REFRESH_LEN, rt->hash);
    rt->issued_at = now;
    rt->expires_at = expires_at(ctx->cfg, rt->family_issued_at, now);
    *out = value;
    return ERR_OK;
}

/* The successor of rt into *next (its hash) and out: same family, same
 * scope, resources, requested claims, sid and auth_time; the access token with jti issued
 * alongside. */
static enum err make_successor(const struct oauth_ctx *ctx, const struct refresh_token *rt,
                               const char *jti, int64_t now, struct refresh_token *next,
                               struct token_response *out)
{
    memcpy(next->family, rt->family, sizeof next->family);
    memcpy(next->client_id, rt->client_id, sizeof next->client_id);
    memcpy(next->sid, rt->sid, sizeof next->sid);
    next->user_sub = rt->user_sub;
    next->scope = rt->scope;
    next->resource = rt->resource;
    next->claims_userinfo = rt->claims_userinfo;
    next->claims_id_token = rt->claims_id_token;
    next->amr = rt->amr;
    next->auth_time = rt->auth_time;
    next->family_issued_at = rt->family_issued_at;
    memcpy(next->at_jti, jti, strlen(jti) + 1);
    next->at_expires_at = now + out->expires_in;
    return grant_refresh_mint(ctx, now, next, &out->refresh_token);
}

/* The tokens for rt: the access token for target (whose scope out takes
 * over), the ID token for scope (the one asked for); the claims the grant's
 * claims parameter asked for, as far as the client's registered scope still
 * releases them (the family itself keeps them all). */
static enum err issue(const struct oauth_ctx *ctx, const struct client *client,
                      const struct refresh_token *rt, const char *scope,
                      struct token_target *target, id_token_claims_fn claims, int64_t now,
                      struct token_response *out, const char **why)
{
    /* the family's sign-in, as the first tokens told it (acr, amr, auth_time) */
    struct access_grant g = {client, rt->user_sub, client->id, target->scope,
                             false,  NULL,         rt->amr,    rt->auth_time};
    struct refresh_token next = {0};
    char jti[ACCESS_TOKEN_JTI_SIZE], *userinfo = NULL, *id_token = NULL;
    enum err rc;

    out->scope = target->scope;
    target->scope = NULL;
    rc = claims_keep_released_text(ctx->cfg, client->scope, rt->claims_userinfo, &userinfo);
    if (!rc)
        rc = claims_keep_released_text(ctx->cfg, client->scope, rt->claims_id_token, &id_token);
    g.claims_userinfo = userinfo;
    if (!rc)
        rc = access_token_issue_for(ctx, &g, target, &out->access_token, &out->expires_in, jti);
    if (!rc && scope_has(scope, "openid"))
        rc = issue_id_token(ctx, client, rt, scope, id_token, claims, out);
    free(userinfo);
    free(id_token);
    if (!rc)
        rc = make_successor(ctx, rt, jti, now, &next, out);
    if (!rc)
        rc = store_refresh_token_rotate(ctx->store, rt->hash, now, &next);
    if (rc == ERR_CONFLICT) /* a racing refresh spent the token first */
        rc = reuse_detected(ctx, rt, why);
    return rc;
}

enum err grant_refresh_token(const struct oauth_ctx *ctx, const struct client *client,
                             const char *refresh_token, const char *scope,
                             const struct grant_resources *res, id_token_claims_fn claims,
                             struct token_response *out, const char **why)
{
    struct refresh_token rt = {0};
    struct token_target target = {0};
    int64_t now = clock_now();
    char *asked = NULL;
    enum err rc;

    memset(out, 0, sizeof *out);
    if (!strlist_contains(&client->grant_types, "refresh_token")) {
        *why = "refresh_token is not among the client's grant types";
        return ERR_UNAUTHORIZED_CLIENT;
    }
    if (!refresh_token) {
        *why = "refresh_token is required";
        return ERR_INVALID_REQUEST;
    }
    rc = find(ctx, client, refresh_token, now, &rt, why);
    if (!rc)
        rc = grant_user_check(ctx, rt.user_sub, why);
    if (!rc)
        rc = narrow_scope(client, scope, rt.scope, &asked, why);
    if (!rc)
        rc = resource_target_granted(ctx, rt.resource, res->ids, res->n, asked, &target, why);
    if (!rc)
        rc = issue(ctx, client, &rt, asked, &target, claims, now, out, why);
    if (rc)
        token_response_clear(out);
    token_target_clear(&target);
    free(asked);
    refresh_token_clear(&rt);
    return rc;
}
