/* PostgreSQL backend: listing consents, and revoking them with what they
 * let their clients hold (as sqlite_consents.c does). Pairs are ordered
 * COLLATE "C": byte order, as SQLite's BINARY, so a page boundary means the
 * same on both backends. */
#include <stdlib.h>
#include <string.h>

#include "store/postgres_internal.h"

enum {
    CONSENT_LIST,
    CONSENT_REVOKE_REFRESH_ATS,
    CONSENT_REVOKE_CODE_ATS,
    CONSENT_DELETE_ATS,
    CONSENT_DELETE_REFRESH,
    CONSENT_DELETE_CODES,
    CONSENT_DELETE,
};

static const struct pg_stmt sql[] = {
    /* a page after the pair ($3, $4); $5 NULL: no limit */
    [CONSENT_LIST] = {"consent_list",
                      "SELECT user_sub, client_id, scope, created_at, expires_at, claims "
                      "FROM consents WHERE ($1::text IS NULL OR user_sub = $1::text) "
                      "AND ($2::text IS NULL OR client_id = $2::text) "
                      "AND (user_sub COLLATE \"C\", client_id COLLATE \"C\") > "
                      "($3::text COLLATE \"C\", $4::text COLLATE \"C\") "
                      "ORDER BY user_sub COLLATE \"C\", client_id COLLATE \"C\" LIMIT $5"},
    /* what user $1 let client $2 hold: the access tokens issued with its
     * refresh tokens and by its codes (recorded by jti), then those rows */
    [CONSENT_REVOKE_REFRESH_ATS] = {"consent_revoke_refresh_ats",
                                    "INSERT INTO revoked_tokens (jti, client_id, expires_at) "
                                    "SELECT at_jti, client_id, at_expires_at FROM refresh_tokens "
                                    "WHERE user_sub = $1 AND client_id = $2 "
                                    "AND at_jti IS NOT NULL ON CONFLICT (jti) DO NOTHING"},
    [CONSENT_REVOKE_CODE_ATS] = {"consent_revoke_code_ats",
                                 "INSERT INTO revoked_tokens (jti, client_id, expires_at) "
                                 "SELECT at_jti, client_id, at_expires_at FROM auth_codes "
                                 "WHERE user_sub = $1 AND client_id = $2 AND at_jti IS NOT NULL "
                                 "UNION ALL SELECT front_at_jti, client_id, front_at_expires_at "
                                 "FROM auth_codes WHERE user_sub = $1 AND client_id = $2 "
                                 "AND front_at_jti IS NOT NULL ON CONFLICT (jti) DO NOTHING"},
    [CONSENT_DELETE_ATS] = {"consent_delete_ats",
                            "DELETE FROM tokens WHERE client_id = $2 AND jti IN "
                            "(SELECT at_jti FROM refresh_tokens WHERE user_sub = $1 "
                            "AND client_id = $2 UNION SELECT at_jti FROM auth_codes "
                            "WHERE user_sub = $1 AND client_id = $2 UNION SELECT front_at_jti "
                            "FROM auth_codes WHERE user_sub = $1 AND client_id = $2)"},
    [CONSENT_DELETE_REFRESH] =
        {"consent_delete_refresh",
         "DELETE FROM refresh_tokens WHERE user_sub = $1 AND client_id = $2"},
    /* a redeemed code stays: it records what it issued, now revoked */
    [CONSENT_DELETE_CODES] = {"consent_delete_codes",
                              "DELETE FROM auth_codes WHERE user_sub = $1 AND client_id = $2 "
                              "AND used_at IS NULL"},
    [CONSENT_DELETE] = {"consent_delete",
                        "DELETE FROM consents WHERE user_sub = $1 AND client_id = $2"},
};

/* A row of CONSENT_LIST into cs (zeroed by the caller). */
static enum err fill_consent(const PGresult *r, int row, void *item)
{
    struct consent *cs = item;
    enum err e = ERR_OK;

    if (store_pg_get_text_into(r, row, 1, cs->client_id, sizeof cs->client_id))
        return ERR_STORE;
    cs->user_sub = store_pg_get_text(r, row, 0);
    cs->scope = store_pg_get_text(r, row, 2);
    cs->created_at = store_pg_get_int(r, row, 3);
    cs->expires_at = store_pg_get_int(r, row, 4);
    cs->claims = store_pg_get_text_or_null(r, row, 5, &e);
    return !e && cs->user_sub && cs->scope ? ERR_OK : ERR_NOMEM;
}

static void list_params(struct pg_params *p, const struct consent_filter *f)
{
    store_pg_text(p, f->user_sub);
    store_pg_text(p, f->client_id);
    store_pg_text(p, f->after_user_sub ? f->after_user_sub : "");
    store_pg_text(p, f->after_client_id ? f->after_client_id : "");
    store_pg_int_or_null(p, (int64_t)f->limit);
}

static void clear_item(void *item)
{
    consent_clear(item);
}

enum err store_pg_consent_list(struct store *s, const struct consent_filter *f,
                               struct consent **out, size_t *n)
{
    struct pg_params p = {0};

    list_params(&p, f);
    return store_pg_list(s, &sql[CONSENT_LIST], &p, sizeof **out, fill_consent, clear_item,
                         (void **)out, n);
}

/* Within the caller's transaction: the grant of user_sub to client_id, in
 * the order that records the access tokens before the rows naming them go.
 * *changed grows by the rows it touched. */
static enum err revoke_pair(struct pg_conn *c, const char *user_sub, const char *client_id,
                            int64_t *changed)
{
    static const int steps[] = {CONSENT_REVOKE_REFRESH_ATS, CONSENT_REVOKE_CODE_ATS,
                                CONSENT_DELETE_ATS,         CONSENT_DELETE_REFRESH,
                                CONSENT_DELETE_CODES,       CONSENT_DELETE};
    struct pg_params p = {0};
    enum err e = ERR_OK;
    int64_t rows;
    size_t i;

    store_pg_text(&p, user_sub);
    store_pg_text(&p, client_id);
    for (i = 0; !e && i < sizeof steps / sizeof steps[0]; i++) {
        rows = 0;
        e = store_pg_exec(c, &sql[steps[i]], &p, &rows, "consent_revoke");
        *changed += rows;
    }
    return e;
}

struct revoke_args {
    const char *user_sub, *client_id;
    struct consent *list; /* the consents deleted, filled anew on each run */
    size_t n;
};

static void revoke_args_reset(struct revoke_args *a)
{
    consent_list_free(a->list, a->n);
    a->list = NULL;
    a->n = 0;
}

static enum err revoke_body(struct pg_conn *c, void *arg)
{
    struct revoke_args *a = arg;
    struct consent_filter f = {.user_sub = a->user_sub, .client_id = a->client_id};
    struct pg_params p = {0};
    PGresult *r = NULL;
    int64_t changed = 0;
    enum err e;
    size_t i;

    revoke_args_reset(a);
    list_params(&p, &f);
    e = store_pg_query(c, &sql[CONSENT_LIST], &p, &r, "consent_revoke");
    if (!e)
        e = store_pg_collect(r, sizeof *a->list, fill_consent, (void **)&a->list, &a->n);
    PQclear(r);
    for (i = 0; !e && i < a->n; i++)
        e = revoke_pair(c, a->user_sub, a->list[i].client_id, &changed);
    /* a client asked for by name loses its tokens with no consent row too */
    if (!e && a->client_id && a->n == 0)
        e = revoke_pair(c, a->user_sub, a->client_id, &changed);
    return !e && changed == 0 ? ERR_NOT_FOUND : e;
}

enum err store_pg_consent_revoke(struct store *s, const char *user_sub, const char *client_id,
                                 struct consent **out, size_t *n)
{
    struct revoke_args a = {user_sub, client_id, NULL, 0};
    enum err e = store_pg_txn(s, revoke_body, &a);

    if (e)
        revoke_args_reset(&a);
    *out = a.list;
    *n = a.n;
    return e;
}
