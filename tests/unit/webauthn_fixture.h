/* Helpers for the WebAuthn unit tests: base64url fixtures into bytes, and
 * CBOR built with libcbor for the inputs a real authenticator does not give
 * (bad COSE keys, packed self attestation), signed with keys made here. */
#ifndef OIDCD_TESTS_WEBAUTHN_FIXTURE_H
#define OIDCD_TESTS_WEBAUTHN_FIXTURE_H

#include <cbor.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/b64url.h"
#include "jose/cose_key.h"

struct blob {
    unsigned char *p;
    size_t n;
};

static inline struct blob blob_b64(const char *s)
{
    struct blob b;

    b.p = malloc(strlen(s) * 3 / 4 + 3);
    assert_non_null(b.p);
    assert_int_equal(b64url_decode(s, strlen(s), b.p, &b.n), ERR_OK);
    return b;
}

static inline struct blob blob_copy(const void *p, size_t n)
{
    struct blob b = {malloc(n ? n : 1), n};

    assert_non_null(b.p);
    memcpy(b.p, p, n);
    return b;
}

/* n bytes: the first `have` from p, zeros after */
static inline struct blob blob_grow(const void *p, size_t have, size_t n)
{
    struct blob b = {calloc(1, n ? n : 1), n};

    assert_non_null(b.p);
    memcpy(b.p, p, have < n ? have : n);
    return b;
}

static inline void blob_free(struct blob *b)
{
    free(b->p);
    b->p = NULL;
    b->n = 0;
}

/* item serialized (and released) */
static inline struct blob blob_cbor(cbor_item_t *item)
{
    struct blob b = {NULL, 0};
    size_t cap = 0;

    b.n = cbor_serialize_alloc(item, &b.p, &cap);
    assert_true(b.n > 0);
    cbor_decref(&item);
    return b;
}

/* a CBOR integer of the smallest width, as authenticators write them */
static inline cbor_item_t *cbor_int(int64_t v)
{
    uint64_t u = v >= 0 ? (uint64_t)v : (uint64_t)(-1 - v);
    cbor_item_t *item = u <= 0xff     ? cbor_build_uint8((uint8_t)u)
                        : u <= 0xffff ? cbor_build_uint16((uint16_t)u)
                                      : cbor_build_uint64(u);

    if (v < 0)
        cbor_mark_negint(item);
    return item;
}

static inline void map_put(cbor_item_t *map, cbor_item_t *key, cbor_item_t *value)
{
    assert_true(cbor_map_add(map, (struct cbor_pair){cbor_move(key), cbor_move(value)}));
}

static inline void map_put_int(cbor_item_t *map, int64_t label, cbor_item_t *value)
{
    map_put(map, cbor_int(label), value);
}

static inline cbor_item_t *cbor_bytes(const unsigned char *p, size_t n)
{
    return cbor_build_bytestring(p, n);
}

/* The COSE_Key of a key made here: {1: kty, 3: alg, ...} */
static inline struct blob cose_of(EVP_PKEY *pkey, int alg)
{
    cbor_item_t *map = cbor_new_definite_map(6);
    unsigned char buf[1024];
    size_t n = 0;

    assert_non_null(map);
    if (alg == COSE_ALG_ES256) {
        assert_int_equal(
            EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, buf, sizeof(buf), &n),
            1);
        assert_int_equal(n, 65);
        map_put_int(map, 1, cbor_int(2));
        map_put_int(map, 3, cbor_int(alg));
        map_put_int(map, -1, cbor_int(1));
        map_put_int(map, -2, cbor_bytes(buf + 1, 32));
        map_put_int(map, -3, cbor_bytes(buf + 33, 32));
    } else if (alg == COSE_ALG_EDDSA) {
        n = sizeof(buf);
        assert_int_equal(EVP_PKEY_get_raw_public_key(pkey, buf, &n), 1);
        map_put_int(map, 1, cbor_int(1));
        map_put_int(map, 3, cbor_int(alg));
        map_put_int(map, -1, cbor_int(6));
        map_put_int(map, -2, cbor_bytes(buf, n));
    } else {
        BIGNUM *bn_n = NULL, *bn_e = NULL;
        unsigned char e[8];
        assert_int_equal(EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &bn_n), 1);
        assert_int_equal(EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &bn_e), 1);
        map_put_int(map, 1, cbor_int(3));
        map_put_int(map, 3, cbor_int(alg));
        n = (size_t)BN_bn2bin(bn_n, buf);
        map_put_int(map, -1, cbor_bytes(buf, n));
        n = (size_t)BN_bn2bin(bn_e, e);
        map_put_int(map, -2, cbor_bytes(e, n));
        BN_free(bn_n);
        BN_free(bn_e);
    }
    return blob_cbor(map);
}

static inline EVP_PKEY *key_new(int alg, size_t rsa_bits)
{
    EVP_PKEY *k = alg == COSE_ALG_ES256   ? EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")
                  : alg == COSE_ALG_EDDSA ? EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")
                                          : EVP_PKEY_Q_keygen(NULL, NULL, "RSA", rsa_bits);

    assert_non_null(k);
    return k;
}

/* sig over a || b with pkey under alg */
static inline struct blob sign_two(EVP_PKEY *pkey, int alg, const struct blob *a,
                                   const unsigned char *b, size_t bn)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char *msg = malloc(a->n + bn);
    struct blob sig = {malloc(1024), 1024};

    assert_non_null(ctx);
    memcpy(msg, a->p, a->n);
    if (bn)
        memcpy(msg + a->n, b, bn);
    assert_int_equal(
        EVP_DigestSignInit(ctx, NULL, alg == COSE_ALG_EDDSA ? NULL : EVP_sha256(), NULL, pkey), 1);
    assert_int_equal(EVP_DigestSign(ctx, sig.p, &sig.n, msg, a->n + bn), 1);
    free(msg);
    EVP_MD_CTX_free(ctx);
    return sig;
}

#endif
