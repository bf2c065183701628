/* SQLite backend: passkeys and WebAuthn challenges (migration 20). The
 * rules live in the statements: a credential id is stored once whoever
 * tries, a signature counter moves only from the value the caller read,
 * and a challenge is taken (deleted and returned) by one statement. */
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "store/sqlite_internal.h"

static enum err read_slots(sqlite3_stmt *st, void *out)
{
    *(int64_t *)out = sqlite3_column_int64(st, 0);
    return ERR_OK;
}

/* How many passkeys sub has, or -1 when there is no such user. */
static enum err passkey_slots(struct conn *c, const char *sub, int64_t *n)
{
    sqlite3_stmt *st = store_sqlite_stmt(c, ST_PASSKEY_SLOTS);

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, sub, -1, SQLITE_STATIC);
    return store_sqlite_step_one(c, st, read_slots, n, "passkey_slots");
}

static enum err passkey_write(struct conn *c, const struct passkey *p)
{
    sqlite3_stmt *st = store_sqlite_stmt(c, ST_PASSKEY_INSERT);

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, p->user_sub, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, p->cred_id, (int)p->cred_id_len, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, p->name, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, p->alg);
    sqlite3_bind_blob(st, 5, p->public_key_der, (int)p->public_key_der_len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, p->sign_count);
    sqlite3_bind_blob(st, 7, p->aaguid, sizeof p->aaguid, SQLITE_STATIC);
    sqlite3_bind_int(st, 8, p->user_verified);
    sqlite3_bind_int(st, 9, p->backup_eligible);
    sqlite3_bind_int(st, 10, p->backed_up);
    sqlite3_bind_text(st, 11, p->fmt, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 12, p->transports, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 13, p->created_at);
    /* ON CONFLICT DO NOTHING: an id already stored (anyone's) writes no row */
    return store_sqlite_exec_changed(c, st, "passkey_insert", ERR_CONFLICT);
}

/* The count and the insert in one IMMEDIATE transaction: no other writer
 * comes between them, so a user never passes LIMIT_USER_PASSKEYS. */
enum err store_sqlite_passkey_insert(struct store *s, const struct passkey *p)
{
    struct conn *c = store_sqlite_conn_get(s);
    int64_t n = 0;
    enum err e;

    if (!c)
        return ERR_STORE;
    e = store_sqlite_txn_begin(c);
    if (e)
        return e;
    e = passkey_slots(c, p->user_sub, &n);
    if (!e && n < 0)
        e = ERR_NOT_FOUND;
    else if (!e && n >= LIMIT_USER_PASSKEYS)
        e = ERR_TOO_LARGE;
    if (!e)
        e = passkey_write(c, p);
    return store_sqlite_txn_end(c, e);
}

/* Copies blob column col of exactly n bytes into dst; ERR_STORE otherwise. */
static enum err column_blob_into(sqlite3_stmt *st, int col, unsigned char *dst, size_t n)
{
    if ((size_t)sqlite3_column_bytes(st, col) != n)
        return ERR_STORE;
    memcpy(dst, sqlite3_column_blob(st, col), n);
    return ERR_OK;
}

/* Columns: PASSKEY_COLUMNS (sqlite.c). The public key is read last, so that
 * a row refused earlier leaves nothing allocated. */
static enum err fill_passkey(sqlite3_stmt *st, void *item)
{
    struct passkey *p = item;
    int id_len = sqlite3_column_bytes(st, 1), key_len = sqlite3_column_bytes(st, 4);

    memset(p, 0, sizeof *p);
    if (!text_copy(p->user_sub, sizeof p->user_sub, (const char *)sqlite3_column_text(st, 0)) ||
        id_len <= 0 || (size_t)id_len > sizeof p->cred_id || key_len <= 0 ||
        !text_copy(p->name, sizeof p->name, (const char *)sqlite3_column_text(st, 2)) ||
        column_blob_into(st, 6, p->aaguid, sizeof p->aaguid) ||
        !text_copy(p->fmt, sizeof p->fmt, (const char *)sqlite3_column_text(st, 10)) ||
        !text_copy(p->transports, sizeof p->transports, (const char *)sqlite3_column_text(st, 11)))
        return ERR_STORE;
    memcpy(p->cred_id, sqlite3_column_blob(st, 1), (size_t)id_len);
    p->cred_id_len = (size_t)id_len;
    p->alg = sqlite3_column_int(st, 3);
    p->sign_count = (uint32_t)sqlite3_column_int64(st, 5);
    p->user_verified = sqlite3_column_int(st, 7) != 0;
    p->backup_eligible = sqlite3_column_int(st, 8) != 0;
    p->backed_up = sqlite3_column_int(st, 9) != 0;
    p->created_at = sqlite3_column_int64(st, 12);
    p->last_used_at = sqlite3_column_int64(st, 13);
    p->public_key_der = malloc((size_t)key_len);
    if (!p->public_key_der)
        return ERR_NOMEM;
    memcpy(p->public_key_der, sqlite3_column_blob(st, 4), (size_t)key_len);
    p->public_key_der_len = (size_t)key_len;
    return ERR_OK;
}

enum err store_sqlite_passkey_get(struct store *s, const unsigned char *cred_id, size_t len,
                                  struct passkey *out)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_PASSKEY_GET) : NULL;

    memset(out, 0, sizeof *out);
    if (!st)
        return ERR_STORE;
    sqlite3_bind_blob(st, 1, cred_id, (int)len, SQLITE_STATIC);
    return store_sqlite_step_one(c, st, fill_passkey, out, "passkey_get");
}

enum err store_sqlite_passkeys_of_user(struct store *s, const char *sub, struct passkey **out,
                                       size_t *n)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_PASSKEYS_OF_USER) : NULL;
    enum err e;

    *out = NULL;
    *n = 0;
    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, sub, -1, SQLITE_STATIC);
    e = store_sqlite_collect(c, st, sizeof **out, fill_passkey, (void **)out, n);
    if (e) {
        passkey_list_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return e;
}

enum err store_sqlite_passkey_use(struct store *s, const unsigned char *cred_id, size_t len,
                                  uint32_t old_count, uint32_t new_count, bool backed_up,
                                  int64_t now)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_PASSKEY_USE) : NULL;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_blob(st, 1, cred_id, (int)len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, old_count);
    sqlite3_bind_int64(st, 3, new_count);
    sqlite3_bind_int(st, 4, backed_up);
    sqlite3_bind_int64(st, 5, now);
    return store_sqlite_exec_changed(c, st, "passkey_use", ERR_CONFLICT);
}

/* A write on the user's passkey cred_id by statement id (?1 sub, ?2 the
 * id, ?3 name when not NULL). ERR_NOT_FOUND when it is not the user's. */
static enum err own_passkey_write(struct store *s, enum stmt_id id, const char *sub,
                                  const unsigned char *cred_id, size_t len, const char *name,
                                  const char *what)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, id) : NULL;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, sub, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, cred_id, (int)len, SQLITE_STATIC);
    if (name)
        sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    return store_sqlite_exec_changed(c, st, what, ERR_NOT_FOUND);
}

enum err store_sqlite_passkey_rename(struct store *s, const char *sub, const unsigned char *cred_id,
                                     size_t len, const char *name)
{
    return own_passkey_write(s, ST_PASSKEY_RENAME, sub, cred_id, len, name, "passkey_rename");
}

enum err store_sqlite_passkey_delete(struct store *s, const char *sub, const unsigned char *cred_id,
                                     size_t len)
{
    return own_passkey_write(s, ST_PASSKEY_DELETE, sub, cred_id, len, NULL, "passkey_delete");
}

enum err store_sqlite_webauthn_challenge_put(struct store *s, const struct webauthn_challenge *ch)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_CHALLENGE_PUT) : NULL;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_blob(st, 1, ch->hash, HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, ch->binding, HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, ch->purpose);
    sqlite3_bind_text(st, 4, ch->user_sub, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, ch->expires_at);
    return store_sqlite_exec_changed(c, st, "webauthn_challenge_put", ERR_CONFLICT);
}

/* Columns: hash, binding, purpose, user_sub, expires_at. */
static enum err fill_challenge(sqlite3_stmt *st, void *item)
{
    struct webauthn_challenge *ch = item;

    memset(ch, 0, sizeof *ch);
    if (column_blob_into(st, 0, ch->hash, HASH_LEN) ||
        column_blob_into(st, 1, ch->binding, HASH_LEN) ||
        !text_copy(ch->user_sub, sizeof ch->user_sub, (const char *)sqlite3_column_text(st, 3)))
        return ERR_STORE;
    ch->purpose = sqlite3_column_int(st, 2);
    ch->expires_at = sqlite3_column_int64(st, 4);
    return ERR_OK;
}

enum err store_sqlite_webauthn_challenge_take(struct store *s, const unsigned char hash[HASH_LEN],
                                              struct webauthn_challenge *out)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, ST_CHALLENGE_TAKE) : NULL;

    memset(out, 0, sizeof *out);
    if (!st)
        return ERR_STORE;
    sqlite3_bind_blob(st, 1, hash, HASH_LEN, SQLITE_STATIC);
    /* DELETE … RETURNING: the write turn is taken while it steps */
    return store_sqlite_step_one(c, st, fill_challenge, out, "webauthn_challenge_take");
}
