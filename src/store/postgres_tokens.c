/* PostgreSQL backend: stored (opaque) access tokens, revocations, the check
 * made on every presented token, and the sweep of expired rows. */
#include <stdlib.h>
#include <string.h>

#include "store/postgres_internal.h"

enum {
    TOKEN_INSERT,
    TOKEN_GET,
    TOKEN_DELETE,
    REVOCATION_ADD,
    TOKEN_STATE,
    SWEEP_TOKENS,
    SWEEP_REVOCATIONS,
    SWEEP_KEYS,
    SWEEP_SESSION_CLIENTS,
    SWEEP_SESSIONS,
    SWEEP_CODES,
    SWEEP_CONSENTS,
    SWEEP_REFRESH,
    SWEEP_PENDING,
    SWEEP_CHALLENGES,
};

static const struct pg_stmt sql[] = {
    [TOKEN_INSERT] = {"token_insert",
                      "INSERT INTO tokens (hash, kind, jti, client_id, subject, scope, issued_at, "
                      "expires_at, audience, claims_userinfo) "
                      "VALUES ($1, 'access', $2, $3, $4, $5, $6, $7, $8, $9)"},
    [TOKEN_GET] = {"token_get", "SELECT jti, client_id, subject, scope, issued_at, expires_at, "
                                "audience, claims_userinfo FROM tokens WHERE hash = $1"},
    [TOKEN_DELETE] = {"token_delete", "DELETE FROM tokens WHERE hash = $1"},
    [REVOCATION_ADD] = {"revocation_add", "INSERT INTO revoked_tokens (jti, client_id, expires_at) "
                                          "VALUES ($1, $2, $3) ON CONFLICT (jti) DO NOTHING"},
    [TOKEN_STATE] = {"token_state",
                     "SELECT enabled, EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = $2::text) "
                     "FROM clients WHERE id = $1"},
    [SWEEP_TOKENS] = {"sweep_tokens", "DELETE FROM tokens WHERE expires_at < $1"},
    [SWEEP_REVOCATIONS] = {"sweep_revocations", "DELETE FROM revoked_tokens WHERE expires_at < $1"},
    [SWEEP_KEYS] = {"sweep_keys", "DELETE FROM signing_keys WHERE retire_after IS NOT NULL "
                                  "AND retire_after < $1"},
    /* an expired session's clients go first, so that its deletion queues
     * no back-channel logout (the sessions trigger) */
    [SWEEP_SESSION_CLIENTS] = {"sweep_session_clients",
                               "DELETE FROM session_clients WHERE sid IN "
                               "(SELECT sid FROM sessions WHERE expires_at < $1)"},
    [SWEEP_SESSIONS] = {"sweep_sessions", "DELETE FROM sessions WHERE expires_at < $1"},
    /* a used code stays while what it issued may still be revoked: its
     * access token, and its refresh family while any token of it is left */
    [SWEEP_CODES] = {"sweep_codes",
                     "DELETE FROM auth_codes c WHERE c.expires_at < $1 "
                     "AND coalesce(c.at_expires_at, 0) < $1 AND (c.rt_family IS NULL OR "
                     "NOT EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.family = c.rt_family))"},
    [SWEEP_CONSENTS] = {"sweep_consents", "DELETE FROM consents WHERE expires_at < $1"},
    [SWEEP_REFRESH] = {"sweep_refresh", "DELETE FROM refresh_tokens WHERE expires_at < $1"},
    [SWEEP_PENDING] = {"sweep_pending", "DELETE FROM signin_pending WHERE expires_at < $1"},
    [SWEEP_CHALLENGES] = {"sweep_challenges",
                          "DELETE FROM webauthn_challenges WHERE expires_at < $1"},
};

enum err store_pg_token_insert(struct store *s, const struct token *t)
{
    struct pg_params p = {0};

    store_pg_bytes(&p, t->hash, HASH_LEN);
    store_pg_text(&p, t->jti);
    store_pg_text(&p, t->client_id);
    store_pg_text(&p, t->subject);
    store_pg_text(&p, t->scope);
    store_pg_int(&p, t->issued_at);
    store_pg_int(&p, t->expires_at);
    store_pg_text(&p, t->audience);
    store_pg_text(&p, t->claims_userinfo);
    return store_pg_run(s, &sql[TOKEN_INSERT], &p, NULL);
}

/* Columns: jti, client_id, subject, scope, issued_at, expires_at, audience,
 * claims_userinfo. */
static enum err fill_token(const PGresult *r, int row, void *item)
{
    struct token *t = item;
    enum err e = ERR_OK;

    if (store_pg_get_text_into(r, row, 0, t->jti, sizeof t->jti) ||
        store_pg_get_text_into(r, row, 1, t->client_id, sizeof t->client_id))
        return ERR_STORE;
    t->subject = store_pg_get_text(r, row, 2);
    t->scope = store_pg_get_text(r, row, 3);
    t->issued_at = store_pg_get_int(r, row, 4);
    t->expires_at = store_pg_get_int(r, row, 5);
    t->audience = store_pg_get_text_or_null(r, row, 6, &e);
    t->claims_userinfo = store_pg_get_text_or_null(r, row, 7, &e);
    return !e && t->subject && t->scope ? ERR_OK : ERR_NOMEM;
}

enum err store_pg_token_get(struct store *s, const unsigned char hash[HASH_LEN], struct token *out)
{
    struct pg_params p = {0};
    enum err e;

    memset(out, 0, sizeof *out);
    store_pg_bytes(&p, hash, HASH_LEN);
    e = store_pg_row(s, &sql[TOKEN_GET], &p, fill_token, out);
    if (e)
        token_clear(out);
    else
        memcpy(out->hash, hash, HASH_LEN);
    return e;
}

enum err store_pg_token_delete(struct store *s, const unsigned char hash[HASH_LEN])
{
    struct pg_params p = {0};

    store_pg_bytes(&p, hash, HASH_LEN);
    return store_pg_change(s, &sql[TOKEN_DELETE], &p);
}

enum err store_pg_revoke_jti(struct pg_conn *c, const char *jti, const char *client_id,
                             int64_t expires_at)
{
    struct pg_params p = {0};

    store_pg_text(&p, jti);
    store_pg_text(&p, client_id);
    store_pg_int(&p, expires_at);
    return store_pg_exec(c, &sql[REVOCATION_ADD], &p, NULL, "revocation_add");
}

enum err store_pg_revocation_add(struct store *s, const char *jti, const char *client_id,
                                 int64_t expires_at)
{
    enum err e;
    struct pg_conn *c = store_pg_conn(s, &e);

    return c ? store_pg_revoke_jti(c, jti, client_id, expires_at) : e;
}

static enum err fill_state(const PGresult *r, int row, void *item)
{
    struct token_state *out = item;

    out->client_exists = true;
    out->client_enabled = store_pg_get_bool(r, row, 0);
    out->revoked = store_pg_get_bool(r, row, 1);
    return ERR_OK;
}

enum err store_pg_token_state(struct store *s, const char *client_id, const char *jti,
                              struct token_state *out)
{
    struct pg_params p = {0};
    enum err e;

    memset(out, 0, sizeof *out);
    store_pg_text(&p, client_id);
    store_pg_text(&p, jti);
    e = store_pg_row(s, &sql[TOKEN_STATE], &p, fill_state, out);
    return e == ERR_NOT_FOUND ? ERR_OK : e; /* no such client: all false */
}

static enum err sweep_body(struct pg_conn *c, void *arg)
{
    static const int sweeps[] = {
        SWEEP_TOKENS, SWEEP_REVOCATIONS, SWEEP_KEYS,    SWEEP_SESSION_CLIENTS, SWEEP_SESSIONS,
        SWEEP_CODES,  SWEEP_CONSENTS,    SWEEP_REFRESH, SWEEP_PENDING,         SWEEP_CHALLENGES,
    };
    int64_t *args = arg; /* [0]: now, [1]: removed */
    enum err e = ERR_OK;
    size_t i;

    args[1] = 0;
    for (i = 0; i < sizeof sweeps / sizeof sweeps[0] && !e; i++) {
        struct pg_params p = {0};
        int64_t rows = 0;

        store_pg_int(&p, args[0]);
        e = store_pg_exec(c, &sql[sweeps[i]], &p, &rows, "sweep");
        args[1] += rows;
    }
    return e;
}

/* One transaction: a sweep cut short (a lost connection, a timeout) leaves
 * no expired session stripped of its clients but still there. */
enum err store_pg_sweep(struct store *s, int64_t now, int64_t *removed)
{
    int64_t args[2] = {now, 0};
    enum err e = store_pg_txn(s, sweep_body, args);

    *removed = e ? 0 : args[1];
    return e;
}
