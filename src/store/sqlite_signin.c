/* SQLite backend: sessions, authorization codes, consents and refresh tokens. */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_internal.h"

/* Copies a text column into a fixed buffer; ERR_STORE when it does not fit. */
static enum err column_copy(sqlite3_stmt *st, int col, char *out, size_t cap)
{
    const char *t = (const char *)sqlite3_column_text(st, col);
    size_t n = t ? strlen(t) : 0;

    if (n >= cap)
        return ERR_STORE;
    memcpy(out, t ? t : "", n + 1);
    return ERR_OK;
}

/* A copy of a text column, NULL staying NULL; *ok is cleared when out of
 * memory. */
static char *column_dup_null(sqlite3_stmt *st, int col, bool *ok)
{
    char *v;

    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        return NULL;
    v = store_sqlite_column_dup(st, col);
    if (!v)
        *ok = false;
    return v;
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

enum err store_sqlite_step_one(struct conn *c, sqlite3_stmt *st,
                               enum err (*fill)(sqlite3_stmt *, void *), void *out,
                               const char *what)
{
    enum err e;
    int rc;

    if (!c->in_txn)
        pthread_mutex_lock(c->write_lock);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        e = fill(st, out);
        rc = sqlite3_step(st);
        if (!e && rc != SQLITE_DONE)
            e = store_sqlite_fail(c->db, rc, what);
    } else if (rc == SQLITE_DONE) {
        e = ERR_NOT_FOUND;
    } else {
        e = store_sqlite_fail(c->db, rc, what);
    }
    if (!c->in_txn)
        pthread_mutex_unlock(c->write_lock);
    store_sqlite_done(st);
    return e;
}

/* A session row, or a pending sign-in row (same columns but sid), by the
 * insert statement id. */
static enum err session_row_insert(struct store *s, enum stmt_id id, const struct session *se,
                                   const char *what)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, id) : NULL;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_blob(st, 1, se->id_hash, HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, se->sid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, se->user_sub, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, se->auth_time);
    sqlite3_bind_text(st, 5, se->amr ? se->amr : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, se->created_at);
    sqlite3_bind_int64(st, 7, se->expires_at);
    if (se->address && *se->address)
        sqlite3_bind_text(st, 8, se->address, -1, SQLITE_STATIC);
    if (se->browser && *se->browser)
        sqlite3_bind_text(st, 9, se->browser, -1, SQLITE_STATIC);
    return store_sqlite_exec(c, st, what);
}

enum err store_sqlite_session_insert(struct store *s, const struct session *se)
{
    return session_row_insert(s, ST_SESSION_INSERT, se, "session_insert");
}

enum err store_sqlite_pending_insert(struct store *s, const struct session *p)
{
    struct conn *c = store_sqlite_conn_get(s);
    enum err e = session_row_insert(s, ST_PENDING_INSERT, p, "pending_insert");

    /* the insert selects the enabled user: no row means no such user */
    if (!e && sqlite3_changes(c->db) == 0)
        e = ERR_NOT_FOUND;
    return e;
}

static enum err fill_session(sqlite3_stmt *st, void *item)
{
    struct session *se = item;

    if (column_copy(st, 0, se->sid, sizeof se->sid))
        return ERR_STORE;
    se->user_sub = store_sqlite_column_dup(st, 1);
    se->auth_time = sqlite3_column_int64(st, 2);
    se->amr = store_sqlite_column_dup(st, 3);
    se->created_at = sqlite3_column_int64(st, 4);
    se->expires_at = sqlite3_column_int64(st, 5);
    return se->user_sub && se->amr ? ERR_OK : ERR_NOMEM;
}

/* The one row statement id yields for hash, read by fill into out (which
 * the caller has zeroed). ERR_NOT_FOUND. */
static enum err row_by_hash(struct store *s, enum stmt_id id, const unsigned char hash[HASH_LEN],
                            enum err (*fill)(sqlite3_stmt *, void *), void *out, const char *what)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, id) : NULL;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_blob(st, 1, hash, HASH_LEN, SQLITE_STATIC);
    return store_sqlite_step_one(c, st, fill, out, what);
}

static enum err session_row_get(struct store *s, enum stmt_id id,
                                const unsigned char id_hash[HASH_LEN], struct session *out,
                                const char *what)
{
    enum err e;

    memset(out, 0, sizeof *out);
    e = row_by_hash(s, id, id_hash, fill_session, out, what);
    if (e)
        session_clear(out);
    else
        memcpy(out->id_hash, id_hash, HASH_LEN);
    return e;
}

enum err store_sqlite_session_get(struct store *s, const unsigned char id_hash[HASH_LEN],
                                  struct session *out)
{
    return session_row_get(s, ST_SESSION_GET, id_hash, out, "session_get");
}

enum err store_sqlite_pending_get(struct store *s, const unsigned char id_hash[HASH_LEN],
                                  struct session *out)
{
    return session_row_get(s, ST_PENDING_GET, id_hash, out, "pending_get");
}

static enum err session_row_delete(struct store *s, enum stmt_id id,
                                   const unsigned char id_hash[HASH_LEN], const char *what)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, id) : NULL;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_blob(st, 1, id_hash, HASH_LEN, SQLITE_STATIC);
    return store_sqlite_exec_changed(c, st, what, ERR_NOT_FOUND);
}

enum err store_sqlite_session_delete(struct store *s, const unsigned char id_hash[HASH_LEN])
{
    return session_row_delete(s, ST_SESSION_DELETE, id_hash, "session_delete");
}

enum err store_sqlite_pending_delete(struct store *s, const unsigned char id_hash[HASH_LEN])
{
    return session_row_delete(s, ST_PENDING_DELETE, id_hash, "pending_delete");
}

enum err store_sqlite_code_insert(struct store *s, const struct auth_code *code)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_CODE_INSERT) : NULL;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_blob(st, 1, code->hash, HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, code->client_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, code->redirect_uri, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, code->user_sub, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, code->scope, -1, SQLITE_STATIC);
    bind_text_or_null(st, 6, code->nonce);
    bind_text_or_null(st, 7, code->code_challenge);
    bind_text_or_null(st, 8, code->code_challenge_method);
    sqlite3_bind_int64(st, 9, code->auth_time);
    sqlite3_bind_text(st, 10, code->amr ? code->amr : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 11, code->sid, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 12, code->created_at);
    sqlite3_bind_int64(st, 13, code->expires_at);
    bind_text_or_null(st, 14, code->resource);
    bind_text_or_null(st, 15, code->front_at_jti[0] ? code->front_at_jti : NULL);
    sqlite3_bind_int64(st, 16, code->front_at_expires_at);
    bind_text_or_null(st, 17, code->claims_userinfo);
    bind_text_or_null(st, 18, code->claims_id_token);
    return store_sqlite_exec(c, st, "code_insert");
}

/* The row of CODE_COLUMNS (sqlite.c). */
static enum err fill_code(sqlite3_stmt *st, void *item)
{
    struct auth_code *code = item;
    bool ok = true;

    if (column_copy(st, 0, code->client_id, sizeof code->client_id) ||
        column_copy(st, 9, code->sid, sizeof code->sid) ||
        column_copy(st, 13, code->at_jti, sizeof code->at_jti) ||
        column_copy(st, 17, code->rt_family, sizeof code->rt_family) ||
        column_copy(st, 19, code->front_at_jti, sizeof code->front_at_jti))
        return ERR_STORE;
    code->redirect_uri = store_sqlite_column_dup(st, 1);
    code->user_sub = store_sqlite_column_dup(st, 2);
    code->scope = store_sqlite_column_dup(st, 3);
    code->nonce = column_dup_null(st, 4, &ok);
    code->code_challenge = column_dup_null(st, 5, &ok);
    code->code_challenge_method = column_dup_null(st, 6, &ok);
    code->auth_time = sqlite3_column_int64(st, 7);
    code->amr = store_sqlite_column_dup(st, 8);
    code->created_at = sqlite3_column_int64(st, 10);
    code->expires_at = sqlite3_column_int64(st, 11);
    code->used_at = sqlite3_column_int64(st, 12);
    code->at_expires_at = sqlite3_column_int64(st, 14);
    code->reused_at = sqlite3_column_int64(st, 16);
    code->resource = column_dup_null(st, 18, &ok);
    code->front_at_expires_at = sqlite3_column_int64(st, 20);
    code->claims_userinfo = column_dup_null(st, 21, &ok);
    code->claims_id_token = column_dup_null(st, 22, &ok);
    if (sqlite3_column_bytes(st, 15) == HASH_LEN) {
        code->has_rt = true;
        memcpy(code->rt_hash, sqlite3_column_blob(st, 15), HASH_LEN);
    }
    if (!code->redirect_uri || !code->user_sub || !code->scope || !code->amr)
        ok = false;
    return ok ? ERR_OK : ERR_NOMEM;
}

static enum err code_step(struct conn *c, enum stmt_id id, const unsigned char hash[HASH_LEN],
                          int64_t now, struct auth_code *out)
{
    sqlite3_stmt *st = store_sqlite_stmt(c, id);

    if (!st)
        return ERR_STORE;
    sqlite3_bind_blob(st, 1, hash, HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    return store_sqlite_step_one(c, st, fill_code, out, "code_consume");
}

/* One code row through statement id into *out (its hash set), or, with
 * then (not ST_COUNT) and no row, through then with ERR_CONFLICT. */
static enum err code_row(struct store *s, enum stmt_id id, enum stmt_id then,
                         const unsigned char hash[HASH_LEN], int64_t now, struct auth_code *out)
{
    struct conn *c = store_sqlite_conn_get(s);
    enum err e;

    memset(out, 0, sizeof *out);
    if (!c)
        return ERR_STORE;
    e = code_step(c, id, hash, now, out);
    if (e == ERR_NOT_FOUND && then != ST_COUNT) {
        auth_code_clear(out);
        e = code_step(c, then, hash, now, out);
        if (!e)
            e = ERR_CONFLICT;
    }
    if (e && e != ERR_CONFLICT)
        auth_code_clear(out);
    else
        memcpy(out->hash, hash, HASH_LEN);
    return e;
}

enum err store_sqlite_code_consume(struct store *s, const unsigned char hash[HASH_LEN], int64_t now,
                                   struct auth_code *out)
{
    /* the one statement that decides who wins: used_at IS NULL; the
     * losers read the row as it stands */
    return code_row(s, ST_CODE_CONSUME, ST_CODE_GET, hash, now, out);
}

enum err store_sqlite_code_mark_reused(struct store *s, const unsigned char hash[HASH_LEN],
                                       int64_t now, struct auth_code *out)
{
    return code_row(s, ST_CODE_MARK_REUSED, ST_COUNT, hash, now, out);
}

static enum err insert_refresh(struct conn *c, const struct refresh_token *rt)
{
    sqlite3_stmt *st = store_sqlite_stmt(c, ST_REFRESH_INSERT);

    if (!st)
        return ERR_STORE;
    sqlite3_bind_blob(st, 1, rt->hash, HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, rt->family, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, rt->client_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, rt->user_sub, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, rt->scope, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, rt->auth_time);
    sqlite3_bind_text(st, 7, rt->sid, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, rt->issued_at);
    sqlite3_bind_int64(st, 9, rt->expires_at);
    bind_text_or_null(st, 10, rt->at_jti[0] ? rt->at_jti : NULL);
    sqlite3_bind_int64(st, 11, rt->at_expires_at);
    bind_text_or_null(st, 12, rt->resource);
    sqlite3_bind_int64(st, 13, rt->family_issued_at);
    bind_text_or_null(st, 14, rt->claims_userinfo);
    bind_text_or_null(st, 15, rt->claims_id_token);
    bind_text_or_null(st, 16, rt->amr);
    return store_sqlite_exec(c, st, "refresh_token_insert");
}

static enum err record_issued(struct conn *c, const unsigned char hash[HASH_LEN],
                              const char *at_jti, int64_t at_expires_at,
                              const struct refresh_token *rt)
{
    sqlite3_stmt *st = store_sqlite_stmt(c, ST_CODE_RECORD_ISSUED);
    enum err e;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_blob(st, 1, hash, HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, at_jti, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, at_expires_at);
    if (rt)
        sqlite3_bind_blob(st, 4, rt->hash, HASH_LEN, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 4);
    bind_text_or_null(st, 5, rt ? rt->family : NULL);
    e = store_sqlite_exec(c, st, "code_record_issued");
    if (!e && sqlite3_changes(c->db) == 0)
        e = ERR_CONFLICT; /* reused meanwhile (or gone) */
    return e;
}

enum err store_sqlite_code_record_issued(struct store *s, const unsigned char hash[HASH_LEN],
                                         const char *at_jti, int64_t at_expires_at,
                                         const struct refresh_token *rt)
{
    struct conn *c = store_sqlite_conn_get(s);
    enum err e;

    if (!c)
        return ERR_STORE;
    e = store_sqlite_txn_begin(c);
    if (e)
        return e;
    e = record_issued(c, hash, at_jti, at_expires_at, rt);
    if (!e && rt)
        e = insert_refresh(c, rt);
    return store_sqlite_txn_end(c, e);
}

/* Within the caller's transaction: records the access token jti as revoked
 * until expires_at, and deletes the opaque token with that jti. */
static enum err revoke_access_token(struct conn *c, const char *jti, const char *client_id,
                                    int64_t expires_at)
{
    sqlite3_stmt *st = store_sqlite_stmt(c, ST_REVOCATION_ADD);
    enum err e;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, jti, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, client_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, expires_at);
    e = store_sqlite_exec(c, st, "revoke_access_token");
    st = e ? NULL : store_sqlite_stmt(c, ST_CODE_REVOKE_TOKEN);
    if (!st)
        return e ? e : ERR_STORE;
    sqlite3_bind_text(st, 1, jti, -1, SQLITE_STATIC);
    return store_sqlite_exec(c, st, "revoke_access_token");
}

/* Statement id run with the family bound. */
static enum err family_exec(struct conn *c, enum stmt_id id, const char *family)
{
    sqlite3_stmt *st = store_sqlite_stmt(c, id);

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, family, -1, SQLITE_STATIC);
    return store_sqlite_exec(c, st, "refresh_family_revoke");
}

/* Within the caller's transaction: the family's access tokens, then the
 * family itself. */
static enum err revoke_family(struct conn *c, const char *family)
{
    enum err e = family_exec(c, ST_REFRESH_REVOKE_ATS, family);

    if (!e)
        e = family_exec(c, ST_REFRESH_DELETE_ATS, family);
    if (!e)
        e = family_exec(c, ST_REFRESH_DELETE_FAMILY, family);
    return e;
}

enum err store_sqlite_code_revoke_issued(struct store *s, const struct auth_code *code)
{
    struct conn *c = store_sqlite_conn_get(s);
    enum err e;

    if (!c)
        return ERR_STORE;
    if (!code->at_jti[0] && !code->rt_family[0] && !code->front_at_jti[0])
        return ERR_OK;
    e = store_sqlite_txn_begin(c);
    if (e)
        return e;
    if (code->at_jti[0])
        e = revoke_access_token(c, code->at_jti, code->client_id, code->at_expires_at);
    if (!e && code->front_at_jti[0])
        e = revoke_access_token(c, code->front_at_jti, code->client_id, code->front_at_expires_at);
    if (!e && code->rt_family[0])
        e = revoke_family(c, code->rt_family);
    return store_sqlite_txn_end(c, e);
}

static enum err fill_consent(sqlite3_stmt *st, void *item)
{
    struct consent *cs = item;
    bool ok = true;

    cs->scope = store_sqlite_column_dup(st, 0);
    cs->created_at = sqlite3_column_int64(st, 1);
    cs->expires_at = sqlite3_column_int64(st, 2);
    cs->claims = column_dup_null(st, 3, &ok);
    return ok && cs->scope ? ERR_OK : ERR_NOMEM;
}

enum err store_sqlite_consent_get(struct store *s, const char *user_sub, const char *client_id,
                                  struct consent *out)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_CONSENT_GET) : NULL;
    size_t idlen = strlen(client_id);
    enum err e;

    memset(out, 0, sizeof *out);
    if (!st)
        return ERR_STORE;
    if (idlen > LIMIT_CLIENT_ID)
        return ERR_NOT_FOUND;
    sqlite3_bind_text(st, 1, user_sub, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, client_id, -1, SQLITE_STATIC);
    e = store_sqlite_step_one(c, st, fill_consent, out, "consent_get");
    if (!e) {
        out->user_sub = strdup(user_sub);
        memcpy(out->client_id, client_id, idlen + 1);
        if (!out->user_sub)
            e = ERR_NOMEM;
    }
    if (e)
        consent_clear(out);
    return e;
}

enum err store_sqlite_consent_put(struct store *s, const struct consent *cs)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_CONSENT_PUT) : NULL;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, cs->user_sub, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, cs->client_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, cs->scope, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, cs->created_at);
    sqlite3_bind_int64(st, 5, cs->expires_at);
    bind_text_or_null(st, 6, cs->claims);
    return store_sqlite_exec(c, st, "consent_put");
}

enum err store_sqlite_refresh_token_insert(struct store *s, const struct refresh_token *rt)
{
    struct conn *c = store_sqlite_conn_get(s);

    return c ? insert_refresh(c, rt) : ERR_STORE;
}

static enum err fill_refresh(sqlite3_stmt *st, void *item)
{
    struct refresh_token *rt = item;
    bool ok = true;

    if (column_copy(st, 0, rt->family, sizeof rt->family) ||
        column_copy(st, 1, rt->client_id, sizeof rt->client_id) ||
        column_copy(st, 5, rt->sid, sizeof rt->sid) ||
        column_copy(st, 9, rt->at_jti, sizeof rt->at_jti))
        return ERR_STORE;
    rt->user_sub = store_sqlite_column_dup(st, 2);
    rt->scope = store_sqlite_column_dup(st, 3);
    rt->auth_time = sqlite3_column_int64(st, 4);
    rt->issued_at = sqlite3_column_int64(st, 6);
    rt->expires_at = sqlite3_column_int64(st, 7);
    rt->used_at = sqlite3_column_int64(st, 8);
    rt->at_expires_at = sqlite3_column_int64(st, 10);
    rt->resource = column_dup_null(st, 11, &ok);
    rt->family_issued_at = sqlite3_column_int64(st, 12);
    rt->claims_userinfo = column_dup_null(st, 13, &ok);
    rt->claims_id_token = column_dup_null(st, 14, &ok);
    rt->amr = column_dup_null(st, 15, &ok);
    return ok && rt->user_sub && rt->scope ? ERR_OK : ERR_NOMEM;
}

enum err store_sqlite_refresh_token_get(struct store *s, const unsigned char hash[HASH_LEN],
                                        struct refresh_token *out)
{
    enum err e;

    memset(out, 0, sizeof *out);
    e = row_by_hash(s, ST_REFRESH_GET, hash, fill_refresh, out, "refresh_token_get");
    if (e)
        refresh_token_clear(out);
    else
        memcpy(out->hash, hash, HASH_LEN);
    return e;
}

/* Marks the token used; ERR_CONFLICT when it was used already or is gone. */
static enum err mark_used(struct conn *c, const unsigned char hash[HASH_LEN], int64_t now)
{
    sqlite3_stmt *st = store_sqlite_stmt(c, ST_REFRESH_MARK_USED);
    enum err e;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_blob(st, 1, hash, HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    e = store_sqlite_exec(c, st, "refresh_token_rotate");
    if (!e && sqlite3_changes(c->db) == 0)
        e = ERR_CONFLICT;
    return e;
}

/* Reuse: the family goes, and the access token issued for next with it. */
static enum err revoke_reused(struct conn *c, const struct refresh_token *next)
{
    enum err e = revoke_family(c, next->family);

    return e ? e : revoke_access_token(c, next->at_jti, next->client_id, next->at_expires_at);
}

enum err store_sqlite_refresh_token_rotate(struct store *s, const unsigned char hash[HASH_LEN],
                                           int64_t now, const struct refresh_token *next)
{
    struct conn *c = store_sqlite_conn_get(s);
    enum err e;

    if (!c)
        return ERR_STORE;
    e = store_sqlite_txn_begin(c);
    if (e)
        return e;
    e = mark_used(c, hash, now);
    if (e == ERR_CONFLICT) {
        /* committed: the revocation must stand, and the caller is told */
        e = store_sqlite_txn_end(c, revoke_reused(c, next));
        return e ? e : ERR_CONFLICT;
    }
    if (!e)
        e = insert_refresh(c, next);
    return store_sqlite_txn_end(c, e);
}

enum err store_sqlite_refresh_family_revoke(struct store *s, const char *family)
{
    struct conn *c = store_sqlite_conn_get(s);
    enum err e;

    if (!c)
        return ERR_STORE;
    e = store_sqlite_txn_begin(c);
    if (e)
        return e;
    e = revoke_family(c, family);
    return store_sqlite_txn_end(c, e);
}

/* fill_session, and the address and browser (columns 6 and 7) a listed
 * session shows. */
static enum err fill_listed_session(sqlite3_stmt *st, void *item)
{
    struct session *se = item;
    enum err e;

    memset(se, 0, sizeof *se);
    e = fill_session(st, se);
    if (!e && sqlite3_column_type(st, 6) != SQLITE_NULL &&
        !(se->address = store_sqlite_column_dup(st, 6)))
        e = ERR_NOMEM;
    if (!e && sqlite3_column_type(st, 7) != SQLITE_NULL &&
        !(se->browser = store_sqlite_column_dup(st, 7)))
        e = ERR_NOMEM;
    return e;
}

enum err store_sqlite_sessions_of_user(struct store *s, const char *sub, int64_t now,
                                       struct session **out, size_t *n)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_SESSIONS_OF_USER) : NULL;
    enum err e;

    *out = NULL;
    *n = 0;
    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, sub, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_int64(st, 3, LIMIT_USER_SESSIONS);
    e = store_sqlite_collect(c, st, sizeof **out, fill_listed_session, (void **)out, n);
    if (e) {
        session_list_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return e;
}

enum err store_sqlite_session_end_for_user(struct store *s, const char *sub, const char *sid,
                                           bool others)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st =
        c ? store_sqlite_stmt(c, others ? ST_SESSION_END_OTHERS : ST_SESSION_END_SID) : NULL;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, sub, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, sid, -1, SQLITE_STATIC);
    return store_sqlite_exec_changed(c, st, others ? "session_end_others" : "session_end_sid",
                                     others ? ERR_OK : ERR_NOT_FOUND);
}
