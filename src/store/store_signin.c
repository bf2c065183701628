/* The sign-in part of the store interface: dispatch to the backend, and the
 * _clear functions of its structs. */
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "store/store.h"
#include "store/timing.h"

enum err store_session_insert(struct store *s, const struct session *se)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->session_insert(s, se));
}

enum err store_session_get(struct store *s, const unsigned char id_hash[HASH_LEN],
                           struct session *out)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->session_get(s, id_hash, out));
}

enum err store_session_count(struct store *s, int64_t now, int64_t *n)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->session_count(s, now, n));
}

enum err store_session_delete(struct store *s, const unsigned char id_hash[HASH_LEN])
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->session_delete(s, id_hash));
}

enum err store_code_insert(struct store *s, const struct auth_code *code)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->code_insert(s, code));
}

enum err store_code_consume(struct store *s, const unsigned char hash[HASH_LEN], int64_t now,
                            struct auth_code *out)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->code_consume(s, hash, now, out));
}

enum err store_code_mark_reused(struct store *s, const unsigned char hash[HASH_LEN], int64_t now,
                                struct auth_code *out)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->code_mark_reused(s, hash, now, out));
}

enum err store_code_record_issued(struct store *s, const unsigned char hash[HASH_LEN],
                                  const char *at_jti, int64_t at_expires_at,
                                  const struct refresh_token *rt)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->code_record_issued(s, hash, at_jti, at_expires_at, rt));
}

enum err store_code_revoke_issued(struct store *s, const struct auth_code *code)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->code_revoke_issued(s, code));
}

enum err store_consent_get(struct store *s, const char *user_sub, const char *client_id,
                           struct consent *out)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->consent_get(s, user_sub, client_id, out));
}

enum err store_consent_put(struct store *s, const struct consent *c)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->consent_put(s, c));
}

enum err store_refresh_token_insert(struct store *s, const struct refresh_token *rt)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->refresh_token_insert(s, rt));
}

enum err store_refresh_token_get(struct store *s, const unsigned char hash[HASH_LEN],
                                 struct refresh_token *out)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->refresh_token_get(s, hash, out));
}

enum err store_refresh_token_rotate(struct store *s, const unsigned char hash[HASH_LEN],
                                    int64_t now, const struct refresh_token *next)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->refresh_token_rotate(s, hash, now, next));
}

enum err store_refresh_family_revoke(struct store *s, const char *family)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->refresh_family_revoke(s, family));
}

void session_clear(struct session *se)
{
    if (!se)
        return;
    free(se->user_sub);
    free(se->amr);
    free(se->address);
    free(se->browser);
    memset(se, 0, sizeof *se);
}

void auth_code_clear(struct auth_code *code)
{
    if (!code)
        return;
    free(code->redirect_uri);
    free(code->user_sub);
    free(code->scope);
    free(code->nonce);
    free(code->code_challenge);
    free(code->code_challenge_method);
    free(code->amr);
    free(code->resource);
    free(code->claims_userinfo);
    free(code->claims_id_token);
    memset(code, 0, sizeof *code);
}

enum err store_consent_list(struct store *s, const struct consent_filter *f, struct consent **out,
                            size_t *n)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->consent_list(s, f, out, n));
}

enum err store_consent_revoke(struct store *s, const char *user_sub, const char *client_id,
                              struct consent **out, size_t *n)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->consent_revoke(s, user_sub, client_id, out, n));
}

void consent_list_free(struct consent *list, size_t n)
{
    size_t i;

    for (i = 0; list && i < n; i++)
        consent_clear(&list[i]);
    free(list);
}

void consent_clear(struct consent *c)
{
    if (!c)
        return;
    free(c->user_sub);
    free(c->scope);
    free(c->claims);
    memset(c, 0, sizeof *c);
}

void refresh_token_clear(struct refresh_token *rt)
{
    if (!rt)
        return;
    free(rt->user_sub);
    free(rt->scope);
    free(rt->resource);
    free(rt->claims_userinfo);
    free(rt->claims_id_token);
    free(rt->amr);
    memset(rt, 0, sizeof *rt);
}
