/* SQLite backend: the audit events. */
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "store/sqlite_internal.h"

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

enum err store_sqlite_audit_add(struct store *s, const struct audit_event *ev)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_AUDIT_ADD) : NULL;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_int64(st, 1, ev->at);
    sqlite3_bind_text(st, 2, ev->type, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, ev->ok);
    sqlite3_bind_text(st, 4, ev->actor, -1, SQLITE_STATIC);
    bind_text_or_null(st, 5, ev->user_sub);
    bind_text_or_null(st, 6, ev->client_id);
    bind_text_or_null(st, 7, ev->address);
    bind_text_or_null(st, 8, ev->detail);
    return store_sqlite_exec(c, st, "audit_add");
}

/* Columns: id, at, type, ok, actor, user_sub, client_id, address, detail. */
static enum err fill_event(sqlite3_stmt *st, void *item)
{
    struct audit_event *ev = item;
    static const int optional[] = {5, 6, 7, 8};
    char **fields[] = {&ev->user_sub, &ev->client_id, &ev->address, &ev->detail};
    size_t i;

    memset(ev, 0, sizeof *ev);
    ev->id = sqlite3_column_int64(st, 0);
    ev->at = sqlite3_column_int64(st, 1);
    if (!text_copy(ev->type, sizeof ev->type, (const char *)sqlite3_column_text(st, 2)))
        return ERR_STORE;
    ev->ok = sqlite3_column_int(st, 3) != 0;
    if (!(ev->actor = store_sqlite_column_dup(st, 4)))
        return ERR_NOMEM;
    for (i = 0; i < 4; i++)
        if (sqlite3_column_type(st, optional[i]) != SQLITE_NULL &&
            !(*fields[i] = store_sqlite_column_dup(st, optional[i]))) {
            audit_event_clear(ev);
            return ERR_NOMEM;
        }
    return ERR_OK;
}

enum err store_sqlite_audit_list(struct store *s, const struct audit_filter *f,
                                 struct audit_event **out, size_t *n)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_AUDIT_LIST) : NULL;
    void *items;
    enum err e;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_int64(st, 1, f->before_id > 0 ? f->before_id : INT64_MAX);
    sqlite3_bind_int64(st, 2, f->since);
    bind_text_or_null(st, 3, f->type);
    bind_text_or_null(st, 4, f->user_sub);
    bind_text_or_null(st, 5, f->client_id);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)f->limit);
    e = store_sqlite_collect(c, st, sizeof **out, fill_event, &items, n);
    if (e) {
        audit_event_list_free(items, *n);
        return e;
    }
    *out = items;
    return ERR_OK;
}

enum err store_sqlite_audit_sweep(struct store *s, int64_t before, int64_t *removed)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_AUDIT_SWEEP) : NULL;
    enum err e;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_int64(st, 1, before);
    e = store_sqlite_exec(c, st, "audit_sweep");
    *removed = e ? 0 : sqlite3_changes(c->db);
    return e;
}
