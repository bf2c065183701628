/* PostgreSQL backend: resources (RFC 8707), their scopes, and the longest
 * token lifetime recorded in meta, as sqlite_resources.c keeps them. */
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "store/postgres_internal.h"

#define RESOURCE_COLUMNS "id, name, scope, access_token_format, access_token_ttl, created_at"

enum {
    RESOURCE_GET,
    RESOURCE_INSERT,
    RESOURCE_UPDATE,
    RESOURCE_DELETE,
    RESOURCE_LIST,
    RESOURCES_VERSION,
    RESOURCE_SCOPE_INSERT,
    RESOURCE_SCOPES_DELETE,
    TOKEN_TTL_RECORD,
    TOKEN_TTL_MAX,
};

/* Ids sort bytewise (COLLATE "C"), as SQLite's BINARY does, whatever the
 * database's collation. An update leaves created_at ($6) out. */
static const struct pg_stmt sql[] = {
    [RESOURCE_GET] = {"resource_get", "SELECT " RESOURCE_COLUMNS " FROM resources WHERE id = $1"},
    [RESOURCE_INSERT] = {"resource_insert", "INSERT INTO resources (" RESOURCE_COLUMNS
                                            ", updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"},
    [RESOURCE_UPDATE] = {"resource_update",
                         "UPDATE resources SET name = $2, scope = $3, access_token_format = $4, "
                         "access_token_ttl = $5, updated_at = $6 WHERE id = $1"},
    [RESOURCE_DELETE] = {"resource_delete", "DELETE FROM resources WHERE id = $1"},
    [RESOURCE_LIST] = {"resource_list", "SELECT " RESOURCE_COLUMNS " FROM resources "
                                        "WHERE id COLLATE \"C\" > $1 "
                                        "ORDER BY id COLLATE \"C\" LIMIT $2"},
    [RESOURCES_VERSION] = {"resources_version",
                           "SELECT value FROM meta WHERE name = 'resources_version'"},
    [RESOURCE_SCOPE_INSERT] = {"resource_scope_insert",
                               "INSERT INTO resource_scopes (scope, resource_id) VALUES ($1, $2)"},
    [RESOURCE_SCOPES_DELETE] = {"resource_scopes_delete",
                                "DELETE FROM resource_scopes WHERE resource_id = $1"},
    [TOKEN_TTL_RECORD] = {"token_ttl_record", "UPDATE meta SET value = $1 "
                                              "WHERE name = 'max_token_ttl' AND value < $1"},
    [TOKEN_TTL_MAX] = {"token_ttl_max", "SELECT value FROM meta WHERE name = 'max_token_ttl'"},
};

static enum err row_to_resource(const PGresult *r, int row, struct resource *out)
{
    memset(out, 0, sizeof *out);
    out->id = store_pg_get_text(r, row, 0);
    out->name = store_pg_get_text(r, row, 1);
    out->scope = store_pg_get_text(r, row, 2);
    out->has_format = !store_pg_is_null(r, row, 3);
    out->access_token_ttl = store_pg_get_int(r, row, 4);
    out->created_at = store_pg_get_int(r, row, 5);
    if (!out->id || !out->name || !out->scope) {
        resource_clear(out);
        return ERR_NOMEM;
    }
    if (out->has_format && token_format_parse(PQgetvalue(r, row, 3), &out->token_format)) {
        resource_clear(out);
        return ERR_STORE;
    }
    return ERR_OK;
}

static enum err fill_resource(const PGresult *r, int row, void *item)
{
    return row_to_resource(r, row, item);
}

enum err store_pg_resource_get(struct store *s, const char *id, struct resource *out)
{
    struct pg_params p = {0};

    store_pg_text(&p, id);
    return store_pg_row(s, &sql[RESOURCE_GET], &p, fill_resource, out);
}

/* One row of resource_scopes per scope word; a word another resource owns
 * is a unique violation (ERR_CONFLICT). */
static enum err write_scopes(struct pg_conn *c, const struct resource *r)
{
    struct strlist words = {0};
    enum err e = strlist_split(&words, r->scope ? r->scope : "", " ");
    size_t i;

    for (i = 0; !e && i < words.n; i++) {
        struct pg_params p = {0};
        store_pg_text(&p, words.items[i]);
        store_pg_text(&p, r->id);
        e = store_pg_exec(c, &sql[RESOURCE_SCOPE_INSERT], &p, NULL, "resource_scope_insert");
    }
    strlist_free(&words);
    return e;
}

static enum err write_row(struct pg_conn *c, const struct resource *r, int id)
{
    struct pg_params p = {0};
    int64_t rows = 0;
    enum err e;

    store_pg_text(&p, r->id);
    store_pg_text(&p, r->name ? r->name : "");
    store_pg_text(&p, r->scope ? r->scope : "");
    store_pg_text(&p, r->has_format ? token_format_name(r->token_format) : NULL);
    store_pg_int(&p, r->access_token_ttl);
    if (id == RESOURCE_INSERT)
        store_pg_int(&p, r->created_at);
    store_pg_int(&p, clock_now());
    e = store_pg_exec(c, &sql[id], &p, &rows, sql[id].name);
    return !e && rows == 0 ? ERR_NOT_FOUND : e;
}

struct resource_write {
    const struct resource *r;
    int id;
};

static enum err resource_write_txn(struct pg_conn *c, void *arg)
{
    const struct resource_write *w = arg;
    struct pg_params p = {0};
    enum err e = write_row(c, w->r, w->id);

    if (!e && w->id == RESOURCE_UPDATE) {
        store_pg_text(&p, w->r->id);
        e = store_pg_exec(c, &sql[RESOURCE_SCOPES_DELETE], &p, NULL, "resource_scopes_delete");
    }
    return e ? e : write_scopes(c, w->r);
}

enum err store_pg_resource_insert(struct store *s, const struct resource *r)
{
    struct resource_write w = {r, RESOURCE_INSERT};

    return store_pg_txn(s, resource_write_txn, &w);
}

enum err store_pg_resource_update(struct store *s, const struct resource *r)
{
    struct resource_write w = {r, RESOURCE_UPDATE};

    return store_pg_txn(s, resource_write_txn, &w);
}

enum err store_pg_resource_delete(struct store *s, const char *id)
{
    struct pg_params p = {0};

    store_pg_text(&p, id);
    return store_pg_change(s, &sql[RESOURCE_DELETE], &p);
}

static void clear_item(void *item)
{
    resource_clear(item);
}

enum err store_pg_resource_list(struct store *s, const char *after, size_t limit,
                                struct resource **out, size_t *n)
{
    struct pg_params p = {0};

    store_pg_text(&p, after);
    store_pg_int(&p, (int64_t)limit);
    return store_pg_list(s, &sql[RESOURCE_LIST], &p, sizeof **out, fill_resource, clear_item,
                         (void **)out, n);
}

enum err store_pg_resources_version(struct store *s, int64_t *version)
{
    return store_pg_counter(s, &sql[RESOURCES_VERSION], version);
}

enum err store_pg_token_ttl_record(struct store *s, int64_t ttl)
{
    struct pg_params p = {0};

    store_pg_int(&p, ttl);
    return store_pg_run(s, &sql[TOKEN_TTL_RECORD], &p, NULL);
}

enum err store_pg_token_ttl_max(struct store *s, int64_t *out)
{
    *out = 0;
    return store_pg_counter(s, &sql[TOKEN_TTL_MAX], out);
}
