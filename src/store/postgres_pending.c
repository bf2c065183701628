/* PostgreSQL backend: pending sign-ins (a password proven, the second
 * factor not yet) in rows of their own, never read as sessions, and the
 * account page's view of a user's sessions; as SQLite's (sqlite_signin.c).
 * A pending row is deleted once: of two racing second factors, the second
 * DELETE waits for the first's row lock and then finds no row. */
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "store/postgres_internal.h"

enum { PENDING_INSERT, PENDING_GET, PENDING_DELETE, SESSIONS_OF_USER, END_SID, END_OTHERS };

static const struct pg_stmt sql[] = {
    /* the insert selects the enabled user: no row means no such user */
    [PENDING_INSERT] = {"pending_insert",
                        "INSERT INTO signin_pending (id_hash, user_sub, auth_time, amr, "
                        "created_at, expires_at) SELECT $1, sub, $3, $4, $5, $6 FROM users "
                        "WHERE sub = $2 AND enabled"},
    [PENDING_GET] = {"pending_get",
                     "SELECT '', p.user_sub, p.auth_time, p.amr, p.created_at, p.expires_at "
                     "FROM signin_pending p JOIN users u ON u.sub = p.user_sub "
                     "WHERE p.id_hash = $1 AND u.enabled"},
    [PENDING_DELETE] = {"pending_delete", "DELETE FROM signin_pending WHERE id_hash = $1"},
    [SESSIONS_OF_USER] = {"sessions_of_user",
                          "SELECT sid, user_sub, auth_time, amr, created_at, expires_at, "
                          "address, browser FROM sessions WHERE user_sub = $1 AND expires_at > $2 "
                          "ORDER BY created_at DESC, seq DESC LIMIT $3"},
    /* the sessions trigger queues the back-channel logouts */
    [END_SID] = {"session_end_sid", "DELETE FROM sessions WHERE user_sub = $1 AND sid = $2"},
    [END_OTHERS] = {"session_end_others", "DELETE FROM sessions WHERE user_sub = $1 AND sid <> $2"},
};

enum err store_pg_pending_insert(struct store *s, const struct session *pe)
{
    struct pg_params p = {0};

    store_pg_bytes(&p, pe->id_hash, HASH_LEN);
    store_pg_text(&p, pe->user_sub);
    store_pg_int(&p, pe->auth_time);
    store_pg_text(&p, pe->amr ? pe->amr : "");
    store_pg_int(&p, pe->created_at);
    store_pg_int(&p, pe->expires_at);
    return store_pg_change(s, &sql[PENDING_INSERT], &p);
}

enum err store_pg_pending_get(struct store *s, const unsigned char id_hash[HASH_LEN],
                              struct session *out)
{
    return store_pg_session_row(s, &sql[PENDING_GET], id_hash, out);
}

enum err store_pg_pending_delete(struct store *s, const unsigned char id_hash[HASH_LEN])
{
    struct pg_params p = {0};

    store_pg_bytes(&p, id_hash, HASH_LEN);
    return store_pg_change(s, &sql[PENDING_DELETE], &p);
}

/* store_pg_fill_session, and the address and browser (columns 6 and 7) a
 * listed session shows. */
static enum err fill_listed_session(const PGresult *r, int row, void *item)
{
    struct session *se = item;
    enum err e = store_pg_fill_session(r, row, se);

    if (!e)
        se->address = store_pg_get_text_or_null(r, row, 6, &e);
    if (!e)
        se->browser = store_pg_get_text_or_null(r, row, 7, &e);
    return e;
}

static void clear_session(void *item)
{
    session_clear(item);
}

enum err store_pg_sessions_of_user(struct store *s, const char *sub, int64_t now,
                                   struct session **out, size_t *n)
{
    struct pg_params p = {0};

    store_pg_text(&p, sub);
    store_pg_int(&p, now);
    store_pg_int(&p, LIMIT_USER_SESSIONS);
    return store_pg_list(s, &sql[SESSIONS_OF_USER], &p, sizeof **out, fill_listed_session,
                         clear_session, (void **)out, n);
}

enum err store_pg_session_end_for_user(struct store *s, const char *sub, const char *sid,
                                       bool others)
{
    struct pg_params p = {0};

    store_pg_text(&p, sub);
    store_pg_text(&p, sid);
    if (others)
        return store_pg_run(s, &sql[END_OTHERS], &p, NULL);
    return store_pg_change(s, &sql[END_SID], &p); /* no such session: ERR_NOT_FOUND */
}
