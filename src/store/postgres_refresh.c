/* PostgreSQL backend: refresh tokens, their rotation and the revocation of
 * a family (RFC 9700 §4.14.2). Of two rotations of one token, at one
 * instance or two, the UPDATE … WHERE used_at IS NULL of the second waits
 * for the first's transaction, then finds the token used: reuse. */
#include <stdlib.h>
#include <string.h>

#include "store/postgres_internal.h"

#define REFRESH_COLUMNS                                                                            \
    "family, client_id, user_sub, scope, auth_time, sid, issued_at, expires_at, used_at, "         \
    "at_jti, at_expires_at, resource, family_issued_at, claims_userinfo, claims_id_token, amr"

enum {
    REFRESH_INSERT,
    REFRESH_GET,
    REFRESH_MARK_USED,
    REFRESH_REVOKE_ATS,
    REFRESH_DELETE_ATS,
    REFRESH_DELETE_FAMILY,
    ACCESS_TOKEN_DELETE,
};

static const struct pg_stmt sql[] = {
    [REFRESH_INSERT] = {"refresh_insert",
                        "INSERT INTO refresh_tokens (hash, family, client_id, user_sub, scope, "
                        "auth_time, sid, issued_at, expires_at, at_jti, at_expires_at, resource, "
                        "family_issued_at, claims_userinfo, claims_id_token, amr) VALUES ($1, $2, "
                        "$3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"},
    [REFRESH_GET] = {"refresh_get",
                     "SELECT " REFRESH_COLUMNS " FROM refresh_tokens WHERE hash = $1"},
    [REFRESH_MARK_USED] = {"refresh_mark_used", "UPDATE refresh_tokens SET used_at = $2 "
                                                "WHERE hash = $1 AND used_at IS NULL"},
    [REFRESH_REVOKE_ATS] = {"refresh_revoke_ats",
                            "INSERT INTO revoked_tokens (jti, client_id, expires_at) "
                            "SELECT at_jti, client_id, at_expires_at FROM refresh_tokens "
                            "WHERE family = $1 AND at_jti IS NOT NULL "
                            "ON CONFLICT (jti) DO NOTHING"},
    [REFRESH_DELETE_ATS] = {"refresh_delete_ats",
                            "DELETE FROM tokens WHERE jti IN "
                            "(SELECT at_jti FROM refresh_tokens WHERE family = $1)"},
    [REFRESH_DELETE_FAMILY] = {"refresh_delete_family",
                               "DELETE FROM refresh_tokens WHERE family = $1"},
    [ACCESS_TOKEN_DELETE] = {"refresh_access_token_delete", "DELETE FROM tokens WHERE jti = $1"},
};

enum err store_pg_refresh_insert_conn(struct pg_conn *c, const struct refresh_token *rt)
{
    struct pg_params p = {0};

    store_pg_bytes(&p, rt->hash, HASH_LEN);
    store_pg_text(&p, rt->family);
    store_pg_text(&p, rt->client_id);
    store_pg_text(&p, rt->user_sub);
    store_pg_text(&p, rt->scope);
    store_pg_int(&p, rt->auth_time);
    store_pg_text(&p, rt->sid);
    store_pg_int(&p, rt->issued_at);
    store_pg_int(&p, rt->expires_at);
    store_pg_text(&p, rt->at_jti[0] ? rt->at_jti : NULL);
    store_pg_int(&p, rt->at_expires_at);
    store_pg_text(&p, rt->resource);
    store_pg_int(&p, rt->family_issued_at);
    store_pg_text(&p, rt->claims_userinfo);
    store_pg_text(&p, rt->claims_id_token);
    store_pg_text(&p, rt->amr);
    return store_pg_exec(c, &sql[REFRESH_INSERT], &p, NULL, "refresh_token_insert");
}

enum err store_pg_refresh_token_insert(struct store *s, const struct refresh_token *rt)
{
    enum err e;
    struct pg_conn *c = store_pg_conn(s, &e);

    return c ? store_pg_refresh_insert_conn(c, rt) : e;
}

/* The row of REFRESH_COLUMNS. */
static enum err fill_refresh(const PGresult *r, int row, void *item)
{
    struct refresh_token *rt = item;
    enum err e = ERR_OK;

    if (store_pg_get_text_into(r, row, 0, rt->family, sizeof rt->family) ||
        store_pg_get_text_into(r, row, 1, rt->client_id, sizeof rt->client_id) ||
        store_pg_get_text_into(r, row, 5, rt->sid, sizeof rt->sid) ||
        store_pg_get_text_into(r, row, 9, rt->at_jti, sizeof rt->at_jti))
        return ERR_STORE;
    rt->user_sub = store_pg_get_text(r, row, 2);
    rt->scope = store_pg_get_text(r, row, 3);
    rt->auth_time = store_pg_get_int(r, row, 4);
    rt->issued_at = store_pg_get_int(r, row, 6);
    rt->expires_at = store_pg_get_int(r, row, 7);
    rt->used_at = store_pg_get_int(r, row, 8);
    rt->at_expires_at = store_pg_get_int(r, row, 10);
    rt->resource = store_pg_get_text_or_null(r, row, 11, &e);
    rt->family_issued_at = store_pg_get_int(r, row, 12);
    rt->claims_userinfo = store_pg_get_text_or_null(r, row, 13, &e);
    rt->claims_id_token = store_pg_get_text_or_null(r, row, 14, &e);
    if (!e)
        rt->amr = store_pg_get_text_or_null(r, row, 15, &e);
    return !e && rt->user_sub && rt->scope ? ERR_OK : ERR_NOMEM;
}

enum err store_pg_refresh_token_get(struct store *s, const unsigned char hash[HASH_LEN],
                                    struct refresh_token *out)
{
    struct pg_params p = {0};
    enum err e;

    memset(out, 0, sizeof *out);
    store_pg_bytes(&p, hash, HASH_LEN);
    e = store_pg_row(s, &sql[REFRESH_GET], &p, fill_refresh, out);
    if (e)
        refresh_token_clear(out);
    else
        memcpy(out->hash, hash, HASH_LEN);
    return e;
}

enum err store_pg_revoke_access_token(struct pg_conn *c, const char *jti, const char *client_id,
                                      int64_t expires_at)
{
    struct pg_params p = {0};
    enum err e = store_pg_revoke_jti(c, jti, client_id, expires_at);

    if (e)
        return e;
    store_pg_text(&p, jti);
    return store_pg_exec(c, &sql[ACCESS_TOKEN_DELETE], &p, NULL, "revoke_access_token");
}

enum err store_pg_revoke_family(struct pg_conn *c, const char *family)
{
    static const int steps[] = {REFRESH_REVOKE_ATS, REFRESH_DELETE_ATS, REFRESH_DELETE_FAMILY};
    enum err e = ERR_OK;
    size_t i;

    for (i = 0; i < sizeof steps / sizeof steps[0] && !e; i++) {
        struct pg_params p = {0};

        store_pg_text(&p, family);
        e = store_pg_exec(c, &sql[steps[i]], &p, NULL, "refresh_family_revoke");
    }
    return e;
}

struct rotate_args {
    const unsigned char *hash;
    int64_t now;
    const struct refresh_token *next;
    bool reused; /* set by the body: the token was used already or gone */
};

static enum err rotate_body(struct pg_conn *c, void *arg)
{
    struct rotate_args *a = arg;
    struct pg_params p = {0};
    int64_t rows = 0;
    enum err e;

    a->reused = false; /* the body may run again after a deadlock */
    store_pg_bytes(&p, a->hash, HASH_LEN);
    store_pg_int(&p, a->now);
    e = store_pg_exec(c, &sql[REFRESH_MARK_USED], &p, &rows, "refresh_token_rotate");
    if (e)
        return e;
    if (rows == 1)
        return store_pg_refresh_insert_conn(c, a->next);
    /* reuse: the family goes, and the access token issued for next with
     * it; committed, so the revocation stands, and the caller is told */
    a->reused = true;
    e = store_pg_revoke_family(c, a->next->family);
    return e ? e
             : store_pg_revoke_access_token(c, a->next->at_jti, a->next->client_id,
                                            a->next->at_expires_at);
}

enum err store_pg_refresh_token_rotate(struct store *s, const unsigned char hash[HASH_LEN],
                                       int64_t now, const struct refresh_token *next)
{
    struct rotate_args a = {hash, now, next, false};
    enum err e = store_pg_txn(s, rotate_body, &a);

    return !e && a.reused ? ERR_CONFLICT : e;
}

static enum err family_body(struct pg_conn *c, void *arg)
{
    return store_pg_revoke_family(c, arg);
}

enum err store_pg_refresh_family_revoke(struct store *s, const char *family)
{
    return store_pg_txn(s, family_body, (void *)family);
}
