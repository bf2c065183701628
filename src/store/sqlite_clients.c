/* SQLite backend: the clients table. */
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "store/sqlite_internal.h"

/* subject_type, sector_identifier_uri and sector from column col on. */
static enum err row_to_subject(sqlite3_stmt *st, int col, struct client *c)
{
    const char *type = (const char *)sqlite3_column_text(st, col);

    if (type && subject_type_parse(type, &c->subject_type))
        return ERR_STORE;
    if (sqlite3_column_type(st, col + 1) != SQLITE_NULL &&
        !(c->sector_identifier_uri = store_sqlite_column_dup(st, col + 1)))
        return ERR_NOMEM;
    if (sqlite3_column_type(st, col + 2) != SQLITE_NULL &&
        !(c->sector = store_sqlite_column_dup(st, col + 2)))
        return ERR_NOMEM;
    return ERR_OK;
}

/* Columns 20 and 21: the ID token algorithm and the sealed secret. */
static enum err read_id_token_alg(sqlite3_stmt *st, struct client *c)
{
    const char *alg = (const char *)sqlite3_column_text(st, 20);
    int len = sqlite3_column_bytes(st, 21);

    if (!alg || strlen(alg) >= sizeof c->id_token_alg)
        return ERR_STORE;
    memcpy(c->id_token_alg, alg, strlen(alg) + 1);
    if (sqlite3_column_type(st, 21) == SQLITE_NULL || len <= 0)
        return ERR_OK;
    c->secret_sealed = malloc((size_t)len);
    if (!c->secret_sealed)
        return ERR_NOMEM;
    memcpy(c->secret_sealed, sqlite3_column_blob(st, 21), (size_t)len);
    c->secret_sealed_len = (size_t)len;
    return ERR_OK;
}

static enum err row_to_client(sqlite3_stmt *st, struct client *c)
{
    const char *id = (const char *)sqlite3_column_text(st, 0);
    const char *type = (const char *)sqlite3_column_text(st, 2);
    const char *method = (const char *)sqlite3_column_text(st, 9);
    const char *format = (const char *)sqlite3_column_text(st, 10);
    enum err rc = ERR_OK;

    memset(c, 0, sizeof *c);
    if (!id || strlen(id) > LIMIT_CLIENT_ID || !type || !method || !format)
        return ERR_STORE;
    memcpy(c->id, id, strlen(id) + 1);
    if (client_type_parse(type, &c->type) || auth_method_parse(method, &c->auth_method) ||
        token_format_parse(format, &c->token_format))
        return ERR_STORE;
    if (sqlite3_column_bytes(st, 3) == HASH_LEN) {
        memcpy(c->secret_hash, sqlite3_column_blob(st, 3), HASH_LEN);
        c->has_secret = true;
    }
    c->name = store_sqlite_column_dup(st, 1);
    c->scope = store_sqlite_column_dup(st, 8);
    if (!c->name || !c->scope)
        rc = ERR_NOMEM;
    if (!rc)
        rc = strlist_split(&c->grant_types, (const char *)sqlite3_column_text(st, 4), " ");
    if (!rc)
        rc = strlist_split(&c->response_types, (const char *)sqlite3_column_text(st, 5), ",");
    if (!rc)
        rc = strlist_split(&c->redirect_uris, (const char *)sqlite3_column_text(st, 6), " ");
    if (!rc)
        rc = strlist_split(&c->post_logout_redirect_uris, (const char *)sqlite3_column_text(st, 7),
                           " ");
    c->enabled = sqlite3_column_int(st, 11) != 0;
    c->created_at = sqlite3_column_int64(st, 12);
    c->require_consent = sqlite3_column_int(st, 13) != 0;
    c->reuse_consent = sqlite3_column_int(st, 14) != 0;
    c->backchannel_session_required = sqlite3_column_int(st, 16) != 0;
    c->require_mfa = sqlite3_column_int(st, 22) != 0;
    if (!rc && sqlite3_column_type(st, 15) != SQLITE_NULL &&
        !(c->backchannel_logout_uri = store_sqlite_column_dup(st, 15)))
        rc = ERR_NOMEM;
    if (!rc)
        rc = row_to_subject(st, 17, c);
    if (!rc)
        rc = read_id_token_alg(st, c);
    if (rc)
        client_clear(c);
    return rc;
}

enum err store_sqlite_client_get(struct store *s, const char *id, struct client *out)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_CLIENT_GET) : NULL;
    enum err e;
    int rc;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        e = row_to_client(st, out);
    else if (rc == SQLITE_DONE)
        e = ERR_NOT_FOUND;
    else
        e = store_sqlite_fail(c->db, rc, "client_get");
    store_sqlite_done(st);
    return e;
}

/* Binds every column of c for ST_CLIENT_INSERT / ST_CLIENT_UPDATE. The joined
 * lists are freed by SQLite (SQLITE_TRANSIENT copies them first). */
static enum err bind_client(sqlite3_stmt *st, const struct client *c)
{
    char *lists[4] = {
        strlist_join(&c->grant_types, " "),
        strlist_join(&c->response_types, ","),
        strlist_join(&c->redirect_uris, " "),
        strlist_join(&c->post_logout_redirect_uris, " "),
    };
    enum err e = ERR_OK;
    int i;

    for (i = 0; i < 4; i++)
        if (!lists[i])
            e = ERR_NOMEM;
    if (!e) {
        sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, c->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, client_type_name(c->type), -1, SQLITE_STATIC);
        if (c->has_secret)
            sqlite3_bind_blob(st, 4, c->secret_hash, HASH_LEN, SQLITE_STATIC);
        for (i = 0; i < 4; i++)
            sqlite3_bind_text(st, 5 + i, lists[i], -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 9, c->scope ? c->scope : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 10, auth_method_name(c->auth_method), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 11, token_format_name(c->token_format), -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 12, c->enabled);
        sqlite3_bind_int64(st, 13, c->created_at);
        sqlite3_bind_int64(st, 14, clock_now());
        sqlite3_bind_int(st, 15, c->require_consent);
        sqlite3_bind_int(st, 16, c->reuse_consent);
        if (c->backchannel_logout_uri)
            sqlite3_bind_text(st, 17, c->backchannel_logout_uri, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 18, c->backchannel_session_required);
        if (c->subject_type != SUBJECT_DEFAULT)
            sqlite3_bind_text(st, 19, subject_type_name(c->subject_type), -1, SQLITE_STATIC);
        if (c->sector_identifier_uri)
            sqlite3_bind_text(st, 20, c->sector_identifier_uri, -1, SQLITE_STATIC);
        if (c->sector)
            sqlite3_bind_text(st, 21, c->sector, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 22, c->id_token_alg[0] ? c->id_token_alg : "RS256", -1,
                          SQLITE_STATIC);
        if (c->secret_sealed)
            sqlite3_bind_blob(st, 23, c->secret_sealed, (int)c->secret_sealed_len, SQLITE_STATIC);
        sqlite3_bind_int(st, 24, c->require_mfa);
    }
    for (i = 0; i < 4; i++)
        free(lists[i]);
    return e;
}

static enum err client_write(struct store *s, const struct client *cl, enum stmt_id id)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, id) : NULL;
    enum err e;

    if (!st)
        return ERR_STORE;
    e = bind_client(st, cl);
    if (e) {
        store_sqlite_done(st);
        return e;
    }
    e = store_sqlite_exec(c, st, store_sqlite_sql[id]);
    if (!e && id == ST_CLIENT_UPDATE && sqlite3_changes(c->db) == 0)
        e = ERR_NOT_FOUND;
    return e;
}

enum err store_sqlite_client_insert(struct store *s, const struct client *cl)
{
    return client_write(s, cl, ST_CLIENT_INSERT);
}

enum err store_sqlite_client_update(struct store *s, const struct client *cl)
{
    return client_write(s, cl, ST_CLIENT_UPDATE);
}

enum err store_sqlite_client_delete(struct store *s, const char *id)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_CLIENT_DELETE) : NULL;
    enum err e;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    e = store_sqlite_exec(c, st, "client_delete");
    if (!e && sqlite3_changes(c->db) == 0)
        e = ERR_NOT_FOUND;
    return e;
}

static enum err fill_client(sqlite3_stmt *st, void *item)
{
    return row_to_client(st, item);
}

enum err store_sqlite_client_list(struct store *s, const struct client_filter *f,
                                  struct client **out, size_t *n)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_CLIENT_LIST) : NULL;
    void *items;
    enum err e;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_int64(st, 1, f->after_created_at);
    sqlite3_bind_text(st, 2, f->after_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)f->limit);
    e = store_sqlite_collect(c, st, sizeof **out, fill_client, &items, n);
    if (e) {
        client_list_free(items, *n);
        return e;
    }
    *out = items;
    return ERR_OK;
}

enum err store_sqlite_client_id_token_algs(struct store *s, struct strlist *out)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_CLIENT_ID_TOKEN_ALGS) : NULL;
    enum err e = ERR_OK;
    int rc;

    if (!st)
        return ERR_STORE;
    while (!e && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *alg = (const char *)sqlite3_column_text(st, 0);
        if (alg && !strlist_contains(out, alg))
            e = strlist_add(out, alg, strlen(alg));
    }
    if (!e && rc != SQLITE_DONE)
        e = store_sqlite_fail(c->db, rc, "client_id_token_algs");
    store_sqlite_done(st);
    return e;
}
