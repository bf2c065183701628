/* SQLite backend: signing keys, stored tokens, revocations and the sweep. */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_internal.h"

static enum err insert_key(struct conn *c, const struct signing_key *k)
{
    sqlite3_stmt *st = store_sqlite_stmt(c, ST_KEY_INSERT);

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, k->kid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, k->alg, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, k->private_enc, (int)k->private_enc_len, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, k->public_jwk, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, k->created_at);
    sqlite3_bind_int64(st, 6, k->not_before);
    return store_sqlite_exec(c, st, "key_insert");
}

static enum err retire_keys(struct conn *c, const char *except, int64_t when)
{
    sqlite3_stmt *st = store_sqlite_stmt(c, ST_KEY_RETIRE);

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, except, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, when);
    return store_sqlite_exec(c, st, "key_retire");
}

enum err store_sqlite_key_add(struct store *s, const struct signing_key *k, int64_t retire_others)
{
    struct conn *c = store_sqlite_conn_get(s);
    enum err e;

    if (!c)
        return ERR_STORE;
    e = store_sqlite_txn_begin(c);
    if (e)
        return e;
    e = insert_key(c, k);
    if (!e && retire_others > 0)
        e = retire_keys(c, k->kid, retire_others);
    return store_sqlite_txn_end(c, e);
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
    k->public_jwk = store_sqlite_column_dup(st, 3);
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

enum err store_sqlite_key_list(struct store *s, struct signing_key **out, size_t *n)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_KEY_LIST) : NULL;
    void *items;
    enum err e;

    if (!st)
        return ERR_STORE;
    e = store_sqlite_collect(c, st, sizeof **out, fill_key, &items, n);
    if (e) {
        signing_key_list_free(items, *n);
        return e;
    }
    *out = items;
    return ERR_OK;
}

enum err store_sqlite_keys_version(struct store *s, int64_t *version)
{
    return store_sqlite_counter(s, ST_KEYS_VERSION, "keys_version", version);
}

enum err store_sqlite_token_insert(struct store *s, const struct token *t)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_TOKEN_INSERT) : NULL;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_blob(st, 1, t->hash, HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, t->jti, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, t->client_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, t->subject, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, t->scope, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, t->issued_at);
    sqlite3_bind_int64(st, 7, t->expires_at);
    if (t->audience)
        sqlite3_bind_text(st, 8, t->audience, -1, SQLITE_STATIC);
    if (t->claims_userinfo)
        sqlite3_bind_text(st, 9, t->claims_userinfo, -1, SQLITE_STATIC);
    return store_sqlite_exec(c, st, "token_insert");
}

static enum err row_to_token(sqlite3_stmt *st, struct token *t)
{
    const char *jti = (const char *)sqlite3_column_text(st, 0);
    const char *client_id = (const char *)sqlite3_column_text(st, 1);

    if (!jti || !client_id || strlen(jti) >= sizeof t->jti || strlen(client_id) > LIMIT_CLIENT_ID)
        return ERR_STORE;
    memcpy(t->jti, jti, strlen(jti) + 1);
    memcpy(t->client_id, client_id, strlen(client_id) + 1);
    t->subject = store_sqlite_column_dup(st, 2);
    t->scope = store_sqlite_column_dup(st, 3);
    if ((sqlite3_column_type(st, 6) != SQLITE_NULL &&
         !(t->audience = store_sqlite_column_dup(st, 6))) ||
        (sqlite3_column_type(st, 7) != SQLITE_NULL &&
         !(t->claims_userinfo = store_sqlite_column_dup(st, 7)))) {
        token_clear(t);
        return ERR_NOMEM;
    }
    t->issued_at = sqlite3_column_int64(st, 4);
    t->expires_at = sqlite3_column_int64(st, 5);
    if (!t->subject || !t->scope) {
        token_clear(t);
        return ERR_NOMEM;
    }
    return ERR_OK;
}

enum err store_sqlite_token_get(struct store *s, const unsigned char hash[HASH_LEN],
                                struct token *out)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_TOKEN_GET) : NULL;
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
        e = store_sqlite_fail(c->db, rc, "token_get");
    if (!e)
        memcpy(out->hash, hash, HASH_LEN);
    store_sqlite_done(st);
    return e;
}

enum err store_sqlite_token_delete(struct store *s, const unsigned char hash[HASH_LEN])
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_TOKEN_DELETE) : NULL;
    enum err e;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_blob(st, 1, hash, HASH_LEN, SQLITE_STATIC);
    e = store_sqlite_exec(c, st, "token_delete");
    if (!e && sqlite3_changes(c->db) == 0)
        e = ERR_NOT_FOUND;
    return e;
}

enum err store_sqlite_revocation_add(struct store *s, const char *jti, const char *client_id,
                                     int64_t expires_at)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_REVOCATION_ADD) : NULL;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, jti, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, client_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, expires_at);
    return store_sqlite_exec(c, st, "revocation_add");
}

enum err store_sqlite_token_state(struct store *s, const char *client_id, const char *jti,
                                  struct token_state *out)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_TOKEN_STATE) : NULL;
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
        e = store_sqlite_fail(c->db, rc, "token_state");
    }
    store_sqlite_done(st);
    return e;
}

static enum err sweep_one(struct conn *c, enum stmt_id id, int64_t now, int64_t *removed)
{
    sqlite3_stmt *st = store_sqlite_stmt(c, id);
    enum err e;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_int64(st, 1, now);
    e = store_sqlite_exec(c, st, "sweep");
    if (!e)
        *removed += sqlite3_changes(c->db);
    return e;
}

enum err store_sqlite_sweep(struct store *s, int64_t now, int64_t *removed)
{
    static const enum stmt_id sweeps[] = {
        ST_SWEEP_TOKENS,   ST_SWEEP_REVOCATIONS, ST_SWEEP_KEYS,     ST_SWEEP_SESSION_CLIENTS,
        ST_SWEEP_SESSIONS, ST_SWEEP_CODES,       ST_SWEEP_CONSENTS, ST_SWEEP_REFRESH,
        ST_SWEEP_PENDING,  ST_SWEEP_CHALLENGES,
    };
    struct conn *c = store_sqlite_conn_get(s);
    enum err e = ERR_OK;
    size_t i;

    *removed = 0;
    if (!c)
        return ERR_STORE;
    for (i = 0; i < sizeof sweeps / sizeof sweeps[0] && !e; i++)
        e = sweep_one(c, sweeps[i], now, removed);
    return e;
}
