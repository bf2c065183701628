#ifndef OIDCD_STORE_POSTGRES_INTERNAL_H
#define OIDCD_STORE_POSTGRES_INTERNAL_H

/* What the files of the PostgreSQL backend share: postgres.c (connections,
 * statements, transactions, migrations) and postgres_*.c (the rows). Nothing
 * here is seen above store/. Names shared between the files start store_pg_
 * (libpq exports pg_* and PQ*); everything else is static.
 *
 * Statements: each file declares its own table of named statements,
 *
 *     enum { CLIENT_GET, CLIENT_INSERT };
 *     static const struct pg_stmt sql[] = {
 *         [CLIENT_GET] = {"client_get", "SELECT … WHERE id = $1"},
 *         …
 *     };
 *
 * and runs one with store_pg_query(c, &sql[CLIENT_GET], &params, &res, …).
 * A statement is prepared on a connection the first time it runs there,
 * under its name, which must be unique across the backend (prefix it with
 * the file's subject). No shared enum: two files never edit the same lines. */

#include <libpq-fe.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct pg_stmt {
    const char *name; /* unique across the backend */
    const char *sql;  /* $1, $2 …: cast a parameter whose type the server cannot infer */
};

#define PG_MAX_PARAMS 32

/* The parameters of one statement, in order. Text parameters are borrowed
 * (they must live until the statement has run); integers and booleans are
 * formatted into the struct itself; bytes are sent as binary bytea. Declare
 * with `struct pg_params p = {0};`. */
struct pg_params {
    int n;
    bool overflow; /* more than PG_MAX_PARAMS were added: the query fails */
    const char *values[PG_MAX_PARAMS];
    int lengths[PG_MAX_PARAMS];
    int formats[PG_MAX_PARAMS];
    char numbers[PG_MAX_PARAMS][24];
};

void store_pg_text(struct pg_params *p, const char *s); /* NULL: SQL NULL */
void store_pg_int(struct pg_params *p, int64_t v);
void store_pg_int_or_null(struct pg_params *p, int64_t v); /* 0: SQL NULL */
void store_pg_bool(struct pg_params *p, bool v);
void store_pg_bytes(struct pg_params *p, const void *b, size_t n); /* NULL: SQL NULL */

/* The backend's store: how to connect, and every thread's connection. */
struct pg_store {
    struct store base;
    char *url;                /* database.url, as given */
    char *options;            /* the URL's own options plus our statement_timeout */
    char connect_timeout[24]; /* seconds, as libpq wants them */
    char user_timeout[24];    /* ms: tcp_user_timeout */
    pthread_key_t key;
    pthread_mutex_t lock; /* guards conns */
    struct pg_conn *conns;
};

/* One thread's connection and what has been prepared on it. */
struct pg_conn {
    PGconn *pg; /* NULL while the database cannot be reached */
    struct pg_store *store;
    const struct pg_stmt **prepared; /* the statements prepared on pg */
    size_t nprepared, cap;
    bool in_txn;
    bool ended;       /* the backend said goodbye (a FATAL notice): reconnect */
    char sqlstate[6]; /* of the last failure: "40001" …; "" for none */
    struct pg_conn *next;
};

/* This thread's connection, (re)connected when it is not usable: NULL when
 * the database cannot be reached (logged; the op returns
 * ERR_TEMPORARILY_UNAVAILABLE) or on ERR_NOMEM. *e says which. */
struct pg_conn *store_pg_conn(struct store *s, enum err *e);
/* The same, with libpq's reason for a failure in why. */
struct pg_conn *store_pg_conn_why(struct store *s, enum err *e, char *why, size_t whylen);

/* Runs the statement st with params p (may be NULL for none), preparing it
 * on c first if needed. On ERR_OK, *res (when res is not NULL) holds the
 * result, which the caller frees with PQclear; *res is NULL otherwise.
 * Failures are logged with what and mapped: a constraint violation (class
 * 23) is ERR_CONFLICT, a lost or unreachable database, a statement timeout,
 * a serialization failure or a deadlock is ERR_TEMPORARILY_UNAVAILABLE,
 * anything else ERR_STORE. A statement that fails because the connection
 * broke is not run again (it may have been committed): the next one
 * reconnects. */
enum err store_pg_query(struct pg_conn *c, const struct pg_stmt *st, const struct pg_params *p,
                        PGresult **res, const char *what);

/* store_pg_query for a statement whose result is not needed; *rows (may be
 * NULL) gets the number of rows it changed or returned. */
enum err store_pg_exec(struct pg_conn *c, const struct pg_stmt *st, const struct pg_params *p,
                       int64_t *rows, const char *what);

/* store_pg_run for a write that must change a row: ERR_NOT_FOUND when it
 * changed none. */
enum err store_pg_change(struct store *s, const struct pg_stmt *st, const struct pg_params *p);

/* The one integer the one-row statement st (no parameters) answers: a
 * counter of the meta table. */
enum err store_pg_counter(struct store *s, const struct pg_stmt *st, int64_t *out);

/* Column readers for a result of store_pg_query (text format). A NULL
 * value reads as 0, false, "" or no bytes. */
int64_t store_pg_get_int(const PGresult *r, int row, int col);
bool store_pg_get_bool(const PGresult *r, int row, int col);
bool store_pg_is_null(const PGresult *r, int row, int col);
/* A copy of a text column; NULL when out of memory (or, with _or_null, when
 * the value is SQL NULL: *e tells them apart). */
char *store_pg_get_text(const PGresult *r, int row, int col);
char *store_pg_get_text_or_null(const PGresult *r, int row, int col, enum err *e);
/* Copies a text column into dst (size n, always NUL-terminated); ERR_STORE
 * when it does not fit. */
enum err store_pg_get_text_into(const PGresult *r, int row, int col, char *dst, size_t n);
/* A bytea column of exactly n bytes into dst; ERR_STORE otherwise. */
enum err store_pg_get_bytes_into(const PGresult *r, int row, int col, unsigned char *dst, size_t n);
/* A bytea column, newly allocated (caller frees; NULL and 0 for SQL NULL). */
enum err store_pg_get_bytes(const PGresult *r, int row, int col, unsigned char **out, size_t *len);

/* Fills an array from every row of r: *out grows by size bytes per row,
 * each filled by fill(r, row, element) from a zeroed element. On failure
 * the elements filled so far stay in *out (count in *n) for the caller's
 * list_free. */
enum err store_pg_collect(const PGresult *r, size_t size,
                          enum err (*fill)(const PGresult *r, int row, void *item), void **out,
                          size_t *n);

/* Runs the query st with p (may be NULL) on this thread's connection and
 * fills a new array (*out, *n) from its rows with store_pg_collect. On
 * failure nothing is returned: the elements filled so far are cleared with
 * clear() and freed. */
enum err store_pg_list(struct store *s, const struct pg_stmt *st, const struct pg_params *p,
                       size_t size, enum err (*fill)(const PGresult *r, int row, void *item),
                       void (*clear)(void *item), void **out, size_t *n);

/* Runs the query st with p (may be NULL) on this thread's connection and
 * fills item from its first row with fill(r, 0, item): ERR_NOT_FOUND when
 * it returns none. On failure item may be half filled: the caller clears it. */
enum err store_pg_row(struct store *s, const struct pg_stmt *st, const struct pg_params *p,
                      enum err (*fill)(const PGresult *r, int row, void *item), void *item);

/* store_pg_exec on this thread's connection. */
enum err store_pg_run(struct store *s, const struct pg_stmt *st, const struct pg_params *p,
                      int64_t *rows);

/* Runs body(c, arg) in a transaction: BEGIN, body, then COMMIT when body
 * returns ERR_OK, else ROLLBACK, and returns body's error or COMMIT's. A
 * serialization failure or deadlock (of body or of COMMIT) rolls back and
 * runs the whole again, a few times, before it is
 * ERR_TEMPORARILY_UNAVAILABLE; body must therefore only touch the database
 * and what it fills anew on each run. */
enum err store_pg_txn(struct store *s, enum err (*body)(struct pg_conn *c, void *arg), void *arg);

/* Applies the migrations not yet recorded in schema_version on c, under a
 * transaction-scoped advisory lock (postgres_migrate.c). */
enum err store_pg_migrate_conn(struct pg_conn *c);

/* ---- the rows (postgres_*.c), for the ops table in postgres.c ---- */

/* postgres_clients.c */
enum err store_pg_client_get(struct store *s, const char *id, struct client *out);
enum err store_pg_client_insert(struct store *s, const struct client *c);
enum err store_pg_client_update(struct store *s, const struct client *c);
enum err store_pg_client_delete(struct store *s, const char *id);
enum err store_pg_client_list(struct store *s, struct client **out, size_t *n);
enum err store_pg_client_id_token_algs(struct store *s, struct strlist *out);

/* postgres_keys.c */
enum err store_pg_key_add(struct store *s, const struct signing_key *k, int64_t retire_others);
enum err store_pg_key_list(struct store *s, struct signing_key **out, size_t *n);
enum err store_pg_keys_version(struct store *s, int64_t *version);
enum err store_pg_secret_get_or_add(struct store *s, const char *name, const unsigned char *sealed,
                                    size_t n, unsigned char **out, size_t *outlen);

/* postgres_resources.c */
enum err store_pg_resource_get(struct store *s, const char *id, struct resource *out);
enum err store_pg_resource_insert(struct store *s, const struct resource *r);
enum err store_pg_resource_update(struct store *s, const struct resource *r);
enum err store_pg_resource_delete(struct store *s, const char *id);
enum err store_pg_resource_list(struct store *s, struct resource **out, size_t *n);
enum err store_pg_token_ttl_record(struct store *s, int64_t ttl);
enum err store_pg_token_ttl_max(struct store *s, int64_t *out);

/* postgres_tokens.c */
enum err store_pg_token_insert(struct store *s, const struct token *t);
enum err store_pg_token_get(struct store *s, const unsigned char hash[HASH_LEN], struct token *out);
enum err store_pg_token_delete(struct store *s, const unsigned char hash[HASH_LEN]);
enum err store_pg_revocation_add(struct store *s, const char *jti, const char *client_id,
                                 int64_t expires_at);
enum err store_pg_token_state(struct store *s, const char *client_id, const char *jti,
                              struct token_state *out);
enum err store_pg_sweep(struct store *s, int64_t now, int64_t *removed);
/* Within the caller's transaction (or alone): records jti as revoked until
 * expires_at; recording it twice is not an error. */
enum err store_pg_revoke_jti(struct pg_conn *c, const char *jti, const char *client_id,
                             int64_t expires_at);

/* postgres_signin.c */
enum err store_pg_session_insert(struct store *s, const struct session *se);
enum err store_pg_session_get(struct store *s, const unsigned char id_hash[HASH_LEN],
                              struct session *out);
enum err store_pg_session_delete(struct store *s, const unsigned char id_hash[HASH_LEN]);
enum err store_pg_session_count(struct store *s, int64_t now, int64_t *n);
/* A struct session from the columns sid, user_sub, auth_time, amr,
 * created_at, expires_at (the first six of the row). */
enum err store_pg_fill_session(const PGresult *r, int row, void *item);
/* The session (or pending sign-in) row st (one parameter, the hash) reads,
 * through store_pg_fill_session, its id_hash set; ERR_NOT_FOUND. */
enum err store_pg_session_row(struct store *s, const struct pg_stmt *st,
                              const unsigned char id_hash[HASH_LEN], struct session *out);
enum err store_pg_code_insert(struct store *s, const struct auth_code *code);
enum err store_pg_code_consume(struct store *s, const unsigned char hash[HASH_LEN], int64_t now,
                               struct auth_code *out);
enum err store_pg_code_mark_reused(struct store *s, const unsigned char hash[HASH_LEN], int64_t now,
                                   struct auth_code *out);
enum err store_pg_code_record_issued(struct store *s, const unsigned char hash[HASH_LEN],
                                     const char *at_jti, int64_t at_expires_at,
                                     const struct refresh_token *rt);
enum err store_pg_code_revoke_issued(struct store *s, const struct auth_code *code);
enum err store_pg_consent_get(struct store *s, const char *user_sub, const char *client_id,
                              struct consent *out);
enum err store_pg_consent_put(struct store *s, const struct consent *c);

/* postgres_consents.c */
enum err store_pg_consent_list(struct store *s, const struct consent_filter *f,
                               struct consent **out, size_t *n);
enum err store_pg_consent_revoke(struct store *s, const char *user_sub, const char *client_id,
                                 struct consent **out, size_t *n);

/* postgres_refresh.c */
enum err store_pg_refresh_token_insert(struct store *s, const struct refresh_token *rt);
enum err store_pg_refresh_token_get(struct store *s, const unsigned char hash[HASH_LEN],
                                    struct refresh_token *out);
enum err store_pg_refresh_token_rotate(struct store *s, const unsigned char hash[HASH_LEN],
                                       int64_t now, const struct refresh_token *next);
enum err store_pg_refresh_family_revoke(struct store *s, const char *family);
/* Within the caller's transaction: stores rt; revokes an access token by
 * jti (records it, deletes the opaque token); revokes a refresh family (its
 * access tokens, then its refresh tokens). */
enum err store_pg_refresh_insert_conn(struct pg_conn *c, const struct refresh_token *rt);
enum err store_pg_revoke_access_token(struct pg_conn *c, const char *jti, const char *client_id,
                                      int64_t expires_at);
enum err store_pg_revoke_family(struct pg_conn *c, const char *family);

/* postgres_users.c */
enum err store_pg_user_get(struct store *s, const char *sub, struct user *out);
enum err store_pg_user_get_by_username(struct store *s, const char *username, struct user *out);
enum err store_pg_user_insert(struct store *s, const struct user *u);
enum err store_pg_user_update(struct store *s, const struct user *u);
enum err store_pg_user_delete(struct store *s, const char *sub);
enum err store_pg_user_list(struct store *s, const char *after, size_t limit, struct user **out,
                            size_t *n);
enum err store_pg_users_version(struct store *s, int64_t *version);
enum err store_pg_user_set_password(struct store *s, const char *sub, const char *hash,
                                    const char *expected);

/* postgres_factors.c */
enum err store_pg_totp_put(struct store *s, const struct totp_factor *f);
enum err store_pg_totp_get(struct store *s, const char *sub, struct totp_factor *out);
enum err store_pg_totp_use(struct store *s, const char *sub, int64_t step, int64_t now,
                           bool confirm);
enum err store_pg_totp_delete(struct store *s, const char *sub);
enum err store_pg_recovery_codes_replace(struct store *s, const char *sub,
                                         const unsigned char (*hashes)[HASH_LEN], size_t n,
                                         int64_t now);
enum err store_pg_recovery_code_use(struct store *s, const char *sub,
                                    const unsigned char hash[HASH_LEN], int64_t now);
enum err store_pg_recovery_codes_list(struct store *s, const char *sub, struct recovery_code **out,
                                      size_t *n);
enum err store_pg_factors_delete(struct store *s, const char *sub);

/* postgres_passkeys.c */
enum err store_pg_passkey_insert(struct store *s, const struct passkey *p);
enum err store_pg_passkey_get(struct store *s, const unsigned char *cred_id, size_t len,
                              struct passkey *out);
enum err store_pg_passkeys_of_user(struct store *s, const char *sub, struct passkey **out,
                                   size_t *n);
enum err store_pg_passkey_use(struct store *s, const unsigned char *cred_id, size_t len,
                              uint32_t old_count, uint32_t new_count, bool backed_up, int64_t now);
enum err store_pg_passkey_rename(struct store *s, const char *sub, const unsigned char *cred_id,
                                 size_t len, const char *name);
enum err store_pg_passkey_delete(struct store *s, const char *sub, const unsigned char *cred_id,
                                 size_t len);
enum err store_pg_webauthn_challenge_put(struct store *s, const struct webauthn_challenge *c);
enum err store_pg_webauthn_challenge_take(struct store *s, const unsigned char hash[HASH_LEN],
                                          struct webauthn_challenge *out);

/* postgres_pending.c */
enum err store_pg_pending_insert(struct store *s, const struct session *p);
enum err store_pg_pending_get(struct store *s, const unsigned char id_hash[HASH_LEN],
                              struct session *out);
enum err store_pg_pending_delete(struct store *s, const unsigned char id_hash[HASH_LEN]);
enum err store_pg_sessions_of_user(struct store *s, const char *sub, int64_t now,
                                   struct session **out, size_t *n);
enum err store_pg_session_end_for_user(struct store *s, const char *sub, const char *sid,
                                       bool others);

/* postgres_audit.c */
enum err store_pg_audit_add(struct store *s, const struct audit_event *ev);
enum err store_pg_audit_list(struct store *s, const struct audit_filter *f,
                             struct audit_event **out, size_t *n);
enum err store_pg_audit_sweep(struct store *s, int64_t before, int64_t *removed);

/* postgres_backchannel.c */
enum err store_pg_session_client_add(struct store *s, const char *sid, const char *client_id);
enum err store_pg_backchannel_claim(struct store *s, int64_t now, int64_t until, size_t max,
                                    struct backchannel_logout **out, size_t *n);
enum err store_pg_backchannel_delete(struct store *s, int64_t id);
enum err store_pg_backchannel_retry(struct store *s, int64_t id, int64_t next_at);

#endif
