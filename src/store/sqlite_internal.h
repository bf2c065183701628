#ifndef OIDCD_STORE_SQLITE_INTERNAL_H
#define OIDCD_STORE_SQLITE_INTERNAL_H

/* What the files of the SQLite backend share: sqlite.c (connections,
 * statements, migrations), sqlite_clients.c and sqlite_tokens.c (the rows).
 * Nothing here is seen above store/. */

#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>

#include "store/store.h"

enum stmt_id {
    ST_CLIENT_GET,
    ST_CLIENT_INSERT,
    ST_CLIENT_UPDATE,
    ST_CLIENT_DELETE,
    ST_CLIENT_LIST,
    ST_CLIENT_ID_TOKEN_ALGS,
    ST_KEY_INSERT,
    ST_KEY_RETIRE,
    ST_KEY_LIST,
    ST_KEYS_VERSION,
    ST_TOKEN_INSERT,
    ST_TOKEN_GET,
    ST_TOKEN_DELETE,
    ST_REVOCATION_ADD,
    ST_TOKEN_STATE,
    ST_SWEEP_TOKENS,
    ST_SWEEP_REVOCATIONS,
    ST_SWEEP_KEYS,
    /* sign-in (sqlite_signin.c) */
    ST_SESSION_INSERT,
    ST_SESSION_GET,
    ST_SESSION_DELETE,
    ST_SESSION_COUNT,
    ST_CODE_INSERT,
    ST_CODE_CONSUME,
    ST_CODE_GET,
    ST_CODE_MARK_REUSED,
    ST_CODE_RECORD_ISSUED,
    ST_CODE_REVOKE_TOKEN,
    ST_REFRESH_DELETE_FAMILY,
    ST_REFRESH_REVOKE_ATS,
    ST_REFRESH_DELETE_ATS,
    ST_REFRESH_GET,
    ST_REFRESH_MARK_USED,
    ST_CONSENT_GET,
    ST_CONSENT_PUT,
    ST_REFRESH_INSERT,
    ST_SWEEP_SESSION_CLIENTS,
    ST_SWEEP_SESSIONS,
    ST_SWEEP_CODES,
    ST_SWEEP_CONSENTS,
    ST_SWEEP_REFRESH,
    /* users (stream B) */
    ST_USER_GET,
    ST_USER_GET_BY_USERNAME,
    ST_USER_INSERT,
    ST_USER_UPDATE,
    ST_USER_DELETE,
    ST_USER_DELETE_SESSIONS,
    ST_USER_DELETE_CODES,
    ST_USER_DELETE_CONSENTS,
    ST_USER_DELETE_REFRESH,
    ST_USER_LIST,
    ST_USER_SET_PASSWORD,
    ST_USERS_VERSION,
    /* end of users */
    /* resources (sqlite_resources.c) */
    ST_RESOURCE_GET,
    ST_RESOURCE_INSERT,
    ST_RESOURCE_UPDATE,
    ST_RESOURCE_DELETE,
    ST_RESOURCE_LIST,
    ST_RESOURCE_SCOPE_INSERT,
    ST_RESOURCE_SCOPES_DELETE,
    ST_TOKEN_TTL_RECORD,
    ST_TOKEN_TTL_MAX,
    ST_SESSION_CLIENT_ADD,
    ST_BACKCHANNEL_CLAIM,
    ST_AUDIT_ADD,
    ST_AUDIT_LIST,
    ST_AUDIT_SWEEP,
    ST_BACKCHANNEL_DUE,
    ST_BACKCHANNEL_DELETE,
    ST_BACKCHANNEL_RETRY,
    ST_SECRET_ADD,
    ST_SECRET_GET,
    /* second factors (sqlite_factors.c) */
    ST_TOTP_PUT,
    ST_TOTP_GET,
    ST_TOTP_USE,
    ST_TOTP_DELETE,
    ST_RECOVERY_INSERT,
    ST_RECOVERY_DELETE,
    ST_RECOVERY_USE,
    ST_RECOVERY_LIST,
    ST_PENDING_INSERT,
    ST_PENDING_GET,
    ST_PENDING_DELETE,
    ST_SWEEP_PENDING,
    ST_SESSIONS_OF_USER,
    ST_SESSION_END_SID,
    ST_SESSION_END_OTHERS,
    /* passkeys and WebAuthn challenges (sqlite_passkeys.c) */
    ST_PASSKEY_SLOTS,
    ST_PASSKEY_INSERT,
    ST_PASSKEY_GET,
    ST_PASSKEYS_OF_USER,
    ST_PASSKEY_USE,
    ST_PASSKEY_RENAME,
    ST_PASSKEY_DELETE,
    ST_PASSKEYS_DELETE,
    ST_CHALLENGE_PUT,
    ST_CHALLENGE_TAKE,
    ST_SWEEP_CHALLENGES,
    /* consents (sqlite_consents.c) */
    ST_CONSENT_LIST,
    ST_CONSENT_REVOKE_REFRESH_ATS,
    ST_CONSENT_REVOKE_CODE_ATS,
    ST_CONSENT_DELETE_ATS,
    ST_CONSENT_DELETE_REFRESH,
    ST_CONSENT_DELETE_CODES,
    ST_CONSENT_DELETE,
    ST_BEGIN,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_COUNT
};

extern const char *const store_sqlite_sql[ST_COUNT];

struct conn {
    sqlite3 *db;
    sqlite3_stmt *stmts[ST_COUNT];
    pthread_mutex_t *write_lock; /* the store's */
    bool in_txn;                 /* holds write_lock for an explicit transaction */
    struct conn *next;
};

/* This thread's connection, opened on first use; NULL on failure. */
struct conn *store_sqlite_conn_get(struct store *s);

/* The prepared statement id on c, ready for binding; NULL on failure. */
sqlite3_stmt *store_sqlite_stmt(struct conn *c, enum stmt_id id);

/* Resets st and clears its bindings. */
void store_sqlite_done(sqlite3_stmt *st);

/* Logs an SQLite failure and maps it to ours. */
enum err store_sqlite_fail(sqlite3 *db, int rc, const char *what);

/* Runs a statement that returns no rows (a write), one writer of this
 * process at a time; store_sqlite_exec_simple does so for a statement by id. */
enum err store_sqlite_exec(struct conn *c, sqlite3_stmt *st, const char *what);
enum err store_sqlite_exec_simple(struct conn *c, enum stmt_id id);
/* store_sqlite_exec, then `none` when the write changed no row. */
enum err store_sqlite_exec_changed(struct conn *c, sqlite3_stmt *st, const char *what,
                                   enum err none);

/* BEGIN IMMEDIATE holding the write turn; the end commits when result is
 * ERR_OK, else rolls back, and returns the first error. */
enum err store_sqlite_txn_begin(struct conn *c);
enum err store_sqlite_txn_end(struct conn *c, enum err result);

/* The one integer the statement id (no parameters) answers: a counter of
 * the meta table. what names it in the log on failure. */
/* The integer the one-row statement id gives for its one parameter arg. */
enum err store_sqlite_read_int(struct conn *c, enum stmt_id id, int64_t arg, const char *what,
                               int64_t *out);
enum err store_sqlite_session_count(struct store *s, int64_t now, int64_t *n);
enum err store_sqlite_audit_add(struct store *s, const struct audit_event *ev);
enum err store_sqlite_audit_list(struct store *s, const struct audit_filter *f,
                                 struct audit_event **out, size_t *n);
enum err store_sqlite_audit_sweep(struct store *s, int64_t before, int64_t *removed);
enum err store_sqlite_counter(struct store *s, enum stmt_id id, const char *what, int64_t *out);

/* Reads the one row statement id yields for the text key (?1) with fill
 * into out. ERR_NOT_FOUND when there is none; what names it in the log. */
enum err store_sqlite_row_by_text(struct store *s, enum stmt_id id, const char *key,
                                  enum err (*fill)(sqlite3_stmt *, void *), void *out,
                                  const char *what);

/* Steps a statement that yields at most one row, reading it with fill while
 * holding the write turn (it may be a write with RETURNING). ERR_NOT_FOUND
 * when it yields none. */
enum err store_sqlite_step_one(struct conn *c, sqlite3_stmt *st,
                               enum err (*fill)(sqlite3_stmt *, void *), void *out,
                               const char *what);

/* A copy of a text column ("" for NULL); NULL when out of memory. */
char *store_sqlite_column_dup(sqlite3_stmt *st, int col);

/* Steps st to the end, growing *out by one element of size bytes per row,
 * filled by fill(). */
enum err store_sqlite_collect(struct conn *c, sqlite3_stmt *st, size_t size,
                              enum err (*fill)(sqlite3_stmt *, void *), void **out, size_t *n);

/* The rows (sqlite_clients.c, sqlite_tokens.c), for the ops table. */
enum err store_sqlite_client_get(struct store *s, const char *id, struct client *out);
enum err store_sqlite_client_insert(struct store *s, const struct client *c);
enum err store_sqlite_client_update(struct store *s, const struct client *c);
enum err store_sqlite_client_delete(struct store *s, const char *id);
enum err store_sqlite_client_list(struct store *s, struct client **out, size_t *n);
enum err store_sqlite_client_id_token_algs(struct store *s, struct strlist *out);
enum err store_sqlite_key_add(struct store *s, const struct signing_key *k, int64_t retire_others);
enum err store_sqlite_key_list(struct store *s, struct signing_key **out, size_t *n);
enum err store_sqlite_keys_version(struct store *s, int64_t *version);
enum err store_sqlite_token_insert(struct store *s, const struct token *t);
enum err store_sqlite_token_get(struct store *s, const unsigned char hash[HASH_LEN],
                                struct token *out);
enum err store_sqlite_token_delete(struct store *s, const unsigned char hash[HASH_LEN]);
enum err store_sqlite_revocation_add(struct store *s, const char *jti, const char *client_id,
                                     int64_t expires_at);
enum err store_sqlite_token_state(struct store *s, const char *client_id, const char *jti,
                                  struct token_state *out);
enum err store_sqlite_sweep(struct store *s, int64_t now, int64_t *removed);
/* users (sqlite_users.c, stream B) */
enum err store_sqlite_user_get(struct store *s, const char *sub, struct user *out);
enum err store_sqlite_user_get_by_username(struct store *s, const char *username, struct user *out);
enum err store_sqlite_user_insert(struct store *s, const struct user *u);
enum err store_sqlite_user_update(struct store *s, const struct user *u);
enum err store_sqlite_user_delete(struct store *s, const char *sub);
enum err store_sqlite_user_list(struct store *s, const char *after, size_t limit, struct user **out,
                                size_t *n);
enum err store_sqlite_user_set_password(struct store *s, const char *sub, const char *hash,
                                        const char *expected);
enum err store_sqlite_users_version(struct store *s, int64_t *version);
/* end of users */

/* Resources (sqlite_resources.c). */
enum err store_sqlite_resource_get(struct store *s, const char *id, struct resource *out);
enum err store_sqlite_resource_insert(struct store *s, const struct resource *r);
enum err store_sqlite_resource_update(struct store *s, const struct resource *r);
enum err store_sqlite_resource_delete(struct store *s, const char *id);
enum err store_sqlite_resource_list(struct store *s, struct resource **out, size_t *n);
enum err store_sqlite_token_ttl_record(struct store *s, int64_t ttl);
enum err store_sqlite_token_ttl_max(struct store *s, int64_t *out);

/* Sign-in rows (sqlite_signin.c). */
enum err store_sqlite_session_insert(struct store *s, const struct session *se);
enum err store_sqlite_session_get(struct store *s, const unsigned char id_hash[HASH_LEN],
                                  struct session *out);
enum err store_sqlite_session_delete(struct store *s, const unsigned char id_hash[HASH_LEN]);
enum err store_sqlite_code_insert(struct store *s, const struct auth_code *code);
enum err store_sqlite_code_mark_reused(struct store *s, const unsigned char hash[HASH_LEN],
                                       int64_t now, struct auth_code *out);
enum err store_sqlite_code_consume(struct store *s, const unsigned char hash[HASH_LEN], int64_t now,
                                   struct auth_code *out);
enum err store_sqlite_code_record_issued(struct store *s, const unsigned char hash[HASH_LEN],
                                         const char *at_jti, int64_t at_expires_at,
                                         const struct refresh_token *rt);
enum err store_sqlite_code_revoke_issued(struct store *s, const struct auth_code *code);
enum err store_sqlite_consent_get(struct store *s, const char *user_sub, const char *client_id,
                                  struct consent *out);
enum err store_sqlite_consent_put(struct store *s, const struct consent *c);
enum err store_sqlite_consent_list(struct store *s, const struct consent_filter *f,
                                   struct consent **out, size_t *n);
enum err store_sqlite_consent_revoke(struct store *s, const char *user_sub, const char *client_id,
                                     struct consent **out, size_t *n);
enum err store_sqlite_refresh_token_insert(struct store *s, const struct refresh_token *rt);
enum err store_sqlite_refresh_token_get(struct store *s, const unsigned char hash[HASH_LEN],
                                        struct refresh_token *out);
enum err store_sqlite_refresh_token_rotate(struct store *s, const unsigned char hash[HASH_LEN],
                                           int64_t now, const struct refresh_token *next);
enum err store_sqlite_refresh_family_revoke(struct store *s, const char *family);

/* Back-channel logout deliveries (sqlite_backchannel.c). */
enum err store_sqlite_backchannel_claim(struct store *s, int64_t now, int64_t until, size_t max,
                                        struct backchannel_logout **out, size_t *n);
enum err store_sqlite_session_client_add(struct store *s, const char *sid, const char *client_id);
enum err store_sqlite_backchannel_delete(struct store *s, int64_t id);
enum err store_sqlite_backchannel_retry(struct store *s, int64_t id, int64_t next_at);
enum err store_sqlite_secret_get_or_add(struct store *s, const char *name,
                                        const unsigned char *sealed, size_t n, unsigned char **out,
                                        size_t *outlen);

/* Second factors (sqlite_factors.c). */
enum err store_sqlite_totp_put(struct store *s, const struct totp_factor *f);
enum err store_sqlite_totp_get(struct store *s, const char *sub, struct totp_factor *out);
enum err store_sqlite_totp_use(struct store *s, const char *sub, int64_t step, int64_t now,
                               bool confirm);
enum err store_sqlite_totp_delete(struct store *s, const char *sub);
enum err store_sqlite_recovery_codes_replace(struct store *s, const char *sub,
                                             const unsigned char (*hashes)[HASH_LEN], size_t n,
                                             int64_t now);
enum err store_sqlite_recovery_code_use(struct store *s, const char *sub,
                                        const unsigned char hash[HASH_LEN], int64_t now);
enum err store_sqlite_recovery_codes_list(struct store *s, const char *sub,
                                          struct recovery_code **out, size_t *n);
enum err store_sqlite_factors_delete(struct store *s, const char *sub);
/* Passkeys and WebAuthn challenges (sqlite_passkeys.c). */
enum err store_sqlite_passkey_insert(struct store *s, const struct passkey *p);
enum err store_sqlite_passkey_get(struct store *s, const unsigned char *cred_id, size_t len,
                                  struct passkey *out);
enum err store_sqlite_passkeys_of_user(struct store *s, const char *sub, struct passkey **out,
                                       size_t *n);
enum err store_sqlite_passkey_use(struct store *s, const unsigned char *cred_id, size_t len,
                                  uint32_t old_count, uint32_t new_count, bool backed_up,
                                  int64_t now);
enum err store_sqlite_passkey_rename(struct store *s, const char *sub, const unsigned char *cred_id,
                                     size_t len, const char *name);
enum err store_sqlite_passkey_delete(struct store *s, const char *sub, const unsigned char *cred_id,
                                     size_t len);
enum err store_sqlite_webauthn_challenge_put(struct store *s, const struct webauthn_challenge *c);
enum err store_sqlite_webauthn_challenge_take(struct store *s, const unsigned char hash[HASH_LEN],
                                              struct webauthn_challenge *out);
/* Pending sign-ins (sqlite_signin.c). */
enum err store_sqlite_pending_insert(struct store *s, const struct session *p);
enum err store_sqlite_pending_get(struct store *s, const unsigned char id_hash[HASH_LEN],
                                  struct session *out);
enum err store_sqlite_pending_delete(struct store *s, const unsigned char id_hash[HASH_LEN]);
enum err store_sqlite_sessions_of_user(struct store *s, const char *sub, int64_t now,
                                       struct session **out, size_t *n);
enum err store_sqlite_session_end_for_user(struct store *s, const char *sub, const char *sid,
                                           bool others);

#endif
