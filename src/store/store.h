#ifndef OIDCD_STORE_STORE_H
#define OIDCD_STORE_STORE_H

/* The one storage interface. Everything above store/ sees these typed structs
 * and functions; the backend (SQLite now, PostgreSQL later) is picked by the
 * database URL's scheme. Every function may be called from any thread; each
 * thread gets its own connection. Functions return ERR_OK, ERR_NOT_FOUND,
 * ERR_CONFLICT, ERR_NOMEM, or ERR_STORE (the backend failed; logged there). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/errors.h"
#include "core/hash.h"
#include "core/limits.h"
#include "core/strlist.h"

enum client_type { CLIENT_CONFIDENTIAL, CLIENT_PUBLIC };
enum auth_method { AUTH_CLIENT_SECRET_BASIC, AUTH_CLIENT_SECRET_POST, AUTH_NONE };
enum token_format { TOKEN_FORMAT_JWT, TOKEN_FORMAT_OPAQUE };
/* OpenID Connect Core §8: SUBJECT_DEFAULT follows tokens.subject_type. */
enum subject_type { SUBJECT_DEFAULT, SUBJECT_PUBLIC, SUBJECT_PAIRWISE };

struct client {
    char id[LIMIT_CLIENT_ID + 1];
    char *name;
    enum client_type type;
    bool has_secret;
    unsigned char secret_hash[HASH_LEN];
    struct strlist grant_types;    /* "client_credentials", … */
    struct strlist response_types; /* "code", "code id_token", … */
    struct strlist redirect_uris;
    struct strlist post_logout_redirect_uris;
    char *scope; /* space-separated */
    enum auth_method auth_method;
    enum token_format token_format;
    bool enabled;
    bool require_consent;              /* ask the user before issuing; default true */
    bool reuse_consent;                /* remember a consent for consent.remember_days */
    bool require_mfa;                  /* its users sign in with a second factor */
    char *backchannel_logout_uri;      /* NULL: none (OIDC Back-Channel Logout §2.2) */
    bool backchannel_session_required; /* the client wants sid in logout tokens */
    enum subject_type subject_type;
    char *sector_identifier_uri; /* NULL: none (OIDC Core §8.1) */
    char *sector;                /* the host pairwise subs are derived for; NULL: the id */
    int64_t created_at;
    char id_token_alg[8]; /* "RS256" (the default), "ES256" or "HS256"; "" only
                             in a client never stored: keys.algorithm */
    /* HS256 clients only: the secret sealed with the key-encryption key
     * (kek_seal, bound to the client id); NULL otherwise */
    unsigned char *secret_sealed;
    size_t secret_sealed_len;
    /* in memory only, never stored: secret_sealed opened (client_cache),
     * the HS256 key; wiped by client_clear */
    char *secret_opened;
};

/* ---- users (stream B) ---------------------------------------------------- */

/* A person who signs in. sub is random and stable (a rename keeps it). */
struct user {
    char sub[LIMIT_SUB + 1];
    char username[LIMIT_USERNAME + 1];
    char *password_hash; /* argon2id encoded; NULL: no password, cannot log in */
    char *claims;        /* a JSON object as text, "{}" when none */
    bool enabled;
    int64_t created_at;
    int64_t updated_at;
};

/* ---- end of users ---------------------------------------------------------- */

struct signing_key {
    char kid[64];
    char alg[8];
    unsigned char *private_enc; /* the private JWK, encrypted by jose/kek */
    size_t private_enc_len;
    char *public_jwk; /* JSON */
    int64_t created_at;
    int64_t not_before;   /* signs from then on */
    int64_t retire_after; /* 0 = still current; else unpublished after this */
};

/* An API that tokens are issued for (RFC 8707): its id is an absolute URI,
 * and it owns its scopes (a scope belongs to at most one resource). */
struct resource {
    char *id;
    char *name;
    char *scope;     /* space-separated */
    bool has_format; /* false: tokens in the client's format */
    enum token_format token_format;
    int64_t access_token_ttl; /* seconds; 0: tokens.access_token_ttl */
    int64_t created_at;
};

/* A token the server must look up later (opaque access tokens). Only the
 * SHA-256 of the token is stored. */
struct token {
    unsigned char hash[HASH_LEN];
    char jti[64];
    char client_id[LIMIT_CLIENT_ID + 1];
    char *subject;
    char *scope;
    char *audience; /* space-separated resource ids; NULL: the client */
    int64_t issued_at;
    int64_t expires_at;
    char *claims_userinfo; /* claim names the claims parameter asked for /userinfo; NULL: none */
    char *amr;             /* a user's sign-in methods, space-separated; NULL: none */
    int64_t auth_time;     /* … and when that sign-in was; 0: none */
};

/* Whether a token is still good, as far as the store knows. */
struct token_state {
    bool client_exists;
    bool client_enabled;
    bool revoked; /* a revocation is recorded for the jti */
};

/* ---- Sign-in: sessions, authorization codes, consents, refresh tokens ---- */

#define STORE_SID_MAX 64 /* bytes of a session's public id (sid), with NUL */
#define STORE_JTI_MAX 64 /* bytes of a jti, with NUL */

/* A browser session. Only the SHA-256 of the cookie value is stored. */
struct session {
    unsigned char id_hash[HASH_LEN];
    char sid[STORE_SID_MAX]; /* public id: the ID token's sid claim */
    char *user_sub;
    int64_t auth_time;
    char *amr; /* space-separated authentication methods ("pwd") */
    int64_t created_at;
    int64_t expires_at;
    char *address; /* where it was started; NULL: unknown (read only by
                      store_sessions_of_user) */
    char *browser; /* what it was started in, as user_agent_label names it;
                      NULL: unknown (read only by store_sessions_of_user) */
};

/* An authorization code, stored as its SHA-256, with all it is bound to. */
struct auth_code {
    unsigned char hash[HASH_LEN];
    char client_id[LIMIT_CLIENT_ID + 1];
    char *redirect_uri;
    char *user_sub;
    char *scope;
    char *nonce;                 /* NULL when the request had none */
    char *code_challenge;        /* NULL when the request had none */
    char *code_challenge_method; /* "S256" or "plain"; NULL with no challenge */
    int64_t auth_time;
    char *amr;
    char sid[STORE_SID_MAX];
    int64_t created_at;
    int64_t expires_at;
    int64_t used_at; /* 0 until redeemed */
    /* what the redemption issued (store_code_record_issued) */
    char at_jti[STORE_JTI_MAX]; /* "" when nothing was recorded */
    int64_t at_expires_at;
    bool has_rt;
    unsigned char rt_hash[HASH_LEN];
    char rt_family[STORE_JTI_MAX]; /* the refresh token's family; "" when none */
    int64_t reused_at;             /* 0 until a second redemption (store_code_mark_reused) */
    char *resource;                /* space-separated resource ids the request named; NULL: none */
    /* the access token /authorize issued with a hybrid code; "" when none */
    char front_at_jti[STORE_JTI_MAX];
    int64_t front_at_expires_at;
    /* the claim names the claims request parameter asked for (OpenID Connect
     * Core §5.5), space-separated; NULL: none */
    char *claims_userinfo;
    char *claims_id_token;
};

/* What a user allowed a client, remembered until expires_at. */
struct consent {
    char *user_sub;
    char client_id[LIMIT_CLIENT_ID + 1];
    char *scope;
    int64_t created_at;
    int64_t expires_at;
    char *claims; /* claim names allowed beyond what scope releases; NULL: none */
};

/* A refresh token, stored as its SHA-256. Tokens rotated from one grant share
 * the family. */
struct refresh_token {
    unsigned char hash[HASH_LEN];
    char family[STORE_JTI_MAX];
    char client_id[LIMIT_CLIENT_ID + 1];
    char *user_sub;
    char *scope;
    int64_t auth_time;
    char sid[STORE_SID_MAX];
    int64_t issued_at;
    int64_t expires_at;
    int64_t used_at;            /* 0 until rotated (store_refresh_token_rotate) */
    char at_jti[STORE_JTI_MAX]; /* the access token issued with it */
    int64_t at_expires_at;
    char *resource;           /* the code's resource ids, space-separated; NULL: none */
    int64_t family_issued_at; /* when the family began (its first token's issued_at) */
    char *claims_userinfo;    /* the code's, as in struct auth_code */
    char *claims_id_token;
    char *amr; /* the sign-in's methods, as the code had them; NULL: none */
};

/* Which consents store_consent_list returns, ordered by user_sub then
 * client_id. NULL: any. */
struct consent_filter {
    const char *user_sub;
    const char *client_id;
    /* a page after the one that ended at this pair; NULL: the first page */
    const char *after_user_sub, *after_client_id;
    size_t limit;
};

struct store;

/* ---- Second factors ------------------------------------------------------ */

#define STORE_TOTP_NO_STEP (-1) /* last_step of a secret no code was accepted for */

/* A user's one TOTP secret. The secret is at rest only sealed with the
 * key-encryption key (kek_seal, bound to the user's sub); the store never
 * sees it in the clear. */
struct totp_factor {
    char user_sub[LIMIT_SUB + 1];
    unsigned char *secret_sealed;
    size_t secret_sealed_len;
    bool confirmed;    /* a code proved the user's app has it: it counts */
    int64_t last_step; /* step of the last accepted code; STORE_TOTP_NO_STEP */
    int64_t created_at;
    int64_t last_used_at; /* 0: never */
};

/* One recovery code, as the SHA-256 of its normalized text. */
struct recovery_code {
    unsigned char hash[HASH_LEN];
    int64_t created_at;
    int64_t used_at; /* 0: not used yet */
};

/* A user's passkey (WebAuthn public key credential). */
struct passkey {
    char user_sub[LIMIT_SUB + 1];
    unsigned char cred_id[LIMIT_WEBAUTHN_CREDENTIAL_ID];
    size_t cred_id_len;
    char name[LIMIT_PASSKEY_NAME + 1];
    int alg;                       /* COSE_ALG_* */
    unsigned char *public_key_der; /* SubjectPublicKeyInfo, owned */
    size_t public_key_der_len;
    uint32_t sign_count;
    unsigned char aaguid[16];
    bool user_verified, backup_eligible, backed_up;
    char fmt[33];                     /* attestation format as kept ("none" …) */
    char transports[64];              /* space-separated, as the browser reported; "" */
    int64_t created_at, last_used_at; /* last_used_at 0: never */
};

/* A WebAuthn challenge issued for one ceremony, kept only as hashes. */
enum webauthn_purpose {
    WEBAUTHN_PURPOSE_REGISTER = 1,
    WEBAUTHN_PURPOSE_SIGNIN = 2,
    WEBAUTHN_PURPOSE_SECOND_FACTOR = 3,
    /* not a challenge to take: the hash of a signed sign-in challenge that
     * was used (oauth/signin_challenge.h), kept so it serves once */
    WEBAUTHN_PURPOSE_SPENT = 4
};
struct webauthn_challenge {
    unsigned char hash[HASH_LEN];    /* SHA-256 of the challenge bytes */
    unsigned char binding[HASH_LEN]; /* SHA-256 of the browser secret it is bound to */
    int purpose;                     /* enum webauthn_purpose */
    char user_sub[LIMIT_SUB + 1];    /* "" for a username-less sign-in */
    int64_t expires_at;
};

struct backchannel_logout;

/* A security-relevant event (docs/OPERATIONS.md). Never a secret. */
#define STORE_AUDIT_TYPE_MAX 32
struct audit_event {
    int64_t id; /* set by the store: later events have larger ids */
    int64_t at;
    char type[STORE_AUDIT_TYPE_MAX]; /* "client.created", "login", … */
    bool ok;                         /* the outcome */
    char *actor;                     /* who: "cli:NAME", a client id, a user's sub */
    char *user_sub;                  /* the user it concerns; NULL: none */
    char *client_id;                 /* the client it concerns; NULL: none */
    char *address;                   /* where the request came from; NULL: none */
    char *detail;                    /* one line; NULL: none */
};

/* Which events store_audit_list returns, newest first (by id). NULL or 0:
 * any, except limit. */
struct audit_filter {
    int64_t since;    /* at >= since */
    const char *type; /* this type, or this prefix before a '.' */
    const char *user_sub;
    const char *client_id;
    int64_t before_id; /* a page after the one that ended at this id */
    size_t limit;      /* the most events returned (0 returns none) */
};

/* Where a page of store_client_list begins. */
struct client_filter {
    int64_t after_created_at; /* the last client of the page before: created_at */
    const char *after_id;     /* and id; NULL or "": the first page */
    size_t limit;
};

/* What store_open_with passes to a backend besides the URL. */
struct store_settings {
    long timeout_ms; /* database.timeout_ms: the longest a connection attempt or a
                        statement may take (PostgreSQL); 0: the default */
};

#define STORE_TIMEOUT_MS_DEFAULT 5000

/* What a backend offers beyond the operations every one has (store_ops'
 * features), for what must differ above store/ without naming a backend. */
#define STORE_SHARED                                                                               \
    0x1u /* several instances, on several machines, may use one                                    \
            database at once (docs/SCALING.md) */

struct store_ops {
    const char *name;   /* "sqlite", "postgresql": for messages */
    const char *scheme; /* "sqlite:"; NULL when url_selects decides */
    unsigned features;  /* STORE_… bits */
    /* Whether url is this backend's (NULL: it starts with scheme). */
    bool (*url_selects)(const char *url);
    /* Whether url, this backend's, is well formed; if not, a one-line reason
     * in why (the URL masked). NULL: any is. Reaches no database. */
    enum err (*url_check)(const char *url, char *why, size_t whylen);
    enum err (*open)(const char *url, const struct store_settings *set, struct store **out,
                     char *why, size_t whylen);
    void (*close)(struct store *s);
    enum err (*migrate)(struct store *s);
    enum err (*client_get)(struct store *s, const char *id, struct client *out);
    enum err (*client_insert)(struct store *s, const struct client *c);
    enum err (*client_update)(struct store *s, const struct client *c);
    enum err (*client_delete)(struct store *s, const char *id);
    enum err (*client_list)(struct store *s, const struct client_filter *f, struct client **out,
                            size_t *n);
    enum err (*key_add)(struct store *s, const struct signing_key *k, int64_t retire_others);
    enum err (*key_list)(struct store *s, struct signing_key **out, size_t *n);
    enum err (*keys_version)(struct store *s, int64_t *version);
    enum err (*token_insert)(struct store *s, const struct token *t);
    enum err (*token_get)(struct store *s, const unsigned char hash[HASH_LEN], struct token *out);
    enum err (*token_delete)(struct store *s, const unsigned char hash[HASH_LEN]);
    enum err (*revocation_add)(struct store *s, const char *jti, const char *client_id,
                               int64_t expires_at);
    enum err (*token_state)(struct store *s, const char *client_id, const char *jti,
                            struct token_state *out);
    enum err (*sweep)(struct store *s, int64_t now, int64_t *removed);
    /* sign-in */
    enum err (*session_insert)(struct store *s, const struct session *se);
    enum err (*session_get)(struct store *s, const unsigned char id_hash[HASH_LEN],
                            struct session *out);
    enum err (*session_delete)(struct store *s, const unsigned char id_hash[HASH_LEN]);
    enum err (*session_count)(struct store *s, int64_t now, int64_t *n);
    enum err (*audit_add)(struct store *s, const struct audit_event *ev);
    enum err (*audit_list)(struct store *s, const struct audit_filter *f, struct audit_event **out,
                           size_t *n);
    enum err (*audit_sweep)(struct store *s, int64_t before, int64_t *removed);
    enum err (*code_insert)(struct store *s, const struct auth_code *code);
    enum err (*code_consume)(struct store *s, const unsigned char hash[HASH_LEN], int64_t now,
                             struct auth_code *out);
    enum err (*code_mark_reused)(struct store *s, const unsigned char hash[HASH_LEN], int64_t now,
                                 struct auth_code *out);
    enum err (*code_record_issued)(struct store *s, const unsigned char hash[HASH_LEN],
                                   const char *at_jti, int64_t at_expires_at,
                                   const struct refresh_token *rt);
    enum err (*code_revoke_issued)(struct store *s, const struct auth_code *code);
    enum err (*consent_get)(struct store *s, const char *user_sub, const char *client_id,
                            struct consent *out);
    enum err (*consent_put)(struct store *s, const struct consent *c);
    enum err (*consent_list)(struct store *s, const struct consent_filter *f, struct consent **out,
                             size_t *n);
    enum err (*consent_revoke)(struct store *s, const char *user_sub, const char *client_id,
                               struct consent **out, size_t *n);
    enum err (*refresh_token_insert)(struct store *s, const struct refresh_token *rt);
    enum err (*refresh_token_get)(struct store *s, const unsigned char hash[HASH_LEN],
                                  struct refresh_token *out);
    enum err (*refresh_token_rotate)(struct store *s, const unsigned char hash[HASH_LEN],
                                     int64_t now, const struct refresh_token *next);
    enum err (*refresh_family_revoke)(struct store *s, const char *family);
    /* users (stream B) */
    enum err (*user_get)(struct store *s, const char *sub, struct user *out);
    enum err (*user_get_by_username)(struct store *s, const char *username, struct user *out);
    enum err (*user_insert)(struct store *s, const struct user *u);
    enum err (*user_update)(struct store *s, const struct user *u);
    enum err (*user_delete)(struct store *s, const char *sub);
    enum err (*user_list)(struct store *s, const char *after, size_t limit, struct user **out,
                          size_t *n);
    enum err (*users_version)(struct store *s, int64_t *version);
    enum err (*user_set_password)(struct store *s, const char *sub, const char *hash,
                                  const char *expected);
    /* end of users */
    /* resources (RFC 8707) */
    enum err (*resource_get)(struct store *s, const char *id, struct resource *out);
    enum err (*resource_insert)(struct store *s, const struct resource *r);
    enum err (*resource_update)(struct store *s, const struct resource *r);
    enum err (*resource_delete)(struct store *s, const char *id);
    enum err (*resource_list)(struct store *s, const char *after, size_t limit,
                              struct resource **out, size_t *n);
    enum err (*resources_version)(struct store *s, int64_t *version);
    enum err (*token_ttl_record)(struct store *s, int64_t ttl);
    enum err (*token_ttl_max)(struct store *s, int64_t *out);
    enum err (*client_id_token_algs)(struct store *s, struct strlist *out);
    /* back-channel logout */
    enum err (*session_client_add)(struct store *s, const char *sid, const char *client_id);
    enum err (*backchannel_claim)(struct store *s, int64_t now, int64_t until, size_t max,
                                  struct backchannel_logout **out, size_t *n);
    enum err (*backchannel_delete)(struct store *s, int64_t id);
    enum err (*backchannel_retry)(struct store *s, int64_t id, int64_t next_at);
    /* server secrets */
    enum err (*secret_get_or_add)(struct store *s, const char *name, const unsigned char *sealed,
                                  size_t n, unsigned char **out, size_t *outlen);
    /* second factors */
    enum err (*totp_put)(struct store *s, const struct totp_factor *f);
    enum err (*totp_get)(struct store *s, const char *sub, struct totp_factor *out);
    enum err (*totp_use)(struct store *s, const char *sub, int64_t step, int64_t now, bool confirm);
    enum err (*totp_delete)(struct store *s, const char *sub);
    enum err (*recovery_codes_replace)(struct store *s, const char *sub,
                                       const unsigned char (*hashes)[HASH_LEN], size_t n,
                                       int64_t now);
    enum err (*recovery_code_use)(struct store *s, const char *sub,
                                  const unsigned char hash[HASH_LEN], int64_t now);
    enum err (*recovery_codes_list)(struct store *s, const char *sub, struct recovery_code **out,
                                    size_t *n);
    enum err (*factors_delete)(struct store *s, const char *sub);
    enum err (*pending_insert)(struct store *s, const struct session *p);
    enum err (*pending_get)(struct store *s, const unsigned char id_hash[HASH_LEN],
                            struct session *out);
    enum err (*pending_delete)(struct store *s, const unsigned char id_hash[HASH_LEN]);
    enum err (*sessions_of_user)(struct store *s, const char *sub, int64_t now,
                                 struct session **out, size_t *n);
    enum err (*session_end_for_user)(struct store *s, const char *sub, const char *sid,
                                     bool others);
    /* passkeys */
    enum err (*passkey_insert)(struct store *s, const struct passkey *p);
    enum err (*passkey_get)(struct store *s, const unsigned char *cred_id, size_t len,
                            struct passkey *out);
    enum err (*passkeys_of_user)(struct store *s, const char *sub, struct passkey **out, size_t *n);
    enum err (*passkey_use)(struct store *s, const unsigned char *cred_id, size_t len,
                            uint32_t old_count, uint32_t new_count, bool backed_up, int64_t now);
    enum err (*passkey_rename)(struct store *s, const char *sub, const unsigned char *cred_id,
                               size_t len, const char *name);
    enum err (*passkey_delete)(struct store *s, const char *sub, const unsigned char *cred_id,
                               size_t len);
    enum err (*webauthn_challenge_put)(struct store *s, const struct webauthn_challenge *c);
    enum err (*webauthn_challenge_take)(struct store *s, const unsigned char hash[HASH_LEN],
                                        struct webauthn_challenge *out);
};

struct store {
    const struct store_ops *ops;
};

/* The name of backend b when one of its ops (the members from open on) is
 * NULL, else NULL. store_open refuses such a backend. */
const char *store_ops_missing(const struct store_ops *b);

/* Opens the database named by url ("sqlite:PATH") and applies pending
 * migrations. On failure writes a one-line reason into why. The caller closes
 * it with store_close after every thread that used it has stopped. */
enum err store_open(const char *url, struct store **out, char *why, size_t whylen);
/* store_open with settings (set may be NULL: the defaults). */
enum err store_open_with(const char *url, const struct store_settings *set, struct store **out,
                         char *why, size_t whylen);
void store_close(struct store *s);

/* Whether some backend takes url and finds it well formed, without opening
 * it: ERR_CONFIG with a one-line reason in why (the URL masked) if not. */
enum err store_url_check(const char *url, char *why, size_t whylen);
/* The name of the backend that takes url ("sqlite", "postgresql"); NULL
 * when none does. */
const char *store_backend_name(const char *url);
/* The STORE_… bits of the backend that takes url; 0 when none does. */
unsigned store_backend_features(const char *url);

/* Appends the operations' latency and error count to t (GET /metrics). */
struct metrics_text;
void store_metrics(struct metrics_text *t);

/* Applies every migration not yet recorded in schema_version. Idempotent and
 * safe to run from several processes at once. */
enum err store_migrate(struct store *s);

/* Fills *out (caller frees with client_clear). ERR_NOT_FOUND. */
enum err store_client_get(struct store *s, const char *id, struct client *out);
/* ERR_CONFLICT if the id exists. */
enum err store_client_insert(struct store *s, const struct client *c);
/* Replaces every field of the client with c->id but created_at, which
 * stays. ERR_NOT_FOUND. */
enum err store_client_update(struct store *s, const struct client *c);
/* Deletes the client and every token issued to it. ERR_NOT_FOUND. */
enum err store_client_delete(struct store *s, const char *id);
/* One page of clients, oldest first (created_at, then id bytewise): at most
 * f->limit (1 to LIMIT_LIST_PAGE; ERR_INVALID_REQUEST otherwise) clients
 * that sort after the one which ended the page before (f->after_created_at
 * and f->after_id; after_id NULL or "": the first page). That client may be
 * gone meanwhile. Caller frees with client_list_free. */
enum err store_client_list(struct store *s, const struct client_filter *f, struct client **out,
                           size_t *n);
/* Appends to out each ID token algorithm some client has, once. */
enum err store_client_id_token_algs(struct store *s, struct strlist *out);

/* Adds k (ERR_CONFLICT when the kid exists) and, in the same transaction,
 * sets retire_after = retire_others on every key of k's algorithm that has
 * none yet (the keys k supersedes: each algorithm rotates on its own; one
 * already retired keeps its time); retire_others <= 0 retires nothing. */
enum err store_key_add(struct store *s, const struct signing_key *k, int64_t retire_others);
/* Keys still published (retire_after unset or in the future is not filtered
 * here: all rows), oldest first; caller frees with signing_key_list_free. */
enum err store_key_list(struct store *s, struct signing_key **out, size_t *n);
/* A number that changes whenever any signing key row changes. */
enum err store_keys_version(struct store *s, int64_t *version);

/* ERR_CONFLICT when the hash exists or client_id is not registered. */
enum err store_token_insert(struct store *s, const struct token *t);
/* The stored token with this SHA-256 (caller frees with token_clear).
 * ERR_NOT_FOUND. */
enum err store_token_get(struct store *s, const unsigned char hash[HASH_LEN], struct token *out);
/* Deletes it; ERR_NOT_FOUND when there was none. */
enum err store_token_delete(struct store *s, const unsigned char hash[HASH_LEN]);

/* Records that the JWT with this jti is revoked until expires_at (adding it
 * twice is not an error). Committed before it returns. */
enum err store_revocation_add(struct store *s, const char *jti, const char *client_id,
                              int64_t expires_at);

/* In one read: whether client_id is registered and enabled, and whether jti
 * (may be NULL) is revoked. The check made on every presented token. For
 * an unregistered client every field is false (ERR_OK). */
enum err store_token_state(struct store *s, const char *client_id, const char *jti,
                           struct token_state *out);

/* Deletes the tokens, revocations, sessions, unused codes, consents,
 * refresh tokens, pending sign-ins and WebAuthn challenges that expired
 * before now (expires_at < now: one expiring at now stays), and keys retired
 * before now. A used code stays while what it issued may still be revoked: until its access tokens
 * have expired and no refresh token of its family is left. An expired session queues no
 * back-channel logout. *removed counts the rows deleted. */
enum err store_sweep(struct store *s, int64_t now, int64_t *removed);

/* ---- users (stream B) ---------------------------------------------------- */

/* The user with this sub (caller frees with user_clear). ERR_NOT_FOUND. */
enum err store_user_get(struct store *s, const char *sub, struct user *out);
/* The user with this username, ASCII case ignored. ERR_NOT_FOUND. */
enum err store_user_get_by_username(struct store *s, const char *username, struct user *out);
/* Stores every field of u (updated_at = created_at). ERR_CONFLICT when the
 * sub or the username (ASCII case ignored) is taken. */
enum err store_user_insert(struct store *s, const struct user *u);
/* Sets username, claims and enabled of the user u->sub, and updated_at to
 * now; the password hash is left alone. ERR_NOT_FOUND; ERR_CONFLICT when the
 * new username is another user's. */
enum err store_user_update(struct store *s, const struct user *u);
/* Deletes the user and, in the same transaction, their sessions, codes,
 * consents and refresh tokens. ERR_NOT_FOUND (nothing deleted). */
enum err store_user_delete(struct store *s, const char *sub);
/* One page of users ordered by username (ASCII case ignored): at most limit
 * (1 to LIMIT_USER_PAGE) users whose username sorts after `after` (NULL or
 * "" for the first page). Caller frees with user_list_free. */
enum err store_user_list(struct store *s, const char *after, size_t limit, struct user **out,
                         size_t *n);
/* Replaces the password hash (NULL removes it: no login) and updated_at.
 * With expected (a re-hash at login), only while the stored hash is still
 * expected: a password changed meanwhile is never overwritten by the old one.
 * Without (a new password), the user's sessions and refresh tokens end in the
 * same transaction: a new password signs the user out everywhere.
 * ERR_NOT_FOUND: no such user, or the hash is no longer expected. */
enum err store_user_set_password(struct store *s, const char *sub, const char *hash,
                                 const char *expected);
/* A number that changes, in the same transaction, whenever any user row is
 * inserted, updated or deleted, by this process or any other. */
enum err store_users_version(struct store *s, int64_t *version);

/* Frees what u holds; the password hash is wiped first. Accepts NULL. */
void user_clear(struct user *u);
void user_list_free(struct user *list, size_t n);

/* ---- end of users ---------------------------------------------------------- */

void client_clear(struct client *c);
/* A deep copy of src into dst (free with client_clear). ERR_NOMEM. */
enum err client_copy(struct client *dst, const struct client *src);
void token_clear(struct token *t);
void client_list_free(struct client *list, size_t n);
void signing_key_clear(struct signing_key *k);
void signing_key_list_free(struct signing_key *list, size_t n);

/* ---- resources (RFC 8707) ------------------------------------------------ */

/* Fills *out (caller frees with resource_clear). ERR_NOT_FOUND. */
enum err store_resource_get(struct store *s, const char *id, struct resource *out);
/* ERR_CONFLICT when the id exists or one of its scopes is another
 * resource's; nothing is stored then. */
enum err store_resource_insert(struct store *s, const struct resource *r);
/* Replaces every field of the resource r->id but created_at (and its
 * scopes, releasing those it no longer names) in one transaction.
 * ERR_NOT_FOUND; ERR_CONFLICT when a scope is another's, nothing changed. */
enum err store_resource_update(struct store *s, const struct resource *r);
/* ERR_NOT_FOUND. */
enum err store_resource_delete(struct store *s, const char *id);
/* One page of resources ordered by id (bytewise): at most limit (1 to
 * LIMIT_LIST_PAGE; ERR_INVALID_REQUEST otherwise) whose id sorts after
 * `after` (NULL or "": the first page). Caller frees with
 * resource_list_free. */
enum err store_resource_list(struct store *s, const char *after, size_t limit,
                             struct resource **out, size_t *n);
/* A number that changes, in the same transaction, whenever any resource
 * (or its scopes) is inserted, updated or deleted, by any process. */
enum err store_resources_version(struct store *s, int64_t *version);
void resource_clear(struct resource *r);
void resource_list_free(struct resource *list, size_t n);

/* Records that a server signs tokens living up to ttl seconds: the stored
 * maximum becomes max(stored, ttl). */
enum err store_token_ttl_record(struct store *s, int64_t ttl);
/* The longest token lifetime any server recorded (0 when none did). */
enum err store_token_ttl_max(struct store *s, int64_t *out);

/* ---- Sign-in: sessions, authorization codes, consents, refresh tokens ---- */

/* ERR_CONFLICT when the hash or the sid exists. */
enum err store_session_insert(struct store *s, const struct session *se);
/* The session with this cookie hash, expired or not (the caller checks
 * expires_at), whose user exists and is enabled; caller frees with
 * session_clear. ERR_NOT_FOUND, also when the user is deleted or disabled. */
enum err store_session_get(struct store *s, const unsigned char id_hash[HASH_LEN],
                           struct session *out);
/* ERR_NOT_FOUND when there was none. */
enum err store_session_delete(struct store *s, const unsigned char id_hash[HASH_LEN]);
/* Audit events: record one (the store sets id), list a page, delete those
 * before a time. audit_event_list_free frees a list. */
enum err store_audit_add(struct store *s, const struct audit_event *ev);
enum err store_audit_list(struct store *s, const struct audit_filter *f, struct audit_event **out,
                          size_t *n);
enum err store_audit_sweep(struct store *s, int64_t before, int64_t *removed);
void audit_event_clear(struct audit_event *ev);
void audit_event_list_free(struct audit_event *list, size_t n);

/* How many sessions have not expired at now (expires_at > now). */
enum err store_session_count(struct store *s, int64_t now, int64_t *n);

/* Stores a new code (used_at and what was issued are ignored).
 * ERR_CONFLICT when the hash exists or client_id is not registered. */
enum err store_code_insert(struct store *s, const struct auth_code *code);
/* Redeems the code in one statement: the first call marks it used at now and
 * returns ERR_OK with the code in *out. Every later call (or one racing it)
 * returns ERR_CONFLICT with the code in *out as it stands, including what the
 * first redemption has recorded as issued so far; it changes nothing.
 * ERR_NOT_FOUND for an unknown code. Expiry is not checked here. *out is
 * filled on ERR_OK and ERR_CONFLICT; caller frees with auth_code_clear. */
enum err store_code_consume(struct store *s, const unsigned char hash[HASH_LEN], int64_t now,
                            struct auth_code *out);
/* Marks the code reused (from now, unless it already was), so that a
 * redemption still under way cannot record its tokens (see
 * code_record_issued), and returns it in *out as store_code_consume does.
 * ERR_NOT_FOUND. */
enum err store_code_mark_reused(struct store *s, const unsigned char hash[HASH_LEN], int64_t now,
                                struct auth_code *out);
/* Records what the redemption of the code issued: the access token's jti and
 * expiry and, in the same transaction, stores the refresh token rt (may be
 * NULL). ERR_CONFLICT, storing nothing, when the code was reused meanwhile
 * (or is unknown): the caller then revokes the access token itself. */
enum err store_code_record_issued(struct store *s, const unsigned char hash[HASH_LEN],
                                  const char *at_jti, int64_t at_expires_at,
                                  const struct refresh_token *rt);
/* Revokes, in one transaction, what code (as store_code_consume returned it)
 * issued: records the access tokens' jtis (the redemption's and the one
 * /authorize issued with the code) as revoked, deletes the opaque access
 * tokens with those jtis, and revokes the refresh token's whole family
 * (as store_refresh_family_revoke). Nothing recorded is not an error. */
enum err store_code_revoke_issued(struct store *s, const struct auth_code *code);

/* The consent of user_sub to client_id, expired or not; caller frees with
 * consent_clear. ERR_NOT_FOUND. */
enum err store_consent_get(struct store *s, const char *user_sub, const char *client_id,
                           struct consent *out);
/* Inserts or replaces the one consent row of c->user_sub and c->client_id. */
enum err store_consent_put(struct store *s, const struct consent *c);
/* One page of at most f->limit consents, expired or not (the sweep deletes
 * those). Caller frees with consent_list_free. */
enum err store_consent_list(struct store *s, const struct consent_filter *f, struct consent **out,
                            size_t *n);
/* Revokes, in one transaction, the consents of user_sub (only the one to
 * client_id when it is not NULL) and what each let its client hold for the
 * user: the access tokens issued with the client's refresh tokens and by its
 * codes are recorded as revoked (the opaque ones deleted), its refresh
 * tokens and unredeemed codes are deleted. Sessions stay. With client_id,
 * the client's tokens go even when no consent was remembered. *out: the
 * consents deleted (caller frees with consent_list_free). ERR_NOT_FOUND,
 * changing nothing, when there was nothing to revoke. */
enum err store_consent_revoke(struct store *s, const char *user_sub, const char *client_id,
                              struct consent **out, size_t *n);
void consent_list_free(struct consent *list, size_t n);

/* ERR_CONFLICT when the hash exists or client_id is not registered. */
enum err store_refresh_token_insert(struct store *s, const struct refresh_token *rt);
/* The refresh token with this SHA-256, used or not, expired or not (the
 * caller checks); caller frees with refresh_token_clear. ERR_NOT_FOUND. */
enum err store_refresh_token_get(struct store *s, const unsigned char hash[HASH_LEN],
                                 struct refresh_token *out);
/* Rotates, in one transaction: marks the token with this hash used at now
 * and stores its successor next (same family). When the token was already
 * used (or is gone: its family was revoked), that is reuse: next's whole
 * family is revoked instead (as store_refresh_family_revoke), next's access
 * token (next->at_jti) with it, nothing is stored, and ERR_CONFLICT is
 * returned. Of two racing rotations exactly one gets ERR_OK, and the other's
 * revocation then takes the winner's successor too. */
enum err store_refresh_token_rotate(struct store *s, const unsigned char hash[HASH_LEN],
                                    int64_t now, const struct refresh_token *next);
/* Revokes a refresh family in one transaction: records the jti of every
 * access token issued with one of its refresh tokens as revoked, deletes the
 * opaque ones, and deletes every refresh token of the family. An unknown
 * family is not an error. */
enum err store_refresh_family_revoke(struct store *s, const char *family);

/* ---- Back-channel logout (OpenID Connect Back-Channel Logout 1.0) ---------- */

/* A logout token still to deliver: session sid of user sub ended, and
 * client_id had signed into it. Rows are queued by the store itself, in the
 * transaction that ends a session (logout, a user disabled or deleted, a
 * new password); an expired session queues none. */
struct backchannel_logout {
    int64_t id;
    char client_id[LIMIT_CLIENT_ID + 1];
    char *sub;
    char sid[STORE_SID_MAX];
    int attempts; /* this one included */
};

/* Records that client_id signed into session sid without a code (a code
 * records it by itself); recording it twice is not an error. */
enum err store_session_client_add(struct store *s, const char *sid, const char *client_id);
/* Claims up to max deliveries due at now (caller frees with
 * backchannel_logout_list_free): counts an attempt for each and holds it
 * back until `until`, so that another worker does not take it meanwhile and
 * a delivery cut short by a crash is tried again then. */
enum err store_backchannel_claim(struct store *s, int64_t now, int64_t until, size_t max,
                                 struct backchannel_logout **out, size_t *n);
/* Forgets a delivery (done, or given up). Gone already is not an error. */
enum err store_backchannel_delete(struct store *s, int64_t id);
/* Tries the delivery again at next_at. */
enum err store_backchannel_retry(struct store *s, int64_t id, int64_t next_at);
void backchannel_logout_list_free(struct backchannel_logout *list, size_t n);

/* The sealed secret stored under name; when there is none yet, stores
 * sealed (n bytes) first. Of several processes adding one at once, all get
 * the one stored first. *out is newly allocated (caller frees). */
enum err store_secret_get_or_add(struct store *s, const char *name, const unsigned char *sealed,
                                 size_t n, unsigned char **out, size_t *outlen);

/* ---- Second factors -------------------------------------------------------- */

/* Stores f as the user's TOTP secret, replacing any earlier one (an
 * enrolment started again, or a new secret after a reset). ERR_NOT_FOUND
 * when there is no such user. */
enum err store_totp_put(struct store *s, const struct totp_factor *f);
/* The user's TOTP secret, confirmed or not; caller frees with
 * totp_factor_clear. ERR_NOT_FOUND. */
enum err store_totp_get(struct store *s, const char *sub, struct totp_factor *out);
/* Accepts a code of time step `step` in one statement: last_step becomes
 * step and last_used_at now, only while last_step < step, so that one code
 * is accepted once however many threads or instances race with it. With
 * confirm, only an unconfirmed secret (enrolment) is matched and it becomes
 * confirmed; without, only a confirmed one. ERR_CONFLICT when nothing
 * changed: no such secret in that state, or a step not past the last one. */
enum err store_totp_use(struct store *s, const char *sub, int64_t step, int64_t now, bool confirm);
/* Removes the user's TOTP secret. ERR_NOT_FOUND when there was none. */
enum err store_totp_delete(struct store *s, const char *sub);
/* Replaces, in one transaction, the user's recovery codes with the n hashes
 * (created at now). ERR_NOT_FOUND when there is no such user. */
enum err store_recovery_codes_replace(struct store *s, const char *sub,
                                      const unsigned char (*hashes)[HASH_LEN], size_t n,
                                      int64_t now);
/* Marks the user's code with this hash used at now, only if it is unused, in
 * one statement: of two racing uses exactly one gets ERR_OK. ERR_NOT_FOUND
 * for an unknown or already used code. */
enum err store_recovery_code_use(struct store *s, const char *sub,
                                 const unsigned char hash[HASH_LEN], int64_t now);
/* The user's recovery codes, used or not, oldest first; caller frees the
 * array. */
enum err store_recovery_codes_list(struct store *s, const char *sub, struct recovery_code **out,
                                   size_t *n);
/* Removes every second factor of the user (TOTP, recovery codes and
 * passkeys) in one transaction. No factor is not an error. A deleted user's
 * factors go with the user. */
enum err store_factors_delete(struct store *s, const char *sub);
/* A pending sign-in: a password (amr, at auth_time) proven, the second
 * factor not yet. Kept in a struct session (sid unused: ""), in rows apart
 * from sessions, so that no pending sign-in is ever taken for a session.
 * Insert: ERR_NOT_FOUND when the user is not there or disabled; ERR_CONFLICT
 * for a hash that exists. Get: the row, expired or not (the caller checks),
 * of a user who is there and enabled (caller frees with session_clear);
 * ERR_NOT_FOUND. Delete: ERR_NOT_FOUND when it was gone, so that of two
 * racing second factors only one goes on to a session. The sweep removes
 * expired ones. */
enum err store_pending_insert(struct store *s, const struct session *p);
enum err store_pending_get(struct store *s, const unsigned char id_hash[HASH_LEN],
                           struct session *out);
enum err store_pending_delete(struct store *s, const unsigned char id_hash[HASH_LEN]);
/* The user's live sessions at now (their id_hash left zero: the list shows
 * them, it does not open them), newest first, at most LIMIT_USER_SESSIONS;
 * caller frees with session_list_free. */
enum err store_sessions_of_user(struct store *s, const char *sub, int64_t now, struct session **out,
                                size_t *n);
/* Ends the user's session sid (others false) or every session of the user
 * but sid (others true), as a logout does (back-channel logouts queued).
 * ERR_NOT_FOUND when others is false and the user has no session sid. */
enum err store_session_end_for_user(struct store *s, const char *sub, const char *sid, bool others);
void session_list_free(struct session *list, size_t n);
/* Frees what f holds; the sealed secret is wiped first. Accepts NULL. */
void totp_factor_clear(struct totp_factor *f);

/* ---- Passkeys (WebAuthn) ----------------------------------------------------- */

/* Insert: ERR_NOT_FOUND no such user; ERR_CONFLICT the credential id exists
 * (any user); ERR_TOO_LARGE the user has LIMIT_USER_PASSKEYS already
 * (checked in the same transaction); ERR_INVALID_REQUEST for a passkey no
 * table holds (no credential id or one past the limit, no public key, a
 * text field not terminated within its array). */
enum err store_passkey_insert(struct store *s, const struct passkey *p);
/* By credential id, of a user who exists and is enabled. ERR_NOT_FOUND.
 * Free with passkey_clear. */
enum err store_passkey_get(struct store *s, const unsigned char *cred_id, size_t len,
                           struct passkey *out);
/* The user's passkeys, oldest first; free with passkey_list_free. */
enum err store_passkeys_of_user(struct store *s, const char *sub, struct passkey **out, size_t *n);
/* After a verified assertion, in one statement: sign_count = new_count,
 * backed_up, last_used_at = now, only WHERE sign_count = old_count (so that
 * of two racing assertions with one counter only one counts). ERR_CONFLICT
 * when no row matched (gone, or the count moved meanwhile). */
enum err store_passkey_use(struct store *s, const unsigned char *cred_id, size_t len,
                           uint32_t old_count, uint32_t new_count, bool backed_up, int64_t now);
/* ERR_NOT_FOUND (not this user's); ERR_INVALID_REQUEST for a name longer
 * than LIMIT_PASSKEY_NAME. */
enum err store_passkey_rename(struct store *s, const char *sub, const unsigned char *cred_id,
                              size_t len, const char *name);
/* ERR_NOT_FOUND (not this user's). */
enum err store_passkey_delete(struct store *s, const char *sub, const unsigned char *cred_id,
                              size_t len);
/* Frees what p holds. Accepts NULL. */
void passkey_clear(struct passkey *p);
void passkey_list_free(struct passkey *list, size_t n);

/* ERR_CONFLICT for a hash that exists; ERR_INVALID_REQUEST for a user_sub
 * not terminated within its array. */
enum err store_webauthn_challenge_put(struct store *s, const struct webauthn_challenge *c);
/* Deletes the challenge with this hash and returns it (DELETE … RETURNING,
 * one statement): single use whatever the caller then decides; expired or
 * not (the caller checks). ERR_NOT_FOUND. The sweep removes expired ones. */
enum err store_webauthn_challenge_take(struct store *s, const unsigned char hash[HASH_LEN],
                                       struct webauthn_challenge *out);

void session_clear(struct session *se);
void auth_code_clear(struct auth_code *code);
void consent_clear(struct consent *c);
void refresh_token_clear(struct refresh_token *rt);

/* Names used in storage, the CLI and discovery. */
const char *client_type_name(enum client_type t);
const char *auth_method_name(enum auth_method m);
const char *token_format_name(enum token_format f);
/* "public" or "pairwise"; NULL for SUBJECT_DEFAULT. */
const char *subject_type_name(enum subject_type t);
/* Parse those names; ERR_INVALID_REQUEST for anything else. */
enum err client_type_parse(const char *s, enum client_type *out);
enum err auth_method_parse(const char *s, enum auth_method *out);
enum err token_format_parse(const char *s, enum token_format *out);
/* "public" or "pairwise" (never SUBJECT_DEFAULT). */
enum err subject_type_parse(const char *s, enum subject_type *out);

#endif
