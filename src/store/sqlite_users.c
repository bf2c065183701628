/* SQLite backend: the users table. */
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/text.h"
#include "store/sqlite_internal.h"

/* Columns as in USER_COLUMNS: sub, username, password_hash, claims, enabled,
 * created_at, updated_at. */
static enum err row_to_user(sqlite3_stmt *st, struct user *u)
{
    const char *sub = (const char *)sqlite3_column_text(st, 0);
    const char *username = (const char *)sqlite3_column_text(st, 1);

    memset(u, 0, sizeof *u);
    if (!text_copy(u->sub, sizeof u->sub, sub) ||
        !text_copy(u->username, sizeof u->username, username))
        return ERR_STORE;
    if (sqlite3_column_type(st, 2) != SQLITE_NULL) {
        u->password_hash = store_sqlite_column_dup(st, 2);
        if (!u->password_hash)
            return ERR_NOMEM;
    }
    u->claims = store_sqlite_column_dup(st, 3);
    if (!u->claims) {
        user_clear(u);
        return ERR_NOMEM;
    }
    u->enabled = sqlite3_column_int(st, 4) != 0;
    u->created_at = sqlite3_column_int64(st, 5);
    u->updated_at = sqlite3_column_int64(st, 6);
    return ERR_OK;
}

static enum err fill_user(sqlite3_stmt *st, void *out)
{
    return row_to_user(st, out);
}

/* The one row of a lookup by a text key. */
static enum err user_lookup(struct store *s, enum stmt_id id, const char *key, struct user *out)
{
    return store_sqlite_row_by_text(s, id, key, fill_user, out, "user_get");
}

enum err store_sqlite_user_get(struct store *s, const char *sub, struct user *out)
{
    return user_lookup(s, ST_USER_GET, sub, out);
}

enum err store_sqlite_user_get_by_username(struct store *s, const char *username, struct user *out)
{
    return user_lookup(s, ST_USER_GET_BY_USERNAME, username, out);
}

/* Runs the write st (bound by the caller); ERR_NOT_FOUND when it changed no
 * row and must_change is set. */
static enum err user_write(struct conn *c, sqlite3_stmt *st, const char *what, bool must_change)
{
    return store_sqlite_exec_changed(c, st, what, must_change ? ERR_NOT_FOUND : ERR_OK);
}

enum err store_sqlite_user_insert(struct store *s, const struct user *u)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_USER_INSERT) : NULL;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, u->sub, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, u->username, -1, SQLITE_STATIC);
    if (u->password_hash)
        sqlite3_bind_text(st, 3, u->password_hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, u->claims ? u->claims : "{}", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, u->enabled);
    sqlite3_bind_int64(st, 6, u->created_at);
    return user_write(c, st, "user_insert", false);
}

enum err store_sqlite_user_update(struct store *s, const struct user *u)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_USER_UPDATE) : NULL;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, u->sub, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, u->username, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, u->claims ? u->claims : "{}", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, u->enabled);
    sqlite3_bind_int64(st, 5, clock_now());
    return user_write(c, st, "user_update", true);
}

/* DELETE … WHERE <sub column> = sub by statement id. */
static enum err delete_by_sub(struct conn *c, enum stmt_id id, const char *sub, bool must_change)
{
    sqlite3_stmt *st = store_sqlite_stmt(c, id);

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, sub, -1, SQLITE_STATIC);
    return user_write(c, st, "user_delete", must_change);
}

/* What speaks for the user refers to them by sub, with no foreign key (the
 * rows outlive nothing: they go with the user, in one transaction). */
enum err store_sqlite_user_delete(struct store *s, const char *sub)
{
    static const enum stmt_id owned[] = {ST_USER_DELETE_SESSIONS, ST_USER_DELETE_CODES,
                                         ST_USER_DELETE_CONSENTS, ST_USER_DELETE_REFRESH};
    struct conn *c = store_sqlite_conn_get(s);
    enum err e;
    size_t i;

    if (!c)
        return ERR_STORE;
    e = store_sqlite_txn_begin(c);
    if (e)
        return e;
    for (i = 0; !e && i < sizeof owned / sizeof owned[0]; i++)
        e = delete_by_sub(c, owned[i], sub, false);
    if (!e)
        e = delete_by_sub(c, ST_USER_DELETE, sub, true);
    return store_sqlite_txn_end(c, e);
}

static enum err set_password(struct conn *c, const char *sub, const char *hash,
                             const char *expected)
{
    sqlite3_stmt *st = store_sqlite_stmt(c, ST_USER_SET_PASSWORD);

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, sub, -1, SQLITE_STATIC);
    if (hash)
        sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, clock_now());
    if (expected)
        sqlite3_bind_text(st, 4, expected, -1, SQLITE_STATIC);
    return user_write(c, st, "user_set_password", true);
}

enum err store_sqlite_user_set_password(struct store *s, const char *sub, const char *hash,
                                        const char *expected)
{
    struct conn *c = store_sqlite_conn_get(s);
    enum err e;

    if (!c)
        return ERR_STORE;
    if (expected)
        return set_password(c, sub, hash, expected);
    e = store_sqlite_txn_begin(c);
    if (e)
        return e;
    e = set_password(c, sub, hash, NULL);
    if (!e)
        e = delete_by_sub(c, ST_USER_DELETE_SESSIONS, sub, false);
    if (!e)
        e = delete_by_sub(c, ST_USER_DELETE_REFRESH, sub, false);
    return store_sqlite_txn_end(c, e);
}

enum err store_sqlite_users_version(struct store *s, int64_t *version)
{
    return store_sqlite_counter(s, ST_USERS_VERSION, "users_version", version);
}

enum err store_sqlite_user_list(struct store *s, const char *after, size_t limit, struct user **out,
                                size_t *n)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_USER_LIST) : NULL;
    void *items;
    enum err e;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, after, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
    e = store_sqlite_collect(c, st, sizeof **out, fill_user, &items, n);
    if (e) {
        user_list_free(items, *n);
        return e;
    }
    *out = items;
    return ERR_OK;
}
