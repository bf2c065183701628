/* PostgreSQL backend: the operations not written yet. Each logs
 * "not implemented by the PostgreSQL backend" and fails with ERR_STORE;
 * an op moves out of here into its postgres_*.c file when it is written. */
#include "store/postgres_internal.h"

enum err store_pg_token_insert(struct store *s, const struct token *t)
{
    (void)s;
    (void)t;
    return store_pg_missing("token_insert");
}

enum err store_pg_token_get(struct store *s, const unsigned char hash[HASH_LEN], struct token *out)
{
    (void)s;
    (void)hash;
    (void)out;
    return store_pg_missing("token_get");
}

enum err store_pg_token_delete(struct store *s, const unsigned char hash[HASH_LEN])
{
    (void)s;
    (void)hash;
    return store_pg_missing("token_delete");
}

enum err store_pg_revocation_add(struct store *s, const char *jti, const char *client_id,
                                 int64_t expires_at)
{
    (void)s;
    (void)jti;
    (void)client_id;
    (void)expires_at;
    return store_pg_missing("revocation_add");
}

enum err store_pg_token_state(struct store *s, const char *client_id, const char *jti,
                              struct token_state *out)
{
    (void)s;
    (void)client_id;
    (void)jti;
    (void)out;
    return store_pg_missing("token_state");
}

enum err store_pg_sweep(struct store *s, int64_t now, int64_t *removed)
{
    (void)s;
    (void)now;
    (void)removed;
    return store_pg_missing("sweep");
}

enum err store_pg_session_insert(struct store *s, const struct session *se)
{
    (void)s;
    (void)se;
    return store_pg_missing("session_insert");
}

enum err store_pg_session_get(struct store *s, const unsigned char id_hash[HASH_LEN],
                              struct session *out)
{
    (void)s;
    (void)id_hash;
    (void)out;
    return store_pg_missing("session_get");
}

enum err store_pg_session_delete(struct store *s, const unsigned char id_hash[HASH_LEN])
{
    (void)s;
    (void)id_hash;
    return store_pg_missing("session_delete");
}

enum err store_pg_session_count(struct store *s, int64_t now, int64_t *n)
{
    (void)s;
    (void)now;
    (void)n;
    return store_pg_missing("session_count");
}

enum err store_pg_audit_add(struct store *s, const struct audit_event *ev)
{
    (void)s;
    (void)ev;
    return store_pg_missing("audit_add");
}

enum err store_pg_audit_list(struct store *s, const struct audit_filter *f,
                             struct audit_event **out, size_t *n)
{
    (void)s;
    (void)f;
    (void)out;
    (void)n;
    return store_pg_missing("audit_list");
}

enum err store_pg_audit_sweep(struct store *s, int64_t before, int64_t *removed)
{
    (void)s;
    (void)before;
    (void)removed;
    return store_pg_missing("audit_sweep");
}

enum err store_pg_code_insert(struct store *s, const struct auth_code *code)
{
    (void)s;
    (void)code;
    return store_pg_missing("code_insert");
}

enum err store_pg_code_consume(struct store *s, const unsigned char hash[HASH_LEN], int64_t now,
                               struct auth_code *out)
{
    (void)s;
    (void)hash;
    (void)now;
    (void)out;
    return store_pg_missing("code_consume");
}

enum err store_pg_code_mark_reused(struct store *s, const unsigned char hash[HASH_LEN], int64_t now,
                                   struct auth_code *out)
{
    (void)s;
    (void)hash;
    (void)now;
    (void)out;
    return store_pg_missing("code_mark_reused");
}

enum err store_pg_code_record_issued(struct store *s, const unsigned char hash[HASH_LEN],
                                     const char *at_jti, int64_t at_expires_at,
                                     const struct refresh_token *rt)
{
    (void)s;
    (void)hash;
    (void)at_jti;
    (void)at_expires_at;
    (void)rt;
    return store_pg_missing("code_record_issued");
}

enum err store_pg_code_revoke_issued(struct store *s, const struct auth_code *code)
{
    (void)s;
    (void)code;
    return store_pg_missing("code_revoke_issued");
}

enum err store_pg_consent_get(struct store *s, const char *user_sub, const char *client_id,
                              struct consent *out)
{
    (void)s;
    (void)user_sub;
    (void)client_id;
    (void)out;
    return store_pg_missing("consent_get");
}

enum err store_pg_consent_put(struct store *s, const struct consent *c)
{
    (void)s;
    (void)c;
    return store_pg_missing("consent_put");
}

enum err store_pg_refresh_token_insert(struct store *s, const struct refresh_token *rt)
{
    (void)s;
    (void)rt;
    return store_pg_missing("refresh_token_insert");
}

enum err store_pg_refresh_token_get(struct store *s, const unsigned char hash[HASH_LEN],
                                    struct refresh_token *out)
{
    (void)s;
    (void)hash;
    (void)out;
    return store_pg_missing("refresh_token_get");
}

enum err store_pg_refresh_token_rotate(struct store *s, const unsigned char hash[HASH_LEN],
                                       int64_t now, const struct refresh_token *next)
{
    (void)s;
    (void)hash;
    (void)now;
    (void)next;
    return store_pg_missing("refresh_token_rotate");
}

enum err store_pg_refresh_family_revoke(struct store *s, const char *family)
{
    (void)s;
    (void)family;
    return store_pg_missing("refresh_family_revoke");
}

enum err store_pg_user_get(struct store *s, const char *sub, struct user *out)
{
    (void)s;
    (void)sub;
    (void)out;
    return store_pg_missing("user_get");
}

enum err store_pg_user_get_by_username(struct store *s, const char *username, struct user *out)
{
    (void)s;
    (void)username;
    (void)out;
    return store_pg_missing("user_get_by_username");
}

enum err store_pg_user_insert(struct store *s, const struct user *u)
{
    (void)s;
    (void)u;
    return store_pg_missing("user_insert");
}

enum err store_pg_user_update(struct store *s, const struct user *u)
{
    (void)s;
    (void)u;
    return store_pg_missing("user_update");
}

enum err store_pg_user_delete(struct store *s, const char *sub)
{
    (void)s;
    (void)sub;
    return store_pg_missing("user_delete");
}

enum err store_pg_user_list(struct store *s, const char *after, size_t limit, struct user **out,
                            size_t *n)
{
    (void)s;
    (void)after;
    (void)limit;
    (void)out;
    (void)n;
    return store_pg_missing("user_list");
}

enum err store_pg_users_version(struct store *s, int64_t *version)
{
    (void)s;
    (void)version;
    return store_pg_missing("users_version");
}

enum err store_pg_user_set_password(struct store *s, const char *sub, const char *hash,
                                    const char *expected)
{
    (void)s;
    (void)sub;
    (void)hash;
    (void)expected;
    return store_pg_missing("user_set_password");
}

enum err store_pg_session_client_add(struct store *s, const char *sid, const char *client_id)
{
    (void)s;
    (void)sid;
    (void)client_id;
    return store_pg_missing("session_client_add");
}

enum err store_pg_backchannel_claim(struct store *s, int64_t now, int64_t until, size_t max,
                                    struct backchannel_logout **out, size_t *n)
{
    (void)s;
    (void)now;
    (void)until;
    (void)max;
    (void)out;
    (void)n;
    return store_pg_missing("backchannel_claim");
}

enum err store_pg_backchannel_delete(struct store *s, int64_t id)
{
    (void)s;
    (void)id;
    return store_pg_missing("backchannel_delete");
}

enum err store_pg_backchannel_retry(struct store *s, int64_t id, int64_t next_at)
{
    (void)s;
    (void)id;
    (void)next_at;
    return store_pg_missing("backchannel_retry");
}
