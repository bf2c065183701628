#include "oauth/webauthn.h"

#include <openssl/crypto.h>
#include <string.h>

#include "core/hash.h"

static enum err fail(const char **why, const char *reason)
{
    *why = reason;
    return ERR_INVALID_REQUEST;
}

/* The checks both ceremonies make of the authenticator data: the RP it was
 * made for, and the user's presence and verification. */
static enum err check_authdata(const struct webauthn_expect *e, const struct webauthn_authdata *ad,
                               const char **why)
{
    unsigned char want[HASH_LEN];

    hash_sha256(e->rp_id, strlen(e->rp_id), want);
    if (CRYPTO_memcmp(want, ad->rp_id_hash, HASH_LEN) != 0)
        return fail(why, "authenticator data rpIdHash is not this RP's");
    if (!(ad->flags & WEBAUTHN_FLAG_UP))
        return fail(why, "authenticator data without user presence (UP)");
    if (e->require_uv && !(ad->flags & WEBAUTHN_FLAG_UV))
        return fail(why, "authenticator data without user verification (UV)");
    return ERR_OK;
}

/* The client data checked, and its hash for the signatures. */
static enum err check_client_data(const struct webauthn_expect *e, const char *type,
                                  const unsigned char *cd, size_t len, unsigned char hash[HASH_LEN],
                                  const char **why)
{
    enum err rc = webauthn_client_data_check(cd, len, type, e->challenge, e->origin, why);

    if (!rc)
        hash_sha256(cd, len, hash);
    return rc;
}

static void copy_flags(uint8_t flags, bool *uv, bool *be, bool *bs)
{
    *uv = (flags & WEBAUTHN_FLAG_UV) != 0;
    *be = (flags & WEBAUTHN_FLAG_BE) != 0;
    *bs = (flags & WEBAUTHN_FLAG_BS) != 0;
}

static enum err fill_registration(const struct webauthn_authdata *ad,
                                  const struct webauthn_attestation *att,
                                  struct webauthn_registration *out)
{
    memcpy(out->cred_id, ad->cred_id, ad->cred_id_len);
    out->cred_id_len = ad->cred_id_len;
    out->alg = ad->key.alg;
    out->sign_count = ad->sign_count;
    memcpy(out->aaguid, ad->aaguid, WEBAUTHN_AAGUID_LEN);
    copy_flags(ad->flags, &out->user_verified, &out->backup_eligible, &out->backed_up);
    memcpy(out->fmt, att->fmt, sizeof(out->fmt));
    return cose_key_to_der(&ad->key, &out->public_key_der, &out->public_key_der_len);
}

enum err webauthn_registration_verify(const struct webauthn_expect *e,
                                      const unsigned char *client_data, size_t client_data_len,
                                      const unsigned char *attestation, size_t attestation_len,
                                      struct webauthn_registration *out, const char **why)
{
    struct webauthn_attestation att;
    struct webauthn_authdata ad;
    unsigned char cd_hash[HASH_LEN];
    enum err rc;

    memset(out, 0, sizeof(*out));
    memset(&ad, 0, sizeof(ad));
    memset(&att, 0, sizeof(att));
    rc = check_client_data(e, WEBAUTHN_TYPE_CREATE, client_data, client_data_len, cd_hash, why);
    if (rc)
        goto out;
    rc = webauthn_attestation_parse(attestation, attestation_len, &att, why);
    if (rc)
        goto out;
    rc = webauthn_authdata_parse(att.auth_data, att.auth_data_len, &ad, why);
    if (rc)
        goto out;
    rc = check_authdata(e, &ad, why);
    if (rc)
        goto out;
    if (!(ad.flags & WEBAUTHN_FLAG_AT)) {
        rc = fail(why, "registration without attested credential data (AT)");
        goto out;
    }
    rc = webauthn_attestation_check(&att, &ad, cd_hash, &out->attestation, why);
    if (rc)
        goto out;
    rc = fill_registration(&ad, &att, out);
out:
    webauthn_authdata_clear(&ad);
    webauthn_attestation_clear(&att);
    return rc;
}

void webauthn_registration_clear(struct webauthn_registration *r)
{
    OPENSSL_free(r->public_key_der);
    r->public_key_der = NULL;
    r->public_key_der_len = 0;
}

bool webauthn_counter_advances(uint32_t stored, uint32_t new_count)
{
    /* an authenticator without a counter reports 0 every time */
    return new_count > stored || (new_count == 0 && stored == 0);
}

enum err webauthn_assertion_verify(const struct webauthn_expect *e,
                                   const struct webauthn_credential *cred,
                                   const unsigned char *client_data, size_t client_data_len,
                                   const unsigned char *auth_data, size_t auth_data_len,
                                   const unsigned char *sig, size_t sig_len,
                                   struct webauthn_assertion *out, const char **why)
{
    struct webauthn_authdata ad;
    struct cose_key key = {0, NULL};
    unsigned char cd_hash[HASH_LEN];
    enum err rc;

    memset(out, 0, sizeof(*out));
    memset(&ad, 0, sizeof(ad));
    rc = check_client_data(e, WEBAUTHN_TYPE_GET, client_data, client_data_len, cd_hash, why);
    if (rc)
        goto out;
    rc = webauthn_authdata_parse(auth_data, auth_data_len, &ad, why);
    if (rc)
        goto out;
    rc = check_authdata(e, &ad, why);
    if (rc)
        goto out;
    rc = cose_key_from_der(cred->alg, cred->public_key_der, cred->public_key_der_len, &key, why);
    if (rc)
        goto out;
    rc = webauthn_authdata_verify(&key, auth_data, auth_data_len, cd_hash, sig, sig_len);
    if (rc == ERR_ACCESS_DENIED)
        *why = "assertion signature does not verify";
    if (rc)
        goto out;
    out->sign_count = ad.sign_count;
    copy_flags(ad.flags, &out->user_verified, &out->backup_eligible, &out->backed_up);
    if (!webauthn_counter_advances(cred->sign_count, ad.sign_count)) {
        *why = "counter went backwards";
        rc = ERR_CONFLICT;
    }
out:
    cose_key_clear(&key);
    webauthn_authdata_clear(&ad);
    return rc;
}
