/* PostgreSQL backend: the audit events. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "store/postgres_internal.h"

enum { AUDIT_ADD, AUDIT_LIST, AUDIT_SWEEP };

static const struct pg_stmt sql[] = {
    [AUDIT_ADD] = {"audit_add", "INSERT INTO audit_events (at, type, ok, actor, user_sub, "
                                "client_id, address, detail) "
                                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"},
    /* a type filter "client" also matches "client.created" and the like */
    [AUDIT_LIST] = {"audit_list",
                    "SELECT id, at, type, ok, actor, user_sub, client_id, address, detail "
                    "FROM audit_events WHERE id < $1 AND at >= $2 "
                    "AND ($3::text IS NULL OR type = $3::text "
                    "OR left(type, length($3::text) + 1) = $3::text || '.') "
                    "AND ($4::text IS NULL OR user_sub = $4::text) "
                    "AND ($5::text IS NULL OR client_id = $5::text) "
                    "ORDER BY id DESC LIMIT $6"},
    [AUDIT_SWEEP] = {"audit_sweep", "DELETE FROM audit_events WHERE at < $1"},
};

enum err store_pg_audit_add(struct store *s, const struct audit_event *ev)
{
    struct pg_params p = {0};

    store_pg_int(&p, ev->at);
    store_pg_text(&p, ev->type);
    store_pg_bool(&p, ev->ok);
    store_pg_text(&p, ev->actor);
    store_pg_text(&p, ev->user_sub);
    store_pg_text(&p, ev->client_id);
    store_pg_text(&p, ev->address);
    store_pg_text(&p, ev->detail);
    return store_pg_run(s, &sql[AUDIT_ADD], &p, NULL);
}

/* Columns: id, at, type, ok, actor, user_sub, client_id, address, detail. */
static enum err fill_event(const PGresult *r, int row, void *item)
{
    struct audit_event *ev = item;
    enum err e = ERR_OK;

    ev->id = store_pg_get_int(r, row, 0);
    ev->at = store_pg_get_int(r, row, 1);
    if (!text_copy(ev->type, sizeof ev->type, PQgetvalue(r, row, 2)))
        return ERR_STORE;
    ev->ok = store_pg_get_bool(r, row, 3);
    ev->actor = store_pg_get_text(r, row, 4);
    ev->user_sub = store_pg_get_text_or_null(r, row, 5, &e);
    ev->client_id = store_pg_get_text_or_null(r, row, 6, &e);
    ev->address = store_pg_get_text_or_null(r, row, 7, &e);
    ev->detail = store_pg_get_text_or_null(r, row, 8, &e);
    return !e && ev->actor ? ERR_OK : ERR_NOMEM;
}

static void clear_item(void *item)
{
    audit_event_clear(item);
}

enum err store_pg_audit_list(struct store *s, const struct audit_filter *f,
                             struct audit_event **out, size_t *n)
{
    struct pg_params p = {0};

    store_pg_int(&p, f->before_id > 0 ? f->before_id : INT64_MAX);
    store_pg_int(&p, f->since);
    store_pg_text(&p, f->type);
    store_pg_text(&p, f->user_sub);
    store_pg_text(&p, f->client_id);
    store_pg_int(&p, (int64_t)f->limit);
    return store_pg_list(s, &sql[AUDIT_LIST], &p, sizeof **out, fill_event, clear_item,
                         (void **)out, n);
}

enum err store_pg_audit_sweep(struct store *s, int64_t before, int64_t *removed)
{
    struct pg_params p = {0};
    enum err e;

    store_pg_int(&p, before);
    e = store_pg_run(s, &sql[AUDIT_SWEEP], &p, removed);
    if (e)
        *removed = 0;
    return e;
}
