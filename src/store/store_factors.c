/* The store interface for second factors: TOTP secrets and recovery codes. */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "core/clock.h"
#include "store/store.h"
#include "store/timing.h"

enum err store_totp_put(struct store *s, const struct totp_factor *f)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->totp_put(s, f));
}

enum err store_totp_get(struct store *s, const char *sub, struct totp_factor *out)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->totp_get(s, sub, out));
}

enum err store_totp_use(struct store *s, const char *sub, int64_t step, int64_t now, bool confirm)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->totp_use(s, sub, step, now, confirm));
}

enum err store_totp_delete(struct store *s, const char *sub)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->totp_delete(s, sub));
}

enum err store_recovery_codes_replace(struct store *s, const char *sub,
                                      const unsigned char (*hashes)[HASH_LEN], size_t n,
                                      int64_t now)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->recovery_codes_replace(s, sub, hashes, n, now));
}

enum err store_recovery_code_use(struct store *s, const char *sub,
                                 const unsigned char hash[HASH_LEN], int64_t now)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->recovery_code_use(s, sub, hash, now));
}

enum err store_recovery_codes_list(struct store *s, const char *sub, struct recovery_code **out,
                                   size_t *n)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->recovery_codes_list(s, sub, out, n));
}

enum err store_factors_delete(struct store *s, const char *sub)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->factors_delete(s, sub));
}

enum err store_pending_insert(struct store *s, const struct session *p)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->pending_insert(s, p));
}

enum err store_pending_get(struct store *s, const unsigned char id_hash[HASH_LEN],
                           struct session *out)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->pending_get(s, id_hash, out));
}

enum err store_pending_delete(struct store *s, const unsigned char id_hash[HASH_LEN])
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->pending_delete(s, id_hash));
}

enum err store_sessions_of_user(struct store *s, const char *sub, int64_t now, struct session **out,
                                size_t *n)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->sessions_of_user(s, sub, now, out, n));
}

enum err store_session_end_for_user(struct store *s, const char *sub, const char *sid, bool others)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->session_end_for_user(s, sub, sid, others));
}

void session_list_free(struct session *list, size_t n)
{
    size_t i;

    for (i = 0; list && i < n; i++)
        session_clear(&list[i]);
    free(list);
}

void totp_factor_clear(struct totp_factor *f)
{
    if (!f)
        return;
    if (f->secret_sealed)
        OPENSSL_cleanse(f->secret_sealed, f->secret_sealed_len);
    free(f->secret_sealed);
    memset(f, 0, sizeof *f);
}
