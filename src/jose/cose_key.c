#include "jose/cose_key.h"

#include <cbor.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/cbor_input.h"

/* COSE_Key labels (RFC 9052 §7.1, RFC 9053 §7) */
#define LABEL_KTY 1
#define LABEL_ALG 3
#define LABEL_CRV_OR_N (-1) /* crv for EC2/OKP, n for RSA */
#define LABEL_X_OR_E (-2)   /* x for EC2/OKP, e for RSA */
#define LABEL_Y (-3)

#define KTY_OKP 1
#define KTY_EC2 2
#define KTY_RSA 3
#define CRV_P256 1
#define CRV_ED25519 6

#define COORD_LEN 32
#define RSA_E_MAX 8 /* bytes of a public exponent; 65537 takes three */
/* A credential key has five or six parameters; more is not a key we use. */
#define MAX_PAIRS 16

/* The parameters the three key types use, borrowed from the CBOR map. */
struct params {
    cbor_item_t *kty, *alg, *p1, *p2, *p3; /* labels 1, 3, -1, -2, -3 */
};

/* A CBOR integer that fits an int64 (a COSE label or value). */
static bool int_value(cbor_item_t *v, int64_t *out)
{
    uint64_t u;

    if (!cbor_isa_uint(v) && !cbor_isa_negint(v))
        return false;
    u = cbor_get_int(v);
    if (u > INT64_MAX)
        return false;
    *out = cbor_isa_uint(v) ? (int64_t)u : -1 - (int64_t)u;
    return true;
}

static cbor_item_t **slot_for(struct params *p, int64_t label)
{
    switch (label) {
    case LABEL_KTY:
        return &p->kty;
    case LABEL_ALG:
        return &p->alg;
    case LABEL_CRV_OR_N:
        return &p->p1;
    case LABEL_X_OR_E:
        return &p->p2;
    case LABEL_Y:
        return &p->p3;
    default:
        return NULL;
    }
}

/* Files the map's known labels; other labels (kid, key_ops, text labels)
 * are allowed and ignored, a repeated known label is refused. */
static enum err collect(cbor_item_t *map, struct params *p, const char **why)
{
    struct cbor_pair *pairs;
    size_t i, n;

    if (!cbor_isa_map(map) || !cbor_map_is_definite(map)) {
        *why = "COSE key is not a definite CBOR map";
        return ERR_INVALID_REQUEST;
    }
    n = cbor_map_size(map);
    if (n > MAX_PAIRS) {
        *why = "COSE key has too many parameters";
        return ERR_INVALID_REQUEST;
    }
    pairs = cbor_map_handle(map);
    for (i = 0; i < n; i++) {
        cbor_item_t **slot;
        int64_t label;
        if (!int_value(pairs[i].key, &label))
            continue;
        slot = slot_for(p, label);
        if (!slot)
            continue;
        if (*slot) {
            *why = "COSE key repeats a parameter";
            return ERR_INVALID_REQUEST;
        }
        *slot = pairs[i].value;
    }
    return ERR_OK;
}

/* A definite byte string's bytes, borrowed; NULL otherwise. */
static const unsigned char *bytes_of(cbor_item_t *v, size_t *len)
{
    if (!v || !cbor_isa_bytestring(v) || !cbor_bytestring_is_definite(v))
        return NULL;
    *len = cbor_bytestring_length(v);
    return cbor_bytestring_handle(v);
}

static bool int_is(cbor_item_t *v, int64_t want)
{
    int64_t got;

    return v && int_value(v, &got) && got == want;
}

static enum err from_params(const char *type, OSSL_PARAM *params, EVP_PKEY **out)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    enum err rc = ERR_CRYPTO;

    if (ctx && EVP_PKEY_fromdata_init(ctx) == 1 &&
        EVP_PKEY_fromdata(ctx, out, EVP_PKEY_PUBLIC_KEY, params) == 1)
        rc = ERR_OK;
    EVP_PKEY_CTX_free(ctx);
    return rc;
}

/* OpenSSL's own check of a public key: for P-256, that the point is on the
 * curve and not the point at infinity; for RSA, that n and e are sane. */
static bool public_key_valid(EVP_PKEY *pkey)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
    bool ok = ctx && EVP_PKEY_public_check(ctx) == 1;

    EVP_PKEY_CTX_free(ctx);
    return ok;
}

static enum err build_es256(const struct params *p, EVP_PKEY **out, const char **why)
{
    char group[] = "prime256v1";
    unsigned char point[1 + 2 * COORD_LEN];
    const unsigned char *x, *y;
    size_t xlen = 0, ylen = 0;
    OSSL_PARAM params[3];

    if (!int_is(p->p1, CRV_P256)) {
        *why = "COSE EC2 key is not on P-256";
        return ERR_INVALID_REQUEST;
    }
    x = bytes_of(p->p2, &xlen);
    y = bytes_of(p->p3, &ylen);
    if (!x || !y || xlen != COORD_LEN || ylen != COORD_LEN) {
        *why = "COSE P-256 key needs x and y of 32 bytes";
        return ERR_INVALID_REQUEST;
    }
    point[0] = 0x04; /* uncompressed (SEC 1 §2.3.3) */
    memcpy(point + 1, x, COORD_LEN);
    memcpy(point + 1 + COORD_LEN, y, COORD_LEN);
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0);
    params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point));
    params[2] = OSSL_PARAM_construct_end();
    if (from_params("EC", params, out) || !public_key_valid(*out)) {
        *why = "COSE P-256 point is not on the curve";
        return ERR_INVALID_REQUEST;
    }
    return ERR_OK;
}

/* The encodings of the Ed25519 points of small order (libsodium's list, with
 * the non-canonical p-1, p, p+1): with such a public key a signature can
 * verify for any message (a zero signature does, for the zero point), so
 * OpenSSL, which does not check, must never be handed one. The sign bit is
 * ignored, as the decoder ignores it for x = 0. */
static const unsigned char small_order[][COORD_LEN] = {
    {0},
    {1},
    {0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4,
     0x89, 0xf2, 0xef, 0x98, 0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6,
     0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05},
    {0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b,
     0x76, 0x0d, 0x10, 0x67, 0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39,
     0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a},
    {0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
    {0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
    {0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
};

bool cose_key_ed25519_small_order(const unsigned char x[32])
{
    size_t i;

    for (i = 0; i < sizeof(small_order) / sizeof(small_order[0]); i++) {
        if (memcmp(x, small_order[i], COORD_LEN - 1) == 0 &&
            (x[COORD_LEN - 1] & 0x7f) == small_order[i][COORD_LEN - 1])
            return true;
    }
    return false;
}

static enum err build_eddsa(const struct params *p, EVP_PKEY **out, const char **why)
{
    const unsigned char *x;
    size_t xlen = 0;

    if (!int_is(p->p1, CRV_ED25519)) {
        *why = "COSE OKP key is not Ed25519";
        return ERR_INVALID_REQUEST;
    }
    x = bytes_of(p->p2, &xlen);
    if (!x || xlen != COORD_LEN) {
        *why = "COSE Ed25519 key needs x of 32 bytes";
        return ERR_INVALID_REQUEST;
    }
    if (cose_key_ed25519_small_order(x)) {
        *why = "COSE Ed25519 key is a point of small order";
        return ERR_INVALID_REQUEST;
    }
    *out = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, x, xlen);
    return *out ? ERR_OK : ERR_CRYPTO;
}

static enum err check_rsa_numbers(const BIGNUM *n, const BIGNUM *e, const char **why)
{
    int bits = BN_num_bits(n);

    if (bits < COSE_RSA_MIN_BITS) {
        *why = "COSE RSA key shorter than 2048 bits";
        return ERR_INVALID_REQUEST;
    }
    if (bits > COSE_RSA_MAX_BITS) {
        *why = "COSE RSA key longer than 4096 bits";
        return ERR_INVALID_REQUEST;
    }
    if (!BN_is_odd(e) || BN_is_one(e)) {
        *why = "COSE RSA exponent is not an odd number above 1";
        return ERR_INVALID_REQUEST;
    }
    return ERR_OK;
}

static enum err build_rs256(const struct params *p, EVP_PKEY **out, const char **why)
{
    const unsigned char *nb, *eb;
    size_t nlen = 0, elen = 0;
    BIGNUM *n = NULL, *e = NULL;
    OSSL_PARAM_BLD *bld = NULL;
    OSSL_PARAM *params = NULL;
    enum err rc = ERR_INVALID_REQUEST;

    nb = bytes_of(p->p1, &nlen);
    eb = bytes_of(p->p2, &elen);
    /* a length check before BN_bin2bn: n is at most 512 bytes plus zeros */
    if (!nb || !eb || nlen == 0 || nlen > 2 * COSE_RSA_MAX_BITS / 8 || elen == 0 ||
        elen > RSA_E_MAX) {
        *why = "COSE RSA key needs n and e of sane lengths";
        goto out;
    }
    rc = ERR_NOMEM;
    n = BN_bin2bn(nb, (int)nlen, NULL);
    e = BN_bin2bn(eb, (int)elen, NULL);
    if (!n || !e)
        goto out;
    rc = check_rsa_numbers(n, e, why);
    if (rc)
        goto out;
    rc = ERR_CRYPTO;
    bld = OSSL_PARAM_BLD_new();
    if (!bld || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
        goto out;
    params = OSSL_PARAM_BLD_to_param(bld);
    if (!params)
        goto out;
    rc = from_params("RSA", params, out);
    if (!rc && !public_key_valid(*out)) {
        *why = "COSE RSA key is not valid";
        rc = ERR_INVALID_REQUEST;
    }
out:
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(n);
    BN_free(e);
    return rc;
}

/* kty, alg and the key's parameters, checked to agree, into an EVP_PKEY. */
static enum err build(const struct params *p, struct cose_key *out, const char **why)
{
    int64_t kty, alg;

    if (!p->kty || !int_value(p->kty, &kty)) {
        *why = "COSE key without an integer kty";
        return ERR_INVALID_REQUEST;
    }
    if (!p->alg || !int_value(p->alg, &alg)) {
        *why = "COSE key without an integer alg";
        return ERR_INVALID_REQUEST;
    }
    if (kty == KTY_EC2 && alg == COSE_ALG_ES256) {
        out->alg = COSE_ALG_ES256;
        return build_es256(p, &out->pkey, why);
    }
    if (kty == KTY_OKP && alg == COSE_ALG_EDDSA) {
        out->alg = COSE_ALG_EDDSA;
        return build_eddsa(p, &out->pkey, why);
    }
    if (kty == KTY_RSA && alg == COSE_ALG_RS256) {
        out->alg = COSE_ALG_RS256;
        return build_rs256(p, &out->pkey, why);
    }
    *why = "COSE key type or algorithm not supported (ES256, EdDSA, RS256 only)";
    return ERR_INVALID_REQUEST;
}

enum err cose_key_parse(const unsigned char *buf, size_t len, size_t *used, struct cose_key *out,
                        const char **why)
{
    struct params p = {NULL, NULL, NULL, NULL, NULL};
    cbor_item_t *map = NULL;
    enum err rc;

    out->alg = 0;
    out->pkey = NULL;
    *why = NULL;
    rc = cbor_input_load(buf, len, &map, used, why);
    if (rc)
        goto out;
    rc = collect(map, &p, why);
    if (rc)
        goto out;
    rc = build(&p, out, why);
    if (rc && !*why)
        *why = "COSE key could not be made into a public key";
out:
    if (rc) {
        cose_key_clear(out);
        ERR_clear_error();
    }
    if (map)
        cbor_decref(&map);
    return rc;
}
