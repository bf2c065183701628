#include "oauth/passkey.h"

#include <ctype.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "core/b64url.h"
#include "core/text.h"
#include "oauth/webauthn.h"

/* The origin every ceremony must come from: the issuer's scheme://host[:port]. */
#define ORIGIN_SIZE 1024

bool passkey_enabled(const struct config *cfg)
{
    char rp_id[CONFIG_RP_ID_MAX + 1];

    return config_webauthn_rp_id(cfg, rp_id);
}

bool passkey_name_clean(const char *name, char out[LIMIT_PASSKEY_NAME + 1])
{
    size_t n;

    name = name ? name : "";
    name += strspn(name, " \t");
    n = strlen(name);
    while (n && (name[n - 1] == ' ' || name[n - 1] == '\t'))
        n--;
    if (!n)
        return text_copy(out, LIMIT_PASSKEY_NAME + 1, PASSKEY_DEFAULT_NAME);
    if (n > LIMIT_PASSKEY_NAME || !text_is_utf8_line(name, n))
        return false;
    memcpy(out, name, n);
    out[n] = '\0';
    return true;
}

/* Decoded bytes of a form field. */
struct blob {
    unsigned char *p;
    size_t n;
};

static void blob_free(struct blob *b)
{
    free(b->p);
    b->p = NULL;
}

/* The base64url text (NULL or "": absent) decoded into b, at most max
 * bytes; with optional, absence is an empty blob. */
static enum err decode(const char *text, size_t max, bool optional, const char *refusal,
                       struct blob *b, const char **why)
{
    size_t len = text ? strlen(text) : 0;

    b->p = NULL;
    b->n = 0;
    if (!len && optional)
        return ERR_OK;
    if (!len || len > b64url_encoded_len(max)) {
        *why = refusal;
        return ERR_ACCESS_DENIED;
    }
    b->p = malloc(len * 3 / 4 + 1);
    if (!b->p)
        return ERR_NOMEM;
    if (b64url_decode(text, len, b->p, &b->n) || b->n == 0 || b->n > max) {
        *why = refusal;
        return ERR_ACCESS_DENIED;
    }
    return ERR_OK;
}

/* The issuer's origin as a browser writes it (RFC 6454 §6.2): scheme and
 * host in lower case, no port where it is the scheme's default, so that an
 * issuer written "https://ID.example.com:443" still matches. */
static void issuer_origin(const char *issuer, char origin[ORIGIN_SIZE])
{
    const char *host = strstr(issuer, "://");
    size_t n = host ? (size_t)(host + 3 - issuer) : 0, i;

    n += strcspn(issuer + n, "/");
    if (n >= ORIGIN_SIZE)
        n = 0; /* matches no origin a browser sends */
    for (i = 0; i < n; i++)
        origin[i] = (char)tolower((unsigned char)issuer[i]);
    origin[n] = '\0';
    if ((strncmp(origin, "https://", 8) == 0 && n > 12 && strcmp(origin + n - 4, ":443") == 0) ||
        (strncmp(origin, "http://", 7) == 0 && n > 10 && strcmp(origin + n - 3, ":80") == 0))
        *strrchr(origin, ':') = '\0';
}

/* What a ceremony of c must match, into e (rp_id and origin hold its texts). */
static void expect_of(const struct oauth_ctx *ctx, const struct passkey_ceremony *c,
                      bool require_uv, char rp_id[CONFIG_RP_ID_MAX + 1], char origin[ORIGIN_SIZE],
                      struct webauthn_expect *e)
{
    issuer_origin(ctx->cfg->issuer, origin);
    config_webauthn_rp_id(ctx->cfg, rp_id);
    *e = (struct webauthn_expect){rp_id, origin, c->challenge, require_uv};
}

/* The transports as the browser reported them, when they look like
 * transports ("usb nfc", "internal hybrid"); else none. */
static void transports_clean(const char *in, char out[sizeof((struct passkey *)0)->transports])
{
    size_t n = in ? strlen(in) : 0;

    out[0] = '\0';
    if (n < sizeof((struct passkey *)0)->transports && text_all_in(in, n, "- "))
        memcpy(out, in, n + 1);
}

/* The stored passkey for a verified registration; takes reg's key. */
static void fill(const struct oauth_ctx *ctx, const struct passkey_ceremony *c,
                 struct webauthn_registration *reg, const struct passkey_response *r,
                 const char *name, int64_t now, struct passkey *out)
{
    bool direct = strcmp(ctx->cfg->webauthn_attestation, "direct") == 0;

    memcpy(out->user_sub, c->stored.user_sub, sizeof out->user_sub);
    memcpy(out->cred_id, reg->cred_id, reg->cred_id_len);
    out->cred_id_len = reg->cred_id_len;
    text_copy(out->name, sizeof out->name, name);
    out->alg = reg->alg;
    out->public_key_der = reg->public_key_der;
    out->public_key_der_len = reg->public_key_der_len;
    reg->public_key_der = NULL;
    out->sign_count = reg->sign_count;
    memcpy(out->aaguid, reg->aaguid, sizeof out->aaguid);
    out->user_verified = reg->user_verified;
    out->backup_eligible = reg->backup_eligible;
    out->backed_up = reg->backed_up;
    /* an attestation nobody checked is kept as none, unless asked for */
    text_copy(out->fmt, sizeof out->fmt,
              direct || reg->attestation != WEBAUTHN_ATTESTATION_UNVERIFIED ? reg->fmt : "none");
    transports_clean(r->transports, out->transports);
    out->created_at = now;
}

enum err passkey_register(const struct oauth_ctx *ctx, const struct passkey_ceremony *c,
                          const struct passkey_response *r, const char *name, int64_t now,
                          struct passkey *out, const char **why)
{
    struct blob id = {0}, cd = {0}, att = {0};
    struct webauthn_registration reg;
    struct webauthn_expect e;
    char rp_id[CONFIG_RP_ID_MAX + 1], origin[ORIGIN_SIZE];
    enum err rc;

    memset(out, 0, sizeof *out);
    memset(&reg, 0, sizeof reg);
    rc = decode(r->credential_id, LIMIT_WEBAUTHN_CREDENTIAL_ID, false,
                "the credential id is missing, malformed or too large", &id, why);
    if (!rc)
        rc = decode(r->client_data, LIMIT_WEBAUTHN_CLIENT_DATA, false,
                    "the client data is missing, malformed or too large", &cd, why);
    if (!rc)
        rc = decode(r->attestation_object, LIMIT_WEBAUTHN_ATTESTATION, false,
                    "the attestation object is missing, malformed or too large", &att, why);
    if (rc)
        goto out;
    /* user verification preferred: a security key without a PIN is still a
     * second factor (a sign-in without a password asks for it there) */
    expect_of(ctx, c, false, rp_id, origin, &e);
    rc = webauthn_registration_verify(&e, cd.p, cd.n, att.p, att.n, &reg, why);
    if (rc == ERR_INVALID_REQUEST)
        rc = ERR_ACCESS_DENIED;
    if (!rc && (reg.cred_id_len != id.n || memcmp(reg.cred_id, id.p, id.n) != 0)) {
        *why = "the credential id is not the attested credential's";
        rc = ERR_ACCESS_DENIED;
    }
    if (rc)
        goto out;
    fill(ctx, c, &reg, r, name, now, out);
    rc = store_passkey_insert(ctx->store, out);
out:
    if (rc)
        passkey_clear(out);
    webauthn_registration_clear(&reg);
    blob_free(&id);
    blob_free(&cd);
    blob_free(&att);
    return rc;
}

enum err passkey_lookup(const struct oauth_ctx *ctx, const struct passkey_response *r,
                        struct passkey *out, const char **why)
{
    struct blob id;
    enum err rc = decode(r->credential_id, LIMIT_WEBAUTHN_CREDENTIAL_ID, false,
                         "the credential id is missing, malformed or too large", &id, why);

    memset(out, 0, sizeof *out);
    if (!rc)
        rc = store_passkey_get(ctx->store, id.p, id.n, out);
    if (rc == ERR_NOT_FOUND) {
        *why = "no passkey has this credential id";
        rc = ERR_ACCESS_DENIED;
    }
    blob_free(&id);
    return rc;
}

/* Whose the passkey may be: a sign-in's user handle, when the browser sent
 * one, names pk's user (it is the user's sub); a second factor's challenge
 * was issued for pk's user. */
static enum err check_user(const struct passkey_ceremony *c, const struct passkey *pk,
                           const struct passkey_response *r, const char **why)
{
    struct blob uh;
    enum err rc;

    if (c->stored.purpose != WEBAUTHN_PURPOSE_SIGNIN) {
        if (strcmp(c->stored.user_sub, pk->user_sub) == 0)
            return ERR_OK;
        *why = "the passkey is not the signing-in user's";
        return ERR_ACCESS_DENIED;
    }
    rc = decode(r->user_handle, LIMIT_SUB, true, "the user handle is malformed or too large", &uh,
                why);
    if (!rc && uh.n && (uh.n != strlen(pk->user_sub) || memcmp(uh.p, pk->user_sub, uh.n) != 0)) {
        *why = "the user handle is not the passkey's user's";
        rc = ERR_ACCESS_DENIED;
    }
    blob_free(&uh);
    return rc;
}

/* Verifies the signed parts of r against pk into *a. */
static enum err verify(const struct oauth_ctx *ctx, const struct passkey_ceremony *c,
                       const struct passkey *pk, const struct passkey_response *r,
                       struct webauthn_assertion *a, const char **why)
{
    struct webauthn_credential cred = {pk->alg, pk->public_key_der, pk->public_key_der_len,
                                       pk->sign_count};
    struct blob cd = {0}, ad = {0}, sig = {0};
    struct webauthn_expect e;
    char rp_id[CONFIG_RP_ID_MAX + 1], origin[ORIGIN_SIZE];
    enum err rc;

    rc = decode(r->client_data, LIMIT_WEBAUTHN_CLIENT_DATA, false,
                "the client data is missing, malformed or too large", &cd, why);
    if (!rc)
        rc = decode(r->authenticator_data, LIMIT_WEBAUTHN_AUTH_DATA, false,
                    "the authenticator data is missing, malformed or too large", &ad, why);
    if (!rc)
        rc = decode(r->signature, LIMIT_WEBAUTHN_SIGNATURE, false,
                    "the signature is missing, malformed or too large", &sig, why);
    if (!rc) {
        /* a sign-in without a password: the authenticator's PIN or
         * biometric is the second factor, so it must have been asked */
        expect_of(ctx, c, c->stored.purpose == WEBAUTHN_PURPOSE_SIGNIN, rp_id, origin, &e);
        rc = webauthn_assertion_verify(&e, &cred, cd.p, cd.n, ad.p, ad.n, sig.p, sig.n, a, why);
    }
    blob_free(&cd);
    blob_free(&ad);
    blob_free(&sig);
    return rc == ERR_INVALID_REQUEST ? ERR_ACCESS_DENIED : rc;
}

enum err passkey_assert(const struct oauth_ctx *ctx, const struct passkey_ceremony *c,
                        const struct passkey *pk, const struct passkey_response *r, int64_t now,
                        struct passkey_signin *out, const char **why)
{
    bool second = c->stored.purpose != WEBAUTHN_PURPOSE_SIGNIN, synced;
    struct webauthn_assertion a;
    enum err rc;

    memset(out, 0, sizeof *out);
    rc = check_user(c, pk, r, why);
    if (!rc)
        rc = verify(ctx, c, pk, r, &a, why);
    /* the counter did not advance: perhaps a cloned authenticator */
    if (rc == ERR_CONFLICT && strcmp(ctx->cfg->webauthn_counter_policy, "log") == 0) {
        out->counter_backwards = true;
        a.sign_count = pk->sign_count; /* never lower the stored count */
        rc = ERR_OK;
    }
    if (rc == ERR_CONFLICT)
        rc = ERR_ACCESS_DENIED;
    if (rc)
        return rc;
    rc = store_passkey_use(ctx->store, pk->cred_id, pk->cred_id_len, pk->sign_count, a.sign_count,
                           a.backed_up, now);
    if (rc == ERR_CONFLICT) {
        *why = "the passkey was used by another sign-in at the same moment, or removed";
        return ERR_ACCESS_DENIED;
    }
    synced = pk->backup_eligible || a.backup_eligible;
    out->amr = second ? (synced ? PASSKEY_AMR_PWD_SWK : PASSKEY_AMR_PWD_HWK)
                      : (synced ? PASSKEY_AMR_SWK : PASSKEY_AMR_HWK);
    return rc;
}

/* The id text of the user's passkey, decoded, then change done to it. */
static enum err with_id(const struct oauth_ctx *ctx, const char *sub, const char *id,
                        const char *name)
{
    struct blob b;
    const char *why = NULL;
    enum err rc = decode(id, LIMIT_WEBAUTHN_CREDENTIAL_ID, false, "", &b, &why);

    if (rc == ERR_ACCESS_DENIED)
        rc = ERR_NOT_FOUND;
    if (!rc)
        rc = name ? store_passkey_rename(ctx->store, sub, b.p, b.n, name)
                  : store_passkey_delete(ctx->store, sub, b.p, b.n);
    blob_free(&b);
    return rc;
}

enum err passkey_rename(const struct oauth_ctx *ctx, const char *sub, const char *id,
                        const char *name)
{
    return with_id(ctx, sub, id, name);
}

enum err passkey_remove(const struct oauth_ctx *ctx, const char *sub, const char *id)
{
    return with_id(ctx, sub, id, NULL);
}

enum err passkey_ids_of_user(const struct oauth_ctx *ctx, const char *sub, struct buf *b, size_t *n)
{
    char id[PASSKEY_ID_TEXT_SIZE];
    struct passkey *list = NULL;
    size_t i;
    enum err rc;

    *n = 0;
    rc = store_passkeys_of_user(ctx->store, sub, &list, n);

    for (i = 0; !rc && i < *n; i++) {
        b64url_encode(list[i].cred_id, list[i].cred_id_len, id);
        rc = buf_append_str(b, i ? " " : "");
        if (!rc)
            rc = buf_append_str(b, id);
    }
    if (!rc && !b->data)
        rc = buf_append(b, "", 0);
    passkey_list_free(list, *n);
    return rc;
}
