#include "oauth/webauthn_attestation.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/cbor_input.h"
#include "core/limits.h"

#define MAX_MEMBERS 8 /* an attestation object has three; attStmt of "packed" three */

static enum err fail(const char **why, const char *reason)
{
    *why = reason;
    return ERR_INVALID_REQUEST;
}

/* True when key is the definite text string name. */
static bool key_is(cbor_item_t *key, const char *name)
{
    size_t n = strlen(name);

    return cbor_isa_string(key) && cbor_string_is_definite(key) && cbor_string_length(key) == n &&
           memcmp(cbor_string_handle(key), name, n) == 0;
}

/* The value of the member name of a definite map with at most MAX_MEMBERS
 * members, into *out (borrowed; NULL when absent). A member that appears
 * twice is refused. */
static enum err member(cbor_item_t *map, const char *name, cbor_item_t **out, const char **why)
{
    struct cbor_pair *pairs = cbor_map_handle(map);
    size_t i, n = cbor_map_size(map);

    *out = NULL;
    for (i = 0; i < n; i++) {
        if (!key_is(pairs[i].key, name))
            continue;
        if (*out)
            return fail(why, "attestation repeats a member");
        *out = pairs[i].value;
    }
    return ERR_OK;
}

static bool small_definite_map(cbor_item_t *v)
{
    return v && cbor_isa_map(v) && cbor_map_is_definite(v) && cbor_map_size(v) <= MAX_MEMBERS;
}

static bool definite_bytes(cbor_item_t *v)
{
    return v && cbor_isa_bytestring(v) && cbor_bytestring_is_definite(v);
}

static enum err read_members(struct webauthn_attestation *out, const char **why)
{
    cbor_item_t *fmt = NULL, *auth = NULL;
    enum err rc;

    if (!small_definite_map(out->root))
        return fail(why, "attestation object is not a small CBOR map");
    if ((rc = member(out->root, "fmt", &fmt, why)) ||
        (rc = member(out->root, "attStmt", &out->statement, why)) ||
        (rc = member(out->root, "authData", &auth, why)))
        return rc;
    if (!fmt || !cbor_isa_string(fmt) || !cbor_string_is_definite(fmt) ||
        cbor_string_length(fmt) == 0 || cbor_string_length(fmt) > WEBAUTHN_FMT_MAX ||
        memchr(cbor_string_handle(fmt), '\0', cbor_string_length(fmt)))
        return fail(why, "attestation fmt is not a short text string");
    if (!small_definite_map(out->statement))
        return fail(why, "attestation attStmt is not a small CBOR map");
    if (!definite_bytes(auth))
        return fail(why, "attestation authData is not a byte string");
    memcpy(out->fmt, cbor_string_handle(fmt), cbor_string_length(fmt));
    out->fmt[cbor_string_length(fmt)] = '\0';
    out->auth_data = cbor_bytestring_handle(auth);
    out->auth_data_len = cbor_bytestring_length(auth);
    return ERR_OK;
}

enum err webauthn_attestation_parse(const unsigned char *buf, size_t len,
                                    struct webauthn_attestation *out, const char **why)
{
    size_t used = 0;
    enum err rc;

    memset(out, 0, sizeof(*out));
    if (len > LIMIT_WEBAUTHN_ATTESTATION)
        return fail(why, "attestation object too large");
    rc = cbor_input_load(buf, len, &out->root, &used, why);
    if (rc)
        return rc;
    if (used != len)
        return fail(why, "attestation object has bytes after it");
    return read_members(out, why);
}

/* "packed" (§8.2): alg, sig, and x5c when a certificate attests. */
static enum err check_packed(const struct webauthn_attestation *att,
                             const struct webauthn_authdata *ad,
                             const unsigned char client_data_hash[HASH_LEN],
                             enum webauthn_attestation_kind *kind, const char **why)
{
    cbor_item_t *alg = NULL, *sig = NULL, *x5c = NULL;
    uint64_t alg_abs;
    enum err rc;

    if ((rc = member(att->statement, "alg", &alg, why)) ||
        (rc = member(att->statement, "sig", &sig, why)) ||
        (rc = member(att->statement, "x5c", &x5c, why)))
        return rc;
    if (!alg || !cbor_isa_negint(alg) || !definite_bytes(sig))
        return fail(why, "packed attestation needs a negative integer alg and a byte string sig");
    if (x5c) {
        if (!cbor_isa_array(x5c) || cbor_array_size(x5c) == 0)
            return fail(why, "packed attestation x5c is not a non-empty array");
        /* a certificate chain we do not verify: the caller decides */
        *kind = WEBAUTHN_ATTESTATION_UNVERIFIED;
        return ERR_OK;
    }
    /* self attestation: the credential signs with its own key and alg */
    alg_abs = cbor_get_int(alg);
    if (alg_abs > INT32_MAX || -1 - (int64_t)alg_abs != ad->key.alg)
        return fail(why, "packed self attestation alg differs from the credential's");
    rc = webauthn_authdata_verify(&ad->key, att->auth_data, att->auth_data_len, client_data_hash,
                                  cbor_bytestring_handle(sig), cbor_bytestring_length(sig));
    if (rc == ERR_ACCESS_DENIED)
        *why = "packed self attestation signature does not verify";
    if (rc)
        return rc;
    *kind = WEBAUTHN_ATTESTATION_SELF;
    return ERR_OK;
}

enum err webauthn_attestation_check(const struct webauthn_attestation *att,
                                    const struct webauthn_authdata *ad,
                                    const unsigned char client_data_hash[HASH_LEN],
                                    enum webauthn_attestation_kind *kind, const char **why)
{
    if (strcmp(att->fmt, "none") == 0) {
        if (cbor_map_size(att->statement) != 0)
            return fail(why, "attestation none with a non-empty attStmt");
        *kind = WEBAUTHN_ATTESTATION_NONE;
        return ERR_OK;
    }
    if (strcmp(att->fmt, "packed") == 0)
        return check_packed(att, ad, client_data_hash, kind, why);
    *kind = WEBAUTHN_ATTESTATION_UNVERIFIED;
    return ERR_OK;
}

void webauthn_attestation_clear(struct webauthn_attestation *att)
{
    if (att->root)
        cbor_decref(&att->root);
    att->statement = NULL;
    att->auth_data = NULL;
}
