/* SQLite backend: the queue of back-channel logout deliveries. Rows are
 * added by migration 12's triggers when sessions end; here the server's
 * worker claims, retries and deletes them. */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_internal.h"

static enum err fill_delivery(sqlite3_stmt *st, void *item)
{
    struct backchannel_logout *d = item;
    const char *client_id = (const char *)sqlite3_column_text(st, 1);
    const char *sid = (const char *)sqlite3_column_text(st, 3);

    memset(d, 0, sizeof *d);
    if (!client_id || strlen(client_id) >= sizeof d->client_id || !sid ||
        strlen(sid) >= sizeof d->sid)
        return ERR_STORE;
    d->id = sqlite3_column_int64(st, 0);
    memcpy(d->client_id, client_id, strlen(client_id) + 1);
    memcpy(d->sid, sid, strlen(sid) + 1);
    d->attempts = sqlite3_column_int(st, 4);
    d->sub = store_sqlite_column_dup(st, 2);
    return d->sub ? ERR_OK : ERR_NOMEM;
}

enum err store_sqlite_backchannel_claim(struct store *s, int64_t now, int64_t until, size_t max,
                                        struct backchannel_logout **out, size_t *n)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st;
    int64_t due = 0;
    enum err e;

    *out = NULL;
    *n = 0;
    if (!c)
        return ERR_STORE;
    /* a read first, so that polling an idle queue never takes the write turn */
    e = store_sqlite_read_int(c, ST_BACKCHANNEL_DUE, now, "backchannel_due", &due);
    if (e || !due)
        return e;
    if (!(st = store_sqlite_stmt(c, ST_BACKCHANNEL_CLAIM)))
        return ERR_STORE;
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int64(st, 2, until);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
    /* an UPDATE … RETURNING writes: it takes the write turn */
    pthread_mutex_lock(c->write_lock);
    e = store_sqlite_collect(c, st, sizeof **out, fill_delivery, (void **)out, n);
    pthread_mutex_unlock(c->write_lock);
    if (e) {
        backchannel_logout_list_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return e;
}

static enum err write_id(struct store *s, enum stmt_id id, int64_t row, const int64_t *next_at,
                         const char *what)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, id) : NULL;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_int64(st, 1, row);
    if (next_at)
        sqlite3_bind_int64(st, 2, *next_at);
    return store_sqlite_exec(c, st, what);
}

enum err store_sqlite_session_client_add(struct store *s, const char *sid, const char *client_id)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_SESSION_CLIENT_ADD) : NULL;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, sid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, client_id, -1, SQLITE_STATIC);
    return store_sqlite_exec(c, st, "session_client_add");
}

enum err store_sqlite_backchannel_delete(struct store *s, int64_t id)
{
    return write_id(s, ST_BACKCHANNEL_DELETE, id, NULL, "backchannel_delete");
}

enum err store_sqlite_backchannel_retry(struct store *s, int64_t id, int64_t next_at)
{
    return write_id(s, ST_BACKCHANNEL_RETRY, id, &next_at, "backchannel_retry");
}
