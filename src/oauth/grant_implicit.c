#include "oauth/grant_implicit.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "oauth/access_token.h"
#include "oauth/client_rules.h"

void implicit_tokens_clear(struct implicit_tokens *t)
{
    if (!t)
        return;
    free(t->code);
    free(t->access_token);
    free(t->id_token);
    free(t->scope);
    memset(t, 0, sizeof *t);
}

/* The names r's claims parameter asks for, space-separated (NULL: none). */
struct requested {
    char *userinfo, *id_token;
};

/* The code; with the access token issued beside it (jti, or NULL), which a
 * replay of the code is to revoke. */
static enum err issue_code(const struct oauth_ctx *ctx, const struct authorize_request *r,
                           const struct session *se, const struct requested *rq, const char *at_jti,
                           int64_t at_expires_at, char **out)
{
    struct code_request cr = {r->client_id,
                              r->redirect_uri,
                              se->user_sub,
                              r->scope,
                              r->nonce,
                              r->code_challenge,
                              r->code_challenge_method,
                              se->auth_time,
                              se->amr,
                              se->sid,
                              &r->resources,
                              at_jti,
                              at_expires_at,
                              rq->userinfo,
                              rq->id_token};

    return code_issue(ctx, &cr, out);
}

/* The access token; its jti and expiry into jti and *expires_at. */
static enum err issue_access_token(const struct oauth_ctx *ctx, const struct client *client,
                                   const struct authorize_request *r, const struct session *se,
                                   const struct requested *rq, struct implicit_tokens *out,
                                   char jti[ACCESS_TOKEN_JTI_SIZE], int64_t *expires_at,
                                   const char **why)
{
    struct access_grant g = {client, se->user_sub, client->id, NULL,
                             false,  rq->userinfo, se->amr,    se->auth_time};
    struct token_target target = {0};
    int64_t now = clock_now();
    long expires_in = 0;
    enum err rc = resource_target(ctx, (const char *const *)r->resources.items, r->resources.n,
                                  r->scope, &target, why);

    if (!rc) {
        out->scope = target.scope; /* taken over */
        target.scope = NULL;
        g.scope = out->scope;
        rc = access_token_issue_for(ctx, &g, &target, &out->access_token, &expires_in, jti);
    }
    *expires_at = now + expires_in + 1; /* no earlier than the token's exp */
    if (!rc && !text_int(out->expires_in, expires_in))
        rc = ERR_NOMEM;
    token_target_clear(&target);
    return rc;
}

static enum err issue_id_token(const struct oauth_ctx *ctx, const struct client *client,
                               const struct authorize_request *r, const struct session *se,
                               const struct requested *rq, id_token_claims_fn claims,
                               struct implicit_tokens *out)
{
    struct id_token_claims c = {0};

    c.client = client;
    c.subject = se->user_sub;
    c.client_id = r->client_id;
    c.auth_time = se->auth_time;
    c.nonce = r->nonce;
    c.access_token = out->access_token;
    c.code = out->code;
    c.sid = se->sid;
    c.amr = se->amr;
    c.requested = rq->id_token;
    /* with no access token to call userinfo with, the claims travel here */
    c.release_claims = r->response_words == RT_ID_TOKEN;
    return grant_id_token_issue(ctx, &c, r->scope, claims, &out->id_token);
}

enum err grant_implicit_issue(const struct oauth_ctx *ctx, const struct client *client,
                              const struct authorize_request *r, const struct session *se,
                              id_token_claims_fn claims, struct implicit_tokens *out,
                              const char **why)
{
    char jti[ACCESS_TOKEN_JTI_SIZE] = "";
    struct requested rq = {0};
    int64_t at_expires_at = 0;
    enum err rc;

    memset(out, 0, sizeof *out);
    rc = claims_request_join(&r->claims.userinfo, &rq.userinfo);
    if (!rc)
        rc = claims_request_join(&r->claims.id_token, &rq.id_token);
    /* the access token first, so that the code can name it */
    if (!rc && (r->response_words & RT_TOKEN))
        rc = issue_access_token(ctx, client, r, se, &rq, out, jti, &at_expires_at, why);
    if (!rc && (r->response_words & RT_CODE))
        rc = issue_code(ctx, r, se, &rq, jti[0] ? jti : NULL, at_expires_at, &out->code);
    else if (!rc) /* the session's clients are told when it ends (back-channel logout) */
        rc = store_session_client_add(ctx->store, se->sid, client->id);
    if (!rc && (r->response_words & RT_ID_TOKEN))
        rc = issue_id_token(ctx, client, r, se, &rq, claims, out);
    free(rq.userinfo);
    free(rq.id_token);
    return rc;
}

void implicit_tokens_view(const struct implicit_tokens *t, struct authorize_issued *view)
{
    *view = (struct authorize_issued){.code = t->code,
                                      .access_token = t->access_token,
                                      .expires_in = t->expires_in,
                                      .scope = t->scope,
                                      .id_token = t->id_token};
}
