/* PostgreSQL backend: the numbered migrations of migrations/postgres/,
 * embedded at build time, applied at open and by `oidcd migrate`. */
#include <stdio.h>

#include "core/log.h"
#include "store/postgres_internal.h"

extern const char *const store_pg_migrations[];
extern const size_t store_pg_migrations_count;

/* The advisory lock every oidcd migration takes ("oidcd" in ASCII): two
 * instances starting at once on an empty database take turns, and the
 * second finds the work done. */
#define MIGRATE_LOCK "SELECT pg_advisory_xact_lock(478560838500)"

static const struct pg_stmt sql[] = {
    {"migrate_lock", MIGRATE_LOCK},
    {"migrate_version", "SELECT coalesce(max(version), 0) FROM schema_version"},
    {"migrate_record", "INSERT INTO schema_version (version, applied_at) "
                       "VALUES ($1, extract(epoch FROM now())::bigint)"},
};

/* A whole script (several statements), which only the simple query
 * protocol runs; no parameters. */
static enum err script(struct pg_conn *c, const char *text, const char *what)
{
    PGresult *r = PQexec(c->pg, text);
    ExecStatusType status = PQresultStatus(r);
    enum err e = ERR_OK;

    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        log_kv(LOG_ERROR, "database error", "backend", "postgresql", "op", what, "error",
               r ? PQresultErrorMessage(r) : "out of memory", NULL);
        e = r ? ERR_STORE : ERR_NOMEM;
    }
    PQclear(r);
    return e;
}

static enum err apply(struct pg_conn *c, int64_t version)
{
    struct pg_params p = {0};
    char v[24];
    enum err e;

    snprintf(v, sizeof v, "%lld", (long long)version);
    e = script(c, store_pg_migrations[version - 1], "migrate");
    store_pg_int(&p, version);
    if (!e)
        e = store_pg_exec(c, &sql[2], &p, NULL, "migrate");
    if (!e)
        log_kv(LOG_INFO, "applied migration", "backend", "postgresql", "version", v, NULL);
    return e;
}

static enum err migrate(struct pg_conn *c, void *arg)
{
    PGresult *r = NULL;
    int64_t version;
    enum err e;

    (void)arg;
    /* database.timeout_ms is for requests: a migration of a large table, or
     * waiting for another instance's, may take longer */
    e = script(c, "SET LOCAL statement_timeout = 0", "migrate");
    if (!e)
        e = store_pg_exec(c, &sql[0], NULL, NULL, "migrate_lock");
    if (!e)
        e = script(c,
                   "CREATE TABLE IF NOT EXISTS schema_version ("
                   "version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)",
                   "schema_version");
    if (!e)
        e = store_pg_query(c, &sql[1], NULL, &r, "schema_version");
    if (e)
        return e;
    version = store_pg_get_int(r, 0, 0);
    PQclear(r);
    while (!e && (size_t)version < store_pg_migrations_count)
        e = apply(c, ++version);
    return e;
}

enum err store_pg_migrate_conn(struct pg_conn *c)
{
    return store_pg_txn(&c->store->base, migrate, NULL);
}
