/* PostgreSQL backend: sessions, authorization codes and consents. Which of
 * two redemptions of a code wins is decided by one UPDATE … WHERE used_at IS
 * NULL: the second waits for the first's row lock, then finds the row used
 * (READ COMMITTED re-reads it), whichever instance it runs in. */
#include <stdlib.h>
#include <string.h>

#include "store/postgres_internal.h"

#define CODE_COLUMNS                                                                               \
    "client_id, redirect_uri, user_sub, scope, nonce, code_challenge, code_challenge_method, "     \
    "auth_time, amr, sid, created_at, expires_at, used_at, at_jti, at_expires_at, rt_hash, "       \
    "reused_at, rt_family, resource, front_at_jti, front_at_expires_at, claims_userinfo, "         \
    "claims_id_token"

enum {
    SESSION_INSERT,
    SESSION_GET,
    SESSION_DELETE,
    SESSION_COUNT,
    CODE_INSERT,
    CODE_CONSUME,
    CODE_GET,
    CODE_MARK_REUSED,
    CODE_RECORD_ISSUED,
    CONSENT_GET,
    CONSENT_PUT,
};

static const struct pg_stmt sql[] = {
    [SESSION_INSERT] = {"session_insert",
                        "INSERT INTO sessions (id_hash, sid, user_sub, auth_time, amr, "
                        "created_at, expires_at, address, browser) "
                        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"},
    /* a session is only as good as its user: deleted or disabled, it is gone */
    [SESSION_GET] = {"session_get",
                     "SELECT s.sid, s.user_sub, s.auth_time, s.amr, s.created_at, s.expires_at "
                     "FROM sessions s JOIN users u ON u.sub = s.user_sub "
                     "WHERE s.id_hash = $1 AND u.enabled"},
    [SESSION_DELETE] = {"session_delete", "DELETE FROM sessions WHERE id_hash = $1"},
    [SESSION_COUNT] = {"session_count", "SELECT count(*) FROM sessions WHERE expires_at > $1"},
    [CODE_INSERT] = {"code_insert",
                     "INSERT INTO auth_codes (hash, client_id, redirect_uri, user_sub, scope, "
                     "nonce, code_challenge, code_challenge_method, auth_time, amr, sid, "
                     "created_at, expires_at, resource, front_at_jti, front_at_expires_at, "
                     "claims_userinfo, claims_id_token) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
                     "$9, $10, $11, $12, $13, $14, $15, $16, $17, $18)"},
    [CODE_CONSUME] = {"code_consume",
                      "UPDATE auth_codes SET used_at = $2 "
                      "WHERE hash = $1 AND used_at IS NULL RETURNING " CODE_COLUMNS},
    [CODE_GET] = {"code_get", "SELECT " CODE_COLUMNS " FROM auth_codes WHERE hash = $1"},
    [CODE_MARK_REUSED] = {"code_mark_reused",
                          "UPDATE auth_codes SET reused_at = coalesce(reused_at, $2) "
                          "WHERE hash = $1 RETURNING " CODE_COLUMNS},
    [CODE_RECORD_ISSUED] = {"code_record_issued",
                            "UPDATE auth_codes SET at_jti = $2, at_expires_at = $3, "
                            "rt_hash = $4, rt_family = $5 WHERE hash = $1 AND reused_at IS NULL"},
    [CONSENT_GET] = {"consent_get", "SELECT scope, created_at, expires_at, claims FROM consents "
                                    "WHERE user_sub = $1 AND client_id = $2"},
    [CONSENT_PUT] = {"consent_put",
                     "INSERT INTO consents (user_sub, client_id, scope, created_at, expires_at, "
                     "claims) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_sub, client_id) "
                     "DO UPDATE SET scope = EXCLUDED.scope, created_at = EXCLUDED.created_at, "
                     "expires_at = EXCLUDED.expires_at, claims = EXCLUDED.claims"},
};

enum err store_pg_session_insert(struct store *s, const struct session *se)
{
    struct pg_params p = {0};

    store_pg_bytes(&p, se->id_hash, HASH_LEN);
    store_pg_text(&p, se->sid);
    store_pg_text(&p, se->user_sub);
    store_pg_int(&p, se->auth_time);
    store_pg_text(&p, se->amr ? se->amr : "");
    store_pg_int(&p, se->created_at);
    store_pg_int(&p, se->expires_at);
    store_pg_text(&p, se->address && *se->address ? se->address : NULL);
    store_pg_text(&p, se->browser && *se->browser ? se->browser : NULL);
    return store_pg_run(s, &sql[SESSION_INSERT], &p, NULL);
}

enum err store_pg_fill_session(const PGresult *r, int row, void *item)
{
    struct session *se = item;

    if (store_pg_get_text_into(r, row, 0, se->sid, sizeof se->sid))
        return ERR_STORE;
    se->user_sub = store_pg_get_text(r, row, 1);
    se->auth_time = store_pg_get_int(r, row, 2);
    se->amr = store_pg_get_text(r, row, 3);
    se->created_at = store_pg_get_int(r, row, 4);
    se->expires_at = store_pg_get_int(r, row, 5);
    return se->user_sub && se->amr ? ERR_OK : ERR_NOMEM;
}

enum err store_pg_session_row(struct store *s, const struct pg_stmt *st,
                              const unsigned char id_hash[HASH_LEN], struct session *out)
{
    struct pg_params p = {0};
    enum err e;

    memset(out, 0, sizeof *out);
    store_pg_bytes(&p, id_hash, HASH_LEN);
    e = store_pg_row(s, st, &p, store_pg_fill_session, out);
    if (e)
        session_clear(out);
    else
        memcpy(out->id_hash, id_hash, HASH_LEN);
    return e;
}

enum err store_pg_session_get(struct store *s, const unsigned char id_hash[HASH_LEN],
                              struct session *out)
{
    return store_pg_session_row(s, &sql[SESSION_GET], id_hash, out);
}

/* The sessions trigger queues the logout tokens in the same statement. */
enum err store_pg_session_delete(struct store *s, const unsigned char id_hash[HASH_LEN])
{
    struct pg_params p = {0};

    store_pg_bytes(&p, id_hash, HASH_LEN);
    return store_pg_change(s, &sql[SESSION_DELETE], &p);
}

static enum err fill_count(const PGresult *r, int row, void *item)
{
    *(int64_t *)item = store_pg_get_int(r, row, 0);
    return ERR_OK;
}

enum err store_pg_session_count(struct store *s, int64_t now, int64_t *n)
{
    struct pg_params p = {0};

    store_pg_int(&p, now);
    return store_pg_row(s, &sql[SESSION_COUNT], &p, fill_count, n);
}

enum err store_pg_code_insert(struct store *s, const struct auth_code *code)
{
    struct pg_params p = {0};

    store_pg_bytes(&p, code->hash, HASH_LEN);
    store_pg_text(&p, code->client_id);
    store_pg_text(&p, code->redirect_uri);
    store_pg_text(&p, code->user_sub);
    store_pg_text(&p, code->scope);
    store_pg_text(&p, code->nonce);
    store_pg_text(&p, code->code_challenge);
    store_pg_text(&p, code->code_challenge_method);
    store_pg_int(&p, code->auth_time);
    store_pg_text(&p, code->amr ? code->amr : "");
    store_pg_text(&p, code->sid);
    store_pg_int(&p, code->created_at);
    store_pg_int(&p, code->expires_at);
    store_pg_text(&p, code->resource);
    store_pg_text(&p, code->front_at_jti[0] ? code->front_at_jti : NULL);
    store_pg_int(&p, code->front_at_expires_at);
    store_pg_text(&p, code->claims_userinfo);
    store_pg_text(&p, code->claims_id_token);
    return store_pg_run(s, &sql[CODE_INSERT], &p, NULL);
}

/* The row of CODE_COLUMNS. */
static enum err fill_code(const PGresult *r, int row, void *item)
{
    struct auth_code *code = item;
    enum err e = ERR_OK;

    if (store_pg_get_text_into(r, row, 0, code->client_id, sizeof code->client_id) ||
        store_pg_get_text_into(r, row, 9, code->sid, sizeof code->sid) ||
        store_pg_get_text_into(r, row, 13, code->at_jti, sizeof code->at_jti) ||
        store_pg_get_text_into(r, row, 17, code->rt_family, sizeof code->rt_family) ||
        store_pg_get_text_into(r, row, 19, code->front_at_jti, sizeof code->front_at_jti))
        return ERR_STORE;
    code->redirect_uri = store_pg_get_text(r, row, 1);
    code->user_sub = store_pg_get_text(r, row, 2);
    code->scope = store_pg_get_text(r, row, 3);
    code->nonce = store_pg_get_text_or_null(r, row, 4, &e);
    code->code_challenge = store_pg_get_text_or_null(r, row, 5, &e);
    code->code_challenge_method = store_pg_get_text_or_null(r, row, 6, &e);
    code->auth_time = store_pg_get_int(r, row, 7);
    code->amr = store_pg_get_text(r, row, 8);
    code->created_at = store_pg_get_int(r, row, 10);
    code->expires_at = store_pg_get_int(r, row, 11);
    code->used_at = store_pg_get_int(r, row, 12);
    code->at_expires_at = store_pg_get_int(r, row, 14);
    code->reused_at = store_pg_get_int(r, row, 16);
    code->resource = store_pg_get_text_or_null(r, row, 18, &e);
    code->front_at_expires_at = store_pg_get_int(r, row, 20);
    code->claims_userinfo = store_pg_get_text_or_null(r, row, 21, &e);
    code->claims_id_token = store_pg_get_text_or_null(r, row, 22, &e);
    if (!store_pg_is_null(r, row, 15) &&
        store_pg_get_bytes_into(r, row, 15, code->rt_hash, HASH_LEN) == ERR_OK)
        code->has_rt = true;
    if (!code->redirect_uri || !code->user_sub || !code->scope || !code->amr)
        e = ERR_NOMEM;
    return e;
}

/* One code row through statement id (CODE_GET takes no time) into *out;
 * ERR_NOT_FOUND without one. */
static enum err code_step(struct store *s, int id, const unsigned char hash[HASH_LEN], int64_t now,
                          struct auth_code *out)
{
    struct pg_params p = {0};

    store_pg_bytes(&p, hash, HASH_LEN);
    if (id != CODE_GET)
        store_pg_int(&p, now);
    return store_pg_row(s, &sql[id], &p, fill_code, out);
}

/* One code row through statement id into *out (its hash set), or, with
 * `then` (not -1) and no row, through then with ERR_CONFLICT. */
static enum err code_row(struct store *s, int id, int then, const unsigned char hash[HASH_LEN],
                         int64_t now, struct auth_code *out)
{
    enum err e;

    memset(out, 0, sizeof *out);
    e = code_step(s, id, hash, now, out);
    if (e == ERR_NOT_FOUND && then >= 0) {
        auth_code_clear(out);
        e = code_step(s, then, hash, now, out);
        if (!e)
            e = ERR_CONFLICT;
    }
    if (e && e != ERR_CONFLICT)
        auth_code_clear(out);
    else
        memcpy(out->hash, hash, HASH_LEN);
    return e;
}

enum err store_pg_code_consume(struct store *s, const unsigned char hash[HASH_LEN], int64_t now,
                               struct auth_code *out)
{
    /* the one statement that decides who wins: used_at IS NULL; the
     * losers read the row as it stands */
    return code_row(s, CODE_CONSUME, CODE_GET, hash, now, out);
}

enum err store_pg_code_mark_reused(struct store *s, const unsigned char hash[HASH_LEN], int64_t now,
                                   struct auth_code *out)
{
    return code_row(s, CODE_MARK_REUSED, -1, hash, now, out);
}

struct record_args {
    const unsigned char *hash;
    const char *at_jti;
    int64_t at_expires_at;
    const struct refresh_token *rt;
};

static enum err record_body(struct pg_conn *c, void *arg)
{
    const struct record_args *a = arg;
    struct pg_params p = {0};
    int64_t rows = 0;
    enum err e;

    store_pg_bytes(&p, a->hash, HASH_LEN);
    store_pg_text(&p, a->at_jti);
    store_pg_int(&p, a->at_expires_at);
    store_pg_bytes(&p, a->rt ? a->rt->hash : NULL, a->rt ? HASH_LEN : 0);
    store_pg_text(&p, a->rt ? a->rt->family : NULL);
    e = store_pg_exec(c, &sql[CODE_RECORD_ISSUED], &p, &rows, "code_record_issued");
    if (!e && rows == 0)
        e = ERR_CONFLICT; /* reused meanwhile (or gone) */
    if (!e && a->rt)
        e = store_pg_refresh_insert_conn(c, a->rt);
    return e;
}

enum err store_pg_code_record_issued(struct store *s, const unsigned char hash[HASH_LEN],
                                     const char *at_jti, int64_t at_expires_at,
                                     const struct refresh_token *rt)
{
    struct record_args a = {hash, at_jti, at_expires_at, rt};

    return store_pg_txn(s, record_body, &a);
}

static enum err revoke_issued_body(struct pg_conn *c, void *arg)
{
    const struct auth_code *code = arg;
    enum err e = ERR_OK;

    if (code->at_jti[0])
        e = store_pg_revoke_access_token(c, code->at_jti, code->client_id, code->at_expires_at);
    if (!e && code->front_at_jti[0])
        e = store_pg_revoke_access_token(c, code->front_at_jti, code->client_id,
                                         code->front_at_expires_at);
    if (!e && code->rt_family[0])
        e = store_pg_revoke_family(c, code->rt_family);
    return e;
}

enum err store_pg_code_revoke_issued(struct store *s, const struct auth_code *code)
{
    if (!code->at_jti[0] && !code->rt_family[0] && !code->front_at_jti[0])
        return ERR_OK;
    return store_pg_txn(s, revoke_issued_body, (void *)code);
}

static enum err fill_consent(const PGresult *r, int row, void *item)
{
    struct consent *cs = item;
    enum err e = ERR_OK;

    cs->scope = store_pg_get_text(r, row, 0);
    cs->created_at = store_pg_get_int(r, row, 1);
    cs->expires_at = store_pg_get_int(r, row, 2);
    cs->claims = store_pg_get_text_or_null(r, row, 3, &e);
    return !e && cs->scope ? ERR_OK : ERR_NOMEM;
}

enum err store_pg_consent_get(struct store *s, const char *user_sub, const char *client_id,
                              struct consent *out)
{
    struct pg_params p = {0};
    size_t idlen = strlen(client_id);
    enum err e;

    memset(out, 0, sizeof *out);
    if (idlen > LIMIT_CLIENT_ID)
        return ERR_NOT_FOUND;
    store_pg_text(&p, user_sub);
    store_pg_text(&p, client_id);
    e = store_pg_row(s, &sql[CONSENT_GET], &p, fill_consent, out);
    if (!e) {
        out->user_sub = strdup(user_sub);
        memcpy(out->client_id, client_id, idlen + 1);
        if (!out->user_sub)
            e = ERR_NOMEM;
    }
    if (e)
        consent_clear(out);
    return e;
}

enum err store_pg_consent_put(struct store *s, const struct consent *cs)
{
    struct pg_params p = {0};

    store_pg_text(&p, cs->user_sub);
    store_pg_text(&p, cs->client_id);
    store_pg_text(&p, cs->scope);
    store_pg_int(&p, cs->created_at);
    store_pg_int(&p, cs->expires_at);
    store_pg_text(&p, cs->claims);
    return store_pg_run(s, &sql[CONSENT_PUT], &p, NULL);
}
