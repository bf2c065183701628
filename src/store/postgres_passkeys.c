/* PostgreSQL backend: passkeys and WebAuthn challenges (migration 3), as
 * SQLite's (sqlite_passkeys.c). A registration locks its user's row before
 * it counts the user's passkeys, so that two at once cannot both take the
 * last place; each step is its own statement, so that the count (READ
 * COMMITTED: a snapshot per statement) sees what the lock waited for. */
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "store/postgres_internal.h"

enum {
    PASSKEY_LOCK_USER,
    PASSKEY_COUNT,
    PASSKEY_INSERT,
    PASSKEY_GET,
    PASSKEYS_OF_USER,
    PASSKEY_USE,
    PASSKEY_RENAME,
    PASSKEY_DELETE,
    CHALLENGE_PUT,
    CHALLENGE_TAKE,
};

#define PASSKEY_COLUMNS                                                                            \
    "p.user_sub, p.cred_id, p.name, p.alg, p.public_key, p.sign_count, p.aaguid, "                 \
    "p.user_verified, p.backup_eligible, p.backed_up, p.fmt, p.transports, p.created_at, "         \
    "coalesce(p.last_used_at, 0)"

static const struct pg_stmt sql[] = {
    /* NO KEY UPDATE: registrations of one user take turns, while rows that
     * merely refer to the user (their KEY SHARE locks) do not wait */
    [PASSKEY_LOCK_USER] = {"passkey_lock_user",
                           "SELECT 1 FROM users WHERE sub = $1 FOR NO KEY UPDATE"},
    [PASSKEY_COUNT] = {"passkey_count", "SELECT count(*) FROM passkeys WHERE user_sub = $1"},
    [PASSKEY_INSERT] = {"passkey_insert",
                        "INSERT INTO passkeys (user_sub, cred_id, name, alg, public_key, "
                        "sign_count, aaguid, user_verified, backup_eligible, backed_up, fmt, "
                        "transports, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
                        "$10, $11, $12, $13) ON CONFLICT (cred_id) DO NOTHING"},
    [PASSKEY_GET] = {"passkey_get", "SELECT " PASSKEY_COLUMNS " FROM passkeys p JOIN users u "
                                    "ON u.sub = p.user_sub WHERE p.cred_id = $1 AND u.enabled"},
    [PASSKEYS_OF_USER] = {"passkeys_of_user", "SELECT " PASSKEY_COLUMNS " FROM passkeys p "
                                              "WHERE p.user_sub = $1 ORDER BY p.created_at, p.seq"},
    /* the counter rule: of two assertions with one count, one moves it */
    [PASSKEY_USE] = {"passkey_use", "UPDATE passkeys SET sign_count = $3, backed_up = $4, "
                                    "last_used_at = $5 WHERE cred_id = $1 AND sign_count = $2"},
    [PASSKEY_RENAME] = {"passkey_rename",
                        "UPDATE passkeys SET name = $3 WHERE user_sub = $1 AND cred_id = $2"},
    [PASSKEY_DELETE] = {"passkey_delete",
                        "DELETE FROM passkeys WHERE user_sub = $1 AND cred_id = $2"},
    [CHALLENGE_PUT] = {"webauthn_challenge_put",
                       "INSERT INTO webauthn_challenges (hash, binding, purpose, user_sub, "
                       "expires_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (hash) DO NOTHING"},
    [CHALLENGE_TAKE] = {"webauthn_challenge_take",
                        "DELETE FROM webauthn_challenges WHERE hash = $1 "
                        "RETURNING hash, binding, purpose, user_sub, expires_at"},
};

/* Runs statement id with one text parameter on c; *rows as store_pg_exec. */
static enum err run_by_sub(struct pg_conn *c, int id, const char *sub, int64_t *rows)
{
    struct pg_params p = {0};

    store_pg_text(&p, sub);
    return store_pg_exec(c, &sql[id], &p, rows, sql[id].name);
}

static enum err passkey_count(struct pg_conn *c, const char *sub, int64_t *n)
{
    struct pg_params p = {0};
    PGresult *r = NULL;
    enum err e;

    store_pg_text(&p, sub);
    e = store_pg_query(c, &sql[PASSKEY_COUNT], &p, &r, "passkey_count");
    if (!e)
        *n = store_pg_get_int(r, 0, 0);
    PQclear(r);
    return e;
}

static enum err insert_body(struct pg_conn *c, void *arg)
{
    const struct passkey *pk = arg;
    struct pg_params p = {0};
    int64_t rows = 0, n = 0;
    enum err e = run_by_sub(c, PASSKEY_LOCK_USER, pk->user_sub, &rows);

    if (!e && rows == 0)
        return ERR_NOT_FOUND;
    if (!e)
        e = passkey_count(c, pk->user_sub, &n);
    if (!e && n >= LIMIT_USER_PASSKEYS)
        return ERR_TOO_LARGE;
    if (e)
        return e;
    store_pg_text(&p, pk->user_sub);
    store_pg_bytes(&p, pk->cred_id, pk->cred_id_len);
    store_pg_text(&p, pk->name);
    store_pg_int(&p, pk->alg);
    store_pg_bytes(&p, pk->public_key_der, pk->public_key_der_len);
    store_pg_int(&p, pk->sign_count);
    store_pg_bytes(&p, pk->aaguid, sizeof pk->aaguid);
    store_pg_bool(&p, pk->user_verified);
    store_pg_bool(&p, pk->backup_eligible);
    store_pg_bool(&p, pk->backed_up);
    store_pg_text(&p, pk->fmt);
    store_pg_text(&p, pk->transports);
    store_pg_int(&p, pk->created_at);
    e = store_pg_exec(c, &sql[PASSKEY_INSERT], &p, &rows, "passkey_insert");
    /* ON CONFLICT DO NOTHING: an id already stored (anyone's) writes no row */
    return !e && rows == 0 ? ERR_CONFLICT : e;
}

enum err store_pg_passkey_insert(struct store *s, const struct passkey *p)
{
    return store_pg_txn(s, insert_body, (void *)p);
}

/* Columns: PASSKEY_COLUMNS. */
static enum err fill_passkey(const PGresult *r, int row, void *item)
{
    struct passkey *p = item;
    unsigned char *id = NULL;
    size_t id_len = 0;
    enum err e;

    if (!text_copy(p->user_sub, sizeof p->user_sub, PQgetvalue(r, row, 0)) ||
        !text_copy(p->name, sizeof p->name, PQgetvalue(r, row, 2)) ||
        !text_copy(p->fmt, sizeof p->fmt, PQgetvalue(r, row, 10)) ||
        !text_copy(p->transports, sizeof p->transports, PQgetvalue(r, row, 11)) ||
        store_pg_get_bytes_into(r, row, 6, p->aaguid, sizeof p->aaguid))
        return ERR_STORE;
    e = store_pg_get_bytes(r, row, 1, &id, &id_len);
    if (!e && (id_len == 0 || id_len > sizeof p->cred_id))
        e = ERR_STORE;
    if (!e) {
        memcpy(p->cred_id, id, id_len);
        p->cred_id_len = id_len;
    }
    free(id);
    if (!e)
        e = store_pg_get_bytes(r, row, 4, &p->public_key_der, &p->public_key_der_len);
    if (!e && p->public_key_der_len == 0)
        e = ERR_STORE;
    p->alg = (int)store_pg_get_int(r, row, 3);
    p->sign_count = (uint32_t)store_pg_get_int(r, row, 5);
    p->user_verified = store_pg_get_bool(r, row, 7);
    p->backup_eligible = store_pg_get_bool(r, row, 8);
    p->backed_up = store_pg_get_bool(r, row, 9);
    p->created_at = store_pg_get_int(r, row, 12);
    p->last_used_at = store_pg_get_int(r, row, 13);
    return e;
}

enum err store_pg_passkey_get(struct store *s, const unsigned char *cred_id, size_t len,
                              struct passkey *out)
{
    struct pg_params p = {0};
    enum err e;

    memset(out, 0, sizeof *out);
    store_pg_bytes(&p, cred_id, len);
    e = store_pg_row(s, &sql[PASSKEY_GET], &p, fill_passkey, out);
    if (e)
        passkey_clear(out);
    return e;
}

static void clear_passkey(void *item)
{
    passkey_clear(item);
}

enum err store_pg_passkeys_of_user(struct store *s, const char *sub, struct passkey **out,
                                   size_t *n)
{
    struct pg_params p = {0};

    store_pg_text(&p, sub);
    return store_pg_list(s, &sql[PASSKEYS_OF_USER], &p, sizeof **out, fill_passkey, clear_passkey,
                         (void **)out, n);
}

enum err store_pg_passkey_use(struct store *s, const unsigned char *cred_id, size_t len,
                              uint32_t old_count, uint32_t new_count, bool backed_up, int64_t now)
{
    struct pg_params p = {0};
    int64_t rows = 0;
    enum err e;

    store_pg_bytes(&p, cred_id, len);
    store_pg_int(&p, old_count);
    store_pg_int(&p, new_count);
    store_pg_bool(&p, backed_up);
    store_pg_int(&p, now);
    e = store_pg_run(s, &sql[PASSKEY_USE], &p, &rows);
    return !e && rows == 0 ? ERR_CONFLICT : e;
}

enum err store_pg_passkey_rename(struct store *s, const char *sub, const unsigned char *cred_id,
                                 size_t len, const char *name)
{
    struct pg_params p = {0};

    store_pg_text(&p, sub);
    store_pg_bytes(&p, cred_id, len);
    store_pg_text(&p, name);
    return store_pg_change(s, &sql[PASSKEY_RENAME], &p); /* not the user's: ERR_NOT_FOUND */
}

enum err store_pg_passkey_delete(struct store *s, const char *sub, const unsigned char *cred_id,
                                 size_t len)
{
    struct pg_params p = {0};

    store_pg_text(&p, sub);
    store_pg_bytes(&p, cred_id, len);
    return store_pg_change(s, &sql[PASSKEY_DELETE], &p);
}

enum err store_pg_webauthn_challenge_put(struct store *s, const struct webauthn_challenge *c)
{
    struct pg_params p = {0};
    int64_t rows = 0;
    enum err e;

    store_pg_bytes(&p, c->hash, HASH_LEN);
    store_pg_bytes(&p, c->binding, HASH_LEN);
    store_pg_int(&p, c->purpose);
    store_pg_text(&p, c->user_sub);
    store_pg_int(&p, c->expires_at);
    e = store_pg_run(s, &sql[CHALLENGE_PUT], &p, &rows);
    return !e && rows == 0 ? ERR_CONFLICT : e;
}

/* Columns: hash, binding, purpose, user_sub, expires_at. */
static enum err fill_challenge(const PGresult *r, int row, void *item)
{
    struct webauthn_challenge *c = item;

    if (store_pg_get_bytes_into(r, row, 0, c->hash, HASH_LEN) ||
        store_pg_get_bytes_into(r, row, 1, c->binding, HASH_LEN) ||
        store_pg_get_text_into(r, row, 3, c->user_sub, sizeof c->user_sub))
        return ERR_STORE;
    c->purpose = (int)store_pg_get_int(r, row, 2);
    c->expires_at = store_pg_get_int(r, row, 4);
    return ERR_OK;
}

enum err store_pg_webauthn_challenge_take(struct store *s, const unsigned char hash[HASH_LEN],
                                          struct webauthn_challenge *out)
{
    struct pg_params p = {0};

    memset(out, 0, sizeof *out);
    store_pg_bytes(&p, hash, HASH_LEN);
    return store_pg_row(s, &sql[CHALLENGE_TAKE], &p, fill_challenge, out);
}
