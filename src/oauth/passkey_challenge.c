#include "oauth/passkey_challenge.h"

#include <openssl/crypto.h>
#include <string.h>

#include "core/b64url.h"
#include "core/hash.h"
#include "core/rand.h"
#include "core/text.h"
#include "oauth/signin_challenge.h"

/* the first byte of a stored challenge: never a signed one's mark */
#define STORED_MARK 0x00
/* a used sign-in challenge is remembered this much past its expiry, so an
 * instance whose clock runs behind the one that swept it cannot take it
 * again */
#define SPENT_KEPT_S 60
#define USED "the challenge is unknown or was used already"

/* A registration's or a second factor's: random, kept as hashes. */
static enum err issue_stored(const struct oauth_ctx *ctx, enum webauthn_purpose purpose,
                             const char *secret, const char *sub, int64_t now,
                             unsigned char bytes[WEBAUTHN_CHALLENGE_LEN])
{
    struct webauthn_challenge c = {0};
    enum err rc;

    if (!text_copy(c.user_sub, sizeof c.user_sub, sub))
        return ERR_INVALID_REQUEST;
    rc = rand_bytes(bytes, WEBAUTHN_CHALLENGE_LEN);
    if (rc)
        return rc;
    bytes[0] = STORED_MARK;
    hash_sha256(bytes, WEBAUTHN_CHALLENGE_LEN, c.hash);
    hash_sha256(secret, strlen(secret), c.binding);
    c.purpose = (int)purpose;
    c.expires_at = now + ctx->cfg->webauthn_timeout_seconds;
    return store_webauthn_challenge_put(ctx->store, &c);
}

enum err passkey_challenge_issue(const struct oauth_ctx *ctx, enum webauthn_purpose purpose,
                                 const char *secret, const char *sub, int64_t now,
                                 char out[PASSKEY_CHALLENGE_TEXT_SIZE])
{
    unsigned char bytes[WEBAUTHN_CHALLENGE_LEN];
    enum err rc;

    /* anyone may ask for a sign-in's: it is signed, never stored */
    if (purpose == WEBAUTHN_PURPOSE_SIGNIN)
        rc = ctx->signin_key
                 ? signin_challenge_make(ctx->signin_key, secret,
                                         now + ctx->cfg->webauthn_timeout_seconds, bytes)
                 : ERR_CONFIG;
    else
        rc = issue_stored(ctx, purpose, secret, sub, now, bytes);
    if (!rc)
        b64url_encode(bytes, sizeof bytes, out);
    OPENSSL_cleanse(bytes, sizeof bytes);
    return rc;
}

/* A signed sign-in challenge: genuine and this browser's, then recorded as
 * used by the hash that only one insert may add. An expired one is not
 * recorded: passkey_challenge_check refuses it whatever is kept. */
static enum err take_signed(const struct oauth_ctx *ctx, const char *secret, int64_t now,
                            struct passkey_ceremony *out, const char **why)
{
    struct webauthn_challenge *c = &out->stored;
    int64_t expires_at = 0;
    enum err rc;

    if (!ctx->signin_key ||
        !signin_challenge_verify(ctx->signin_key, out->challenge, secret, &expires_at)) {
        *why = "the challenge was issued to another browser, or altered";
        return ERR_ACCESS_DENIED;
    }
    hash_sha256(out->challenge, WEBAUTHN_CHALLENGE_LEN, c->hash);
    hash_sha256(secret, strlen(secret), c->binding);
    c->purpose = WEBAUTHN_PURPOSE_SPENT;
    c->expires_at = expires_at + SPENT_KEPT_S;
    rc = expires_at > now ? store_webauthn_challenge_put(ctx->store, c) : ERR_OK;
    if (rc == ERR_CONFLICT) {
        *why = USED;
        return ERR_ACCESS_DENIED;
    }
    c->purpose = WEBAUTHN_PURPOSE_SIGNIN;
    c->expires_at = expires_at;
    return rc;
}

enum err passkey_challenge_take(const struct oauth_ctx *ctx, const char *text,
                                const char *signin_secret, int64_t now,
                                struct passkey_ceremony *out, const char **why)
{
    unsigned char hash[HASH_LEN];
    size_t n = 0;
    enum err rc;

    memset(out, 0, sizeof *out);
    if (!text || strlen(text) != PASSKEY_CHALLENGE_TEXT_SIZE - 1 ||
        b64url_decode(text, strlen(text), out->challenge, &n) || n != WEBAUTHN_CHALLENGE_LEN) {
        *why = "the challenge is missing or malformed";
        return ERR_ACCESS_DENIED;
    }
    if (signin_challenge_is_one(out->challenge))
        return take_signed(ctx, signin_secret, now, out, why);
    hash_sha256(out->challenge, n, hash);
    rc = store_webauthn_challenge_take(ctx->store, hash, &out->stored);
    if (rc == ERR_NOT_FOUND) {
        *why = USED;
        return ERR_ACCESS_DENIED;
    }
    return rc;
}

bool passkey_challenge_check(const struct passkey_ceremony *c, enum webauthn_purpose purpose,
                             const char *secret, int64_t now, const char **why)
{
    unsigned char h[HASH_LEN];

    if (c->stored.expires_at <= now) {
        *why = "the challenge has expired";
        return false;
    }
    if (c->stored.purpose != (int)purpose) {
        *why = "the challenge was issued for another ceremony";
        return false;
    }
    if (secret)
        hash_sha256(secret, strlen(secret), h);
    if (!secret || CRYPTO_memcmp(h, c->stored.binding, HASH_LEN) != 0) {
        *why = "the challenge was issued to another browser";
        return false;
    }
    return true;
}
