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
    assert_int_equal(params_get_one(&p, "empty", &v), ERR_OK);
    assert_string_equal(v, "");
    assert_int_equal(params_get_one(&p, "flag", &v), ERR_OK);
    assert_string_equal(v, "");
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_pairs_and_decodes),
        cmocka_unit_test(duplicate_is_an_error_for_get_one),
        cmocka_unit_test(refuses_bad_escapes_and_controls),
        cmocka_unit_test(caps_parameter_count),
        cmocka_unit_test(keeps_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
