/* SQLite backend: secrets the server makes once, sealed (server_secrets). */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_internal.h"

static enum err secret_add(struct conn *c, const char *name, const unsigned char *sealed, size_t n)
{
    sqlite3_stmt *st = store_sqlite_stmt(c, ST_SECRET_ADD);

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, sealed, (int)n, SQLITE_STATIC);
    return store_sqlite_exec(c, st, "secret_add");
}

static enum err secret_get(struct conn *c, const char *name, unsigned char **out, size_t *outlen)
{
    sqlite3_stmt *st = store_sqlite_stmt(c, ST_SECRET_GET);
    enum err e = ERR_OK;
    int rc, n;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        n = sqlite3_column_bytes(st, 0);
        *out = malloc(n > 0 ? (size_t)n : 1);
        if (!*out)
            e = ERR_NOMEM;
        else if (n > 0)
            memcpy(*out, sqlite3_column_blob(st, 0), (size_t)n);
        *outlen = (size_t)n;
    } else {
        e = rc == SQLITE_DONE ? ERR_NOT_FOUND : store_sqlite_fail(c->db, rc, "secret_get");
    }
    store_sqlite_done(st);
    return e;
}

enum err store_sqlite_secret_get_or_add(struct store *s, const char *name,
                                        const unsigned char *sealed, size_t n, unsigned char **out,
                                        size_t *outlen)
{
    struct conn *c = store_sqlite_conn_get(s);
    enum err e;

    *out = NULL;
    *outlen = 0;
    if (!c)
        return ERR_STORE;
    e = secret_get(c, name, out, outlen);
    if (e != ERR_NOT_FOUND)
        return e;
    /* ignored when another process added one meanwhile: theirs is read */
    e = secret_add(c, name, sealed, n);
    return e ? e : secret_get(c, name, out, outlen);
}
