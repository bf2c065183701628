/* The SQLite backend: one file in WAL mode, one connection per thread with
 * its prepared statements, migrations embedded from migrations/sqlite/. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "store/sqlite_internal.h"

extern const char *const sqlite_migrations[];
extern const size_t sqlite_migrations_count;
extern const struct store_ops store_sqlite_ops;

#define CLIENT_COLUMNS                                                                             \
    "id, name, type, secret_hash, grant_types, response_types, redirect_uris, "                    \
    "post_logout_redirect_uris, scope, token_endpoint_auth_method, access_token_format, "          \
    "enabled, created_at, require_consent, reuse_consent, backchannel_logout_uri, "                \
    "backchannel_logout_session_required, subject_type, sector_identifier_uri, sector, "           \
    "id_token_alg, secret_sealed, require_mfa"

#define RESOURCE_COLUMNS "id, name, scope, access_token_format, access_token_ttl, created_at"

#define USER_COLUMNS "sub, username, password_hash, claims, enabled, created_at, updated_at"

#define REFRESH_COLUMNS                                                                            \
    "family, client_id, user_sub, scope, auth_time, sid, issued_at, expires_at, used_at, "         \
    "at_jti, at_expires_at, resource, family_issued_at, claims_userinfo, claims_id_token, amr"

#define PASSKEY_COLUMNS                                                                            \
    "p.user_sub, p.cred_id, p.name, p.alg, p.public_key, p.sign_count, p.aaguid, "                 \
    "p.user_verified, p.backup_eligible, p.backed_up, p.fmt, p.transports, p.created_at, "         \
    "coalesce(p.last_used_at, 0)"

#define CODE_COLUMNS                                                                               \
    "client_id, redirect_uri, user_sub, scope, nonce, code_challenge, code_challenge_method, "     \
    "auth_time, amr, sid, created_at, expires_at, used_at, at_jti, at_expires_at, rt_hash, "       \
    "reused_at, rt_family, resource, front_at_jti, front_at_expires_at, claims_userinfo, "         \
    "claims_id_token"

const char *const store_sqlite_sql[ST_COUNT] = {
    [ST_CLIENT_GET] = "SELECT " CLIENT_COLUMNS " FROM clients WHERE id = ?1",
    [ST_CLIENT_INSERT] =
        "INSERT INTO clients (" CLIENT_COLUMNS ", updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?15, ?16, "
        "?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?13)",
    [ST_CLIENT_UPDATE] = "UPDATE clients SET name = ?2, type = ?3, secret_hash = ?4, "
                         "grant_types = ?5, response_types = ?6, redirect_uris = ?7, "
                         "post_logout_redirect_uris = ?8, scope = ?9, "
                         "token_endpoint_auth_method = ?10, access_token_format = ?11, "
                         "enabled = ?12, updated_at = ?14, require_consent = ?15, "
                         "reuse_consent = ?16, backchannel_logout_uri = ?17, "
                         "backchannel_logout_session_required = ?18, subject_type = ?19, "
                         "sector_identifier_uri = ?20, sector = ?21, id_token_alg = ?22, "
                         "secret_sealed = ?23, require_mfa = ?24 WHERE id = ?1",
    [ST_CLIENT_DELETE] = "DELETE FROM clients WHERE id = ?1",
    [ST_CLIENT_LIST] = "SELECT " CLIENT_COLUMNS " FROM clients WHERE (created_at, id) > (?1, ?2) "
                       "ORDER BY created_at, id LIMIT ?3",
    [ST_CLIENT_ID_TOKEN_ALGS] = "SELECT DISTINCT id_token_alg FROM clients",
    [ST_KEY_INSERT] = "INSERT INTO signing_keys (kid, alg, private_enc, public_jwk, created_at, "
                      "not_before, retire_after) VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL)",
    [ST_KEY_RETIRE] = "UPDATE signing_keys SET retire_after = ?2 "
                      "WHERE retire_after IS NULL AND kid <> ?1 "
                      "AND alg = (SELECT alg FROM signing_keys WHERE kid = ?1)",
    [ST_KEY_LIST] = "SELECT kid, alg, private_enc, public_jwk, created_at, not_before, "
                    "retire_after FROM signing_keys ORDER BY created_at, rowid",
    [ST_KEYS_VERSION] = "SELECT value FROM meta WHERE name = 'keys_version'",
    [ST_USERS_VERSION] = "SELECT value FROM meta WHERE name = 'users_version'",
    [ST_TOKEN_INSERT] = "INSERT INTO tokens (hash, kind, jti, client_id, subject, scope, "
                        "issued_at, expires_at, audience, claims_userinfo, amr, auth_time) "
                        "VALUES (?1, 'access', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    [ST_TOKEN_GET] = "SELECT jti, client_id, subject, scope, issued_at, expires_at, audience, "
                     "claims_userinfo, amr, auth_time FROM tokens WHERE hash = ?1",
    [ST_TOKEN_DELETE] = "DELETE FROM tokens WHERE hash = ?1",
    [ST_REVOCATION_ADD] = "INSERT INTO revoked_tokens (jti, client_id, expires_at) "
                          "VALUES (?1, ?2, ?3) ON CONFLICT (jti) DO NOTHING",
    [ST_TOKEN_STATE] = "SELECT enabled, EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = ?2) "
                       "FROM clients WHERE id = ?1",
    [ST_SWEEP_TOKENS] = "DELETE FROM tokens WHERE expires_at < ?1",
    [ST_SWEEP_REVOCATIONS] = "DELETE FROM revoked_tokens WHERE expires_at < ?1",
    [ST_SWEEP_KEYS] = "DELETE FROM signing_keys WHERE retire_after IS NOT NULL "
                      "AND retire_after < ?1",
    /* sign-in (sqlite_signin.c) */
    [ST_SESSION_INSERT] = "INSERT INTO sessions (id_hash, sid, user_sub, auth_time, amr, "
                          "created_at, expires_at, address, browser) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    /* a session is only as good as its user: deleted or disabled, it is gone */
    [ST_SESSION_GET] = "SELECT s.sid, s.user_sub, s.auth_time, s.amr, s.created_at, s.expires_at "
                       "FROM sessions s JOIN users u ON u.sub = s.user_sub "
                       "WHERE s.id_hash = ?1 AND u.enabled = 1",
    [ST_SESSION_DELETE] = "DELETE FROM sessions WHERE id_hash = ?1",
    [ST_SESSION_COUNT] = "SELECT count(*) FROM sessions WHERE expires_at > ?1",
    [ST_CODE_INSERT] = "INSERT INTO auth_codes (hash, client_id, redirect_uri, user_sub, scope, "
                       "nonce, code_challenge, code_challenge_method, auth_time, amr, sid, "
                       "created_at, expires_at, resource, front_at_jti, front_at_expires_at, "
                       "claims_userinfo, claims_id_token) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
                       "?16, ?17, ?18)",
    [ST_CODE_CONSUME] = "UPDATE auth_codes SET used_at = ?2 WHERE hash = ?1 AND used_at IS NULL "
                        "RETURNING " CODE_COLUMNS,
    /* ?2 (the time) is bound by the same code path as the updates, and unused */
    [ST_CODE_GET] = "SELECT " CODE_COLUMNS " FROM auth_codes WHERE hash = ?1",
    [ST_CODE_MARK_REUSED] = "UPDATE auth_codes SET reused_at = coalesce(reused_at, ?2) "
                            "WHERE hash = ?1 RETURNING " CODE_COLUMNS,
    [ST_CODE_RECORD_ISSUED] = "UPDATE auth_codes SET at_jti = ?2, at_expires_at = ?3, "
                              "rt_hash = ?4, rt_family = ?5 WHERE hash = ?1 AND reused_at IS NULL",
    [ST_CODE_REVOKE_TOKEN] = "DELETE FROM tokens WHERE jti = ?1",
    [ST_REFRESH_DELETE_FAMILY] = "DELETE FROM refresh_tokens WHERE family = ?1",
    /* the WHERE lets SQLite parse the upsert after a SELECT */
    [ST_REFRESH_REVOKE_ATS] = "INSERT INTO revoked_tokens (jti, client_id, expires_at) "
                              "SELECT at_jti, client_id, at_expires_at FROM refresh_tokens "
                              "WHERE family = ?1 AND at_jti IS NOT NULL "
                              "ON CONFLICT (jti) DO NOTHING",
    [ST_REFRESH_DELETE_ATS] = "DELETE FROM tokens WHERE jti IN "
                              "(SELECT at_jti FROM refresh_tokens WHERE family = ?1)",
    [ST_REFRESH_GET] = "SELECT " REFRESH_COLUMNS " FROM refresh_tokens WHERE hash = ?1",
    [ST_REFRESH_MARK_USED] = "UPDATE refresh_tokens SET used_at = ?2 "
                             "WHERE hash = ?1 AND used_at IS NULL",
    [ST_CONSENT_GET] = "SELECT scope, created_at, expires_at, claims FROM consents "
                       "WHERE user_sub = ?1 AND client_id = ?2",
    [ST_CONSENT_PUT] = "INSERT INTO consents (user_sub, client_id, scope, created_at, expires_at, "
                       "claims) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (user_sub, client_id) "
                       "DO UPDATE SET scope = ?3, created_at = ?4, expires_at = ?5, claims = ?6",
    [ST_REFRESH_INSERT] = "INSERT INTO refresh_tokens (hash, family, client_id, user_sub, scope, "
                          "auth_time, sid, issued_at, expires_at, at_jti, at_expires_at, "
                          "resource, family_issued_at, claims_userinfo, claims_id_token, amr) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
                          "?15, ?16)",
    /* an expired session's clients go first, so that its deletion queues
     * no back-channel logout (migration 12's trigger) */
    [ST_SWEEP_SESSION_CLIENTS] = "DELETE FROM session_clients WHERE sid IN "
                                 "(SELECT sid FROM sessions WHERE expires_at < ?1)",
    [ST_SWEEP_SESSIONS] = "DELETE FROM sessions WHERE expires_at < ?1",
    /* a used code stays while what it issued may still be revoked: its
     * access token, and its refresh family while any token of it is left */
    [ST_SWEEP_CODES] = "DELETE FROM auth_codes WHERE expires_at < ?1 "
                       "AND coalesce(at_expires_at, 0) < ?1 AND (rt_family IS NULL OR "
                       "NOT EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.family = rt_family))",
    [ST_SWEEP_CONSENTS] = "DELETE FROM consents WHERE expires_at < ?1",
    [ST_SWEEP_REFRESH] = "DELETE FROM refresh_tokens WHERE expires_at < ?1",
    /* users (stream B) */
    [ST_USER_GET] = "SELECT " USER_COLUMNS " FROM users WHERE sub = ?1",
    [ST_USER_GET_BY_USERNAME] = "SELECT " USER_COLUMNS " FROM users WHERE username = ?1",
    [ST_USER_INSERT] = "INSERT INTO users (" USER_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
    [ST_USER_UPDATE] = "UPDATE users SET username = ?2, claims = ?3, enabled = ?4, updated_at = ?5 "
                       "WHERE sub = ?1",
    [ST_USER_DELETE] = "DELETE FROM users WHERE sub = ?1",
    [ST_USER_DELETE_SESSIONS] = "DELETE FROM sessions WHERE user_sub = ?1",
    [ST_USER_DELETE_CODES] = "DELETE FROM auth_codes WHERE user_sub = ?1",
    [ST_USER_DELETE_CONSENTS] = "DELETE FROM consents WHERE user_sub = ?1",
    [ST_USER_DELETE_REFRESH] = "DELETE FROM refresh_tokens WHERE user_sub = ?1",
    [ST_USER_LIST] = "SELECT " USER_COLUMNS " FROM users WHERE username > ?1 "
                     "ORDER BY username LIMIT ?2",
    [ST_USER_SET_PASSWORD] = "UPDATE users SET password_hash = ?2, updated_at = ?3 "
                             "WHERE sub = ?1 AND (?4 IS NULL OR password_hash IS ?4)",
    /* end of users */
    /* resources (sqlite_resources.c) */
    [ST_RESOURCE_GET] = "SELECT " RESOURCE_COLUMNS " FROM resources WHERE id = ?1",
    [ST_RESOURCE_INSERT] = "INSERT INTO resources (" RESOURCE_COLUMNS ", updated_at) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [ST_RESOURCE_UPDATE] = "UPDATE resources SET name = ?2, scope = ?3, access_token_format = ?4, "
                           "access_token_ttl = ?5, updated_at = ?7 WHERE id = ?1",
    [ST_RESOURCE_DELETE] = "DELETE FROM resources WHERE id = ?1",
    [ST_RESOURCE_LIST] =
        "SELECT " RESOURCE_COLUMNS " FROM resources WHERE id > ?1 ORDER BY id LIMIT ?2",
    [ST_RESOURCES_VERSION] = "SELECT value FROM meta WHERE name = 'resources_version'",
    [ST_RESOURCE_SCOPE_INSERT] = "INSERT INTO resource_scopes (scope, resource_id) VALUES (?1, ?2)",
    [ST_RESOURCE_SCOPES_DELETE] = "DELETE FROM resource_scopes WHERE resource_id = ?1",
    [ST_TOKEN_TTL_RECORD] =
        "UPDATE meta SET value = ?1 WHERE name = 'max_token_ttl' AND value < ?1",
    [ST_TOKEN_TTL_MAX] = "SELECT value FROM meta WHERE name = 'max_token_ttl'",
    /* back-channel logout (sqlite_backchannel.c): claiming a row moves its
     * next_at past the delivery, so a crash mid-way retries it later */
    [ST_SESSION_CLIENT_ADD] = "INSERT OR IGNORE INTO session_clients (sid, client_id) "
                              "VALUES (?1, ?2)",
    [ST_BACKCHANNEL_CLAIM] = "UPDATE backchannel_logouts SET attempts = attempts + 1, "
                             "next_at = ?2 WHERE id IN (SELECT id FROM backchannel_logouts "
                             "WHERE next_at <= ?1 ORDER BY next_at, id LIMIT ?3) "
                             "RETURNING id, client_id, sub, sid, attempts",
    [ST_BACKCHANNEL_DUE] = "SELECT EXISTS (SELECT 1 FROM backchannel_logouts WHERE next_at <= ?1)",
    [ST_BACKCHANNEL_DELETE] = "DELETE FROM backchannel_logouts WHERE id = ?1",
    [ST_BACKCHANNEL_RETRY] = "UPDATE backchannel_logouts SET next_at = ?2 WHERE id = ?1",
    [ST_AUDIT_ADD] = "INSERT INTO audit_events (at, type, ok, actor, user_sub, client_id, "
                     "address, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    /* a type filter "client" also matches "client.created" and the like */
    [ST_AUDIT_LIST] =
        "SELECT id, at, type, ok, actor, user_sub, client_id, address, detail "
        "FROM audit_events WHERE id < ?1 AND at >= ?2 "
        "AND (?3 IS NULL OR type = ?3 OR substr(type, 1, length(?3) + 1) = ?3 || '.') "
        "AND (?4 IS NULL OR user_sub = ?4) AND (?5 IS NULL OR client_id = ?5) "
        "ORDER BY id DESC LIMIT ?6",
    [ST_AUDIT_SWEEP] = "DELETE FROM audit_events WHERE at < ?1",
    /* consents (sqlite_consents.c): a page after the pair (?3, ?4) */
    [ST_CONSENT_LIST] = "SELECT user_sub, client_id, scope, created_at, expires_at, claims "
                        "FROM consents WHERE (?1 IS NULL OR user_sub = ?1) "
                        "AND (?2 IS NULL OR client_id = ?2) AND (user_sub, client_id) > (?3, ?4) "
                        "ORDER BY user_sub, client_id LIMIT ?5",
    /* what user ?1 let client ?2 hold: the access tokens issued with its
     * refresh tokens and by its codes (recorded by jti), then those rows */
    [ST_CONSENT_REVOKE_REFRESH_ATS] =
        "INSERT INTO revoked_tokens (jti, client_id, expires_at) "
        "SELECT at_jti, client_id, at_expires_at FROM refresh_tokens "
        "WHERE user_sub = ?1 AND client_id = ?2 AND at_jti IS NOT NULL "
        "ON CONFLICT (jti) DO NOTHING",
    [ST_CONSENT_REVOKE_CODE_ATS] = "INSERT INTO revoked_tokens (jti, client_id, expires_at) "
                                   "SELECT at_jti, client_id, at_expires_at FROM auth_codes "
                                   "WHERE user_sub = ?1 AND client_id = ?2 AND at_jti IS NOT NULL "
                                   "UNION ALL SELECT front_at_jti, client_id, front_at_expires_at "
                                   "FROM auth_codes WHERE user_sub = ?1 AND client_id = ?2 "
                                   "AND front_at_jti IS NOT NULL ON CONFLICT (jti) DO NOTHING",
    [ST_CONSENT_DELETE_ATS] = "DELETE FROM tokens WHERE client_id = ?2 AND jti IN "
                              "(SELECT at_jti FROM refresh_tokens WHERE user_sub = ?1 "
                              "AND client_id = ?2 UNION SELECT at_jti FROM auth_codes "
                              "WHERE user_sub = ?1 AND client_id = ?2 UNION SELECT front_at_jti "
                              "FROM auth_codes WHERE user_sub = ?1 AND client_id = ?2)",
    [ST_CONSENT_DELETE_REFRESH] =
        "DELETE FROM refresh_tokens WHERE user_sub = ?1 AND client_id = ?2",
    /* a redeemed code stays: it records what it issued, now revoked */
    [ST_CONSENT_DELETE_CODES] = "DELETE FROM auth_codes WHERE user_sub = ?1 AND client_id = ?2 "
                                "AND used_at IS NULL",
    [ST_CONSENT_DELETE] = "DELETE FROM consents WHERE user_sub = ?1 AND client_id = ?2",
    [ST_SECRET_ADD] = "INSERT OR IGNORE INTO server_secrets (name, sealed) VALUES (?1, ?2)",
    [ST_SECRET_GET] = "SELECT sealed FROM server_secrets WHERE name = ?1",
    /* second factors: the inserts select the user, so none is written for
     * a user that is not there */
    [ST_TOTP_PUT] = "INSERT INTO totp_factors (user_sub, secret_sealed, confirmed, last_step, "
                    "created_at) SELECT sub, ?2, ?3, ?4, ?5 FROM users WHERE sub = ?1 "
                    "ON CONFLICT (user_sub) DO UPDATE SET secret_sealed = ?2, confirmed = ?3, "
                    "last_step = ?4, created_at = ?5, last_used_at = NULL",
    [ST_TOTP_GET] = "SELECT user_sub, secret_sealed, confirmed, last_step, created_at, "
                    "coalesce(last_used_at, 0) FROM totp_factors WHERE user_sub = ?1",
    /* the replay rule: one code's step is accepted once, by whoever is first */
    [ST_TOTP_USE] = "UPDATE totp_factors SET last_step = ?2, last_used_at = ?3, confirmed = 1 "
                    "WHERE user_sub = ?1 AND last_step < ?2 AND confirmed = (1 - ?4)",
    [ST_TOTP_DELETE] = "DELETE FROM totp_factors WHERE user_sub = ?1",
    [ST_RECOVERY_INSERT] = "INSERT INTO recovery_codes (user_sub, hash, created_at) "
                           "SELECT sub, ?2, ?3 FROM users WHERE sub = ?1",
    [ST_RECOVERY_DELETE] = "DELETE FROM recovery_codes WHERE user_sub = ?1",
    [ST_RECOVERY_USE] = "UPDATE recovery_codes SET used_at = ?3 "
                        "WHERE user_sub = ?1 AND hash = ?2 AND used_at IS NULL",
    [ST_RECOVERY_LIST] = "SELECT hash, created_at, coalesce(used_at, 0) FROM recovery_codes "
                         "WHERE user_sub = ?1 ORDER BY created_at, rowid",
    /* ?2 (a session's sid) is bound by the session code path, and unused */
    [ST_PENDING_INSERT] = "INSERT INTO signin_pending (id_hash, user_sub, auth_time, amr, "
                          "created_at, expires_at) SELECT ?1, sub, ?4, ?5, ?6, ?7 FROM users "
                          "WHERE sub = ?3 AND enabled = 1",
    [ST_PENDING_GET] = "SELECT '', p.user_sub, p.auth_time, p.amr, p.created_at, p.expires_at "
                       "FROM signin_pending p JOIN users u ON u.sub = p.user_sub "
                       "WHERE p.id_hash = ?1 AND u.enabled = 1",
    [ST_PENDING_DELETE] = "DELETE FROM signin_pending WHERE id_hash = ?1",
    [ST_SWEEP_PENDING] = "DELETE FROM signin_pending WHERE expires_at < ?1",
    [ST_SESSIONS_OF_USER] =
        "SELECT sid, user_sub, auth_time, amr, created_at, expires_at, "
        "address, browser FROM sessions WHERE user_sub = ?1 AND expires_at > ?2 "
        "ORDER BY created_at DESC, rowid DESC LIMIT ?3",
    [ST_SESSION_END_SID] = "DELETE FROM sessions WHERE user_sub = ?1 AND sid = ?2",
    [ST_SESSION_END_OTHERS] = "DELETE FROM sessions WHERE user_sub = ?1 AND sid <> ?2",
    /* passkeys (sqlite_passkeys.c): -1 for no such user, else how many */
    [ST_PASSKEY_SLOTS] = "SELECT CASE WHEN EXISTS (SELECT 1 FROM users WHERE sub = ?1) "
                         "THEN (SELECT count(*) FROM passkeys WHERE user_sub = ?1) ELSE -1 END",
    [ST_PASSKEY_INSERT] = "INSERT INTO passkeys (user_sub, cred_id, name, alg, public_key, "
                          "sign_count, aaguid, user_verified, backup_eligible, backed_up, fmt, "
                          "transports, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                          "?10, ?11, ?12, ?13) ON CONFLICT (cred_id) DO NOTHING",
    [ST_PASSKEY_GET] = "SELECT " PASSKEY_COLUMNS " FROM passkeys p JOIN users u "
                       "ON u.sub = p.user_sub WHERE p.cred_id = ?1 AND u.enabled = 1",
    [ST_PASSKEYS_OF_USER] = "SELECT " PASSKEY_COLUMNS " FROM passkeys p WHERE p.user_sub = ?1 "
                            "ORDER BY p.created_at, p.rowid",
    /* the counter rule: of two assertions with one count, one moves it */
    [ST_PASSKEY_USE] = "UPDATE passkeys SET sign_count = ?3, backed_up = ?4, last_used_at = ?5 "
                       "WHERE cred_id = ?1 AND sign_count = ?2",
    [ST_PASSKEY_RENAME] = "UPDATE passkeys SET name = ?3 WHERE user_sub = ?1 AND cred_id = ?2",
    [ST_PASSKEY_DELETE] = "DELETE FROM passkeys WHERE user_sub = ?1 AND cred_id = ?2",
    [ST_PASSKEYS_DELETE] = "DELETE FROM passkeys WHERE user_sub = ?1",
    [ST_CHALLENGE_PUT] = "INSERT INTO webauthn_challenges (hash, binding, purpose, user_sub, "
                         "expires_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (hash) DO NOTHING",
    [ST_CHALLENGE_TAKE] = "DELETE FROM webauthn_challenges WHERE hash = ?1 "
                          "RETURNING hash, binding, purpose, user_sub, expires_at",
    [ST_SWEEP_CHALLENGES] = "DELETE FROM webauthn_challenges WHERE expires_at < ?1",
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
};

struct sqlite_store {
    struct store base;
    char *path;
    pthread_key_t key;
    pthread_mutex_t lock; /* guards conns */
    /* Writers of this process take turns here rather than in SQLite's busy
     * handler, which sleeps in steps of up to 100 ms and so turned a brief
     * wait for the write lock into long latency spikes. Other processes
     * (the CLI) still meet the busy handler, rarely. */
    pthread_mutex_t write_lock;
    struct conn *conns;
};

/* Maps an SQLite result to ours. A full disk, a read-only file or a lock
 * held past the busy timeout are passing conditions: the client may retry. */
enum err store_sqlite_fail(sqlite3 *db, int rc, const char *what)
{
    log_kv(LOG_ERROR, "database error", "op", what, "error", sqlite3_errmsg(db), NULL);
    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
        return ERR_CONFLICT;
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
        return ERR_TEMPORARILY_UNAVAILABLE;
    case SQLITE_NOMEM:
        return ERR_NOMEM;
    default:
        return ERR_STORE;
    }
}

static enum err conn_open(const char *path, struct conn **out)
{
    static const char pragmas[] = "PRAGMA journal_mode = WAL;"
                                  "PRAGMA synchronous = NORMAL;"
                                  "PRAGMA foreign_keys = ON;";
    struct conn *c = calloc(1, sizeof *c);
    int rc;

    if (!c)
        return ERR_NOMEM;
    rc = sqlite3_open_v2(path, &c->db,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_busy_timeout(c->db, 10000);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(c->db, pragmas, NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        enum err e = c->db ? store_sqlite_fail(c->db, rc, "open") : ERR_NOMEM;
        sqlite3_close(c->db);
        free(c);
        return e;
    }
    *out = c;
    return ERR_OK;
}

static void conn_close(struct conn *c)
{
    size_t i;

    for (i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(c->stmts[i]);
    sqlite3_close(c->db);
    free(c);
}

/* This thread's connection, opened on first use. */
struct conn *store_sqlite_conn_get(struct store *s)
{
    struct sqlite_store *ss = (struct sqlite_store *)s;
    struct conn *c = pthread_getspecific(ss->key);

    if (c)
        return c;
    if (conn_open(ss->path, &c))
        return NULL;
    c->write_lock = &ss->write_lock;
    pthread_setspecific(ss->key, c);
    pthread_mutex_lock(&ss->lock);
    c->next = ss->conns;
    ss->conns = c;
    pthread_mutex_unlock(&ss->lock);
    return c;
}

/* The prepared statement id on c, reset and ready for binding. */
sqlite3_stmt *store_sqlite_stmt(struct conn *c, enum stmt_id id)
{
    if (!c->stmts[id] &&
        sqlite3_prepare_v3(c->db, store_sqlite_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                           &c->stmts[id], NULL) != SQLITE_OK) {
        store_sqlite_fail(c->db, SQLITE_ERROR, store_sqlite_sql[id]);
        return NULL;
    }
    return c->stmts[id];
}

void store_sqlite_done(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

/* Runs a statement that returns no rows. */
enum err store_sqlite_exec_simple(struct conn *c, enum stmt_id id);

/* The integer in the first column of st's one row. */
static enum err step_int(struct conn *c, sqlite3_stmt *st, const char *what, int64_t *out)
{
    enum err e = ERR_OK;
    int rc = sqlite3_step(st);

    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    else
        e = store_sqlite_fail(c->db, rc, what);
    store_sqlite_done(st);
    return e;
}

enum err store_sqlite_read_int(struct conn *c, enum stmt_id id, int64_t arg, const char *what,
                               int64_t *out)
{
    sqlite3_stmt *st = store_sqlite_stmt(c, id);

    if (!st)
        return ERR_STORE;
    sqlite3_bind_int64(st, 1, arg);
    return step_int(c, st, what, out);
}

enum err store_sqlite_session_count(struct store *s, int64_t now, int64_t *n)
{
    struct conn *c = store_sqlite_conn_get(s);

    return c ? store_sqlite_read_int(c, ST_SESSION_COUNT, now, "session_count", n) : ERR_STORE;
}

enum err store_sqlite_counter(struct store *s, enum stmt_id id, const char *what, int64_t *out)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, id) : NULL;

    return st ? step_int(c, st, what, out) : ERR_STORE;
}

/* Runs a statement that returns no rows (a write), one writer of this
 * process at a time. */
enum err store_sqlite_exec(struct conn *c, sqlite3_stmt *st, const char *what)
{
    enum err e;
    int rc;

    if (!c->in_txn)
        pthread_mutex_lock(c->write_lock);
    rc = sqlite3_step(st);
    if (!c->in_txn)
        pthread_mutex_unlock(c->write_lock);
    e = rc == SQLITE_DONE ? ERR_OK : store_sqlite_fail(c->db, rc, what);
    store_sqlite_done(st);
    return e;
}

enum err store_sqlite_exec_changed(struct conn *c, sqlite3_stmt *st, const char *what,
                                   enum err none)
{
    enum err e = store_sqlite_exec(c, st, what);

    if (!e && sqlite3_changes(c->db) == 0)
        e = none;
    return e;
}

/* BEGIN IMMEDIATE, holding the write turn until txn_end. */
enum err store_sqlite_txn_begin(struct conn *c)
{
    enum err e;

    pthread_mutex_lock(c->write_lock);
    c->in_txn = true;
    e = store_sqlite_exec_simple(c, ST_BEGIN);
    if (e) {
        c->in_txn = false;
        pthread_mutex_unlock(c->write_lock);
    }
    return e;
}

enum err store_sqlite_txn_end(struct conn *c, enum err result)
{
    enum err e = store_sqlite_exec_simple(c, result ? ST_ROLLBACK : ST_COMMIT);

    c->in_txn = false;
    pthread_mutex_unlock(c->write_lock);
    return result ? result : e;
}

enum err store_sqlite_exec_simple(struct conn *c, enum stmt_id id)
{
    sqlite3_stmt *st = store_sqlite_stmt(c, id);

    return st ? store_sqlite_exec(c, st, store_sqlite_sql[id]) : ERR_STORE;
}

enum err store_sqlite_row_by_text(struct store *s, enum stmt_id id, const char *key,
                                  enum err (*fill)(sqlite3_stmt *, void *), void *out,
                                  const char *what)
{
    struct conn *c = store_sqlite_conn_get(s);
    sqlite3_stmt *st = c ? store_sqlite_stmt(c, id) : NULL;
    enum err e;
    int rc;

    if (!st)
        return ERR_STORE;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        e = fill(st, out);
    else if (rc == SQLITE_DONE)
        e = ERR_NOT_FOUND;
    else
        e = store_sqlite_fail(c->db, rc, what);
    store_sqlite_done(st);
    return e;
}

char *store_sqlite_column_dup(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);

    return strdup(t ? (const char *)t : "");
}

/* Steps st to the end, growing *out by one element of `size` bytes per row
 * and filling it with fill(). */
enum err store_sqlite_collect(struct conn *c, sqlite3_stmt *st, size_t size,
                              enum err (*fill)(sqlite3_stmt *, void *), void **out, size_t *n)
{
    char *items = NULL, *grown;
    size_t count = 0;
    enum err e = ERR_OK;
    int rc;

    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        grown = realloc(items, (count + 1) * size);
        if (!grown) {
            e = ERR_NOMEM;
            break;
        }
        items = grown;
        e = fill(st, items + count * size);
        if (e)
            break;
        count++;
    }
    if (!e && rc != SQLITE_DONE)
        e = store_sqlite_fail(c->db, rc, "list");
    store_sqlite_done(st);
    *out = items;
    *n = count;
    return e;
}

static enum err schema_version(struct conn *c, int *version)
{
    sqlite3_stmt *st = NULL;
    int rc;

    rc = sqlite3_exec(c->db, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
                      NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(c->db, "SELECT coalesce(max(version), 0) FROM schema_version", -1,
                                &st, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        *version = sqlite3_column_int(st, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? ERR_OK : store_sqlite_fail(c->db, rc, "schema_version");
}

static enum err apply_migration(struct conn *c, int version)
{
    char record[96];
    int rc;

    rc = sqlite3_exec(c->db, sqlite_migrations[version - 1], NULL, NULL, NULL);
    if (rc == SQLITE_OK) {
        snprintf(record, sizeof record, "INSERT INTO schema_version (version) VALUES (%d)",
                 version);
        rc = sqlite3_exec(c->db, record, NULL, NULL, NULL);
    }
    if (rc != SQLITE_OK)
        return store_sqlite_fail(c->db, rc, "migrate");
    log_kv(LOG_INFO, "applied migration", "backend", "sqlite", "version",
           (snprintf(record, sizeof record, "%d", version), record), NULL);
    return ERR_OK;
}

static enum err store_sqlite_migrate(struct store *s)
{
    struct conn *c = store_sqlite_conn_get(s);
    int version = 0;
    enum err e;

    if (!c)
        return ERR_STORE;
    /* IMMEDIATE: two processes migrating at once take turns, not fail */
    e = store_sqlite_txn_begin(c);
    if (e)
        return e;
    e = schema_version(c, &version);
    while (!e && (size_t)version < sqlite_migrations_count)
        e = apply_migration(c, ++version);
    return store_sqlite_txn_end(c, e);
}

static void store_sqlite_close(struct store *s)
{
    struct sqlite_store *ss = (struct sqlite_store *)s;
    struct conn *c, *next;

    for (c = ss->conns; c; c = next) {
        next = c->next;
        conn_close(c);
    }
    pthread_key_delete(ss->key);
    pthread_mutex_destroy(&ss->lock);
    pthread_mutex_destroy(&ss->write_lock);
    free(ss->path);
    free(ss);
}

/* The usual mistakes in a sqlite:PATH, named before SQLite meets them: its
 * own word for them is "unable to open database file", logged on a line of
 * its own. */
static enum err store_sqlite_path_check(const char *url, char *why, size_t whylen)
{
    const char *path = url + strlen("sqlite:"), *slash = strrchr(path, '/');
    char dir[4096];
    struct stat st;

    if (stat(path, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return ERR_OK;
        snprintf(why, whylen, "cannot open database %s: %s is a directory", url, path);
        return ERR_IO;
    }
    if (!slash)
        return ERR_OK;
    if ((size_t)(slash - path) + 2 > sizeof dir)
        return ERR_OK; /* SQLite will say */
    memcpy(dir, path, (size_t)(slash - path) + 1);
    dir[slash == path ? 1 : slash - path] = '\0';
    if (stat(dir, &st) != 0) {
        snprintf(why, whylen, "cannot open database %s: directory %s: %s", url, dir,
                 strerror(errno));
        return ERR_IO;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(why, whylen, "cannot open database %s: %s is not a directory", url, dir);
        return ERR_IO;
    }
    return ERR_OK;
}

/* A new database file is made 0600 before SQLite opens it: it holds hashes
 * and sealed keys, nobody else's to read. SQLite gives its -wal and -shm files
 * the database's mode. An existing file is left as it is. */
static void create_private(const char *path)
{
    int fd;

    if (strcmp(path, ":memory:") == 0 || strncmp(path, "file:", 5) == 0)
        return;
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0)
        close(fd);
}

/* set: SQLite has no use for database.timeout_ms (its busy timeout is its own) */
static enum err store_sqlite_open(const char *url, const struct store_settings *set,
                                  struct store **out, char *why, size_t whylen)
{
    struct sqlite_store *ss = calloc(1, sizeof *ss);
    const char *path = url + strlen("sqlite:");
    struct conn *c;
    enum err e;

    (void)set;
    if (!ss)
        return ERR_NOMEM;
    if (store_sqlite_path_check(url, why, whylen)) {
        free(ss);
        return ERR_IO;
    }
    create_private(path);
    ss->base.ops = &store_sqlite_ops;
    ss->path = strdup(path);
    pthread_mutex_init(&ss->lock, NULL);
    pthread_mutex_init(&ss->write_lock, NULL);
    if (!ss->path || pthread_key_create(&ss->key, NULL)) {
        free(ss->path);
        free(ss);
        return ERR_NOMEM;
    }
    c = store_sqlite_conn_get(&ss->base);
    e = c ? store_sqlite_migrate(&ss->base) : ERR_STORE;
    if (e) {
        snprintf(why, whylen, "cannot open database %s (%s)", url,
                 c ? sqlite3_errmsg(c->db) : "open failed");
        store_sqlite_close(&ss->base);
        return e;
    }
    *out = &ss->base;
    return ERR_OK;
}

const struct store_ops store_sqlite_ops = {
    .name = "sqlite",
    .scheme = "sqlite:",
    .open = store_sqlite_open,
    .close = store_sqlite_close,
    .migrate = store_sqlite_migrate,
    .client_get = store_sqlite_client_get,
    .client_insert = store_sqlite_client_insert,
    .client_update = store_sqlite_client_update,
    .client_delete = store_sqlite_client_delete,
    .client_list = store_sqlite_client_list,
    .client_id_token_algs = store_sqlite_client_id_token_algs,
    .key_add = store_sqlite_key_add,
    .key_list = store_sqlite_key_list,
    .keys_version = store_sqlite_keys_version,
    .token_insert = store_sqlite_token_insert,
    .token_get = store_sqlite_token_get,
    .token_delete = store_sqlite_token_delete,
    .revocation_add = store_sqlite_revocation_add,
    .token_state = store_sqlite_token_state,
    .sweep = store_sqlite_sweep,
    .session_insert = store_sqlite_session_insert,
    .session_get = store_sqlite_session_get,
    .session_delete = store_sqlite_session_delete,
    .session_count = store_sqlite_session_count,
    .audit_add = store_sqlite_audit_add,
    .audit_list = store_sqlite_audit_list,
    .audit_sweep = store_sqlite_audit_sweep,
    .code_insert = store_sqlite_code_insert,
    .code_consume = store_sqlite_code_consume,
    .code_mark_reused = store_sqlite_code_mark_reused,
    .code_record_issued = store_sqlite_code_record_issued,
    .code_revoke_issued = store_sqlite_code_revoke_issued,
    .consent_get = store_sqlite_consent_get,
    .consent_put = store_sqlite_consent_put,
    .consent_list = store_sqlite_consent_list,
    .consent_revoke = store_sqlite_consent_revoke,
    .refresh_token_insert = store_sqlite_refresh_token_insert,
    .refresh_token_get = store_sqlite_refresh_token_get,
    .refresh_token_rotate = store_sqlite_refresh_token_rotate,
    .refresh_family_revoke = store_sqlite_refresh_family_revoke,
    .user_get = store_sqlite_user_get,
    .user_get_by_username = store_sqlite_user_get_by_username,
    .user_insert = store_sqlite_user_insert,
    .user_update = store_sqlite_user_update,
    .user_delete = store_sqlite_user_delete,
    .user_list = store_sqlite_user_list,
    .user_set_password = store_sqlite_user_set_password,
    .users_version = store_sqlite_users_version,
    .resource_get = store_sqlite_resource_get,
    .resource_insert = store_sqlite_resource_insert,
    .resource_update = store_sqlite_resource_update,
    .resource_delete = store_sqlite_resource_delete,
    .resource_list = store_sqlite_resource_list,
    .resources_version = store_sqlite_resources_version,
    .token_ttl_record = store_sqlite_token_ttl_record,
    .token_ttl_max = store_sqlite_token_ttl_max,
    .session_client_add = store_sqlite_session_client_add,
    .backchannel_claim = store_sqlite_backchannel_claim,
    .backchannel_delete = store_sqlite_backchannel_delete,
    .backchannel_retry = store_sqlite_backchannel_retry,
    .secret_get_or_add = store_sqlite_secret_get_or_add,
    .totp_put = store_sqlite_totp_put,
    .totp_get = store_sqlite_totp_get,
    .totp_use = store_sqlite_totp_use,
    .totp_delete = store_sqlite_totp_delete,
    .recovery_codes_replace = store_sqlite_recovery_codes_replace,
    .recovery_code_use = store_sqlite_recovery_code_use,
    .recovery_codes_list = store_sqlite_recovery_codes_list,
    .factors_delete = store_sqlite_factors_delete,
    .pending_insert = store_sqlite_pending_insert,
    .pending_get = store_sqlite_pending_get,
    .pending_delete = store_sqlite_pending_delete,
    .sessions_of_user = store_sqlite_sessions_of_user,
    .session_end_for_user = store_sqlite_session_end_for_user,
    .passkey_insert = store_sqlite_passkey_insert,
    .passkey_get = store_sqlite_passkey_get,
    .passkeys_of_user = store_sqlite_passkeys_of_user,
    .passkey_use = store_sqlite_passkey_use,
    .passkey_rename = store_sqlite_passkey_rename,
    .passkey_delete = store_sqlite_passkey_delete,
    .webauthn_challenge_put = store_sqlite_webauthn_challenge_put,
    .webauthn_challenge_take = store_sqlite_webauthn_challenge_take,
};
