#include "oauth/grant_code.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/hash.h"
#include "core/rand.h"
#include "oauth/access_token.h"
#include "oauth/grant_refresh.h"
#include "oauth/id_token.h"
#include "oauth/scope.h"
#include "oauth/subject.h"
#include "oauth/token_cache.h"

#define CODE_BYTES 32
#define CODE_LEN 43 /* base64url of CODE_BYTES */
/* How long a second redemption waits for a first one still under way (it
 * has consumed the code and not yet recorded what it issued), polling. */
#define FIRST_USE_WAIT_MS 2000
#define FIRST_USE_POLL_MS 5

enum err code_issue(const struct oauth_ctx *ctx, const struct code_request *r, char **out)
{
    struct auth_code code = {0};
    char *value = malloc(CODE_LEN + 1);
    int64_t now = clock_now();
    enum err rc = value ? ERR_OK : ERR_NOMEM;

    if (!rc && (strlen(r->client_id) >= sizeof code.client_id || strlen(r->sid) >= sizeof code.sid))
        rc = ERR_INVALID_REQUEST;
    if (!rc)
        rc = rand_token(value, CODE_BYTES);
    if (rc)
        goto out;
    hash_sha256(value, CODE_LEN, code.hash);
    memcpy(code.client_id, r->client_id, strlen(r->client_id) + 1);
    memcpy(code.sid, r->sid, strlen(r->sid) + 1);
    code.redirect_uri = (char *)r->redirect_uri;
    code.user_sub = (char *)r->user_sub;
    code.scope = (char *)r->scope;
    code.nonce = (char *)r->nonce;
    if (r->code_challenge_method != PKCE_METHOD_NONE) {
        code.code_challenge = (char *)r->code_challenge;
        code.code_challenge_method = (char *)pkce_method_name(r->code_challenge_method);
    }
    code.auth_time = r->auth_time;
    code.amr = (char *)r->amr;
    if (r->front_at_jti && strlen(r->front_at_jti) < sizeof code.front_at_jti) {
        memcpy(code.front_at_jti, r->front_at_jti, strlen(r->front_at_jti) + 1);
        code.front_at_expires_at = r->front_at_expires_at;
    }
    code.claims_userinfo = (char *)r->claims_userinfo;
    code.claims_id_token = (char *)r->claims_id_token;
    code.created_at = now;
    code.expires_at = now + ctx->cfg->code_ttl;
    if (r->resources && r->resources->n && !(code.resource = strlist_join(r->resources, " "))) {
        rc = ERR_NOMEM;
        goto out;
    }
    rc = store_code_insert(ctx->store, &code);
    free(code.resource);
out:
    if (rc) {
        free(value);
        return rc;
    }
    *out = value;
    return ERR_OK;
}

static enum err refuse(const char **why, const char *text)
{
    *why = text;
    return ERR_INVALID_GRANT;
}

/* PKCE (RFC 7636 §4.6), with no downgrade: a verifier only for a code issued
 * with a challenge, always for one; a public client's by S256. */
static enum err check_pkce(const struct client *client, const struct auth_code *code,
                           const char *verifier, const char **why)
{
    enum pkce_method m = PKCE_METHOD_NONE;

    if (code->code_challenge && pkce_method_parse(code->code_challenge_method, &m))
        return refuse(why, "the code's challenge method is unknown");
    if (m == PKCE_METHOD_NONE)
        return verifier ? refuse(why, "code_verifier for a code issued without code_challenge")
               : client->type == CLIENT_PUBLIC
                   ? refuse(why, "a public client's code must be issued with PKCE S256")
                   : ERR_OK;
    if (!verifier)
        return refuse(why, "code_verifier is required: the code was issued with code_challenge");
    if (client->type == CLIENT_PUBLIC && m != PKCE_METHOD_S256)
        return refuse(why, "a public client's code must be issued with PKCE S256");
    if (!pkce_verify(m, code->code_challenge, verifier))
        return refuse(why, "code_verifier does not match the code_challenge");
    return ERR_OK;
}

/* The code's bindings (RFC 6749 §4.1.3). */
static enum err check_code(const struct client *client, const struct auth_code *code,
                           const char *redirect_uri, const char *verifier, int64_t now,
                           const char **why)
{
    if (strcmp(code->client_id, client->id) != 0)
        return refuse(why, "the code was issued to another client");
    if (now >= code->expires_at)
        return refuse(why, "the code has expired");
    if (strcmp(code->redirect_uri, redirect_uri) != 0)
        return refuse(why, "redirect_uri differs from the authorization request's");
    return check_pkce(client, code, verifier, why);
}

enum err grant_user_check(const struct oauth_ctx *ctx, const char *sub, const char **why)
{
    struct user u = {0};
    enum err rc = store_user_get(ctx->store, sub, &u);

    if (!rc && !u.enabled)
        rc = ERR_NOT_FOUND;
    user_clear(&u);
    return rc == ERR_NOT_FOUND ? refuse(why, "the user was deleted or disabled") : rc;
}

/* Revokes what the code's first use issued, and forgets the cached answers
 * "still active" at once (oauth/token_cache.h). */
static enum err revoke_issued(const struct oauth_ctx *ctx, const struct auth_code *code)
{
    enum err rc = store_code_revoke_issued(ctx->store, code);

    token_cache_forget_states();
    return rc;
}

/* True while the first redemption of code may still be under way: it has
 * recorded nothing, nothing has burnt the code, and it began moments ago. */
static bool first_use_under_way(const struct auth_code *code, int64_t now)
{
    return !code->at_jti[0] && !code->reused_at && now - code->used_at <= 1;
}

/* A second use of a code (RFC 6749 §4.1.2): revokes what the first use
 * issued, and refuses. A first use still under way is waited for (bounded),
 * so that what it issues is revoked too and of two racing redemptions
 * exactly one gets an answer with tokens. code holds the row consume gave;
 * it is cleared. */
static enum err replayed(const struct oauth_ctx *ctx, const unsigned char hash[HASH_LEN],
                         int64_t now, struct auth_code *code, const char **why)
{
    struct timespec pause = {0, FIRST_USE_POLL_MS * 1000000L};
    int waited = 0;
    enum err rc = ERR_OK;

    while (!rc && first_use_under_way(code, now) && waited < FIRST_USE_WAIT_MS) {
        nanosleep(&pause, NULL);
        waited += FIRST_USE_POLL_MS;
        auth_code_clear(code);
        rc = store_code_consume(ctx->store, hash, now, code);
        rc = rc == ERR_CONFLICT ? ERR_OK : rc;
    }
    auth_code_clear(code);
    if (!rc)
        rc = store_code_mark_reused(ctx->store, hash, now, code);
    if (!rc)
        rc = revoke_issued(ctx, code);
    auth_code_clear(code);
    return rc ? rc : refuse(why, "the code was already used");
}

/* Burns a consumed code that failed its checks: it issued nothing, and a
 * second redemption need not wait for it. */
static void burn(const struct oauth_ctx *ctx, const struct auth_code *code, int64_t now)
{
    struct auth_code row = {0};

    if (store_code_mark_reused(ctx->store, code->hash, now, &row) == ERR_OK)
        auth_code_clear(&row);
}

/* Redeems the code: ERR_OK with *code when this is its first use. */
static enum err redeem(const struct oauth_ctx *ctx, const char *value, int64_t now,
                       struct auth_code *code, const char **why)
{
    unsigned char hash[HASH_LEN];
    enum err rc;

    if (strlen(value) != CODE_LEN)
        return refuse(why, "unknown code");
    hash_sha256(value, CODE_LEN, hash);
    rc = store_code_consume(ctx->store, hash, now, code);
    if (rc == ERR_NOT_FOUND)
        return refuse(why, "unknown code");
    if (rc == ERR_CONFLICT)
        return replayed(ctx, hash, now, code, why);
    return rc;
}

enum err grant_id_token_issue(const struct oauth_ctx *ctx, struct id_token_claims *c,
                              const char *scope, id_token_claims_fn claims, char **out)
{
    bool by_scope = ctx->cfg->id_token_include_claims || c->release_claims;
    const char *user_sub = c->subject, *sid = c->sid;
    struct subject_view seen;
    json_t *extra = NULL;
    enum err rc = ERR_OK;

    if (claims && (by_scope || (c->requested && *c->requested)))
        rc = claims(ctx, user_sub, by_scope ? scope : "", c->requested, &extra);
    if (!rc)
        rc = subject_view_for_client_id(ctx, c->client_id, user_sub, sid, &seen);
    c->extra = extra;
    c->subject = seen.sub;
    c->sid = sid && *sid ? seen.sid : sid;
    if (!rc)
        rc = id_token_issue(ctx, c, out);
    c->subject = user_sub;
    c->sid = sid;
    c->extra = NULL;
    json_decref(extra);
    return rc;
}

static enum err issue_id_token(const struct oauth_ctx *ctx, const struct client *client,
                               const struct user_grant *u, id_token_claims_fn claims,
                               struct token_response *out)
{
    struct id_token_claims c = {0};

    c.subject = u->user_sub;
    c.client_id = client->id;
    c.client = client;
    c.auth_time = u->auth_time;
    c.nonce = u->nonce;
    c.access_token = out->access_token;
    c.sid = u->sid;
    c.amr = u->amr;
    c.requested = u->claims_id_token;
    return grant_id_token_issue(ctx, &c, u->scope, claims, &out->id_token);
}

/* A refresh token of a new family for u into issued and out. */
static enum err make_refresh(const struct oauth_ctx *ctx, const struct client *client,
                             const struct user_grant *u, int64_t now, struct user_issued *issued,
                             struct token_response *out)
{
    struct refresh_token *rt = &issued->refresh;
    enum err rc;

    if (strlen(u->sid) >= sizeof rt->sid)
        return ERR_INVALID_REQUEST;
    memcpy(rt->client_id, client->id, sizeof rt->client_id);
    memcpy(rt->sid, u->sid, strlen(u->sid) + 1);
    rt->user_sub = (char *)u->user_sub;
    rt->scope = (char *)u->scope;
    rt->resource = (char *)u->resource;
    rt->claims_userinfo = (char *)u->claims_userinfo;
    rt->claims_id_token = (char *)u->claims_id_token;
    rt->amr = (char *)u->amr;
    rt->auth_time = u->auth_time;
    memcpy(rt->at_jti, issued->jti, sizeof issued->jti);
    rt->at_expires_at = issued->at_expires_at;
    rc = grant_refresh_mint(ctx, now, rt, &out->refresh_token);
    issued->has_refresh = !rc;
    return rc;
}

enum err grant_user_issue(const struct oauth_ctx *ctx, const struct client *client,
                          const struct user_grant *u, struct token_target *target,
                          id_token_claims_fn claims, int64_t now, struct token_response *out,
                          struct user_issued *issued)
{
    struct access_grant g = {client, u->user_sub,        client->id, target->scope,
                             false,  u->claims_userinfo, u->amr,     u->auth_time};
    enum err rc;

    memset(issued, 0, sizeof *issued);
    out->scope = target->scope;
    target->scope = NULL;
    rc = access_token_issue_for(ctx, &g, target, &out->access_token, &out->expires_in, issued->jti);
    if (rc)
        return rc;
    issued->at_expires_at = now + out->expires_in;
    if (scope_has(u->scope, "openid"))
        rc = issue_id_token(ctx, client, u, claims, out);
    if (!rc && strlist_contains(&client->grant_types, "refresh_token") &&
        scope_has(u->scope, "offline_access"))
        rc = make_refresh(ctx, client, u, now, issued, out);
    return rc;
}

/* Records what was issued on the code; when the code was used again
 * meanwhile, revokes the access token and refuses (the refresh token was
 * never stored). */
static enum err record(const struct oauth_ctx *ctx, const struct auth_code *code, const char *jti,
                       int64_t at_expires_at, const struct refresh_token *rt, const char **why)
{
    struct auth_code issued = {0};
    enum err rc;

    rc = store_code_record_issued(ctx->store, code->hash, jti, at_expires_at, rt);
    if (rc != ERR_CONFLICT)
        return rc;
    memcpy(issued.client_id, code->client_id, sizeof issued.client_id);
    memcpy(issued.at_jti, jti, strlen(jti) + 1);
    issued.at_expires_at = at_expires_at;
    rc = revoke_issued(ctx, &issued);
    return rc ? rc : refuse(why, "the code was already used");
}

/* The tokens for the code, the access token for target (whose scope out
 * takes over). */
static enum err issue(const struct oauth_ctx *ctx, const struct client *client,
                      const struct auth_code *code, struct token_target *target,
                      id_token_claims_fn claims, int64_t now, struct token_response *out,
                      const char **why)
{
    struct user_grant u = {.user_sub = code->user_sub,
                           .scope = code->scope,
                           .resource = code->resource,
                           .auth_time = code->auth_time,
                           .amr = code->amr,
                           .sid = code->sid,
                           .nonce = code->nonce,
                           .claims_userinfo = code->claims_userinfo,
                           .claims_id_token = code->claims_id_token};
    struct user_issued issued;
    enum err rc;

    rc = grant_user_issue(ctx, client, &u, target, claims, now, out, &issued);
    if (!rc)
        rc = record(ctx, code, issued.jti, issued.at_expires_at,
                    issued.has_refresh ? &issued.refresh : NULL, why);
    return rc;
}

enum err grant_authorization_code(const struct oauth_ctx *ctx, const struct client *client,
                                  const char *code, const char *redirect_uri,
                                  const char *code_verifier, const struct grant_resources *res,
                                  id_token_claims_fn claims, struct token_response *out,
                                  const char **why)
{
    struct auth_code row = {0};
    struct token_target target = {0};
    int64_t now = clock_now();
    enum err rc;

    memset(out, 0, sizeof *out);
    if (!strlist_contains(&client->grant_types, "authorization_code")) {
        *why = "authorization_code is not among the client's grant types";
        return ERR_UNAUTHORIZED_CLIENT;
    }
    if (!code || !redirect_uri) {
        *why = code ? "redirect_uri is required" : "code is required";
        return ERR_INVALID_REQUEST;
    }
    rc = redeem(ctx, code, now, &row, why);
    if (rc)
        goto out;
    rc = check_code(client, &row, redirect_uri, code_verifier, now, why);
    if (!rc)
        rc = grant_user_check(ctx, row.user_sub, why); /* deleted or disabled since? */
    if (!rc)
        rc = resource_target_granted(ctx, row.resource, res->ids, res->n, row.scope, &target, why);
    if (rc)
        burn(ctx, &row, now);
    else
        rc = issue(ctx, client, &row, &target, claims, now, out, why);
out:
    if (rc)
        token_response_clear(out);
    token_target_clear(&target);
    auth_code_clear(&row);
    return rc;
}
