#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/text.h"

static void copy_fits_or_refuses(void **state)
{
    char dst[4] = "old";

    (void)state;
    assert_true(text_copy(dst, sizeof dst, "abc"));
    assert_string_equal(dst, "abc");
    assert_false(text_copy(dst, sizeof dst, "abcd")); /* no room for the NUL */
    assert_string_equal(dst, "abc");                  /* untouched */
    assert_false(text_copy(dst, sizeof dst, NULL));
    assert_true(text_copy(dst, sizeof dst, ""));
    assert_string_equal(dst, "");
}

static void int_in_decimal(void **state)
{
    static const struct {
        int64_t v;
        const char *text;
    } cases[] = {
        {0, "0"},
        {7, "7"},
        {-7, "-7"},
        {200, "200"},
        {1795000000, "1795000000"},
        {INT64_MAX, "9223372036854775807"},
        {INT64_MIN, "-9223372036854775808"},
    };
    char out[TEXT_INT_SIZE];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memset(out, 'x', sizeof out);
        assert_int_equal(text_int(out, cases[i].v), strlen(cases[i].text));
        assert_string_equal(out, cases[i].text);
    }
}

static void trims_optional_white_space(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {{" \ta b\t ", "a b"}, {"ab", "ab"}, {" \t ", ""}, {"", ""}, {"\ta\n", "a\n"}};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *s = cases[i].in;
        size_t len = strlen(s);

        text_trim_ows(&s, &len);
        assert_int_equal(len, strlen(cases[i].out));
        assert_memory_equal(s, cases[i].out, len);
    }
    assert_true(text_is_ows(' ') && text_is_ows('\t'));
    assert_false(text_is_ows('\n') || text_is_ows('\r') || text_is_ows('\0') || text_is_ows('x'));
}

static void ports_are_1_to_65535(void **state)
{
    static const char *const good[] = {"1", "80", "8000", "65535", "00080"};
    static const char *const bad[] = {"",   "0",   "65536", "99999", "123456",
                                      "-1", "+80", "8o",    " 80"};
    long v = 0;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_true(text_port(good[i], strlen(good[i]), NULL));
    assert_true(text_port("8000x", 4, &v)); /* only n bytes are read */
    assert_int_equal(v, 8000);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(text_port(bad[i], strlen(bad[i]), &v));
}

static void digits_only(void **state)
{
    (void)state;
    assert_true(text_is_digits("0123456789", 10));
    assert_true(text_is_digits("", 0));
    assert_true(text_is_digits("12a", 2)); /* only the n bytes count */
    assert_false(text_is_digits("12a", 3));
    assert_false(text_is_digits("1 2", 3));
    assert_false(text_is_digits("-1", 2));
    assert_false(text_is_digits("1\0", 2));
    assert_false(text_is_digits("\xd9\xa1", 2)); /* ARABIC-INDIC DIGIT ONE */
}

static void has_word(void **state)
{
    (void)state;
    assert_true(text_has_word("openid profile", "profile"));
    assert_true(text_has_word("  openid   email ", "email"));
    assert_false(text_has_word("openid profile", "open"));
    assert_false(text_has_word("openid profile", "openid profile"));
    assert_false(text_has_word("openid", ""));
    assert_false(text_has_word("", "openid"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(has_word),
        cmocka_unit_test(digits_only),
        cmocka_unit_test(copy_fits_or_refuses),
        cmocka_unit_test(int_in_decimal),
        cmocka_unit_test(trims_optional_white_space),
        cmocka_unit_test(ports_are_1_to_65535),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
