/* SQLite backend: second factors (migration 19; passkeys, migration 20, are
 * in sqlite_passkeys.c). The replay rules live in the statements: a TOTP
 * step is accepted only past the stored one, a recovery code only while
 * unused, each by one UPDATE. */
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "store/sqlite_internal.h"

enum err store_sqlite_totp_put(struct store *s, const struct totp_factor *f)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_TOTP_PUT) : NULL;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, f->user_sub, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, f->secret_sealed, (int)f->secret_sealed_len, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, f->confirmed);
    sqlite3_bind_int64(st, 4, f->last_step);
    sqlite3_bind_int64(st, 5, f->created_at);
    /* the insert selects the user: no row written means no such user */
    return store_sqlite_exec_changed(c, st, "totp_put", ERR_NOT_FOUND);
}

/* Columns: user_sub, secret_sealed, confirmed, last_step, created_at,
 * last_used_at. */
static enum err row_to_totp(sqlite3_stmt *st, void *out)
{
    struct totp_factor *f = out;
    int n = sqlite3_column_bytes(st, 1);

    memset(f, 0, sizeof *f);
    if (!text_copy(f->user_sub, sizeof f->user_sub, (const char *)sqlite3_column_text(st, 0)) ||
        n <= 0)
        return ERR_STORE;
    f->secret_sealed = malloc((size_t)n);
    if (!f->secret_sealed)
        return ERR_NOMEM;
    memcpy(f->secret_sealed, sqlite3_column_blob(st, 1), (size_t)n);
    f->secret_sealed_len = (size_t)n;
    f->confirmed = sqlite3_column_int(st, 2) != 0;
    f->last_step = sqlite3_column_int64(st, 3);
    f->created_at = sqlite3_column_int64(st, 4);
    f->last_used_at = sqlite3_column_int64(st, 5);
    return ERR_OK;
}

enum err store_sqlite_totp_get(struct store *s, const char *sub, struct totp_factor *out)
{
    return store_sqlite_row_by_text(s, ST_TOTP_GET, sub, row_to_totp, out, "totp_get");
}

enum err store_sqlite_totp_use(struct store *s, const char *sub, int64_t step, int64_t now,
                               bool confirm)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_TOTP_USE) : NULL;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, sub, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, step);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_int(st, 4, confirm);
    return store_sqlite_exec_changed(c, st, "totp_use", ERR_CONFLICT);
}

static enum err delete_by_sub(struct conn *c, enum stmt_id id, const char *sub, enum err none,
                              const char *what)
{
    sqlite3_stmt *st = store_sqlite_stmt(c, id);

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, sub, -1, SQLITE_STATIC);
    return store_sqlite_exec_changed(c, st, what, none);
}

enum err store_sqlite_totp_delete(struct store *s, const char *sub)
{
    struct conn *c = store_sqlite_conn_get(s);

    return c ? delete_by_sub(c, ST_TOTP_DELETE, sub, ERR_NOT_FOUND, "totp_delete") : ERR_STORE;
}

static enum err recovery_insert(struct conn *c, const char *sub, const unsigned char *hash,
                                int64_t now)
{
    sqlite3_stmt *st = store_sqlite_stmt(c, ST_RECOVERY_INSERT);

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, sub, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, hash, HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    return store_sqlite_exec_changed(c, st, "recovery_code_insert", ERR_NOT_FOUND);
}

enum err store_sqlite_recovery_codes_replace(struct store *s, const char *sub,
                                             const unsigned char (*hashes)[HASH_LEN], size_t n,
                                             int64_t now)
{
    struct conn *c = store_sqlite_conn_get(s);
    enum err e;
    size_t i;

    if (!c)
        return ERR_STORE;
    e = store_sqlite_txn_begin(c);
    if (e)
        return e;
    e = delete_by_sub(c, ST_RECOVERY_DELETE, sub, ERR_OK, "recovery_codes_delete");
    for (i = 0; !e && i < n; i++)
        e = recovery_insert(c, sub, hashes[i], now);
    return store_sqlite_txn_end(c, e);
}

enum err store_sqlite_recovery_code_use(struct store *s, const char *sub,
                                        const unsigned char hash[HASH_LEN], int64_t now)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_RECOVERY_USE) : NULL;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, sub, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, hash, HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    return store_sqlite_exec_changed(c, st, "recovery_code_use", ERR_NOT_FOUND);
}

static enum err fill_recovery(sqlite3_stmt *st, void *item)
{
    struct recovery_code *r = item;

    memset(r, 0, sizeof *r);
    if (sqlite3_column_bytes(st, 0) != HASH_LEN)
        return ERR_STORE;
    memcpy(r->hash, sqlite3_column_blob(st, 0), HASH_LEN);
    r->created_at = sqlite3_column_int64(st, 1);
    r->used_at = sqlite3_column_int64(st, 2);
    return ERR_OK;
}

enum err store_sqlite_recovery_codes_list(struct store *s, const char *sub,
                                          struct recovery_code **out, size_t *n)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_RECOVERY_LIST) : NULL;
    enum err e;

    *out = NULL;
    *n = 0;
    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, sub, -1, SQLITE_STATIC);
    e = store_sqlite_collect(c, st, sizeof **out, fill_recovery, (void **)out, n);
    if (e) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return e;
}

enum err store_sqlite_factors_delete(struct store *s, const char *sub)
{
    struct conn *c = store_sqlite_conn_get(s);
    enum err e;

    if (!c)
        return ERR_STORE;
    e = store_sqlite_txn_begin(c);
    if (e)
        return e;
    e = delete_by_sub(c, ST_TOTP_DELETE, sub, ERR_OK, "totp_delete");
    if (!e)
        e = delete_by_sub(c, ST_RECOVERY_DELETE, sub, ERR_OK, "recovery_codes_delete");
    if (!e)
        e = delete_by_sub(c, ST_PASSKEYS_DELETE, sub, ERR_OK, "passkeys_delete");
    return store_sqlite_txn_end(c, e);
}
