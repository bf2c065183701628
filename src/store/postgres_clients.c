/* PostgreSQL backend: the clients table, as sqlite_clients.c keeps it. */
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "store/postgres_internal.h"

#define CLIENT_COLUMNS                                                                             \
    "id, name, type, secret_hash, grant_types, response_types, redirect_uris, "                    \
    "post_logout_redirect_uris, scope, token_endpoint_auth_method, access_token_format, "          \
    "enabled, created_at, require_consent, reuse_consent, backchannel_logout_uri, "                \
    "backchannel_logout_session_required, subject_type, sector_identifier_uri, sector, "           \
    "id_token_alg, secret_sealed, require_mfa"

enum { CLIENT_GET, CLIENT_INSERT, CLIENT_UPDATE, CLIENT_DELETE, CLIENT_LIST, CLIENT_ALGS };

/* The parameters of an insert follow CLIENT_COLUMNS ($1 to $23); an update
 * leaves created_at out and adds the time of the change (bind_client). */
static const struct pg_stmt sql[] = {
    [CLIENT_GET] = {"client_get", "SELECT " CLIENT_COLUMNS " FROM clients WHERE id = $1"},
    [CLIENT_INSERT] = {"client_insert",
                       "INSERT INTO clients (" CLIENT_COLUMNS ", updated_at) VALUES ($1, $2, $3, "
                       "$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, "
                       "$20, $21, $22, $23, $13)"},
    [CLIENT_UPDATE] =
        {"client_update",
         "UPDATE clients SET name = $2, type = $3, secret_hash = $4, "
         "grant_types = $5, response_types = $6, redirect_uris = $7, "
         "post_logout_redirect_uris = $8, scope = $9, "
         "token_endpoint_auth_method = $10, access_token_format = $11, "
         "enabled = $12, require_consent = $13, reuse_consent = $14, "
         "backchannel_logout_uri = $15, backchannel_logout_session_required = $16, "
         "subject_type = $17, sector_identifier_uri = $18, sector = $19, "
         "id_token_alg = $20, secret_sealed = $21, require_mfa = $22, updated_at = $23 "
         "WHERE id = $1"},
    [CLIENT_DELETE] = {"client_delete", "DELETE FROM clients WHERE id = $1"},
    /* ids compare bytewise, as SQLite's do (index clients_page) */
    [CLIENT_LIST] = {"client_list", "SELECT " CLIENT_COLUMNS " FROM clients "
                                    "WHERE (created_at, id COLLATE \"C\") > ($1, $2) "
                                    "ORDER BY created_at, id COLLATE \"C\" LIMIT $3"},
    [CLIENT_ALGS] = {"client_id_token_algs", "SELECT DISTINCT id_token_alg FROM clients"},
};

/* Columns 17 to 19: subject_type, sector_identifier_uri, sector. */
static enum err row_to_subject(const PGresult *r, int row, struct client *c)
{
    enum err e = ERR_OK;

    if (!store_pg_is_null(r, row, 17) &&
        subject_type_parse(PQgetvalue(r, row, 17), &c->subject_type))
        return ERR_STORE;
    c->sector_identifier_uri = store_pg_get_text_or_null(r, row, 18, &e);
    if (!e)
        c->sector = store_pg_get_text_or_null(r, row, 19, &e);
    return e;
}

/* The four lists, as the SQLite backend joins them. */
static enum err row_to_lists(const PGresult *r, int row, struct client *c)
{
    enum err e = strlist_split(&c->grant_types, PQgetvalue(r, row, 4), " ");

    if (!e)
        e = strlist_split(&c->response_types, PQgetvalue(r, row, 5), ",");
    if (!e)
        e = strlist_split(&c->redirect_uris, PQgetvalue(r, row, 6), " ");
    if (!e)
        e = strlist_split(&c->post_logout_redirect_uris, PQgetvalue(r, row, 7), " ");
    return e;
}

static enum err row_to_client(const PGresult *r, int row, struct client *c)
{
    enum err e;

    memset(c, 0, sizeof *c);
    e = store_pg_get_text_into(r, row, 0, c->id, sizeof c->id);
    if (e || client_type_parse(PQgetvalue(r, row, 2), &c->type) ||
        auth_method_parse(PQgetvalue(r, row, 9), &c->auth_method) ||
        token_format_parse(PQgetvalue(r, row, 10), &c->token_format))
        return ERR_STORE;
    c->has_secret = store_pg_get_bytes_into(r, row, 3, c->secret_hash, HASH_LEN) == ERR_OK;
    c->name = store_pg_get_text(r, row, 1);
    c->scope = store_pg_get_text(r, row, 8);
    e = c->name && c->scope ? row_to_lists(r, row, c) : ERR_NOMEM;
    c->enabled = store_pg_get_bool(r, row, 11);
    c->created_at = store_pg_get_int(r, row, 12);
    c->require_consent = store_pg_get_bool(r, row, 13);
    c->reuse_consent = store_pg_get_bool(r, row, 14);
    c->require_mfa = store_pg_get_bool(r, row, 22);
    c->backchannel_session_required = store_pg_get_bool(r, row, 16);
    if (!e)
        c->backchannel_logout_uri = store_pg_get_text_or_null(r, row, 15, &e);
    if (!e)
        e = row_to_subject(r, row, c);
    if (!e)
        e = store_pg_get_text_into(r, row, 20, c->id_token_alg, sizeof c->id_token_alg);
    if (!e)
        e = store_pg_get_bytes(r, row, 21, &c->secret_sealed, &c->secret_sealed_len);
    if (!e && c->secret_sealed_len == 0) { /* as SQLite's: none */
        free(c->secret_sealed);
        c->secret_sealed = NULL;
    }
    if (e)
        client_clear(c);
    return e;
}

static enum err fill_client(const PGresult *r, int row, void *item)
{
    return row_to_client(r, row, item);
}

enum err store_pg_client_get(struct store *s, const char *id, struct client *out)
{
    struct pg_params p = {0};

    store_pg_text(&p, id);
    return store_pg_row(s, &sql[CLIENT_GET], &p, fill_client, out);
}

/* Every column of cl (created_at for an insert only, as an update keeps
 * it); lists[] holds the joined lists, which the caller frees after the
 * statement ran. */
static enum err bind_client(struct pg_params *p, const struct client *cl, bool insert,
                            char *lists[4])
{
    int i;

    lists[0] = strlist_join(&cl->grant_types, " ");
    lists[1] = strlist_join(&cl->response_types, ",");
    lists[2] = strlist_join(&cl->redirect_uris, " ");
    lists[3] = strlist_join(&cl->post_logout_redirect_uris, " ");
    for (i = 0; i < 4; i++)
        if (!lists[i])
            return ERR_NOMEM;
    store_pg_text(p, cl->id);
    store_pg_text(p, cl->name ? cl->name : "");
    store_pg_text(p, client_type_name(cl->type));
    store_pg_bytes(p, cl->has_secret ? cl->secret_hash : NULL, HASH_LEN);
    for (i = 0; i < 4; i++)
        store_pg_text(p, lists[i]);
    store_pg_text(p, cl->scope ? cl->scope : "");
    store_pg_text(p, auth_method_name(cl->auth_method));
    store_pg_text(p, token_format_name(cl->token_format));
    store_pg_bool(p, cl->enabled);
    if (insert)
        store_pg_int(p, cl->created_at);
    store_pg_bool(p, cl->require_consent);
    store_pg_bool(p, cl->reuse_consent);
    store_pg_text(p, cl->backchannel_logout_uri);
    store_pg_bool(p, cl->backchannel_session_required);
    store_pg_text(p, subject_type_name(cl->subject_type));
    store_pg_text(p, cl->sector_identifier_uri);
    store_pg_text(p, cl->sector);
    store_pg_text(p, cl->id_token_alg[0] ? cl->id_token_alg : "RS256");
    store_pg_bytes(p, cl->secret_sealed, cl->secret_sealed_len);
    store_pg_bool(p, cl->require_mfa);
    return ERR_OK;
}

static enum err client_write(struct store *s, const struct client *cl, int id)
{
    struct pg_params p = {0};
    char *lists[4] = {NULL, NULL, NULL, NULL};
    enum err e = bind_client(&p, cl, id == CLIENT_INSERT, lists);
    int i;

    if (!e && id == CLIENT_UPDATE)
        store_pg_int(&p, clock_now());
    if (!e)
        e = store_pg_change(s, &sql[id], &p); /* an update of no client: ERR_NOT_FOUND */
    for (i = 0; i < 4; i++)
        free(lists[i]);
    return e;
}

enum err store_pg_client_insert(struct store *s, const struct client *cl)
{
    return client_write(s, cl, CLIENT_INSERT);
}

enum err store_pg_client_update(struct store *s, const struct client *cl)
{
    return client_write(s, cl, CLIENT_UPDATE);
}

enum err store_pg_client_delete(struct store *s, const char *id)
{
    struct pg_params p = {0};

    store_pg_text(&p, id);
    return store_pg_change(s, &sql[CLIENT_DELETE], &p);
}

static void clear_item(void *item)
{
    client_clear(item);
}

enum err store_pg_client_list(struct store *s, const struct client_filter *f, struct client **out,
                              size_t *n)
{
    struct pg_params p = {0};

    store_pg_int(&p, f->after_created_at);
    store_pg_text(&p, f->after_id);
    store_pg_int(&p, (int64_t)f->limit);
    return store_pg_list(s, &sql[CLIENT_LIST], &p, sizeof **out, fill_client, clear_item,
                         (void **)out, n);
}

enum err store_pg_client_id_token_algs(struct store *s, struct strlist *out)
{
    PGresult *r = NULL;
    enum err e;
    struct pg_conn *c = store_pg_conn(s, &e);
    int i;

    if (!c)
        return e;
    e = store_pg_query(c, &sql[CLIENT_ALGS], NULL, &r, "client_id_token_algs");
    for (i = 0; !e && i < PQntuples(r); i++) {
        const char *alg = PQgetvalue(r, i, 0);
        if (!strlist_contains(out, alg))
            e = strlist_add(out, alg, strlen(alg));
    }
    PQclear(r);
    return e;
}
