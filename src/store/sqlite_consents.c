/* SQLite backend: listing consents, and revoking them with what they let
 * their clients hold. */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_internal.h"

static void bind_or_null(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

/* A row of ST_CONSENT_LIST; on failure frees what it took. */
static enum err fill_consent(sqlite3_stmt *st, void *item)
{
    struct consent *cs = item;
    const unsigned char *id = sqlite3_column_text(st, 1);

    memset(cs, 0, sizeof *cs);
    if (!id || (size_t)sqlite3_column_bytes(st, 1) > LIMIT_CLIENT_ID)
        return ERR_STORE;
    memcpy(cs->client_id, id, (size_t)sqlite3_column_bytes(st, 1) + 1);
    cs->user_sub = store_sqlite_column_dup(st, 0);
    cs->scope = store_sqlite_column_dup(st, 2);
    cs->created_at = sqlite3_column_int64(st, 3);
    cs->expires_at = sqlite3_column_int64(st, 4);
    if (sqlite3_column_type(st, 5) != SQLITE_NULL)
        cs->claims = store_sqlite_column_dup(st, 5);
    if (cs->user_sub && cs->scope && (cs->claims || sqlite3_column_type(st, 5) == SQLITE_NULL))
        return ERR_OK;
    consent_clear(cs);
    return ERR_NOMEM;
}

static enum err list(struct conn *c, const struct consent_filter *f, struct consent **out,
                     size_t *n)
{
    sqlite3_stmt *st = store_sqlite_stmt(c, ST_CONSENT_LIST);
    enum err e;

    *out = NULL;
    *n = 0;
    if (!st)
        return ERR_STORE;
    bind_or_null(st, 1, f->user_sub);
    bind_or_null(st, 2, f->client_id);
    sqlite3_bind_text(st, 3, f->after_user_sub ? f->after_user_sub : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, f->after_client_id ? f->after_client_id : "", -1, SQLITE_STATIC);
    /* LIMIT -1: no limit */
    sqlite3_bind_int64(st, 5, f->limit ? (sqlite3_int64)f->limit : -1);
    e = store_sqlite_collect(c, st, sizeof **out, fill_consent, (void **)out, n);
    if (e) {
        consent_list_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return e;
}

enum err store_sqlite_consent_list(struct store *s, const struct consent_filter *f,
                                   struct consent **out, size_t *n)
{
    struct conn *c = store_sqlite_conn_get(s);

    *out = NULL;
    *n = 0;
    return c ? list(c, f, out, n) : ERR_STORE;
}

/* Within the caller's transaction: the grant of user_sub to client_id, in
 * the order that records the access tokens before the rows naming them go.
 * *changed grows by the rows it touched. */
static enum err revoke_pair(struct conn *c, const char *user_sub, const char *client_id,
                            int *changed)
{
    static const enum stmt_id steps[] = {ST_CONSENT_REVOKE_REFRESH_ATS, ST_CONSENT_REVOKE_CODE_ATS,
                                         ST_CONSENT_DELETE_ATS,         ST_CONSENT_DELETE_REFRESH,
                                         ST_CONSENT_DELETE_CODES,       ST_CONSENT_DELETE};
    sqlite3_stmt *st;
    enum err e = ERR_OK;
    size_t i;

    for (i = 0; !e && i < sizeof steps / sizeof steps[0]; i++) {
        st = store_sqlite_stmt(c, steps[i]);
        if (!st)
            return ERR_STORE;
        sqlite3_bind_text(st, 1, user_sub, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, client_id, -1, SQLITE_STATIC);
        e = store_sqlite_exec(c, st, "consent_revoke");
        if (!e)
            *changed += sqlite3_changes(c->db);
    }
    return e;
}

enum err store_sqlite_consent_revoke(struct store *s, const char *user_sub, const char *client_id,
                                     struct consent **out, size_t *n)
{
    struct consent_filter f = {.user_sub = user_sub, .client_id = client_id};
    struct conn *c = store_sqlite_conn_get(s);
    int changed = 0;
    enum err e;
    size_t i;

    *out = NULL;
    *n = 0;
    if (!c)
        return ERR_STORE;
    e = store_sqlite_txn_begin(c);
    if (e)
        return e;
    e = list(c, &f, out, n);
    for (i = 0; !e && i < *n; i++)
        e = revoke_pair(c, user_sub, (*out)[i].client_id, &changed);
    /* a client asked for by name loses its tokens with no consent row too */
    if (!e && client_id && *n == 0)
        e = revoke_pair(c, user_sub, client_id, &changed);
    if (!e && changed == 0)
        e = ERR_NOT_FOUND;
    e = store_sqlite_txn_end(c, e);
    if (e) {
        consent_list_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return e;
}
