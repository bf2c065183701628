/* PostgreSQL backend: passkeys and WebAuthn challenges. Not there yet:
 * every operation fails (ERR_STORE), so that the backend still opens and
 * everything else works. */
#include "store/postgres_internal.h"

enum err store_pg_passkey_insert(struct store *s, const struct passkey *p)
{
    (void)s, (void)p;
    return ERR_STORE;
}

enum err store_pg_passkey_get(struct store *s, const unsigned char *cred_id, size_t len,
                              struct passkey *out)
{
    (void)s, (void)cred_id, (void)len, (void)out;
    return ERR_STORE;
}

enum err store_pg_passkeys_of_user(struct store *s, const char *sub, struct passkey **out,
                                   size_t *n)
{
    (void)s, (void)sub;
    *out = NULL;
    *n = 0;
    return ERR_STORE;
}

enum err store_pg_passkey_use(struct store *s, const unsigned char *cred_id, size_t len,
                              uint32_t old_count, uint32_t new_count, bool backed_up, int64_t now)
{
    (void)s, (void)cred_id, (void)len, (void)old_count, (void)new_count, (void)backed_up, (void)now;
    return ERR_STORE;
}

enum err store_pg_passkey_rename(struct store *s, const char *sub, const unsigned char *cred_id,
                                 size_t len, const char *name)
{
    (void)s, (void)sub, (void)cred_id, (void)len, (void)name;
    return ERR_STORE;
}

enum err store_pg_passkey_delete(struct store *s, const char *sub, const unsigned char *cred_id,
                                 size_t len)
{
    (void)s, (void)sub, (void)cred_id, (void)len;
    return ERR_STORE;
}

enum err store_pg_webauthn_challenge_put(struct store *s, const struct webauthn_challenge *c)
{
    (void)s, (void)c;
    return ERR_STORE;
}

enum err store_pg_webauthn_challenge_take(struct store *s, const unsigned char hash[HASH_LEN],
                                          struct webauthn_challenge *out)
{
    (void)s, (void)hash, (void)out;
    return ERR_STORE;
}
