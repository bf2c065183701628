/* SQLite backend: resources (RFC 8707), their scopes, and the longest token
 * lifetime recorded in meta. */
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "store/sqlite_internal.h"

static enum err row_to_resource(sqlite3_stmt *st, struct resource *r)
{
    const char *format = (const char *)sqlite3_column_text(st, 3);

    memset(r, 0, sizeof *r);
    r->id = store_sqlite_column_dup(st, 0);
    r->name = store_sqlite_column_dup(st, 1);
    r->scope = store_sqlite_column_dup(st, 2);
    r->has_format = format != NULL;
    r->access_token_ttl = sqlite3_column_int64(st, 4);
    r->created_at = sqlite3_column_int64(st, 5);
    if (!r->id || !r->name || !r->scope) {
        resource_clear(r);
        return ERR_NOMEM;
    }
    if (format && token_format_parse(format, &r->token_format)) {
        resource_clear(r);
        return ERR_STORE;
    }
    return ERR_OK;
}

enum err store_sqlite_resource_get(struct store *s, const char *id, struct resource *out)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_RESOURCE_GET) : NULL;
    enum err e;
    int rc;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        e = row_to_resource(st, out);
    else if (rc == SQLITE_DONE)
        e = ERR_NOT_FOUND;
    else
        e = store_sqlite_fail(c->db, rc, "resource_get");
    store_sqlite_done(st);
    return e;
}

/* One row of resource_scopes per scope word; a word another resource owns
 * is a constraint failure (ERR_CONFLICT). */
static enum err write_scopes(struct conn *c, const struct resource *r)
{
    struct strlist words = {0};
    sqlite3_stmt *st = store_sqlite_stmt(c, ST_RESOURCE_SCOPE_INSERT);
    enum err e = st ? strlist_split(&words, r->scope, " ") : ERR_STORE;
    size_t i;

    for (i = 0; !e && i < words.n; i++) {
        sqlite3_bind_text(st, 1, words.items[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, r->id, -1, SQLITE_STATIC);
        e = store_sqlite_exec(c, st, "resource_scope_insert");
    }
    strlist_free(&words);
    return e;
}

static enum err write_row(struct conn *c, const struct resource *r, enum stmt_id id)
{
    sqlite3_stmt *st = store_sqlite_stmt(c, id);
    enum err e;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, r->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, r->name ? r->name : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, r->scope ? r->scope : "", -1, SQLITE_STATIC);
    if (r->has_format)
        sqlite3_bind_text(st, 4, token_format_name(r->token_format), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, r->access_token_ttl);
    sqlite3_bind_int64(st, 6, r->created_at);
    sqlite3_bind_int64(st, 7, clock_now());
    e = store_sqlite_exec(c, st, store_sqlite_sql[id]);
    if (!e && id == ST_RESOURCE_UPDATE && sqlite3_changes(c->db) == 0)
        e = ERR_NOT_FOUND;
    return e;
}

static enum err resource_write(struct store *s, const struct resource *r, enum stmt_id id)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st;
    enum err e;

    if (!c)
        return ERR_STORE;
    e = store_sqlite_txn_begin(c);
    if (e)
        return e;
    e = write_row(c, r, id);
    if (!e && id == ST_RESOURCE_UPDATE) {
        st = store_sqlite_stmt(c, ST_RESOURCE_SCOPES_DELETE);
        if (!st)
            e = ERR_STORE;
        else {
            sqlite3_bind_text(st, 1, r->id, -1, SQLITE_STATIC);
            e = store_sqlite_exec(c, st, "resource_scopes_delete");
        }
    }
    if (!e)
        e = write_scopes(c, r);
    return store_sqlite_txn_end(c, e);
}

enum err store_sqlite_resource_insert(struct store *s, const struct resource *r)
{
    return resource_write(s, r, ST_RESOURCE_INSERT);
}

enum err store_sqlite_resource_update(struct store *s, const struct resource *r)
{
    return resource_write(s, r, ST_RESOURCE_UPDATE);
}

enum err store_sqlite_resource_delete(struct store *s, const char *id)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_RESOURCE_DELETE) : NULL;
    enum err e;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    e = store_sqlite_exec(c, st, "resource_delete");
    if (!e && sqlite3_changes(c->db) == 0)
        e = ERR_NOT_FOUND;
    return e;
}

static enum err fill_resource(sqlite3_stmt *st, void *item)
{
    return row_to_resource(st, item);
}

enum err store_sqlite_resource_list(struct store *s, const char *after, size_t limit,
                                    struct resource **out, size_t *n)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_RESOURCE_LIST) : NULL;
    void *items;
    enum err e;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, after, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
    e = store_sqlite_collect(c, st, sizeof **out, fill_resource, &items, n);
    if (e) {
        resource_list_free(items, *n);
        return e;
    }
    *out = items;
    return ERR_OK;
}

enum err store_sqlite_resources_version(struct store *s, int64_t *version)
{
    return store_sqlite_counter(s, ST_RESOURCES_VERSION, "resources_version", version);
}

enum err store_sqlite_token_ttl_record(struct store *s, int64_t ttl)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_TOKEN_TTL_RECORD) : NULL;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_int64(st, 1, ttl);
    return store_sqlite_exec(c, st, "token_ttl_record");
}

enum err store_sqlite_token_ttl_max(struct store *s, int64_t *out)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_TOKEN_TTL_MAX) : NULL;
    enum err e = ERR_OK;
    int rc;

    if (!st)
        return ERR_STORE;
    rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        e = store_sqlite_fail(c->db, rc, "token_ttl_max");
    store_sqlite_done(st);
    return e;
}
