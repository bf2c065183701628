/* PostgreSQL backend: the queue of back-channel logout deliveries. Rows are
 * added by the sessions trigger (001_schema.sql) when sessions end; here
 * the workers of every instance claim, retry and delete them. */
#include <stdlib.h>
#include <string.h>

#include "store/postgres_internal.h"

enum { SESSION_CLIENT_ADD, BACKCHANNEL_CLAIM, BACKCHANNEL_DELETE, BACKCHANNEL_RETRY };

static const struct pg_stmt sql[] = {
    [SESSION_CLIENT_ADD] = {"session_client_add", "INSERT INTO session_clients (sid, client_id) "
                                                  "VALUES ($1, $2) ON CONFLICT DO NOTHING"},
    /* SKIP LOCKED: rows another instance is claiming right now are left to
     * it, and a row it has claimed meanwhile fails the re-checked next_at:
     * no delivery is claimed twice. Claiming moves next_at past the
     * delivery, so a crash mid-way retries it later. */
    [BACKCHANNEL_CLAIM] = {"backchannel_claim",
                           "UPDATE backchannel_logouts SET attempts = attempts + 1, next_at = $2 "
                           "WHERE id IN (SELECT id FROM backchannel_logouts WHERE next_at <= $1 "
                           "ORDER BY next_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) "
                           "RETURNING id, client_id, sub, sid, attempts"},
    [BACKCHANNEL_DELETE] = {"backchannel_delete", "DELETE FROM backchannel_logouts WHERE id = $1"},
    [BACKCHANNEL_RETRY] = {"backchannel_retry",
                           "UPDATE backchannel_logouts SET next_at = $2 WHERE id = $1"},
};

enum err store_pg_session_client_add(struct store *s, const char *sid, const char *client_id)
{
    struct pg_params p = {0};

    store_pg_text(&p, sid);
    store_pg_text(&p, client_id);
    return store_pg_run(s, &sql[SESSION_CLIENT_ADD], &p, NULL);
}

/* Columns: id, client_id, sub, sid, attempts. */
static enum err fill_delivery(const PGresult *r, int row, void *item)
{
    struct backchannel_logout *d = item;

    d->id = store_pg_get_int(r, row, 0);
    if (store_pg_get_text_into(r, row, 1, d->client_id, sizeof d->client_id) ||
        store_pg_get_text_into(r, row, 3, d->sid, sizeof d->sid))
        return ERR_STORE;
    d->attempts = (int)store_pg_get_int(r, row, 4);
    d->sub = store_pg_get_text(r, row, 2);
    return d->sub ? ERR_OK : ERR_NOMEM;
}

static void clear_item(void *item)
{
    struct backchannel_logout *d = item;

    free(d->sub);
    d->sub = NULL;
}

enum err store_pg_backchannel_claim(struct store *s, int64_t now, int64_t until, size_t max,
                                    struct backchannel_logout **out, size_t *n)
{
    struct pg_params p = {0};

    store_pg_int(&p, now);
    store_pg_int(&p, until);
    store_pg_int(&p, (int64_t)max);
    return store_pg_list(s, &sql[BACKCHANNEL_CLAIM], &p, sizeof **out, fill_delivery, clear_item,
                         (void **)out, n);
}

static enum err write_id(struct store *s, int id, int64_t row, const int64_t *next_at)
{
    struct pg_params p = {0};

    store_pg_int(&p, row);
    if (next_at)
        store_pg_int(&p, *next_at);
    return store_pg_run(s, &sql[id], &p, NULL);
}

enum err store_pg_backchannel_delete(struct store *s, int64_t id)
{
    return write_id(s, BACKCHANNEL_DELETE, id, NULL);
}

enum err store_pg_backchannel_retry(struct store *s, int64_t id, int64_t next_at)
{
    return write_id(s, BACKCHANNEL_RETRY, id, &next_at);
}
