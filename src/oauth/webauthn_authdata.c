#include "oauth/webauthn_authdata.h"

#include <cbor.h>
#include <stdlib.h>
#include <string.h>

#include "core/byte_cursor.h"
#include "core/cbor_input.h"

static enum err fail(const char **why, const char *reason)
{
    *why = reason;
    return ERR_INVALID_REQUEST;
}

/* AAGUID, credentialIdLength, credentialId, credentialPublicKey (§6.5.1). */
static enum err read_attested(struct byte_cursor *c, struct webauthn_authdata *out,
                              const char **why)
{
    uint16_t id_len;
    size_t used = 0;
    enum err rc;

    if (!byte_cursor_copy(c, out->aaguid, WEBAUTHN_AAGUID_LEN) || !byte_cursor_u16be(c, &id_len))
        return fail(why, "authenticator data truncated in attested credential data");
    if (id_len == 0 || id_len > LIMIT_WEBAUTHN_CREDENTIAL_ID)
        return fail(why, "credential id length out of range");
    if (!byte_cursor_copy(c, out->cred_id, id_len))
        return fail(why, "authenticator data truncated in the credential id");
    out->cred_id_len = id_len;
    /* the key's length is whatever libcbor measures its CBOR item to be */
    rc = cose_key_parse(c->p, c->left, &used, &out->key, why);
    if (rc)
        return rc;
    if (!byte_cursor_skip(c, used))
        return fail(why, "credential key longer than the authenticator data");
    return ERR_OK;
}

/* The extension outputs: one CBOR map, which is checked and not kept (no
 * extension is used yet). */
static enum err read_extensions(struct byte_cursor *c, const char **why)
{
    cbor_item_t *map = NULL;
    size_t used = 0;
    enum err rc;

    rc = cbor_input_load(c->p, c->left, &map, &used, why);
    if (rc)
        return rc;
    if (!cbor_isa_map(map))
        rc = fail(why, "authenticator extension data is not a CBOR map");
    else if (!byte_cursor_skip(c, used))
        rc = fail(why, "extension data longer than the authenticator data");
    cbor_decref(&map);
    return rc;
}

enum err webauthn_authdata_parse(const unsigned char *buf, size_t len,
                                 struct webauthn_authdata *out, const char **why)
{
    struct byte_cursor c;
    enum err rc;

    memset(out, 0, sizeof(*out));
    if (len > LIMIT_WEBAUTHN_AUTH_DATA)
        return fail(why, "authenticator data too large");
    byte_cursor_init(&c, buf, len);
    if (!byte_cursor_copy(&c, out->rp_id_hash, HASH_LEN) || !byte_cursor_u8(&c, &out->flags) ||
        !byte_cursor_u32be(&c, &out->sign_count))
        return fail(why, "authenticator data shorter than 37 bytes");
    /* §6.1: a credential that cannot be backed up is not backed up */
    if ((out->flags & WEBAUTHN_FLAG_BS) && !(out->flags & WEBAUTHN_FLAG_BE))
        return fail(why, "authenticator data flags BS without BE");
    if (out->flags & WEBAUTHN_FLAG_AT) {
        rc = read_attested(&c, out, why);
        if (rc)
            return rc;
    }
    if (out->flags & WEBAUTHN_FLAG_ED) {
        rc = read_extensions(&c, why);
        if (rc)
            return rc;
    }
    if (c.left != 0)
        return fail(why, "authenticator data has bytes after its last field");
    return ERR_OK;
}

void webauthn_authdata_clear(struct webauthn_authdata *a)
{
    cose_key_clear(&a->key);
}

enum err webauthn_authdata_verify(const struct cose_key *key, const unsigned char *auth_data,
                                  size_t len, const unsigned char client_data_hash[HASH_LEN],
                                  const unsigned char *sig, size_t siglen)
{
    unsigned char *msg;
    enum err rc;

    if (len > LIMIT_WEBAUTHN_AUTH_DATA || siglen > LIMIT_WEBAUTHN_SIGNATURE)
        return ERR_ACCESS_DENIED;
    msg = malloc(len + HASH_LEN);
    if (!msg)
        return ERR_NOMEM;
    memcpy(msg, auth_data, len);
    memcpy(msg + len, client_data_hash, HASH_LEN);
    rc = cose_key_verify(key, msg, len + HASH_LEN, sig, siglen);
    free(msg);
    return rc;
}
