#include "oauth/mfa.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/text.h"
#include "core/url.h"

enum err mfa_status_get(const struct oauth_ctx *ctx, const char *sub, struct mfa_status *out)
{
    struct totp_factor f = {0};
    struct recovery_code *codes = NULL;
    struct passkey *keys = NULL;
    size_t n = 0, i;
    enum err rc;

    memset(out, 0, sizeof *out);
    rc = store_totp_get(ctx->store, sub, &f);
    if (rc && rc != ERR_NOT_FOUND)
        return rc;
    out->totp = !rc;
    out->totp_confirmed = !rc && f.confirmed;
    out->totp_created_at = f.created_at;
    out->totp_last_used_at = f.last_used_at;
    totp_factor_clear(&f);
    rc = store_recovery_codes_list(ctx->store, sub, &codes, &n);
    for (i = 0; !rc && i < n; i++) {
        out->recovery_left += codes[i].used_at == 0;
        if (codes[i].used_at > out->recovery_last_used_at)
            out->recovery_last_used_at = codes[i].used_at;
    }
    out->recovery_total = rc ? 0 : n;
    free(codes);
    if (rc)
        return rc;
    n = 0;
    rc = store_passkeys_of_user(ctx->store, sub, &keys, &n);
    out->passkeys = n;
    passkey_list_free(keys, n);
    return rc;
}

bool mfa_status_has_factor(const struct mfa_status *st)
{
    return st->totp_confirmed || st->recovery_left > 0 || st->passkeys > 0;
}

enum err mfa_factors_may_change(const struct oauth_ctx *ctx, const struct session *se, int64_t now,
                                enum mfa_change *out)
{
    struct mfa_status st;
    enum err rc = mfa_status_get(ctx, se->user_sub, &st);

    *out = MFA_CHANGE_ALLOWED;
    if (rc)
        *out = MFA_CHANGE_NEEDS_FACTOR;
    else if (mfa_status_has_factor(&st) && mfa_level_of_amr(se->amr) < MFA_LEVEL_MFA)
        *out = MFA_CHANGE_NEEDS_FACTOR;
    else if (now - se->auth_time > MFA_CHANGE_WINDOW)
        *out = MFA_CHANGE_NEEDS_SIGNIN;
    return rc;
}

enum err mfa_totp_enrol(const struct oauth_ctx *ctx, const char *sub, bool confirmed,
                        unsigned char secret[TOTP_SECRET_LEN])
{
    struct totp_factor f = {0};
    enum err rc;

    if (strlen(sub) >= sizeof f.user_sub)
        return ERR_NOT_FOUND;
    memcpy(f.user_sub, sub, strlen(sub) + 1);
    f.confirmed = confirmed;
    f.last_step = STORE_TOTP_NO_STEP;
    f.created_at = clock_now();
    rc = totp_secret_new(secret);
    if (!rc)
        rc = keystore_seal_totp(ctx->keys, sub, secret, TOTP_SECRET_LEN, &f.secret_sealed,
                                &f.secret_sealed_len);
    if (!rc)
        rc = store_totp_put(ctx->store, &f);
    totp_factor_clear(&f);
    if (rc)
        OPENSSL_cleanse(secret, TOTP_SECRET_LEN);
    return rc;
}

enum err mfa_totp_uri(const struct config *cfg, const char *username,
                      const unsigned char secret[TOTP_SECRET_LEN], struct buf *b)
{
    char issuer[TOTP_LABEL_MAX + 1] = "";
    struct url_parts u;
    size_t n;

    /* "host:port" as it stands in the issuer; the issuer's path adds nothing
     * a person recognizes */
    if (!url_parse(cfg->issuer, strlen(cfg->issuer), &u) && u.host.n) {
        n = u.port.n ? (size_t)(u.port.p + u.port.n - u.host.p) : u.host.n;
        if (n < sizeof issuer) {
            memcpy(issuer, u.host.p, n);
            issuer[n] = '\0';
        }
    }
    return totp_uri(b, issuer, username, secret);
}

/* The user's TOTP row and its secret opened. */
static enum err totp_load(const struct oauth_ctx *ctx, const char *sub, struct totp_factor *f,
                          unsigned char secret[TOTP_SECRET_LEN])
{
    enum err rc = store_totp_get(ctx->store, sub, f);

    if (!rc)
        rc = keystore_open_totp(ctx->keys, sub, f->secret_sealed, f->secret_sealed_len, secret,
                                TOTP_SECRET_LEN);
    return rc;
}

enum err mfa_totp_secret(const struct oauth_ctx *ctx, const char *sub, bool *confirmed,
                         unsigned char secret[TOTP_SECRET_LEN])
{
    struct totp_factor f = {0};
    enum err rc = totp_load(ctx, sub, &f, secret);

    *confirmed = !rc && f.confirmed;
    totp_factor_clear(&f);
    return rc;
}

enum err mfa_totp_check(const struct oauth_ctx *ctx, const char *sub, const char *code, size_t len,
                        int64_t now, bool confirm)
{
    struct totp_factor f = {0};
    unsigned char secret[TOTP_SECRET_LEN];
    int64_t step = 0;
    enum err rc = totp_load(ctx, sub, &f, secret);

    if (!rc && f.confirmed == confirm)
        rc = ERR_NOT_FOUND;
    if (!rc)
        rc = totp_verify(secret, sizeof secret, code, len, now, f.last_step, &step);
    if (rc == ERR_INVALID_REQUEST)
        rc = ERR_ACCESS_DENIED;
    /* the store's write decides: a racing request with the same code loses,
     * and a write that failed accepts nothing (the step must be recorded) */
    if (!rc) {
        rc = store_totp_use(ctx->store, sub, step, now, confirm);
        if (rc == ERR_CONFLICT)
            rc = ERR_ACCESS_DENIED;
    }
    OPENSSL_cleanse(secret, sizeof secret);
    totp_factor_clear(&f);
    return rc;
}

enum err mfa_recovery_use(const struct oauth_ctx *ctx, const char *sub, const char *code,
                          size_t len, int64_t now)
{
    unsigned char hash[HASH_LEN];
    enum err rc = recovery_code_hash(code, len, hash);

    if (!rc)
        rc = store_recovery_code_use(ctx->store, sub, hash, now);
    return rc == ERR_INVALID_REQUEST || rc == ERR_NOT_FOUND ? ERR_ACCESS_DENIED : rc;
}

enum err mfa_recovery_regenerate(const struct oauth_ctx *ctx, const char *sub, int64_t now,
                                 struct recovery_codes *out)
{
    enum err rc = recovery_codes_new(out);

    if (!rc)
        rc = store_recovery_codes_replace(
            ctx->store, sub, (const unsigned char(*)[HASH_LEN])out->hash, RECOVERY_CODES, now);
    if (rc)
        OPENSSL_cleanse(out, sizeof *out);
    return rc;
}

void mfa_throttle_key(const char *sub, char out[MFA_THROTTLE_KEY_SIZE])
{
    snprintf(out, MFA_THROTTLE_KEY_SIZE, "mfa:%s", sub);
}
