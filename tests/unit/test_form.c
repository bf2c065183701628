#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/form.h"

static void parses_pairs_and_decodes(void **state)
{
    const char body[] = "grant_type=client_credentials&scope=read+add%20x&&empty=&flag";
    struct params p;
    const char *v;

    (void)state;
    assert_int_equal(form_parse(body, strlen(body), &p), ERR_OK);
    assert_int_equal(p.n, 4);
    assert_int_equal(params_get_one(&p, "scope", &v), ERR_OK);
    assert_string_equal(v, "read add x");
    /* RFC 6749 §3.1: sent without a value is as if omitted */
    assert_int_equal(params_get_one(&p, "empty", &v), ERR_OK);
    assert_null(v);
    assert_int_equal(params_get_one(&p, "flag", &v), ERR_OK);
    assert_null(v);
    assert_int_equal(params_get_one(&p, "absent", &v), ERR_OK);
    assert_null(v);
    params_free(&p);
}

static void duplicate_is_an_error_for_get_one(void **state)
{
    const char body[] = "a=1&a=2";
    struct params p;
    const char *v;

    (void)state;
    assert_int_equal(form_parse(body, strlen(body), &p), ERR_OK);
    assert_int_equal(params_get_one(&p, "a", &v), ERR_INVALID_REQUEST);
    params_free(&p);
}

/* An empty occurrence is omitted, so it does not make a duplicate. */
static void empty_value_is_not_a_duplicate(void **state)
{
    const char body[] = "a=&a=2&b&b=3&c=&c";
    struct params p;
    const char *v;

    (void)state;
    assert_int_equal(form_parse(body, strlen(body), &p), ERR_OK);
    assert_int_equal(params_get_one(&p, "a", &v), ERR_OK);
    assert_string_equal(v, "2");
    assert_int_equal(params_get_one(&p, "b", &v), ERR_OK);
    assert_string_equal(v, "3");
    assert_int_equal(params_get_one(&p, "c", &v), ERR_OK);
    assert_null(v);
    params_free(&p);
}

static void refuses_bad_escapes_and_controls(void **state)
{
    static const char *const bad[] = {"a=%", "a=%4", "a=%zz", "a=%00", "a=x%0Ay", "%=1", "a=\x01"};
    struct params p;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(form_parse(bad[i], strlen(bad[i]), &p), ERR_INVALID_REQUEST);
}

static void caps_parameter_count(void **state)
{
    char body[1024];
    size_t at = 0;
    struct params p;
    int i;

    (void)state;
    for (i = 0; i < LIMIT_PARAMS; i++)
        at += (size_t)snprintf(body + at, sizeof body - at, "p%d=1&", i);
    assert_int_equal(form_parse(body, at, &p), ERR_OK);
    assert_int_equal(p.n, LIMIT_PARAMS);
    params_free(&p);
    at += (size_t)snprintf(body + at, sizeof body - at, "one=more");
    assert_int_equal(form_parse(body, at, &p), ERR_INVALID_REQUEST);
}

static void keeps_utf8(void **state)
{
    const char body[] = "name=caf%C3%A9";
    struct params p;
    const char *v;

    (void)state;
    assert_int_equal(form_parse(body, strlen(body), &p), ERR_OK);
    params_get_one(&p, "name", &v);
    assert_string_equal(v, "caf\xc3\xa9");
    params_free(&p);
}

/* Every byte value at every position of a 24-byte value (so in each lane of
 * the 8-byte steps and in the tail): copied unless it is '+' (a space), '%'
 * (here a bad escape) or a control byte (refused). */
static void decodes_every_byte_at_every_position(void **state)
{
    char in[24], out[32];
    size_t pos, n;
    int b;

    (void)state;
    for (pos = 0; pos < sizeof in; pos++) {
        for (b = 1; b < 256; b++) {
            enum err rc;
            memset(in, 'a', sizeof in);
            in[pos] = (char)b;
            if (b == '%' && pos + 2 < sizeof in)
                in[pos + 1] = 'z'; /* not a hex digit */
            rc = form_decode(in, sizeof in, out, &n);
            if (b < 0x20 || b == 0x7f || b == '%') {
                assert_int_equal(rc, ERR_INVALID_REQUEST);
                continue;
            }
            assert_int_equal(rc, ERR_OK);
            assert_int_equal(n, sizeof in);
            assert_int_equal((unsigned char)out[pos], b == '+' ? ' ' : b);
            assert_int_equal(out[pos ? 0 : 1], 'a');
            assert_int_equal(out[n], '\0');
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_pairs_and_decodes),
        cmocka_unit_test(duplicate_is_an_error_for_get_one),
        cmocka_unit_test(empty_value_is_not_a_duplicate),
        cmocka_unit_test(refuses_bad_escapes_and_controls),
        cmocka_unit_test(caps_parameter_count),
        cmocka_unit_test(keeps_utf8),
        cmocka_unit_test(decodes_every_byte_at_every_position),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
