/* PostgreSQL backend: signing keys, their change counter, and the sealed
 * secrets the server makes once (server_secrets). */
#include <stdlib.h>
#include <string.h>

#include "store/postgres_internal.h"

enum { KEY_INSERT, KEY_RETIRE, KEY_LIST, KEYS_VERSION, SECRET_ADD, SECRET_GET };

static const struct pg_stmt sql[] = {
    [KEY_INSERT] = {"key_insert",
                    "INSERT INTO signing_keys (kid, alg, private_enc, public_jwk, created_at, "
                    "not_before, retire_after) VALUES ($1, $2, $3, $4, $5, $6, NULL)"},
    /* the keys k supersedes: its algorithm's, not yet retired */
    [KEY_RETIRE] = {"key_retire", "UPDATE signing_keys SET retire_after = $2 "
                                  "WHERE retire_after IS NULL AND kid <> $1 "
                                  "AND alg = (SELECT alg FROM signing_keys WHERE kid = $1)"},
    [KEY_LIST] = {"key_list", "SELECT kid, alg, private_enc, public_jwk, created_at, not_before, "
                              "retire_after FROM signing_keys ORDER BY created_at, seq"},
    [KEYS_VERSION] = {"keys_version", "SELECT value FROM meta WHERE name = 'keys_version'"},
    /* of several processes adding one at once, the first stays */
    [SECRET_ADD] = {"secret_add", "INSERT INTO server_secrets (name, sealed) VALUES ($1, $2) "
                                  "ON CONFLICT (name) DO NOTHING"},
    [SECRET_GET] = {"secret_get", "SELECT sealed FROM server_secrets WHERE name = $1"},
};

struct key_add {
    const struct signing_key *k;
    int64_t retire_others;
};

static enum err key_add_txn(struct pg_conn *c, void *arg)
{
    const struct key_add *a = arg;
    struct pg_params p = {0}, q = {0};
    enum err e;

    store_pg_text(&p, a->k->kid);
    store_pg_text(&p, a->k->alg);
    store_pg_bytes(&p, a->k->private_enc, a->k->private_enc_len);
    store_pg_text(&p, a->k->public_jwk);
    store_pg_int(&p, a->k->created_at);
    store_pg_int(&p, a->k->not_before);
    e = store_pg_exec(c, &sql[KEY_INSERT], &p, NULL, "key_insert");
    if (e || a->retire_others <= 0)
        return e;
    store_pg_text(&q, a->k->kid);
    store_pg_int(&q, a->retire_others);
    return store_pg_exec(c, &sql[KEY_RETIRE], &q, NULL, "key_retire");
}

enum err store_pg_key_add(struct store *s, const struct signing_key *k, int64_t retire_others)
{
    struct key_add a = {k, retire_others};

    return store_pg_txn(s, key_add_txn, &a);
}

static enum err fill_key(const PGresult *r, int row, void *item)
{
    struct signing_key *k = item;
    enum err e;

    memset(k, 0, sizeof *k);
    if (store_pg_get_text_into(r, row, 0, k->kid, sizeof k->kid) ||
        store_pg_get_text_into(r, row, 1, k->alg, sizeof k->alg))
        return ERR_STORE;
    e = store_pg_get_bytes(r, row, 2, &k->private_enc, &k->private_enc_len);
    if (!e && k->private_enc_len == 0)
        e = ERR_STORE;
    if (!e && !(k->public_jwk = store_pg_get_text(r, row, 3)))
        e = ERR_NOMEM;
    k->created_at = store_pg_get_int(r, row, 4);
    k->not_before = store_pg_get_int(r, row, 5);
    k->retire_after = store_pg_get_int(r, row, 6);
    if (e)
        signing_key_clear(k);
    return e;
}

static void clear_item(void *item)
{
    signing_key_clear(item);
}

enum err store_pg_key_list(struct store *s, struct signing_key **out, size_t *n)
{
    return store_pg_list(s, &sql[KEY_LIST], NULL, sizeof **out, fill_key, clear_item, (void **)out,
                         n);
}

enum err store_pg_keys_version(struct store *s, int64_t *version)
{
    return store_pg_counter(s, &sql[KEYS_VERSION], version);
}

static enum err secret_get(struct pg_conn *c, const char *name, unsigned char **out, size_t *outlen)
{
    struct pg_params p = {0};
    PGresult *r = NULL;
    enum err e;

    store_pg_text(&p, name);
    e = store_pg_query(c, &sql[SECRET_GET], &p, &r, "secret_get");
    if (!e && PQntuples(r) == 0)
        e = ERR_NOT_FOUND;
    if (!e)
        e = store_pg_get_bytes(r, 0, 0, out, outlen);
    PQclear(r);
    return e;
}

enum err store_pg_secret_get_or_add(struct store *s, const char *name, const unsigned char *sealed,
                                    size_t n, unsigned char **out, size_t *outlen)
{
    struct pg_params p = {0};
    enum err e;
    struct pg_conn *c = store_pg_conn(s, &e);

    *out = NULL;
    *outlen = 0;
    if (!c)
        return e;
    e = secret_get(c, name, out, outlen);
    if (e != ERR_NOT_FOUND)
        return e;
    /* ignored when another process added one meanwhile: theirs is read */
    store_pg_text(&p, name);
    store_pg_bytes(&p, sealed, n);
    e = store_pg_exec(c, &sql[SECRET_ADD], &p, NULL, "secret_add");
    return e ? e : secret_get(c, name, out, outlen);
}
