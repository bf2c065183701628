/* PostgreSQL backend: the users table. A username is compared and ordered
 * as lower(username COLLATE "C"), the expression of the unique index: ASCII
 * case ignored, as SQLite's NOCASE does. */
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/text.h"
#include "store/postgres_internal.h"

#define USER_COLUMNS "sub, username, password_hash, claims, enabled, created_at, updated_at"
/* the unique index's expression (001_schema.sql), and $1's */
#define USERNAME_KEY "lower(username COLLATE \"C\")"
#define PARAM_KEY "lower($1::text COLLATE \"C\")"

enum {
    USER_GET,
    USER_GET_BY_USERNAME,
    USER_INSERT,
    USER_UPDATE,
    USER_DELETE,
    USER_DELETE_SESSIONS,
    USER_DELETE_CODES,
    USER_DELETE_CONSENTS,
    USER_DELETE_REFRESH,
    USER_LIST,
    USER_SET_PASSWORD,
    USERS_VERSION,
};

static const struct pg_stmt sql[] = {
    [USER_GET] = {"user_get", "SELECT " USER_COLUMNS " FROM users WHERE sub = $1"},
    [USER_GET_BY_USERNAME] = {"user_get_by_username", "SELECT " USER_COLUMNS " FROM users "
                                                      "WHERE " USERNAME_KEY " = " PARAM_KEY},
    [USER_INSERT] = {"user_insert",
                     "INSERT INTO users (" USER_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $6)"},
    [USER_UPDATE] = {"user_update", "UPDATE users SET username = $2, claims = $3, enabled = $4, "
                                    "updated_at = $5 WHERE sub = $1"},
    [USER_DELETE] = {"user_delete", "DELETE FROM users WHERE sub = $1"},
    /* the sessions trigger queues their back-channel logouts */
    [USER_DELETE_SESSIONS] = {"user_delete_sessions", "DELETE FROM sessions WHERE user_sub = $1"},
    [USER_DELETE_CODES] = {"user_delete_codes", "DELETE FROM auth_codes WHERE user_sub = $1"},
    [USER_DELETE_CONSENTS] = {"user_delete_consents", "DELETE FROM consents WHERE user_sub = $1"},
    [USER_DELETE_REFRESH] = {"user_delete_refresh",
                             "DELETE FROM refresh_tokens WHERE user_sub = $1"},
    [USER_LIST] = {"user_list",
                   "SELECT " USER_COLUMNS " FROM users "
                   "WHERE " USERNAME_KEY " > " PARAM_KEY " ORDER BY " USERNAME_KEY " LIMIT $2"},
    [USER_SET_PASSWORD] = {"user_set_password",
                           "UPDATE users SET password_hash = $2, updated_at = $3 WHERE sub = $1 "
                           "AND ($4::text IS NULL OR password_hash = $4::text)"},
    [USERS_VERSION] = {"users_version", "SELECT value FROM meta WHERE name = 'users_version'"},
};

/* Row `row` of USER_COLUMNS into u (zeroed by the caller). */
static enum err fill_user(const PGresult *r, int row, void *item)
{
    struct user *u = item;
    enum err e = ERR_OK;

    if (!text_copy(u->sub, sizeof u->sub, PQgetvalue(r, row, 0)) ||
        !text_copy(u->username, sizeof u->username, PQgetvalue(r, row, 1)))
        return ERR_STORE;
    u->password_hash = store_pg_get_text_or_null(r, row, 2, &e);
    u->claims = store_pg_get_text(r, row, 3);
    u->enabled = store_pg_get_bool(r, row, 4);
    u->created_at = store_pg_get_int(r, row, 5);
    u->updated_at = store_pg_get_int(r, row, 6);
    return !e && u->claims ? ERR_OK : ERR_NOMEM;
}

/* The one row of a lookup by a text key. */
static enum err user_lookup(struct store *s, int id, const char *key, struct user *out)
{
    struct pg_params p = {0};
    enum err e;

    memset(out, 0, sizeof *out);
    store_pg_text(&p, key);
    e = store_pg_row(s, &sql[id], &p, fill_user, out);
    if (e)
        user_clear(out);
    return e;
}

enum err store_pg_user_get(struct store *s, const char *sub, struct user *out)
{
    return user_lookup(s, USER_GET, sub, out);
}

enum err store_pg_user_get_by_username(struct store *s, const char *username, struct user *out)
{
    return user_lookup(s, USER_GET_BY_USERNAME, username, out);
}

/* Runs the write id with p on c; ERR_NOT_FOUND when it changed no row and
 * must_change is set. */
static enum err user_write(struct pg_conn *c, int id, const struct pg_params *p, bool must_change)
{
    int64_t rows = 0;
    enum err e = store_pg_exec(c, &sql[id], p, &rows, sql[id].name);

    return !e && must_change && rows == 0 ? ERR_NOT_FOUND : e;
}

enum err store_pg_user_insert(struct store *s, const struct user *u)
{
    struct pg_params p = {0};

    store_pg_text(&p, u->sub);
    store_pg_text(&p, u->username);
    store_pg_text(&p, u->password_hash);
    store_pg_text(&p, u->claims ? u->claims : "{}");
    store_pg_bool(&p, u->enabled);
    store_pg_int(&p, u->created_at);
    return store_pg_run(s, &sql[USER_INSERT], &p, NULL);
}

/* One statement: disabling the user ends their sessions in it (trigger). */
enum err store_pg_user_update(struct store *s, const struct user *u)
{
    struct pg_params p = {0};

    store_pg_text(&p, u->sub);
    store_pg_text(&p, u->username);
    store_pg_text(&p, u->claims ? u->claims : "{}");
    store_pg_bool(&p, u->enabled);
    store_pg_int(&p, clock_now());
    return store_pg_change(s, &sql[USER_UPDATE], &p);
}

/* DELETE … WHERE <sub column> = sub by statement id. */
static enum err delete_by_sub(struct pg_conn *c, int id, const char *sub, bool must_change)
{
    struct pg_params p = {0};

    store_pg_text(&p, sub);
    return user_write(c, id, &p, must_change);
}

static enum err delete_body(struct pg_conn *c, void *arg)
{
    static const int owned[] = {USER_DELETE_SESSIONS, USER_DELETE_CODES, USER_DELETE_CONSENTS,
                                USER_DELETE_REFRESH};
    enum err e = ERR_OK;
    size_t i;

    for (i = 0; !e && i < sizeof owned / sizeof owned[0]; i++)
        e = delete_by_sub(c, owned[i], arg, false);
    return e ? e : delete_by_sub(c, USER_DELETE, arg, true);
}

/* What speaks for the user refers to them by sub, with no foreign key: it
 * goes with them, in one transaction (none of it when there is no user). */
enum err store_pg_user_delete(struct store *s, const char *sub)
{
    return store_pg_txn(s, delete_body, (void *)sub);
}

struct password_args {
    const char *sub, *hash, *expected;
    int64_t now;
};

static enum err set_password(struct pg_conn *c, const struct password_args *a)
{
    struct pg_params p = {0};

    store_pg_text(&p, a->sub);
    store_pg_text(&p, a->hash);
    store_pg_int(&p, a->now);
    store_pg_text(&p, a->expected);
    return user_write(c, USER_SET_PASSWORD, &p, true);
}

/* A new password ends the user's sessions and refresh tokens with it. */
static enum err new_password_body(struct pg_conn *c, void *arg)
{
    const struct password_args *a = arg;
    enum err e = set_password(c, a);

    if (!e)
        e = delete_by_sub(c, USER_DELETE_SESSIONS, a->sub, false);
    if (!e)
        e = delete_by_sub(c, USER_DELETE_REFRESH, a->sub, false);
    return e;
}

enum err store_pg_user_set_password(struct store *s, const char *sub, const char *hash,
                                    const char *expected)
{
    struct password_args a = {sub, hash, expected, clock_now()};
    enum err e;
    struct pg_conn *c;

    if (!expected)
        return store_pg_txn(s, new_password_body, &a);
    c = store_pg_conn(s, &e);
    return c ? set_password(c, &a) : e;
}

enum err store_pg_users_version(struct store *s, int64_t *version)
{
    return store_pg_counter(s, &sql[USERS_VERSION], version);
}

static void clear_item(void *item)
{
    user_clear(item);
}

enum err store_pg_user_list(struct store *s, const char *after, size_t limit, struct user **out,
                            size_t *n)
{
    struct pg_params p = {0};

    store_pg_text(&p, after);
    store_pg_int(&p, (int64_t)limit);
    return store_pg_list(s, &sql[USER_LIST], &p, sizeof **out, fill_user, clear_item, (void **)out,
                         n);
}
