/* The store interface for passkeys and WebAuthn challenges. What no stored
 * row can match is answered here, before a backend sees it: a credential id
 * that is empty or longer than any, a name longer than a passkey's. */
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "store/store.h"
#include "store/timing.h"

static bool cred_id_fits(size_t len)
{
    return len > 0 && len <= LIMIT_WEBAUTHN_CREDENTIAL_ID;
}

static bool text_fits(const char *s, size_t size)
{
    return memchr(s, '\0', size) != NULL;
}

/* A passkey the tables can hold: an id, a key, and every text field
 * terminated within its array. */
static bool passkey_well_formed(const struct passkey *p)
{
    return cred_id_fits(p->cred_id_len) && p->public_key_der && p->public_key_der_len > 0 &&
           text_fits(p->user_sub, sizeof p->user_sub) && text_fits(p->name, sizeof p->name) &&
           text_fits(p->fmt, sizeof p->fmt) && text_fits(p->transports, sizeof p->transports);
}

enum err store_passkey_insert(struct store *s, const struct passkey *p)
{
    double t0 = clock_ms();

    if (!passkey_well_formed(p))
        return ERR_INVALID_REQUEST;
    return store_timed(t0, s->ops->passkey_insert(s, p));
}

enum err store_passkey_get(struct store *s, const unsigned char *cred_id, size_t len,
                           struct passkey *out)
{
    double t0 = clock_ms();

    memset(out, 0, sizeof *out);
    if (!cred_id_fits(len))
        return ERR_NOT_FOUND;
    return store_timed(t0, s->ops->passkey_get(s, cred_id, len, out));
}

enum err store_passkeys_of_user(struct store *s, const char *sub, struct passkey **out, size_t *n)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->passkeys_of_user(s, sub, out, n));
}

enum err store_passkey_use(struct store *s, const unsigned char *cred_id, size_t len,
                           uint32_t old_count, uint32_t new_count, bool backed_up, int64_t now)
{
    double t0 = clock_ms();

    if (!cred_id_fits(len))
        return ERR_CONFLICT;
    return store_timed(t0,
                       s->ops->passkey_use(s, cred_id, len, old_count, new_count, backed_up, now));
}

enum err store_passkey_rename(struct store *s, const char *sub, const unsigned char *cred_id,
                              size_t len, const char *name)
{
    double t0 = clock_ms();

    if (strlen(name) > LIMIT_PASSKEY_NAME)
        return ERR_INVALID_REQUEST;
    if (!cred_id_fits(len))
        return ERR_NOT_FOUND;
    return store_timed(t0, s->ops->passkey_rename(s, sub, cred_id, len, name));
}

enum err store_passkey_delete(struct store *s, const char *sub, const unsigned char *cred_id,
                              size_t len)
{
    double t0 = clock_ms();

    if (!cred_id_fits(len))
        return ERR_NOT_FOUND;
    return store_timed(t0, s->ops->passkey_delete(s, sub, cred_id, len));
}

enum err store_webauthn_challenge_put(struct store *s, const struct webauthn_challenge *c)
{
    double t0 = clock_ms();

    if (!text_fits(c->user_sub, sizeof c->user_sub))
        return ERR_INVALID_REQUEST;
    return store_timed(t0, s->ops->webauthn_challenge_put(s, c));
}

enum err store_webauthn_challenge_take(struct store *s, const unsigned char hash[HASH_LEN],
                                       struct webauthn_challenge *out)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->webauthn_challenge_take(s, hash, out));
}

void passkey_clear(struct passkey *p)
{
    if (!p)
        return;
    free(p->public_key_der);
    memset(p, 0, sizeof *p);
}

void passkey_list_free(struct passkey *list, size_t n)
{
    size_t i;

    for (i = 0; list && i < n; i++)
        passkey_clear(&list[i]);
    free(list);
}
