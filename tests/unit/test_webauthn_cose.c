/* COSE keys (jose/cose_key.c) and the CBOR layer under them
 * (core/cbor_input.c, core/byte_cursor.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/bn.h>

#include "core/byte_cursor.h"
#include "core/cbor_input.h"
#include "webauthn_fixture.h"

/* Parses b as a COSE key: the result, and *why on failure. */
static enum err parse(const struct blob *b, const char **why)
{
    struct cose_key k;
    size_t used = 0;
    enum err rc;

    *why = NULL;
    rc = cose_key_parse(b->p, b->n, &used, &k, why);
    if (!rc) {
        assert_int_equal(used, b->n);
        assert_non_null(k.pkey);
    } else {
        assert_null(k.pkey);
        assert_non_null(*why);
    }
    cose_key_clear(&k);
    return rc;
}

static void refused(struct blob b, const char *why_part)
{
    const char *why;

    assert_int_equal(parse(&b, &why), ERR_INVALID_REQUEST);
    if (!strstr(why, why_part))
        fail_msg("reason \"%s\" does not mention \"%s\"", why, why_part);
    blob_free(&b);
}

/* A COSE map of kty, alg, crv and x/y byte strings (len 0: left out). */
static struct blob ec_map(int kty, int alg, int crv, const unsigned char *x, size_t xlen,
                          const unsigned char *y, size_t ylen)
{
    cbor_item_t *map = cbor_new_definite_map(5);

    map_put_int(map, 1, cbor_int(kty));
    map_put_int(map, 3, cbor_int(alg));
    map_put_int(map, -1, cbor_int(crv));
    if (xlen)
        map_put_int(map, -2, cbor_bytes(x, xlen));
    if (ylen)
        map_put_int(map, -3, cbor_bytes(y, ylen));
    return blob_cbor(map);
}

static void p256_point(EVP_PKEY *k, unsigned char point[65])
{
    size_t n = 0;

    assert_int_equal(EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, point, 65, &n), 1);
}

static void each_algorithm_parses_and_verifies(void **state)
{
    static const int algs[] = {COSE_ALG_ES256, COSE_ALG_EDDSA, COSE_ALG_RS256};
    static const unsigned char msg[] = "authenticator data and a hash";
    size_t i;

    (void)state;
    for (i = 0; i < 3; i++) {
        EVP_PKEY *pkey = key_new(algs[i], 2048);
        struct blob cose = cose_of(pkey, algs[i]);
        struct blob m = blob_copy(msg, sizeof(msg));
        struct blob sig = sign_two(pkey, algs[i], &m, NULL, 0);
        struct cose_key k, back;
        unsigned char *der = NULL;
        const char *why = NULL;
        size_t used = 0, der_len = 0;

        assert_int_equal(cose_key_parse(cose.p, cose.n, &used, &k, &why), ERR_OK);
        assert_int_equal(k.alg, algs[i]);
        assert_int_equal(cose_key_verify(&k, m.p, m.n, sig.p, sig.n), ERR_OK);
        /* stored as DER and read back, it still verifies */
        assert_int_equal(cose_key_to_der(&k, &der, &der_len), ERR_OK);
        assert_int_equal(cose_key_from_der(algs[i], der, der_len, &back, &why), ERR_OK);
        assert_int_equal(cose_key_verify(&back, m.p, m.n, sig.p, sig.n), ERR_OK);
        /* one bit of the message or the signature off */
        m.p[0] ^= 1;
        assert_int_equal(cose_key_verify(&back, m.p, m.n, sig.p, sig.n), ERR_ACCESS_DENIED);
        m.p[0] ^= 1;
        sig.p[sig.n - 1] ^= 1;
        assert_int_equal(cose_key_verify(&back, m.p, m.n, sig.p, sig.n), ERR_ACCESS_DENIED);
        /* DER of one algorithm is refused under another */
        cose_key_clear(&back);
        assert_int_equal(cose_key_from_der(algs[(i + 1) % 3], der, der_len, &back, &why),
                         ERR_INVALID_REQUEST);
        assert_null(back.pkey);
        /* nor may anything trail the DER */
        assert_int_equal(cose_key_from_der(algs[i], der, der_len - 1, &back, &why),
                         ERR_INVALID_REQUEST);
        OPENSSL_free(der);
        cose_key_clear(&k);
        cose_key_clear(&back);
        blob_free(&sig);
        blob_free(&m);
        blob_free(&cose);
        EVP_PKEY_free(pkey);
    }
}

static void trailing_bytes_are_left_to_the_caller(void **state)
{
    EVP_PKEY *pkey = key_new(COSE_ALG_ES256, 0);
    struct blob cose = cose_of(pkey, COSE_ALG_ES256);
    unsigned char buf[256];
    struct cose_key k;
    const char *why = NULL;
    size_t used = 0;

    (void)state;
    memcpy(buf, cose.p, cose.n);
    memset(buf + cose.n, 0xa0, 7); /* seven more CBOR items */
    assert_int_equal(cose_key_parse(buf, cose.n + 7, &used, &k, &why), ERR_OK);
    assert_int_equal(used, cose.n);
    cose_key_clear(&k);
    blob_free(&cose);
    EVP_PKEY_free(pkey);
}

static void ec2_keys_are_checked(void **state)
{
    EVP_PKEY *pkey = key_new(COSE_ALG_ES256, 0);
    unsigned char p[65];
    BIGNUM *y;

    (void)state;
    p256_point(pkey, p);
    /* the right shape parses */
    {
        struct blob ok = ec_map(2, -7, 1, p + 1, 32, p + 33, 32);
        const char *why;
        assert_int_equal(parse(&ok, &why), ERR_OK);
        blob_free(&ok);
    }
    refused(ec_map(1, -7, 1, p + 1, 32, p + 33, 32), "not supported");  /* kty OKP */
    refused(ec_map(3, -7, 1, p + 1, 32, p + 33, 32), "not supported");  /* kty RSA */
    refused(ec_map(2, -35, 1, p + 1, 32, p + 33, 32), "not supported"); /* ES384 */
    refused(ec_map(2, -7, 2, p + 1, 32, p + 33, 32), "P-256");          /* crv P-384 */
    refused(ec_map(2, -7, 1, p + 1, 31, p + 33, 32), "32 bytes");
    refused(ec_map(2, -7, 1, p + 1, 32, p + 33, 31), "32 bytes");
    refused(ec_map(2, -7, 1, p + 1, 32, p + 33, 0), "32 bytes"); /* no y */
    refused(ec_map(2, -7, 1, p + 1, 33, p + 33, 32), "32 bytes");
    /* y + 1: off the curve */
    y = BN_bin2bn(p + 33, 32, NULL);
    BN_add_word(y, 1);
    BN_bn2binpad(y, p + 33, 32);
    BN_free(y);
    refused(ec_map(2, -7, 1, p + 1, 32, p + 33, 32), "not on the curve");
    /* (0, 0) */
    memset(p, 0, sizeof(p));
    refused(ec_map(2, -7, 1, p + 1, 32, p + 33, 32), "not on the curve");
    EVP_PKEY_free(pkey);
}

static void okp_keys_are_checked(void **state)
{
    static const unsigned char zero[32], one[32] = {1};
    unsigned char x[32];
    EVP_PKEY *pkey = key_new(COSE_ALG_EDDSA, 0);
    size_t n = sizeof(x);
    const char *why;
    struct blob ok;

    (void)state;
    assert_int_equal(EVP_PKEY_get_raw_public_key(pkey, x, &n), 1);
    ok = ec_map(1, -8, 6, x, 32, NULL, 0);
    assert_int_equal(parse(&ok, &why), ERR_OK);
    blob_free(&ok);
    refused(ec_map(1, -8, 4, x, 32, NULL, 0), "Ed25519"); /* X25519 */
    refused(ec_map(1, -8, 7, x, 32, NULL, 0), "Ed25519"); /* Ed448 */
    refused(ec_map(2, -8, 6, x, 32, NULL, 0), "not supported");
    refused(ec_map(1, -8, 6, x, 31, NULL, 0), "32 bytes");
    refused(ec_map(1, -8, 6, x, 0, NULL, 0), "32 bytes");
    /* points of small order: any signature could pass */
    refused(ec_map(1, -8, 6, zero, 32, NULL, 0), "small order");
    refused(ec_map(1, -8, 6, one, 32, NULL, 0), "small order");
    EVP_PKEY_free(pkey);
}

static struct blob rsa_map(const BIGNUM *n, const unsigned char *e, size_t elen)
{
    cbor_item_t *map = cbor_new_definite_map(4);
    unsigned char buf[1024];
    int len = BN_bn2bin(n, buf);

    map_put_int(map, 1, cbor_int(3));
    map_put_int(map, 3, cbor_int(-257));
    map_put_int(map, -1, cbor_bytes(buf, (size_t)len));
    map_put_int(map, -2, cbor_bytes(e, elen));
    return blob_cbor(map);
}

static void rsa_keys_are_checked(void **state)
{
    static const unsigned char f4[] = {1, 0, 1}, even[] = {1, 0, 0}, nine[9] = {1, 0, 1};
    EVP_PKEY *small = key_new(COSE_ALG_RS256, 1024), *good = key_new(COSE_ALG_RS256, 2048);
    BIGNUM *n = NULL;
    const char *why;
    struct blob ok;

    (void)state;
    assert_int_equal(EVP_PKEY_get_bn_param(good, OSSL_PKEY_PARAM_RSA_N, &n), 1);
    ok = rsa_map(n, f4, 3);
    assert_int_equal(parse(&ok, &why), ERR_OK);
    blob_free(&ok);
    refused(rsa_map(n, even, 3), "exponent");
    refused(rsa_map(n, f4, 0), "sane lengths");
    refused(rsa_map(n, nine, 9), "sane lengths");
    BN_free(n);
    n = NULL;
    assert_int_equal(EVP_PKEY_get_bn_param(small, OSSL_PKEY_PARAM_RSA_N, &n), 1);
    refused(rsa_map(n, f4, 3), "shorter than 2048");
    BN_free(n);
    EVP_PKEY_free(small);
    EVP_PKEY_free(good);
}

static void malformed_maps_are_refused(void **state)
{
    static const unsigned char not_map[] = {0x83, 1, 2, 3};
    static const unsigned char truncated[] = {0xa2, 0x01, 0x02, 0x03};
    static const unsigned char x[32] = {9};
    cbor_item_t *map = cbor_new_definite_map(3);
    const char *why;
    struct blob b;

    (void)state;
    refused(blob_copy(not_map, sizeof(not_map)), "not a definite CBOR map");
    refused(blob_copy(truncated, sizeof(truncated)), "truncated");
    refused(blob_copy("", 0), "truncated");
    /* the same label twice */
    map_put_int(map, 1, cbor_int(1));
    map_put_int(map, 3, cbor_int(-8));
    map_put_int(map, 1, cbor_int(2));
    refused(blob_cbor(map), "repeats");
    /* no alg */
    map = cbor_new_definite_map(3);
    map_put_int(map, 1, cbor_int(1));
    map_put_int(map, -1, cbor_int(6));
    map_put_int(map, -2, cbor_bytes(x, 32));
    refused(blob_cbor(map), "alg");
    /* a text kty */
    map = cbor_new_definite_map(2);
    map_put_int(map, 1, cbor_build_string("OKP"));
    map_put_int(map, 3, cbor_int(-8));
    b = blob_cbor(map);
    assert_int_equal(parse(&b, &why), ERR_INVALID_REQUEST);
    assert_non_null(strstr(why, "kty"));
    blob_free(&b);
}

static enum err load(const unsigned char *p, size_t n, size_t *used, const char **why)
{
    cbor_item_t *item = NULL;
    enum err rc = cbor_input_load(p, n, &item, used, why);

    if (item)
        cbor_decref(&item);
    return rc;
}

static void cbor_claims_are_bounded_by_the_input(void **state)
{
    /* a map of 2^32 - 1 pairs, an array of 2^28: cbor_load would allocate
     * for them before reading an element */
    static const unsigned char huge_map[] = {0xbb, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 1, 2};
    static const unsigned char huge_array[] = {0x9a, 0x10, 0, 0, 0, 1, 2, 3};
    static const unsigned char indefinite[] = {0x9f, 1, 0x82, 2, 3, 0xff, 0xf6};
    static const unsigned char stray_break[] = {0x82, 1, 0xff};
    unsigned char deep[40];
    const char *why = NULL;
    size_t used = 0;

    (void)state;
    assert_int_equal(load(huge_map, sizeof(huge_map), &used, &why), ERR_INVALID_REQUEST);
    assert_string_equal(why, "CBOR map longer than its input");
    assert_int_equal(load(huge_array, sizeof(huge_array), &used, &why), ERR_INVALID_REQUEST);
    assert_string_equal(why, "CBOR array longer than its input");
    /* an indefinite array is measured to its break; what follows is left */
    assert_int_equal(load(indefinite, sizeof(indefinite), &used, &why), ERR_OK);
    assert_int_equal(used, sizeof(indefinite) - 1);
    assert_int_equal(load(stray_break, sizeof(stray_break), &used, &why), ERR_INVALID_REQUEST);
    /* nesting: 16 levels of arrays are fine, 17 are not; tags count too */
    memset(deep, 0x81, sizeof(deep));
    deep[CBOR_INPUT_MAX_DEPTH] = 0;
    assert_int_equal(load(deep, CBOR_INPUT_MAX_DEPTH + 1, &used, &why), ERR_OK);
    memset(deep, 0x81, sizeof(deep));
    deep[CBOR_INPUT_MAX_DEPTH + 1] = 0;
    assert_int_equal(load(deep, CBOR_INPUT_MAX_DEPTH + 2, &used, &why), ERR_INVALID_REQUEST);
    assert_string_equal(why, "CBOR nested too deep");
    memset(deep, 0xc1, sizeof(deep)); /* tag 1, over and over */
    deep[sizeof(deep) - 1] = 0;
    assert_int_equal(load(deep, sizeof(deep), &used, &why), ERR_INVALID_REQUEST);
    assert_string_equal(why, "CBOR nested too deep");
}

static void cursor_reads_never_pass_the_end(void **state)
{
    static const unsigned char buf[] = {0x12, 0x34, 0x56, 0x78, 0x9a};
    struct byte_cursor c;
    const unsigned char *p;
    uint32_t u32;
    uint16_t u16;
    uint8_t u8;

    (void)state;
    byte_cursor_init(&c, buf, sizeof(buf));
    assert_true(byte_cursor_u16be(&c, &u16));
    assert_int_equal(u16, 0x1234);
    assert_false(byte_cursor_u32be(&c, &u32)); /* three left */
    assert_int_equal(c.left, 3);
    assert_false(byte_cursor_take(&c, 4, &p));
    assert_false(byte_cursor_skip(&c, SIZE_MAX));
    assert_true(byte_cursor_u8(&c, &u8));
    assert_int_equal(u8, 0x56);
    assert_true(byte_cursor_u16be(&c, &u16));
    assert_int_equal(u16, 0x789a);
    assert_false(byte_cursor_u8(&c, &u8));
    byte_cursor_init(&c, buf + 1, 4);
    assert_true(byte_cursor_u32be(&c, &u32));
    assert_int_equal(u32, 0x3456789a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_algorithm_parses_and_verifies),
        cmocka_unit_test(trailing_bytes_are_left_to_the_caller),
        cmocka_unit_test(ec2_keys_are_checked),
        cmocka_unit_test(okp_keys_are_checked),
        cmocka_unit_test(rsa_keys_are_checked),
        cmocka_unit_test(malformed_maps_are_refused),
        cmocka_unit_test(cbor_claims_are_bounded_by_the_input),
        cmocka_unit_test(cursor_reads_never_pass_the_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
