#include "oauth/passkey_challenge.h"

#include <openssl/crypto.h>
#include <string.h>

#include "core/b64url.h"
#include "core/hash.h"
#include "core/rand.h"
#include "core/text.h"

enum err passkey_challenge_issue(const struct oauth_ctx *ctx, enum webauthn_purpose purpose,
                                 const char *secret, const char *sub, int64_t now,
                                 char out[PASSKEY_CHALLENGE_TEXT_SIZE])
{
    struct webauthn_challenge c = {0};
    unsigned char bytes[WEBAUTHN_CHALLENGE_LEN];
    enum err rc;

    if (!text_copy(c.user_sub, sizeof c.user_sub, sub))
        return ERR_INVALID_REQUEST;
    rc = rand_bytes(bytes, sizeof bytes);
    if (rc)
        return rc;
    hash_sha256(bytes, sizeof bytes, c.hash);
    hash_sha256(secret, strlen(secret), c.binding);
    c.purpose = (int)purpose;
    c.expires_at = now + ctx->cfg->webauthn_timeout_seconds;
    rc = store_webauthn_challenge_put(ctx->store, &c);
    if (!rc)
        b64url_encode(bytes, sizeof bytes, out);
    OPENSSL_cleanse(bytes, sizeof bytes);
    return rc;
}

enum err passkey_challenge_take(const struct oauth_ctx *ctx, const char *text,
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
    hash_sha256(out->challenge, n, hash);
    rc = store_webauthn_challenge_take(ctx->store, hash, &out->stored);
    if (rc == ERR_NOT_FOUND) {
        *why = "the challenge is unknown or was used already";
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
