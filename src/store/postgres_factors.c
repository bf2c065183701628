/* PostgreSQL backend: second factors (migration 2), as SQLite's
 * (sqlite_factors.c). The replay rules live in the statements: a TOTP step
 * is accepted only past the stored one, a recovery code only while unused,
 * each by one UPDATE; of two instances racing, the second waits for the
 * first's row lock, re-reads the row (READ COMMITTED) and changes nothing. */
#include <stdlib.h>
#include <string.h>

#include "store/postgres_internal.h"

enum {
    TOTP_PUT,
    TOTP_GET,
    TOTP_USE,
    TOTP_DELETE,
    RECOVERY_INSERT,
    RECOVERY_DELETE,
    RECOVERY_USE,
    RECOVERY_LIST,
    PASSKEYS_DELETE,
};

/* The inserts select the user, so none is written for a user not there. */
static const struct pg_stmt sql[] = {
    [TOTP_PUT] = {"totp_put",
                  "INSERT INTO totp_factors (user_sub, secret_sealed, confirmed, last_step, "
                  "created_at) SELECT sub, $2, $3, $4, $5 FROM users WHERE sub = $1 "
                  "ON CONFLICT (user_sub) DO UPDATE SET secret_sealed = EXCLUDED.secret_sealed, "
                  "confirmed = EXCLUDED.confirmed, last_step = EXCLUDED.last_step, "
                  "created_at = EXCLUDED.created_at, last_used_at = NULL"},
    [TOTP_GET] = {"totp_get", "SELECT user_sub, secret_sealed, confirmed, last_step, created_at, "
                              "coalesce(last_used_at, 0) FROM totp_factors WHERE user_sub = $1"},
    /* the replay rule: one code's step is accepted once, by whoever is first */
    [TOTP_USE] = {"totp_use", "UPDATE totp_factors SET last_step = $2, last_used_at = $3, "
                              "confirmed = TRUE WHERE user_sub = $1 AND last_step < $2 "
                              "AND confirmed = NOT $4::boolean"},
    [TOTP_DELETE] = {"totp_delete", "DELETE FROM totp_factors WHERE user_sub = $1"},
    [RECOVERY_INSERT] = {"recovery_insert", "INSERT INTO recovery_codes (user_sub, hash, "
                                            "created_at) SELECT sub, $2, $3 FROM users "
                                            "WHERE sub = $1"},
    [RECOVERY_DELETE] = {"recovery_delete", "DELETE FROM recovery_codes WHERE user_sub = $1"},
    [RECOVERY_USE] = {"recovery_use", "UPDATE recovery_codes SET used_at = $3 "
                                      "WHERE user_sub = $1 AND hash = $2 AND used_at IS NULL"},
    [RECOVERY_LIST] = {"recovery_list", "SELECT hash, created_at, coalesce(used_at, 0) "
                                        "FROM recovery_codes WHERE user_sub = $1 "
                                        "ORDER BY created_at, seq"},
    /* a reset takes the passkeys too (postgres_passkeys.c keeps the rest) */
    [PASSKEYS_DELETE] = {"passkeys_delete", "DELETE FROM passkeys WHERE user_sub = $1"},
};

enum err store_pg_totp_put(struct store *s, const struct totp_factor *f)
{
    struct pg_params p = {0};

    store_pg_text(&p, f->user_sub);
    store_pg_bytes(&p, f->secret_sealed, f->secret_sealed_len);
    store_pg_bool(&p, f->confirmed);
    store_pg_int(&p, f->last_step);
    store_pg_int(&p, f->created_at);
    return store_pg_change(s, &sql[TOTP_PUT], &p); /* no row: no such user */
}

/* Columns: user_sub, secret_sealed, confirmed, last_step, created_at,
 * last_used_at. */
static enum err fill_totp(const PGresult *r, int row, void *item)
{
    struct totp_factor *f = item;
    enum err e;

    if (store_pg_get_text_into(r, row, 0, f->user_sub, sizeof f->user_sub))
        return ERR_STORE;
    e = store_pg_get_bytes(r, row, 1, &f->secret_sealed, &f->secret_sealed_len);
    if (!e && f->secret_sealed_len == 0)
        e = ERR_STORE;
    f->confirmed = store_pg_get_bool(r, row, 2);
    f->last_step = store_pg_get_int(r, row, 3);
    f->created_at = store_pg_get_int(r, row, 4);
    f->last_used_at = store_pg_get_int(r, row, 5);
    return e;
}

enum err store_pg_totp_get(struct store *s, const char *sub, struct totp_factor *out)
{
    struct pg_params p = {0};
    enum err e;

    memset(out, 0, sizeof *out);
    store_pg_text(&p, sub);
    e = store_pg_row(s, &sql[TOTP_GET], &p, fill_totp, out);
    if (e)
        totp_factor_clear(out);
    return e;
}

enum err store_pg_totp_use(struct store *s, const char *sub, int64_t step, int64_t now,
                           bool confirm)
{
    struct pg_params p = {0};
    int64_t rows = 0;
    enum err e;

    store_pg_text(&p, sub);
    store_pg_int(&p, step);
    store_pg_int(&p, now);
    store_pg_bool(&p, confirm);
    e = store_pg_run(s, &sql[TOTP_USE], &p, &rows);
    return !e && rows == 0 ? ERR_CONFLICT : e;
}

/* DELETE … WHERE user_sub = sub by statement id, on c. */
static enum err delete_by_sub(struct pg_conn *c, int id, const char *sub)
{
    struct pg_params p = {0};

    store_pg_text(&p, sub);
    return store_pg_exec(c, &sql[id], &p, NULL, sql[id].name);
}

enum err store_pg_totp_delete(struct store *s, const char *sub)
{
    struct pg_params p = {0};

    store_pg_text(&p, sub);
    return store_pg_change(s, &sql[TOTP_DELETE], &p);
}

struct replace_args {
    const char *sub;
    const unsigned char (*hashes)[HASH_LEN];
    size_t n;
    int64_t now;
};

static enum err replace_body(struct pg_conn *c, void *arg)
{
    const struct replace_args *a = arg;
    enum err e = delete_by_sub(c, RECOVERY_DELETE, a->sub);
    size_t i;

    for (i = 0; !e && i < a->n; i++) {
        struct pg_params p = {0};
        int64_t rows = 0;

        store_pg_text(&p, a->sub);
        store_pg_bytes(&p, a->hashes[i], HASH_LEN);
        store_pg_int(&p, a->now);
        e = store_pg_exec(c, &sql[RECOVERY_INSERT], &p, &rows, "recovery_code_insert");
        if (!e && rows == 0)
            e = ERR_NOT_FOUND; /* no such user */
    }
    return e;
}

enum err store_pg_recovery_codes_replace(struct store *s, const char *sub,
                                         const unsigned char (*hashes)[HASH_LEN], size_t n,
                                         int64_t now)
{
    struct replace_args a = {sub, hashes, n, now};

    return store_pg_txn(s, replace_body, &a);
}

enum err store_pg_recovery_code_use(struct store *s, const char *sub,
                                    const unsigned char hash[HASH_LEN], int64_t now)
{
    struct pg_params p = {0};

    store_pg_text(&p, sub);
    store_pg_bytes(&p, hash, HASH_LEN);
    store_pg_int(&p, now);
    return store_pg_change(s, &sql[RECOVERY_USE], &p); /* unknown or used: ERR_NOT_FOUND */
}

static enum err fill_recovery(const PGresult *r, int row, void *item)
{
    struct recovery_code *rc = item;

    rc->created_at = store_pg_get_int(r, row, 1);
    rc->used_at = store_pg_get_int(r, row, 2);
    return store_pg_get_bytes_into(r, row, 0, rc->hash, HASH_LEN);
}

static void clear_nothing(void *item)
{
    (void)item; /* a recovery code holds no allocation */
}

enum err store_pg_recovery_codes_list(struct store *s, const char *sub, struct recovery_code **out,
                                      size_t *n)
{
    struct pg_params p = {0};

    store_pg_text(&p, sub);
    return store_pg_list(s, &sql[RECOVERY_LIST], &p, sizeof **out, fill_recovery, clear_nothing,
                         (void **)out, n);
}

static enum err factors_delete_body(struct pg_conn *c, void *arg)
{
    enum err e = delete_by_sub(c, TOTP_DELETE, arg);

    if (!e)
        e = delete_by_sub(c, RECOVERY_DELETE, arg);
    return e ? e : delete_by_sub(c, PASSKEYS_DELETE, arg);
}

enum err store_pg_factors_delete(struct store *s, const char *sub)
{
    return store_pg_txn(s, factors_delete_body, (void *)sub);
}
