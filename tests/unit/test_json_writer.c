#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/json_writer.h"

/* Writes {"k": value} and returns the text (caller frees). */
static char *one_string(const char *value)
{
    struct json_writer w;
    size_t len = 0;
    char *text;

    json_writer_begin(&w, 4096);
    json_writer_string(&w, "k", value);
    text = json_writer_finish(&w, &len);
    assert_non_null(text);
    assert_int_equal(len, strlen(text));
    return text;
}

/* The text must parse (jansson, strict) and hold want under "k". */
static void assert_round_trip(const char *text, const char *want)
{
    json_error_t err;
    json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, &err);

    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(doc, "k")), want);
    json_decref(doc);
}

static void writes_members_in_order(void **state)
{
    struct json_writer w;
    size_t len = 0;
    char *text;

    (void)state;
    json_writer_begin(&w, 4096);
    json_writer_bool(&w, "active", true);
    json_writer_string(&w, "token_type", "Bearer");
    json_writer_int(&w, "exp", 1795000000);
    json_writer_int(&w, "neg", INT64_MIN);
    json_writer_bool(&w, "no", false);
    text = json_writer_finish(&w, &len);
    assert_string_equal(text, "{\"active\":true,\"token_type\":\"Bearer\",\"exp\":1795000000,"
                              "\"neg\":-9223372036854775808,\"no\":false}");
    assert_int_equal(len, strlen(text));
    free(text);
}

static void raw_values_go_out_as_given(void **state)
{
    struct json_writer w;
    size_t len = 0;
    char *text;

    (void)state;
    json_writer_begin(&w, 4096);
    json_writer_string(&w, "sub", "u1");
    json_writer_raw(&w, "address", "{\"country\":\"NL\"}", 16);
    json_writer_raw(&w, "email_verified", "true", 4);
    text = json_writer_finish(&w, &len);
    assert_string_equal(
        text, "{\"sub\":\"u1\",\"address\":{\"country\":\"NL\"},\"email_verified\":true}");
    assert_int_equal(len, strlen(text));
    free(text);
}

static void empty_object(void **state)
{
    struct json_writer w;
    size_t len = 1;
    char *text;

    (void)state;
    json_writer_begin(&w, 16);
    text = json_writer_finish(&w, &len);
    assert_string_equal(text, "{}");
    assert_int_equal(len, 2);
    free(text);
}

static void escapes_quotes_backslashes_and_controls(void **state)
{
    const char *in = "a\"b\\c\n\r\t\b\f\x01\x1f/\x7f";
    char *text = one_string(in);

    (void)state;
    assert_string_equal(text, "{\"k\":\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f/\x7f\"}");
    assert_round_trip(text, in);
    free(text);
}

static void keeps_valid_utf8(void **state)
{
    /* 2, 3 and 4 byte sequences: é, €, U+10FFFF */
    const char *in = "caf\xc3\xa9 \xe2\x82\xac \xf4\x8f\xbf\xbf";
    char *text = one_string(in);

    (void)state;
    assert_round_trip(text, in);
    free(text);
}

static void replaces_invalid_utf8(void **state)
{
    static const char *const bad[] = {
        "\x80",             /* lone continuation byte */
        "\xc0\xaf",         /* overlong '/' */
        "\xe0\x80\xaf",     /* overlong, 3 bytes */
        "\xed\xa0\x80",     /* surrogate U+D800 */
        "\xf4\x90\x80\x80", /* past U+10FFFF */
        "\xf5\x80\x80\x80", /* never a lead byte */
        "\xe2\x82",         /* cut short at the end */
        "\xff",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char in[16], *text;
        snprintf(in, sizeof in, "x%sy", bad[i]);
        text = one_string(in);
        /* every refused byte becomes one U+FFFD; the text stays valid JSON */
        assert_non_null(strstr(text, "\\ufffd"));
        assert_non_null(strstr(text, "\"x"));
        assert_non_null(strstr(text, "y\"}"));
        free(text);
    }
}

static void over_max_fails_and_sticks(void **state)
{
    struct json_writer w;
    size_t len = 0;
    char big[200];

    (void)state;
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    json_writer_begin(&w, 64);
    json_writer_string(&w, "k", big);
    json_writer_int(&w, "n", 1); /* fits, but the failure sticks */
    assert_null(json_writer_finish(&w, &len));
}

static void null_string_fails(void **state)
{
    struct json_writer w;
    size_t len = 0;

    (void)state;
    json_writer_begin(&w, 64);
    json_writer_string(&w, "k", NULL);
    json_writer_string(&w, "after", "x");
    assert_null(json_writer_finish(&w, &len));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(writes_members_in_order),
        cmocka_unit_test(raw_values_go_out_as_given),
        cmocka_unit_test(empty_object),
        cmocka_unit_test(escapes_quotes_backslashes_and_controls),
        cmocka_unit_test(keeps_valid_utf8),
        cmocka_unit_test(replaces_invalid_utf8),
        cmocka_unit_test(over_max_fails_and_sticks),
        cmocka_unit_test(null_string_fails),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
