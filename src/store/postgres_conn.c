/* PostgreSQL backend: one connection per thread, opened on first use and
 * again after the database went away; statements prepared per connection on
 * first use; failures mapped to our errors; transactions. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "store/postgres_internal.h"

#define TXN_ATTEMPTS 4

/* The first line of libpq's message (its messages end in a newline and may
 * carry DETAIL lines). */
static void first_line(const char *msg, char *out, size_t n)
{
    size_t len = strcspn(msg ? msg : "", "\n");

    if (len >= n)
        len = n - 1;
    memcpy(out, msg ? msg : "", len);
    out[len] = '\0';
}

/* PostgreSQL's notices ("relation … already exists, skipping") go to our
 * log, not to stderr as libpq would have them. A FATAL one is the goodbye
 * of a backend that was ended while the connection was idle (libpq passes
 * it on as a notice): the connection is done for, even before the end of
 * the stream arrives. */
static void notice(void *arg, const PGresult *r)
{
    struct pg_conn *c = arg;
    const char *severity = PQresultErrorField(r, PG_DIAG_SEVERITY_NONLOCALIZED);
    char line[256];

    first_line(PQresultErrorMessage(r), line, sizeof line);
    if (severity && (strcmp(severity, "FATAL") == 0 || strcmp(severity, "PANIC") == 0))
        c->ended = true;
    log_kv(c->ended ? LOG_WARN : LOG_DEBUG, "database notice", "backend", "postgresql", "notice",
           line, NULL);
}

static PGconn *connect_to(struct pg_store *ps, enum err *e, char *why, size_t whylen)
{
    /* the URL (or key=value string) is expanded in place of dbname; the
     * keywords after it override what it says */
    const char *const keys[] = {"dbname",
                                "connect_timeout",
                                "options",
                                "tcp_user_timeout",
                                "fallback_application_name",
                                "client_encoding",
                                NULL};
    const char *const values[] = {
        ps->url, ps->connect_timeout, ps->options, ps->user_timeout, "oidcd", "UTF8", NULL};
    char line[256];
    PGconn *pg = PQconnectdbParams(keys, values, 1);

    if (pg && PQstatus(pg) == CONNECTION_OK)
        return pg;
    first_line(pg ? PQerrorMessage(pg) : "out of memory", line, sizeof line);
    log_kv(LOG_ERROR, "database unreachable", "backend", "postgresql", "error", line, NULL);
    if (why)
        snprintf(why, whylen, "%s", line);
    *e = pg ? ERR_TEMPORARILY_UNAVAILABLE : ERR_NOMEM;
    PQfinish(pg);
    return NULL;
}

/* Forgets the connection: the next statement connects anew. */
static void conn_drop(struct pg_conn *c)
{
    PQfinish(c->pg);
    c->pg = NULL;
    c->nprepared = 0;
}

/* Whether the idle connection is still good. An idle connection has
 * nothing to read unless the backend was ended (a restart,
 * pg_terminate_backend): then its goodbye and the end of the stream are
 * there, and PQconsumeInput, which reads without waiting, finds the end and
 * marks the connection bad. Checked before a statement is sent, so that a
 * statement that is sent has not already failed. */
static bool conn_alive(struct pg_conn *c)
{
    struct pollfd p;
    int i;

    if (!c->pg)
        return false;
    if (c->in_txn)
        return true; /* a broken one fails the transaction, as it must */
    p.fd = PQsocket(c->pg);
    p.events = POLLIN;
    /* a few rounds at most: a message, then the end of the stream */
    for (i = 0; i < 4 && poll(&p, 1, 0) > 0; i++) {
        if (!PQconsumeInput(c->pg))
            break;
        PQisBusy(c->pg); /* parses what came: a FATAL notice sets c->ended */
    }
    return PQstatus(c->pg) == CONNECTION_OK && !c->ended;
}

static struct pg_conn *conn_new(struct pg_store *ps)
{
    struct pg_conn *c = calloc(1, sizeof *c);

    if (!c)
        return NULL;
    c->store = ps;
    pthread_setspecific(ps->key, c);
    pthread_mutex_lock(&ps->lock);
    c->next = ps->conns;
    ps->conns = c;
    pthread_mutex_unlock(&ps->lock);
    return c;
}

struct pg_conn *store_pg_conn(struct store *s, enum err *e)
{
    return store_pg_conn_why(s, e, NULL, 0);
}

struct pg_conn *store_pg_conn_why(struct store *s, enum err *e, char *why, size_t whylen)
{
    struct pg_store *ps = (struct pg_store *)s;
    struct pg_conn *c = pthread_getspecific(ps->key);

    if (!c && !(c = conn_new(ps))) {
        *e = ERR_NOMEM;
        return NULL;
    }
    if (conn_alive(c))
        return c;
    if (c->pg)
        log_kv(LOG_WARN, "database connection lost, reconnecting", "backend", "postgresql", NULL);
    conn_drop(c);
    c->pg = connect_to(ps, e, why, whylen);
    c->ended = false;
    if (c->pg)
        PQsetNoticeReceiver(c->pg, notice, c);
    return c->pg ? c : NULL;
}

static bool state_is(const char *state, const char *prefix)
{
    return strncmp(state, prefix, strlen(prefix)) == 0;
}

/* SQLSTATE classes (PostgreSQL manual, appendix A) that pass: the database
 * is away, shutting down, out of resources, or the statement ran out of
 * time or lost a race (serialization failure, deadlock). */
static enum err map_state(const char *state)
{
    static const char *const passing[] = {"08",    "53",    "57P",   "57014",
                                          "40001", "40P01", "55P03", "58"};
    size_t i;

    if (state_is(state, "23"))
        return ERR_CONFLICT;
    for (i = 0; i < sizeof passing / sizeof passing[0]; i++)
        if (state_is(state, passing[i]))
            return ERR_TEMPORARILY_UNAVAILABLE;
    return ERR_STORE;
}

/* Logs the failure of r (may be NULL) on c and maps it. A broken connection
 * is dropped, to be made anew by the next statement. */
static enum err conn_fail(struct pg_conn *c, const PGresult *r, const char *what)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    bool broken = !c->pg || PQstatus(c->pg) != CONNECTION_OK;
    char line[256];
    enum err e;

    first_line(r       ? PQresultErrorMessage(r)
               : c->pg ? PQerrorMessage(c->pg)
                       : "not connected",
               line, sizeof line);
    snprintf(c->sqlstate, sizeof c->sqlstate, "%s", state ? state : "");
    e = broken ? ERR_TEMPORARILY_UNAVAILABLE : state ? map_state(state) : ERR_STORE;
    /* a constraint the caller asked about (ERR_CONFLICT) is an answer, not
     * a failure worth an error line */
    log_kv(e == ERR_CONFLICT ? LOG_DEBUG : LOG_ERROR, "database error", "backend", "postgresql",
           "op", what, "sqlstate", state, "error", line, NULL);
    if (broken && c->pg)
        conn_drop(c);
    return e;
}

static bool is_prepared(const struct pg_conn *c, const struct pg_stmt *st)
{
    size_t i;

    for (i = 0; i < c->nprepared; i++)
        if (c->prepared[i] == st)
            return true;
    return false;
}

static enum err prepare(struct pg_conn *c, const struct pg_stmt *st)
{
    const struct pg_stmt **grown;
    PGresult *r;
    enum err e = ERR_OK;

    if (is_prepared(c, st))
        return ERR_OK;
    if (c->nprepared == c->cap) {
        grown = realloc(c->prepared, (c->cap ? c->cap * 2 : 32) * sizeof *grown);
        if (!grown)
            return ERR_NOMEM;
        c->prepared = grown;
        c->cap = c->cap ? c->cap * 2 : 32;
    }
    r = PQprepare(c->pg, st->name, st->sql, 0, NULL);
    if (PQresultStatus(r) == PGRES_COMMAND_OK)
        c->prepared[c->nprepared++] = st;
    else
        e = conn_fail(c, r, st->name);
    PQclear(r);
    return e;
}

enum err store_pg_query(struct pg_conn *c, const struct pg_stmt *st, const struct pg_params *p,
                        PGresult **res, const char *what)
{
    static const struct pg_params none = {0};
    ExecStatusType status;
    PGresult *r;
    enum err e;

    if (res)
        *res = NULL;
    c->sqlstate[0] = '\0';
    if (!p)
        p = &none;
    if (p->overflow) {
        log_kv(LOG_ERROR, "too many statement parameters", "op", what, NULL);
        return ERR_STORE;
    }
    if (!c->pg)
        return conn_fail(c, NULL, what);
    e = prepare(c, st);
    if (e)
        return e;
    r = PQexecPrepared(c->pg, st->name, p->n, p->values, p->lengths, p->formats, 0);
    status = PQresultStatus(r);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
        if (res)
            *res = r;
        else
            PQclear(r);
        return ERR_OK;
    }
    e = r ? conn_fail(c, r, what) : ERR_NOMEM;
    PQclear(r);
    return e;
}

enum err store_pg_exec(struct pg_conn *c, const struct pg_stmt *st, const struct pg_params *p,
                       int64_t *rows, const char *what)
{
    PGresult *r = NULL;
    enum err e = store_pg_query(c, st, p, &r, what);
    const char *n;

    if (!e && rows) {
        n = PQcmdTuples(r);
        *rows = *n ? strtoll(n, NULL, 10) : PQntuples(r);
    }
    PQclear(r);
    return e;
}

enum err store_pg_counter(struct store *s, const struct pg_stmt *st, int64_t *out)
{
    PGresult *r = NULL;
    enum err e;
    struct pg_conn *c = store_pg_conn(s, &e);

    if (!c)
        return e;
    e = store_pg_query(c, st, NULL, &r, st->name);
    if (!e && PQntuples(r) != 1)
        e = ERR_STORE;
    if (!e)
        *out = store_pg_get_int(r, 0, 0);
    PQclear(r);
    return e;
}

enum err store_pg_list(struct store *s, const struct pg_stmt *st, const struct pg_params *p,
                       size_t size, enum err (*fill)(const PGresult *r, int row, void *item),
                       void (*clear)(void *item), void **out, size_t *n)
{
    PGresult *r = NULL;
    char *items = NULL;
    enum err e;
    struct pg_conn *c = store_pg_conn(s, &e);
    size_t i;

    *out = NULL;
    *n = 0;
    if (!c)
        return e;
    e = store_pg_query(c, st, p, &r, st->name);
    if (!e)
        e = store_pg_collect(r, size, fill, (void **)&items, n);
    PQclear(r);
    if (e) {
        for (i = 0; i < *n; i++)
            clear(items + i * size);
        free(items);
        *n = 0;
        return e;
    }
    *out = items;
    return ERR_OK;
}

enum err store_pg_row(struct store *s, const struct pg_stmt *st, const struct pg_params *p,
                      enum err (*fill)(const PGresult *r, int row, void *item), void *item)
{
    PGresult *r = NULL;
    enum err e;
    struct pg_conn *c = store_pg_conn(s, &e);

    if (!c)
        return e;
    e = store_pg_query(c, st, p, &r, st->name);
    if (!e)
        e = PQntuples(r) > 0 ? fill(r, 0, item) : ERR_NOT_FOUND;
    PQclear(r);
    return e;
}

enum err store_pg_run(struct store *s, const struct pg_stmt *st, const struct pg_params *p,
                      int64_t *rows)
{
    enum err e;
    struct pg_conn *c = store_pg_conn(s, &e);

    return c ? store_pg_exec(c, st, p, rows, st->name) : e;
}

/* BEGIN, COMMIT, ROLLBACK: plain commands, one round trip each. */
static enum err command(struct pg_conn *c, const char *sql)
{
    PGresult *r;
    enum err e = ERR_OK;

    if (!c->pg)
        return conn_fail(c, NULL, sql);
    r = PQexec(c->pg, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        e = r ? conn_fail(c, r, sql) : ERR_NOMEM;
    PQclear(r);
    return e;
}

static bool lost_a_race(const struct pg_conn *c)
{
    return strcmp(c->sqlstate, "40001") == 0 || strcmp(c->sqlstate, "40P01") == 0;
}

/* One run of body between BEGIN and COMMIT or ROLLBACK. */
static enum err txn_once(struct pg_conn *c, enum err (*body)(struct pg_conn *, void *), void *arg)
{
    enum err e = command(c, "BEGIN");
    char state[sizeof c->sqlstate];

    if (e)
        return e;
    c->in_txn = true;
    e = body(c, arg);
    c->in_txn = false;
    if (!e)
        return command(c, "COMMIT");
    /* ROLLBACK must not hide why body failed (lost_a_race looks at it) */
    memcpy(state, c->sqlstate, sizeof state);
    if (c->pg)
        command(c, "ROLLBACK");
    memcpy(c->sqlstate, state, sizeof state);
    return e;
}

enum err store_pg_txn(struct store *s, enum err (*body)(struct pg_conn *c, void *arg), void *arg)
{
    struct pg_conn *c;
    enum err e = ERR_OK;
    int attempt;

    for (attempt = 0; attempt < TXN_ATTEMPTS; attempt++) {
        c = store_pg_conn(s, &e);
        if (!c)
            return e;
        if (c->in_txn) { /* BEGIN would only warn, and COMMIT end the outer one */
            log_kv(LOG_ERROR, "transaction inside a transaction refused", "backend", "postgresql",
                   NULL);
            return ERR_STORE;
        }
        e = txn_once(c, body, arg);
        if (!e || !lost_a_race(c))
            return e;
        log_kv(LOG_INFO, "transaction lost a race, running it again", "backend", "postgresql",
               "sqlstate", c->sqlstate, NULL);
    }
    return e;
}

enum err store_pg_change(struct store *s, const struct pg_stmt *st, const struct pg_params *p)
{
    int64_t rows = 0;
    enum err e = store_pg_run(s, st, p, &rows);

    return !e && rows == 0 ? ERR_NOT_FOUND : e;
}
