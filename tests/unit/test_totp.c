#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/base32.h"
#include "core/rand.h"
#include "jose/kek.h"
#include "oauth/totp.h"

/* RFC 6238 Appendix B and RFC 4226 Appendix D: the SHA-1 key */
static const unsigned char key[] = "12345678901234567890";
#define KEYLEN 20

static const struct {
    int64_t time;
    const char *totp8;
} rfc6238[] = {
    {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
    {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
};

static void rfc6238_sha1_vectors(void **state)
{
    char code[TOTP_DIGITS + 1];
    uint32_t v;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof rfc6238 / sizeof rfc6238[0]; i++) {
        uint64_t step = (uint64_t)totp_step(rfc6238[i].time);
        assert_int_equal(totp_hotp(key, KEYLEN, step, 8, &v), ERR_OK);
        assert_int_equal(v, strtoul(rfc6238[i].totp8, NULL, 10));
        /* the 6-digit code is the same HOTP value cut to 6 digits */
        assert_int_equal(totp_code(key, KEYLEN, rfc6238[i].time, code), ERR_OK);
        assert_string_equal(code, rfc6238[i].totp8 + 2);
    }
}

static void rfc4226_hotp_vectors(void **state)
{
    static const uint32_t hotp[] = {755224, 287082, 359152, 969429, 338314,
                                    254676, 287922, 162583, 399871, 520489};
    uint32_t v;
    uint64_t c;

    (void)state;
    for (c = 0; c < 10; c++) {
        assert_int_equal(totp_hotp(key, KEYLEN, c, 6, &v), ERR_OK);
        assert_int_equal(v, hotp[c]);
    }
    assert_int_equal(totp_hotp(key, KEYLEN, 0, 5, &v), ERR_INVALID_REQUEST);
    assert_int_equal(totp_hotp(key, KEYLEN, 0, 9, &v), ERR_INVALID_REQUEST);
    assert_int_equal(totp_hotp(key, 0, 0, 6, &v), ERR_INVALID_REQUEST);
}

static void code_at(int64_t now, char out[TOTP_DIGITS + 1])
{
    assert_int_equal(totp_code(key, KEYLEN, now, out), ERR_OK);
}

#define NOW 1111111111 /* step 37037037, 1 s into it */

static void window_is_one_step_either_way(void **state)
{
    char code[TOTP_DIGITS + 1];
    int64_t step = totp_step(NOW), got = 0;
    int d;

    (void)state;
    for (d = -1; d <= 1; d++) {
        code_at(NOW + d * TOTP_PERIOD, code);
        assert_int_equal(totp_verify(key, KEYLEN, code, 6, NOW, TOTP_NO_STEP, &got), ERR_OK);
        assert_int_equal(got, step + d);
    }
    for (d = -2; d <= 2; d += 4) {
        code_at(NOW + d * TOTP_PERIOD, code);
        got = 12345;
        assert_int_equal(totp_verify(key, KEYLEN, code, 6, NOW, TOTP_NO_STEP, &got),
                         ERR_ACCESS_DENIED);
        assert_int_equal(got, 12345); /* untouched */
    }
    /* the last second of a step and the first of the next */
    code_at(NOW, code);
    assert_int_equal(
        totp_verify(key, KEYLEN, code, 6, (step + 2) * TOTP_PERIOD - 1, TOTP_NO_STEP, &got),
        ERR_OK);
    assert_int_equal(
        totp_verify(key, KEYLEN, code, 6, (step + 2) * TOTP_PERIOD, TOTP_NO_STEP, &got),
        ERR_ACCESS_DENIED);
}

static void a_code_is_good_once(void **state)
{
    char code[TOTP_DIGITS + 1], older[TOTP_DIGITS + 1], newer[TOTP_DIGITS + 1];
    int64_t last = TOTP_NO_STEP, got;

    (void)state;
    code_at(NOW, code);
    assert_int_equal(totp_verify(key, KEYLEN, code, 6, NOW, last, &last), ERR_OK);
    assert_int_equal(last, totp_step(NOW));
    /* the same code again, at once or later in its window: a replay */
    assert_int_equal(totp_verify(key, KEYLEN, code, 6, NOW, last, &got), ERR_ACCESS_DENIED);
    assert_int_equal(totp_verify(key, KEYLEN, code, 6, NOW + TOTP_PERIOD, last, &got),
                     ERR_ACCESS_DENIED);
    /* the previous step's code, still in the window, is older than the one used */
    code_at(NOW - TOTP_PERIOD, older);
    assert_int_equal(totp_verify(key, KEYLEN, older, 6, NOW, last, &got), ERR_ACCESS_DENIED);
    /* the next step's code is new */
    code_at(NOW + TOTP_PERIOD, newer);
    assert_int_equal(totp_verify(key, KEYLEN, newer, 6, NOW, last, &last), ERR_OK);
    assert_int_equal(last, totp_step(NOW) + 1);
    assert_int_equal(totp_verify(key, KEYLEN, newer, 6, NOW + TOTP_PERIOD, last, &got),
                     ERR_ACCESS_DENIED);
}

static void bad_input_is_refused(void **state)
{
    static const char *const bad[] = {
        "",          "14050",  "1405047", "14050a", " 140504", "140 504",
        "14050\xd9", "-14050", "+14050",  "14050.", "١٤٠٥٠٤",
    };
    char code[TOTP_DIGITS + 1];
    int64_t got;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(totp_verify(key, KEYLEN, bad[i], strlen(bad[i]), NOW, TOTP_NO_STEP, &got),
                         ERR_INVALID_REQUEST);
    /* the length is what counts, not a NUL inside it */
    code_at(NOW, code);
    assert_int_equal(totp_verify(key, KEYLEN, code, 5, NOW, TOTP_NO_STEP, &got),
                     ERR_INVALID_REQUEST);
    assert_int_equal(totp_verify(key, KEYLEN, "050471\0", 7, NOW, TOTP_NO_STEP, &got),
                     ERR_INVALID_REQUEST);
    assert_int_equal(totp_verify(key, KEYLEN, code, 6, -1, TOTP_NO_STEP, &got),
                     ERR_INVALID_REQUEST);
    assert_int_equal(totp_code(key, KEYLEN, -1, code), ERR_INVALID_REQUEST);
    /* a wrong code of the right form */
    code[0] = code[0] == '9' ? '0' : (char)(code[0] + 1);
    assert_int_equal(totp_verify(key, KEYLEN, code, 6, NOW, TOTP_NO_STEP, &got), ERR_ACCESS_DENIED);
}

static void early_steps_do_not_go_negative(void **state)
{
    char code[TOTP_DIGITS + 1];
    int64_t got = -5;

    (void)state;
    code_at(0, code);
    assert_int_equal(totp_verify(key, KEYLEN, code, 6, 10, TOTP_NO_STEP, &got), ERR_OK);
    assert_int_equal(got, 0);
}

static void secrets_are_fresh_160_bits(void **state)
{
    unsigned char a[TOTP_SECRET_LEN], b[TOTP_SECRET_LEN];
    char text[TOTP_SECRET_BASE32_LEN + 1];

    (void)state;
    assert_int_equal(totp_secret_new(a), ERR_OK);
    assert_int_equal(totp_secret_new(b), ERR_OK);
    assert_memory_not_equal(a, b, TOTP_SECRET_LEN);
    assert_int_equal(base32_encoded_len(TOTP_SECRET_LEN), TOTP_SECRET_BASE32_LEN);
    assert_int_equal(base32_encode(a, TOTP_SECRET_LEN, text), TOTP_SECRET_BASE32_LEN);
}

/* What the enrolment step will store: the secret sealed with the
 * key-encryption key, bound to its user, and opened back to a working key. */
static void secret_seals_and_opens_with_the_kek(void **state)
{
    struct kek k, other;
    unsigned char secret[TOTP_SECRET_LEN], *sealed = NULL;
    char *opened = NULL, a[TOTP_DIGITS + 1], b[TOTP_DIGITS + 1];
    size_t sealed_len = 0;

    (void)state;
    assert_int_equal(rand_bytes(k.key, KEK_LEN), ERR_OK);
    assert_int_equal(rand_bytes(other.key, KEK_LEN), ERR_OK);
    assert_int_equal(totp_secret_new(secret), ERR_OK);
    assert_int_equal(kek_seal(&k, "totp:alice", secret, sizeof secret, &sealed, &sealed_len),
                     ERR_OK);
    assert_true(sealed_len > sizeof secret);
    /* kek_open gives no length: the sealing adds a fixed overhead, so the
     * caller tells a 20-byte secret by the sealed length */
    {
        unsigned char *shorter = NULL;
        size_t shorter_len = 0;
        assert_int_equal(
            kek_seal(&k, "totp:alice", secret, sizeof secret - 1, &shorter, &shorter_len), ERR_OK);
        assert_int_equal(sealed_len - shorter_len, 1);
        free(shorter);
    }
    assert_null(memmem(sealed, sealed_len, secret, sizeof secret));
    assert_int_equal(kek_open(&k, "totp:alice", sealed, sealed_len, &opened), ERR_OK);
    assert_memory_equal(opened, secret, sizeof secret);
    assert_int_equal(totp_code(secret, sizeof secret, NOW, a), ERR_OK);
    assert_int_equal(totp_code((unsigned char *)opened, sizeof secret, NOW, b), ERR_OK);
    assert_string_equal(a, b);
    free(opened);
    opened = NULL;
    /* another user's name, another key, or one altered byte: nothing opens */
    assert_int_equal(kek_open(&k, "totp:bob", sealed, sealed_len, &opened), ERR_CRYPTO);
    assert_int_equal(kek_open(&other, "totp:alice", sealed, sealed_len, &opened), ERR_CRYPTO);
    sealed[sealed_len / 2] ^= 1;
    assert_int_equal(kek_open(&k, "totp:alice", sealed, sealed_len, &opened), ERR_CRYPTO);
    assert_null(opened);
    free(sealed);
}

#define URI_PARAMS "&algorithm=SHA1&digits=6&period=30"

static void uri_encodes_label_and_issuer(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 4096);
    assert_int_equal(totp_uri(&b, "Example", "alice", key), ERR_OK);
    assert_string_equal(b.data, "otpauth://totp/Example:alice?secret="
                                "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example" URI_PARAMS);
    buf_free(&b);

    /* a ':' in either name is encoded, so the label splits in one place;
     * so are spaces (%20, never '+'), '&', '?', '#', '/', '@' and UTF-8 */
    buf_init(&b, 4096);
    assert_int_equal(totp_uri(&b, "ACME Co: Login", "j\xc3\xb6rg@x.org/a&b?c#d", key), ERR_OK);
    assert_string_equal(b.data,
                        "otpauth://totp/ACME%20Co%3A%20Login:j%C3%B6rg%40x.org%2Fa%26b%3Fc%23d"
                        "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                        "&issuer=ACME%20Co%3A%20Login" URI_PARAMS);
    buf_free(&b);

    /* no issuer: the account alone, and no issuer parameter */
    buf_init(&b, 4096);
    assert_int_equal(totp_uri(&b, "", "a:b", key), ERR_OK);
    assert_string_equal(b.data,
                        "otpauth://totp/a%3Ab?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" URI_PARAMS);
    buf_free(&b);
}

static void uri_refuses_what_it_cannot_write(void **state)
{
    char long_name[TOTP_LABEL_MAX + 2];
    struct buf b;

    (void)state;
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    buf_init(&b, 8192);
    assert_int_equal(totp_uri(&b, "Example", "", key), ERR_INVALID_REQUEST);
    assert_int_equal(totp_uri(&b, "Example", NULL, key), ERR_INVALID_REQUEST);
    assert_int_equal(totp_uri(&b, "Example", long_name, key), ERR_INVALID_REQUEST);
    assert_int_equal(totp_uri(&b, long_name, "alice", key), ERR_INVALID_REQUEST);
    long_name[TOTP_LABEL_MAX] = '\0';
    assert_int_equal(totp_uri(&b, long_name, long_name, key), ERR_OK);
    buf_free(&b);
    buf_init(&b, 40);
    assert_int_equal(totp_uri(&b, "Example", "alice", key), ERR_TOO_LARGE);
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rfc6238_sha1_vectors),
        cmocka_unit_test(rfc4226_hotp_vectors),
        cmocka_unit_test(window_is_one_step_either_way),
        cmocka_unit_test(a_code_is_good_once),
        cmocka_unit_test(bad_input_is_refused),
        cmocka_unit_test(early_steps_do_not_go_negative),
        cmocka_unit_test(secrets_are_fresh_160_bits),
        cmocka_unit_test(secret_seals_and_opens_with_the_kek),
        cmocka_unit_test(uri_encodes_label_and_issuer),
        cmocka_unit_test(uri_refuses_what_it_cannot_write),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
