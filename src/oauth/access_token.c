#include "oauth/access_token.h"

#include <stdlib.h>
#include <string.h>

#include "core/b64url.h"
#include "core/clock.h"
#include "core/hash.h"
#include "core/json_writer.h"
#include "core/rand.h"
#include "core/strlist.h"
#include "oauth/mfa.h"
#include "oauth/subject.h"

#define JTI_BYTES 16
#define OPAQUE_BYTES 32
/* issuer, ids and scope are bounded (core/limits.h): claims stay far below */
#define CLAIMS_MAX (16 * 1024)

/* What the token is issued with, once its target is known. */
struct issue {
    const struct access_grant *g;
    const struct token_target *t;
    const char *jti;
    int64_t now, ttl;
    const char *subject; /* the sub the client sees */
};

static void write_aud(struct json_writer *w, const struct issue *is)
{
    const struct strlist *aud = &is->t->audience;

    if (aud->n == 0)
        json_writer_string(w, "aud", is->g->audience);
    else if (aud->n == 1)
        json_writer_string(w, "aud", aud->items[0]);
    else
        json_writer_strings(w, "aud", (const char *const *)aud->items, aud->n);
}

/* The sign-in a user's token comes from (RFC 9068 §2.2.1): auth_time, acr
 * and amr, as the ID token has them. */
static enum err write_sign_in(struct json_writer *w, const struct access_grant *g)
{
    struct strlist methods = {0};
    enum err rc = strlist_split(&methods, g->amr, " ");

    if (!rc) {
        json_writer_int(w, "auth_time", g->auth_time);
        json_writer_string(w, "acr", mfa_acr(mfa_level_of_amr(g->amr)));
        json_writer_strings(w, "amr", (const char *const *)methods.items, methods.n);
    }
    strlist_free(&methods);
    return rc;
}

static enum err issue_jwt(const struct oauth_ctx *ctx, const struct issue *is, char **out)
{
    const struct access_grant *g = is->g;
    struct json_writer w;
    char *payload;
    size_t len = 0;
    enum err rc = ERR_NOMEM;

    json_writer_begin(&w, CLAIMS_MAX);
    json_writer_string(&w, "iss", ctx->cfg->issuer);
    json_writer_string(&w, "sub", is->subject);
    write_aud(&w, is);
    json_writer_int(&w, "exp", is->now + is->ttl);
    json_writer_int(&w, "iat", is->now);
    json_writer_string(&w, "jti", is->jti);
    json_writer_string(&w, "client_id", g->client->id);
    json_writer_string(&w, "scope", g->scope);
    if (g->claims_userinfo && *g->claims_userinfo)
        json_writer_string(&w, "userinfo_claims", g->claims_userinfo);
    if (g->amr && *g->amr && write_sign_in(&w, g))
        return ERR_NOMEM;
    payload = json_writer_finish(&w, &len);
    if (payload)
        rc = keystore_sign(ctx->keys, ctx->cfg->key_algorithm, "at+jwt", payload, len, out);
    free(payload);
    return rc;
}

static enum err issue_opaque(const struct oauth_ctx *ctx, const struct issue *is, char **out)
{
    const struct access_grant *g = is->g;
    struct token t = {0};
    char *value = malloc(b64url_encoded_len(OPAQUE_BYTES) + 1);
    enum err rc;

    if (!value)
        return ERR_NOMEM;
    rc = rand_token(value, OPAQUE_BYTES);
    if (rc)
        goto out;
    hash_sha256(value, strlen(value), t.hash);
    memcpy(t.jti, is->jti, strlen(is->jti) + 1);
    memcpy(t.client_id, g->client->id, sizeof t.client_id);
    t.subject = (char *)is->subject;
    t.scope = (char *)g->scope;
    t.claims_userinfo =
        g->claims_userinfo && *g->claims_userinfo ? (char *)g->claims_userinfo : NULL;
    t.amr = g->amr && *g->amr ? (char *)g->amr : NULL;
    t.auth_time = t.amr ? g->auth_time : 0;
    t.issued_at = is->now;
    t.expires_at = is->now + is->ttl;
    if (is->t->audience.n && !(t.audience = strlist_join(&is->t->audience, " "))) {
        rc = ERR_NOMEM;
        goto out;
    }
    /* acknowledged only once stored: the token is useless otherwise */
    rc = store_token_insert(ctx->store, &t);
    free(t.audience);
out:
    if (rc) {
        free(value);
        return rc;
    }
    *out = value;
    return ERR_OK;
}

enum err access_token_issue_for(const struct oauth_ctx *ctx, const struct access_grant *g,
                                const struct token_target *t, char **out, long *expires_in,
                                char jti_out[ACCESS_TOKEN_JTI_SIZE])
{
    char jti[ACCESS_TOKEN_JTI_SIZE], sub[SUBJECT_MAX];
    struct issue is = {g,         t, jti, clock_now(), t->ttl ? t->ttl : ctx->cfg->access_token_ttl,
                       g->subject};
    enum token_format format = t->has_format ? t->format : g->client->token_format;
    enum err rc = ERR_OK;

    if (!g->subject_is_client) {
        rc = subject_for_client(ctx, g->client, g->subject, sub);
        is.subject = sub;
    }
    if (!rc)
        rc = rand_token(jti, JTI_BYTES);
    if (rc)
        return rc;
    if (format == TOKEN_FORMAT_OPAQUE)
        rc = issue_opaque(ctx, &is, out);
    else
        rc = issue_jwt(ctx, &is, out);
    if (!rc)
        *expires_in = (long)is.ttl;
    if (!rc && jti_out)
        memcpy(jti_out, jti, sizeof jti);
    return rc;
}
