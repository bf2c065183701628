/* The SQLite backend: one file in WAL mode, one connection per thread with
 * its prepared statements, migrations embedded from migrations/sqlite/. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "store/store.h"

extern const char *const sqlite_migrations[];
extern const size_t sqlite_migrations_count;
extern const struct store_ops sqlite_store_ops;

enum stmt_id {
    ST_CLIENT_GET,
    ST_CLIENT_INSERT,
    ST_CLIENT_UPDATE,
    ST_CLIENT_DELETE,
    ST_CLIENT_LIST,
    ST_KEY_INSERT,
    ST_KEY_RETIRE,
    ST_KEY_LIST,
    ST_KEYS_VERSION,
    ST_TOKEN_INSERT,
    ST_TOKEN_GET,
    ST_TOKEN_DELETE,
    ST_REVOCATION_ADD,
    ST_TOKEN_STATE,
    ST_SWEEP_TOKENS,
    ST_SWEEP_REVOCATIONS,
    ST_SWEEP_KEYS,
    ST_BEGIN,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_COUNT
};

#define CLIENT_COLUMNS                                                                             \
    "id, name, type, secret_hash, grant_types, response_types, redirect_uris, "                    \
    "post_logout_redirect_uris, scope, token_endpoint_auth_method, access_token_format, "          \
    "enabled, created_at"

static const char *const sql[ST_COUNT] = {
    [ST_CLIENT_GET] = "SELECT " CLIENT_COLUMNS " FROM clients WHERE id = ?1",
    [ST_CLIENT_INSERT] = "INSERT INTO clients (" CLIENT_COLUMNS ", updated_at) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)",
    [ST_CLIENT_UPDATE] = "UPDATE clients SET name = ?2, type = ?3, secret_hash = ?4, "
                         "grant_types = ?5, response_types = ?6, redirect_uris = ?7, "
                         "post_logout_redirect_uris = ?8, scope = ?9, "
                         "token_endpoint_auth_method = ?10, access_token_format = ?11, "
                         "enabled = ?12, updated_at = ?14 WHERE id = ?1",
    [ST_CLIENT_DELETE] = "DELETE FROM clients WHERE id = ?1",
    [ST_CLIENT_LIST] = "SELECT " CLIENT_COLUMNS " FROM clients ORDER BY created_at, rowid",
    [ST_KEY_INSERT] = "INSERT INTO signing_keys (kid, alg, private_enc, public_jwk, created_at, "
                      "not_before, retire_after) VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL)",
    [ST_KEY_RETIRE] = "UPDATE signing_keys SET retire_after = ?2 "
                      "WHERE retire_after IS NULL AND kid <> ?1",
    [ST_KEY_LIST] = "SELECT kid, alg, private_enc, public_jwk, created_at, not_before, "
                    "retire_after FROM signing_keys ORDER BY not_before, created_at, rowid",
    [ST_KEYS_VERSION] = "SELECT value FROM meta WHERE name = 'keys_version'",
    [ST_TOKEN_INSERT] = "INSERT INTO tokens (hash, kind, jti, client_id, subject, scope, "
                        "issued_at, expires_at) VALUES (?1, 'access', ?2, ?3, ?4, ?5, ?6, ?7)",
    [ST_TOKEN_GET] = "SELECT jti, client_id, subject, scope, issued_at, expires_at "
                     "FROM tokens WHERE hash = ?1",
    [ST_TOKEN_DELETE] = "DELETE FROM tokens WHERE hash = ?1",
    [ST_REVOCATION_ADD] = "INSERT INTO revoked_tokens (jti, client_id, expires_at) "
                          "VALUES (?1, ?2, ?3) ON CONFLICT (jti) DO NOTHING",
    [ST_TOKEN_STATE] = "SELECT enabled, EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = ?2) "
                       "FROM clients WHERE id = ?1",
    [ST_SWEEP_TOKENS] = "DELETE FROM tokens WHERE expires_at < ?1",
    [ST_SWEEP_REVOCATIONS] = "DELETE FROM revoked_tokens WHERE expires_at < ?1",
    [ST_SWEEP_KEYS] = "DELETE FROM signing_keys WHERE retire_after IS NOT NULL "
                      "AND retire_after < ?1",
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
};

struct conn {
    sqlite3 *db;
    sqlite3_stmt *stmts[ST_COUNT];
    pthread_mutex_t *write_lock; /* the store's */
    bool in_txn;                 /* holds write_lock for an explicit transaction */
    struct conn *next;
};

struct sqlite_store {
    struct store base;
    char *path;
    pthread_key_t key;
    pthread_mutex_t lock; /* guards conns */
    /* Writers of this process take turns here rather than in SQLite's busy
     * handler, which sleeps in steps of up to 100 ms and so turned a brief
     * wait for the write lock into long latency spikes. Other processes
     * (the CLI) still meet the busy handler, rarely. */
    pthread_mutex_t write_lock;
    struct conn *conns;
};

/* Maps an SQLite result to ours. A full disk, a read-only file or a lock
 * held past the busy timeout are passing conditions: the client may retry. */
static enum err fail(sqlite3 *db, int rc, const char *what)
{
    log_kv(LOG_ERROR, "database error", "op", what, "error", sqlite3_errmsg(db), NULL);
    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
        return ERR_CONFLICT;
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
        return ERR_TEMPORARILY_UNAVAILABLE;
    case SQLITE_NOMEM:
        return ERR_NOMEM;
    default:
        return ERR_STORE;
    }
}

static enum err conn_open(const char *path, struct conn **out)
{
    static const char pragmas[] = "PRAGMA journal_mode = WAL;"
                                  "PRAGMA synchronous = NORMAL;"
                                  "PRAGMA foreign_keys = ON;";
    struct conn *c = calloc(1, sizeof *c);
    int rc;

    if (!c)
        return ERR_NOMEM;
    rc = sqlite3_open_v2(path, &c->db,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_busy_timeout(c->db, 10000);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(c->db, pragmas, NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        enum err e = c->db ? fail(c->db, rc, "open") : ERR_NOMEM;
        sqlite3_close(c->db);
        free(c);
        return e;
    }
    *out = c;
    return ERR_OK;
}

static void conn_close(struct conn *c)
{
    size_t i;

    for (i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(c->stmts[i]);
    sqlite3_close(c->db);
    free(c);
}

/* This thread's connection, opened on first use. */
static struct conn *conn_get(struct store *s)
{
    struct sqlite_store *ss = (struct sqlite_store *)s;
    struct conn *c = pthread_getspecific(ss->key);

    if (c)
        return c;
    if (conn_open(ss->path, &c))
        return NULL;
    c->write_lock = &ss->write_lock;
    pthread_setspecific(ss->key, c);
    pthread_mutex_lock(&ss->lock);
    c->next = ss->conns;
    ss->conns = c;
    pthread_mutex_unlock(&ss->lock);
    return c;
}

/* The prepared statement id on c, reset and ready for binding. */
static sqlite3_stmt *stmt(struct conn *c, enum stmt_id id)
{
    if (!c->stmts[id] && sqlite3_prepare_v3(c->db, sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                                            &c->stmts[id], NULL) != SQLITE_OK) {
        fail(c->db, SQLITE_ERROR, sql[id]);
        return NULL;
    }
    return c->stmts[id];
}

static void done(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

/* Runs a statement that returns no rows. */
static enum err exec_simple(struct conn *c, enum stmt_id id);

/* Runs a statement that returns no rows (a write), one writer of this
 * process at a time. */
static enum err exec_stmt(struct conn *c, sqlite3_stmt *st, const char *what)
{
    enum err e;
    int rc;

    if (!c->in_txn)
        pthread_mutex_lock(c->write_lock);
    rc = sqlite3_step(st);
    if (!c->in_txn)
        pthread_mutex_unlock(c->write_lock);
    e = rc == SQLITE_DONE ? ERR_OK : fail(c->db, rc, what);
    done(st);
    return e;
}

/* BEGIN IMMEDIATE, holding the write turn until txn_end. */
static enum err txn_begin(struct conn *c)
{
    enum err e;

    pthread_mutex_lock(c->write_lock);
    c->in_txn = true;
    e = exec_simple(c, ST_BEGIN);
    if (e) {
        c->in_txn = false;
        pthread_mutex_unlock(c->write_lock);
    }
    return e;
}

static enum err txn_end(struct conn *c, enum err result)
{
    enum err e = exec_simple(c, result ? ST_ROLLBACK : ST_COMMIT);

    c->in_txn = false;
    pthread_mutex_unlock(c->write_lock);
    return result ? result : e;
}

static enum err exec_simple(struct conn *c, enum stmt_id id)
{
    sqlite3_stmt *st = stmt(c, id);

    return st ? exec_stmt(c, st, sql[id]) : ERR_STORE;
}

static char *column_dup(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);

    return strdup(t ? (const char *)t : "");
}

static enum err row_to_client(sqlite3_stmt *st, struct client *c)
{
    const char *id = (const char *)sqlite3_column_text(st, 0);
    const char *type = (const char *)sqlite3_column_text(st, 2);
    const char *method = (const char *)sqlite3_column_text(st, 9);
    const char *format = (const char *)sqlite3_column_text(st, 10);
    enum err rc = ERR_OK;

    memset(c, 0, sizeof *c);
    if (!id || strlen(id) > LIMIT_CLIENT_ID || !type || !method || !format)
        return ERR_STORE;
    memcpy(c->id, id, strlen(id) + 1);
    if (client_type_parse(type, &c->type) || auth_method_parse(method, &c->auth_method) ||
        token_format_parse(format, &c->token_format))
        return ERR_STORE;
    if (sqlite3_column_bytes(st, 3) == HASH_LEN) {
        memcpy(c->secret_hash, sqlite3_column_blob(st, 3), HASH_LEN);
        c->has_secret = true;
    }
    c->name = column_dup(st, 1);
    c->scope = column_dup(st, 8);
    if (!c->name || !c->scope)
        rc = ERR_NOMEM;
    if (!rc)
        rc = strlist_split(&c->grant_types, (const char *)sqlite3_column_text(st, 4), " ");
    if (!rc)
        rc = strlist_split(&c->response_types, (const char *)sqlite3_column_text(st, 5), ",");
    if (!rc)
        rc = strlist_split(&c->redirect_uris, (const char *)sqlite3_column_text(st, 6), " ");
    if (!rc)
        rc = strlist_split(&c->post_logout_redirect_uris,
                           (const char *)sqlite3_column_text(st, 7), " ");
    c->enabled = sqlite3_column_int(st, 11) != 0;
    c->created_at = sqlite3_column_int64(st, 12);
    if (rc)
        client_clear(c);
    return rc;
}

static enum err sqlite_client_get(struct store *s, const char *id, struct client *out)
{
    struct conn *c = conn_get(s);
    sqlite3_stmt *st = c ? stmt(c, ST_CLIENT_GET) : NULL;
    enum err e;
    int rc;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        e = row_to_client(st, out);
    else if (rc == SQLITE_DONE)
        e = ERR_NOT_FOUND;
    else
        e = fail(c->db, rc, "client_get");
    done(st);
    return e;
}

/* Binds every column of c for ST_CLIENT_INSERT / ST_CLIENT_UPDATE. The joined
 * lists are freed by SQLite (SQLITE_TRANSIENT copies them first). */
static enum err bind_client(sqlite3_stmt *st, const struct client *c)
{
    char *lists[4] = {
        strlist_join(&c->grant_types, " "),
        strlist_join(&c->response_types, ","),
        strlist_join(&c->redirect_uris, " "),
        strlist_join(&c->post_logout_redirect_uris, " "),
    };
    enum err e = ERR_OK;
    int i;

    for (i = 0; i < 4; i++)
        if (!lists[i])
            e = ERR_NOMEM;
    if (!e) {
        sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, c->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, client_type_name(c->type), -1, SQLITE_STATIC);
        if (c->has_secret)
            sqlite3_bind_blob(st, 4, c->secret_hash, HASH_LEN, SQLITE_STATIC);
        for (i = 0; i < 4; i++)
            sqlite3_bind_text(st, 5 + i, lists[i], -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 9, c->scope ? c->scope : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 10, auth_method_name(c->auth_method), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 11, token_format_name(c->token_format), -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 12, c->enabled);
        sqlite3_bind_int64(st, 13, c->created_at);
        sqlite3_bind_int64(st, 14, clock_now());
    }
    for (i = 0; i < 4; i++)
        free(lists[i]);
    return e;
}

static enum err client_write(struct store *s, const struct client *cl, enum stmt_id id)
{
    struct conn *c = conn_get(s);
    sqlite3_stmt *st = c ? stmt(c, id) : NULL;
    enum err e;

    if (!st)
        return ERR_STORE;
    e = bind_client(st, cl);
    if (e) {
        done(st);
        return e;
    }
    e = exec_stmt(c, st, sql[id]);
    if (!e && id == ST_CLIENT_UPDATE && sqlite3_changes(c->db) == 0)
        e = ERR_NOT_FOUND;
    return e;
}

static enum err sqlite_client_insert(struct store *s, const struct client *cl)
{
    return client_write(s, cl, ST_CLIENT_INSERT);
}

static enum err sqlite_client_update(struct store *s, const struct client *cl)
{
    return client_write(s, cl, ST_CLIENT_UPDATE);
}

static enum err sqlite_client_delete(struct store *s, const char *id)
{
    struct conn *c = conn_get(s);
    sqlite3_stmt *st = c ? stmt(c, ST_CLIENT_DELETE) : NULL;
    enum err e;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    e = exec_stmt(c, st, "client_delete");
    if (!e && sqlite3_changes(c->db) == 0)
        e = ERR_NOT_FOUND;
    return e;
}

/* Steps st to the end, growing *out by one element of `size` bytes per row
 * and filling it with fill(). */
static enum err collect(struct conn *c, sqlite3_stmt *st, size_t size,
                        enum err (*fill)(sqlite3_stmt *, void *), void **out, size_t *n)
{
    char *items = NULL, *grown;
    size_t count = 0;
    enum err e = ERR_OK;
    int rc;

    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        grown = realloc(items, (count + 1) * size);
        if (!grown) {
            e = ERR_NOMEM;
            break;
        }
        items = grown;
        e = fill(st, items + count * size);
        if (e)
            break;
        count++;
    }
    if (!e && rc != SQLITE_DONE)
        e = fail(c->db, rc, "list");
    done(st);
    *out = items;
    *n = count;
    return e;
}

static enum err fill_client(sqlite3_stmt *st, void *item)
{
    return row_to_client(st, item);
}

static enum err sqlite_client_list(struct store *s, struct client **out, size_t *n)
{
    struct conn *c = conn_get(s);
    sqlite3_stmt *st = c ? stmt(c, ST_CLIENT_LIST) : NULL;
    void *items;
    enum err e;

    if (!st)
        return ERR_STORE;
    e = collect(c, st, sizeof **out, fill_client, &items, n);
    if (e) {
        client_list_free(items, *n);
        return e;
    }
    *out = items;
    return ERR_OK;
}

static enum err insert_key(struct conn *c, const struct signing_key *k)
{
    sqlite3_stmt *st = stmt(c, ST_KEY_INSERT);

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, k->kid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, k->alg, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, k->private_enc, (int)k->private_enc_len, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, k->public_jwk, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, k->created_at);
    sqlite3_bind_int64(st, 6, k->not_before);
    return exec_stmt(c, st, "key_insert");
}

static enum err retire_keys(struct conn *c, const char *except, int64_t when)
{
    sqlite3_stmt *st = stmt(c, ST_KEY_RETIRE);

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, except, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, when);
    return exec_stmt(c, st, "key_retire");
}

static enum err sqlite_key_add(struct store *s, const struct signing_key *k, int64_t retire_others)
{
    struct conn *c = conn_get(s);
    enum err e;

    if (!c)
        return ERR_STORE;
    e = txn_begin(c);
    if (e)
        return e;
    e = insert_key(c, k);
    if (!e)
        e = retire_keys(c, k->kid, retire_others);
    return txn_end(c, e);
}

static enum err fill_key(sqlite3_stmt *st, void *item)
{
    struct signing_key *k = item;
    const char *kid = (const char *)sqlite3_column_text(st, 0);
    const char *alg = (const char *)sqlite3_column_text(st, 1);
    int len = sqlite3_column_bytes(st, 2);

    memset(k, 0, sizeof *k);
    if (!kid || !alg || strlen(kid) >= sizeof k->kid || strlen(alg) >= sizeof k->alg || len <= 0)
        return ERR_STORE;
    memcpy(k->kid, kid, strlen(kid) + 1);
    memcpy(k->alg, alg, strlen(alg) + 1);
    k->private_enc = malloc((size_t)len);
    k->public_jwk = column_dup(st, 3);
    if (!k->private_enc || !k->public_jwk) {
        signing_key_clear(k);
        return ERR_NOMEM;
    }
    memcpy(k->private_enc, sqlite3_column_blob(st, 2), (size_t)len);
    k->private_enc_len = (size_t)len;
    k->created_at = sqlite3_column_int64(st, 4);
    k->not_before = sqlite3_column_int64(st, 5);
    k->retire_after = sqlite3_column_int64(st, 6);
    return ERR_OK;
}

static enum err sqlite_key_list(struct store *s, struct signing_key **out, size_t *n)
{
    struct conn *c = conn_get(s);
    sqlite3_stmt *st = c ? stmt(c, ST_KEY_LIST) : NULL;
    void *items;
    enum err e;

    if (!st)
        return ERR_STORE;
    e = collect(c, st, sizeof **out, fill_key, &items, n);
    if (e) {
        signing_key_list_free(items, *n);
        return e;
    }
    *out = items;
    return ERR_OK;
}

static enum err sqlite_keys_version(struct store *s, int64_t *version)
{
    struct conn *c = conn_get(s);
    sqlite3_stmt *st = c ? stmt(c, ST_KEYS_VERSION) : NULL;
    enum err e = ERR_OK;
    int rc;

    if (!st)
        return ERR_STORE;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *version = sqlite3_column_int64(st, 0);
    else
        e = fail(c->db, rc, "keys_version");
    done(st);
    return e;
}

static enum err sqlite_token_insert(struct store *s, const struct token *t)
{
    struct conn *c = conn_get(s);
    sqlite3_stmt *st = c ? stmt(c, ST_TOKEN_INSERT) : NULL;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_blob(st, 1, t->hash, HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, t->jti, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, t->client_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, t->subject, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, t->scope, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, t->issued_at);
    sqlite3_bind_int64(st, 7, t->expires_at);
    return exec_stmt(c, st, "token_insert");
}

static enum err row_to_token(sqlite3_stmt *st, struct token *t)
{
    const char *jti = (const char *)sqlite3_column_text(st, 0);
    const char *client_id = (const char *)sqlite3_column_text(st, 1);

    if (!jti || !client_id || strlen(jti) >= sizeof t->jti || strlen(client_id) > LIMIT_CLIENT_ID)
        return ERR_STORE;
    memcpy(t->jti, jti, strlen(jti) + 1);
    memcpy(t->client_id, client_id, strlen(client_id) + 1);
    t->subject = column_dup(st, 2);
    t->scope = column_dup(st, 3);
    t->issued_at = sqlite3_column_int64(st, 4);
    t->expires_at = sqlite3_column_int64(st, 5);
    if (!t->subject || !t->scope) {
        token_clear(t);
        return ERR_NOMEM;
    }
    return ERR_OK;
}

static enum err sqlite_token_get(struct store *s, const unsigned char hash[HASH_LEN],
                                 struct token *out)
{
    struct conn *c = conn_get(s);
    sqlite3_stmt *st = c ? stmt(c, ST_TOKEN_GET) : NULL;
    enum err e;
    int rc;

    if (!st)
        return ERR_STORE;
    memset(out, 0, sizeof *out);
    sqlite3_bind_blob(st, 1, hash, HASH_LEN, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        e = row_to_token(st, out);
    else if (rc == SQLITE_DONE)
        e = ERR_NOT_FOUND;
    else
        e = fail(c->db, rc, "token_get");
    if (!e)
        memcpy(out->hash, hash, HASH_LEN);
    done(st);
    return e;
}

static enum err sqlite_token_delete(struct store *s, const unsigned char hash[HASH_LEN])
{
    struct conn *c = conn_get(s);
    sqlite3_stmt *st = c ? stmt(c, ST_TOKEN_DELETE) : NULL;
    enum err e;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_blob(st, 1, hash, HASH_LEN, SQLITE_STATIC);
    e = exec_stmt(c, st, "token_delete");
    if (!e && sqlite3_changes(c->db) == 0)
        e = ERR_NOT_FOUND;
    return e;
}

static enum err sqlite_revocation_add(struct store *s, const char *jti, const char *client_id,
                                      int64_t expires_at)
{
    struct conn *c = conn_get(s);
    sqlite3_stmt *st = c ? stmt(c, ST_REVOCATION_ADD) : NULL;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, jti, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, client_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, expires_at);
    return exec_stmt(c, st, "revocation_add");
}

static enum err sqlite_token_state(struct store *s, const char *client_id, const char *jti,
                                   struct token_state *out)
{
    struct conn *c = conn_get(s);
    sqlite3_stmt *st = c ? stmt(c, ST_TOKEN_STATE) : NULL;
    enum err e = ERR_OK;
    int rc;

    if (!st)
        return ERR_STORE;
    memset(out, 0, sizeof *out);
    sqlite3_bind_text(st, 1, client_id, -1, SQLITE_STATIC);
    if (jti)
        sqlite3_bind_text(st, 2, jti, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->client_exists = true;
        out->client_enabled = sqlite3_column_int(st, 0) != 0;
        out->revoked = sqlite3_column_int(st, 1) != 0;
    } else if (rc != SQLITE_DONE) {
        e = fail(c->db, rc, "token_state");
    }
    done(st);
    return e;
}

static enum err sweep_one(struct conn *c, enum stmt_id id, int64_t now, int64_t *removed)
{
    sqlite3_stmt *st = stmt(c, id);
    enum err e;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_int64(st, 1, now);
    e = exec_stmt(c, st, "sweep");
    if (!e)
        *removed += sqlite3_changes(c->db);
    return e;
}

static enum err sqlite_sweep(struct store *s, int64_t now, int64_t *removed)
{
    struct conn *c = conn_get(s);
    enum err e;

    *removed = 0;
    if (!c)
        return ERR_STORE;
    e = sweep_one(c, ST_SWEEP_TOKENS, now, removed);
    if (!e)
        e = sweep_one(c, ST_SWEEP_REVOCATIONS, now, removed);
    if (!e)
        e = sweep_one(c, ST_SWEEP_KEYS, now, removed);
    return e;
}

static enum err schema_version(struct conn *c, int *version)
{
    sqlite3_stmt *st = NULL;
    int rc;

    rc = sqlite3_exec(c->db, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
                      NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(c->db, "SELECT coalesce(max(version), 0) FROM schema_version", -1,
                                &st, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        *version = sqlite3_column_int(st, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? ERR_OK : fail(c->db, rc, "schema_version");
}

static enum err apply_migration(struct conn *c, int version)
{
    char record[96];
    int rc;

    rc = sqlite3_exec(c->db, sqlite_migrations[version - 1], NULL, NULL, NULL);
    if (rc == SQLITE_OK) {
        snprintf(record, sizeof record, "INSERT INTO schema_version (version) VALUES (%d)",
                 version);
        rc = sqlite3_exec(c->db, record, NULL, NULL, NULL);
    }
    if (rc != SQLITE_OK)
        return fail(c->db, rc, "migrate");
    log_kv(LOG_INFO, "applied migration", "backend", "sqlite", "version",
           (snprintf(record, sizeof record, "%d", version), record), NULL);
    return ERR_OK;
}

static enum err sqlite_migrate(struct store *s)
{
    struct conn *c = conn_get(s);
    int version = 0;
    enum err e;

    if (!c)
        return ERR_STORE;
    /* IMMEDIATE: two processes migrating at once take turns, not fail */
    e = txn_begin(c);
    if (e)
        return e;
    e = schema_version(c, &version);
    while (!e && (size_t)version < sqlite_migrations_count)
        e = apply_migration(c, ++version);
    return txn_end(c, e);
}

static void sqlite_close(struct store *s)
{
    struct sqlite_store *ss = (struct sqlite_store *)s;
    struct conn *c, *next;

    for (c = ss->conns; c; c = next) {
        next = c->next;
        conn_close(c);
    }
    pthread_key_delete(ss->key);
    pthread_mutex_destroy(&ss->lock);
    pthread_mutex_destroy(&ss->write_lock);
    free(ss->path);
    free(ss);
}

static enum err sqlite_open(const char *url, struct store **out, char *why, size_t whylen)
{
    struct sqlite_store *ss = calloc(1, sizeof *ss);
    const char *path = url + strlen("sqlite:");
    struct conn *c;
    enum err e;

    if (!ss)
        return ERR_NOMEM;
    ss->base.ops = &sqlite_store_ops;
    ss->path = strdup(path);
    pthread_mutex_init(&ss->lock, NULL);
    pthread_mutex_init(&ss->write_lock, NULL);
    if (!ss->path || pthread_key_create(&ss->key, NULL)) {
        free(ss->path);
        free(ss);
        return ERR_NOMEM;
    }
    c = conn_get(&ss->base);
    e = c ? sqlite_migrate(&ss->base) : ERR_STORE;
    if (e) {
        snprintf(why, whylen, "cannot open database %s (%s)", url,
                 c ? sqlite3_errmsg(c->db) : "open failed");
        sqlite_close(&ss->base);
        return e;
    }
    *out = &ss->base;
    return ERR_OK;
}

const struct store_ops sqlite_store_ops = {
    .scheme = "sqlite:",
    .open = sqlite_open,
    .close = sqlite_close,
    .migrate = sqlite_migrate,
    .client_get = sqlite_client_get,
    .client_insert = sqlite_client_insert,
    .client_update = sqlite_client_update,
    .client_delete = sqlite_client_delete,
    .client_list = sqlite_client_list,
    .key_add = sqlite_key_add,
    .key_list = sqlite_key_list,
    .keys_version = sqlite_keys_version,
    .token_insert = sqlite_token_insert,
    .token_get = sqlite_token_get,
    .token_delete = sqlite_token_delete,
    .revocation_add = sqlite_revocation_add,
    .token_state = sqlite_token_state,
    .sweep = sqlite_sweep,
};
