#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "oauth/recovery_codes.h"

static bool is_code_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7');
}

static void codes_are_grouped_lower_case_base32(void **state)
{
    struct recovery_codes c;
    size_t i, j;

    (void)state;
    assert_int_equal(recovery_codes_new(&c), ERR_OK);
    for (i = 0; i < RECOVERY_CODES; i++) {
        assert_int_equal(strlen(c.text[i]), 34);
        for (j = 0; j < 34; j++) {
            if (j % 5 == 4)
                assert_int_equal(c.text[i][j], '-');
            else
                assert_true(is_code_char(c.text[i][j]));
        }
    }
}

static void codes_and_hashes_are_unique(void **state)
{
    struct recovery_codes a, b;
    size_t i, j;

    (void)state;
    assert_int_equal(recovery_codes_new(&a), ERR_OK);
    assert_int_equal(recovery_codes_new(&b), ERR_OK);
    for (i = 0; i < RECOVERY_CODES; i++)
        for (j = 0; j < RECOVERY_CODES; j++) {
            if (i != j) {
                assert_string_not_equal(a.text[i], a.text[j]);
                assert_memory_not_equal(a.hash[i], a.hash[j], HASH_LEN);
            }
            assert_string_not_equal(a.text[i], b.text[j]);
        }
}

static void stored_hash_is_of_the_shown_code(void **state)
{
    struct recovery_codes c;
    unsigned char h[HASH_LEN];
    size_t i;

    (void)state;
    assert_int_equal(recovery_codes_new(&c), ERR_OK);
    for (i = 0; i < RECOVERY_CODES; i++) {
        assert_int_equal(recovery_code_hash(c.text[i], strlen(c.text[i]), h), ERR_OK);
        assert_memory_equal(h, c.hash[i], HASH_LEN);
    }
}

#define CODE "abcd-efgh-ijkl-mnop-qrst-uvwx-yz23"

static void typed_forms_normalize_to_one(void **state)
{
    static const char *const same[] = {
        "abcdefghijklmnopqrstuvwxyz23",
        "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23",
        " abcd efgh ijkl mnop qrst uvwx yz23 ",
        "aBcD--eFgH\tijkl-mnop-qrst-uvwx-yz23-",
    };
    unsigned char want[HASH_LEN], h[HASH_LEN];
    size_t i;

    (void)state;
    assert_int_equal(recovery_code_hash(CODE, strlen(CODE), want), ERR_OK);
    for (i = 0; i < sizeof same / sizeof same[0]; i++) {
        assert_int_equal(recovery_code_hash(same[i], strlen(same[i]), h), ERR_OK);
        assert_memory_equal(h, want, HASH_LEN);
    }
    /* one character different: another hash */
    assert_int_equal(recovery_code_hash("abcd-efgh-ijkl-mnop-qrst-uvwx-yz24", 34, h), ERR_OK);
    assert_memory_not_equal(h, want, HASH_LEN);
}

static void malformed_input_is_refused(void **state)
{
    static const char *const bad[] = {
        "",
        "abcd-efgh-ijkl-mnop-qrst-uvwx-yz2",   /* 27 characters */
        "abcd-efgh-ijkl-mnop-qrst-uvwx-yz234", /* 29 */
        "abcd-efgh-ijkl-mnop-qrst-uvwx-yz21",  /* '1' is not base32 */
        "abcd-efgh-ijkl-mnop-qrst-uvwx-yz20",
        "abcd_efgh-ijkl-mnop-qrst-uvwx-yz23",
        "abcd-efgh-ijkl-mnop-qrst-uvwx-yz2\xc3\xa9",
        "abcd-efgh-ijkl-mnop-qrst-uvwx-yz23                                  ", /* > 64 bytes */
    };
    unsigned char h[HASH_LEN];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(recovery_code_hash(bad[i], strlen(bad[i]), h), ERR_INVALID_REQUEST);
    /* a NUL inside the length is no separator */
    assert_int_equal(recovery_code_hash(CODE "\0", sizeof CODE, h), ERR_INVALID_REQUEST);
}

static void verify_names_the_one_index(void **state)
{
    struct recovery_codes c;
    size_t i, idx;
    char upper[RECOVERY_CODE_TEXT + 1];

    (void)state;
    assert_int_equal(recovery_codes_new(&c), ERR_OK);
    for (i = 0; i < RECOVERY_CODES; i++) {
        size_t j;
        for (j = 0; c.text[i][j]; j++)
            upper[j] = (char)(c.text[i][j] >= 'a' && c.text[i][j] <= 'z' ? c.text[i][j] - 32
                                                                         : c.text[i][j]);
        upper[j] = '\0';
        idx = 99;
        assert_int_equal(recovery_code_verify(upper, strlen(upper),
                                              (const unsigned char(*)[HASH_LEN])c.hash,
                                              RECOVERY_CODES, &idx),
                         ERR_OK);
        assert_int_equal(idx, i);
    }
    /* once the caller drops a used code's hash, that code no longer works */
    idx = 99;
    assert_int_equal(recovery_code_verify(c.text[9], strlen(c.text[9]),
                                          (const unsigned char(*)[HASH_LEN])c.hash, 9, &idx),
                     ERR_ACCESS_DENIED);
    assert_int_equal(idx, 99);
    assert_int_equal(recovery_code_verify(CODE, strlen(CODE),
                                          (const unsigned char(*)[HASH_LEN])c.hash, RECOVERY_CODES,
                                          &idx),
                     ERR_ACCESS_DENIED);
    assert_int_equal(recovery_code_verify("nope", 4, (const unsigned char(*)[HASH_LEN])c.hash,
                                          RECOVERY_CODES, &idx),
                     ERR_INVALID_REQUEST);
    assert_int_equal(recovery_code_verify(CODE, strlen(CODE), NULL, 0, &idx), ERR_ACCESS_DENIED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(codes_are_grouped_lower_case_base32),
        cmocka_unit_test(codes_and_hashes_are_unique),
        cmocka_unit_test(stored_hash_is_of_the_shown_code),
        cmocka_unit_test(typed_forms_normalize_to_one),
        cmocka_unit_test(malformed_input_is_refused),
        cmocka_unit_test(verify_names_the_one_index),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
