#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "oauth/scope.h"

static void parses_and_dedupes_in_order(void **state)
{
    struct strlist l = {0};

    (void)state;
    assert_int_equal(scope_parse("  b a  b c ", &l), ERR_OK);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.items[0], "b");
    assert_string_equal(l.items[1], "a");
    assert_string_equal(l.items[2], "c");
    strlist_free(&l);
}

static void empty_scope_is_empty_set(void **state)
{
    struct strlist l = {0};

    (void)state;
    assert_int_equal(scope_parse("", &l), ERR_OK);
    assert_int_equal(l.n, 0);
    assert_int_equal(scope_parse("   ", &l), ERR_OK);
    assert_int_equal(l.n, 0);
}

static void refuses_chars_outside_nqchar(void **state)
{
    static const char *const bad[] = {"a\"b", "a\\b", "a\tb", "caf\xc3\xa9", "a\x7f"};
    struct strlist l = {0};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(scope_parse(bad[i], &l), ERR_INVALID_SCOPE);
        strlist_free(&l);
    }
    assert_int_equal(scope_parse("read:books urn:x!#$%&'()*+,-./;<=>?@[]^_`{|}~", &l), ERR_OK);
    assert_int_equal(l.n, 2);
    strlist_free(&l);
}

static void refuses_too_many_tokens(void **state)
{
    struct strlist l = {0};
    char s[1024];
    size_t at = 0;
    int i;

    (void)state;
    for (i = 0; i < 65; i++)
        at += (size_t)snprintf(s + at, sizeof s - at, "s%d ", i);
    assert_int_equal(scope_parse(s, &l), ERR_INVALID_SCOPE);
    strlist_free(&l);
}

static void subset(void **state)
{
    struct strlist a = {0}, b = {0}, empty = {0};

    (void)state;
    scope_parse("read_books", &a);
    scope_parse("read_books add_books", &b);
    assert_true(scope_is_subset(&a, &b));
    assert_false(scope_is_subset(&b, &a));
    assert_true(scope_is_subset(&empty, &a));
    assert_true(scope_is_subset(&b, &b));
    strlist_free(&a);
    strlist_free(&b);
}

static void has_token(void **state)
{
    (void)state;
    assert_true(scope_has("a token_introspection b", "token_introspection"));
    assert_false(scope_has("token_introspection2", "token_introspection"));
    assert_false(scope_has("xtoken_introspection", "token_introspection"));
    assert_false(scope_has("", "a"));
}

static void grants_requested_or_all(void **state)
{
    const char *why = NULL;
    char *out = NULL;

    (void)state;
    assert_int_equal(scope_grant("openid read write", " write  openid write", &out, &why), ERR_OK);
    assert_string_equal(out, "write openid");
    free(out);
    assert_int_equal(scope_grant("openid  read", NULL, &out, &why), ERR_OK);
    assert_string_equal(out, "openid read");
    free(out);
    assert_int_equal(scope_grant("openid read", "", &out, &why), ERR_OK);
    assert_string_equal(out, "openid read");
    free(out);
}

static void refuses_what_is_not_allowed(void **state)
{
    const char *why = NULL;
    char *out = NULL;

    (void)state;
    assert_int_equal(scope_grant("read", "read admin", &out, &why), ERR_INVALID_SCOPE);
    assert_string_equal(why, "scope not registered for the client");
    assert_int_equal(scope_grant("", NULL, &out, &why), ERR_INVALID_SCOPE);
    assert_string_equal(why, "the client has no scope to grant");
    assert_int_equal(scope_grant("read", "re\"ad", &out, &why), ERR_INVALID_SCOPE);
    assert_string_equal(why, "malformed scope");
    assert_null(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_and_dedupes_in_order),
        cmocka_unit_test(empty_scope_is_empty_set),
        cmocka_unit_test(refuses_chars_outside_nqchar),
        cmocka_unit_test(refuses_too_many_tokens),
        cmocka_unit_test(subset),
        cmocka_unit_test(has_token),
        cmocka_unit_test(grants_requested_or_all),
        cmocka_unit_test(refuses_what_is_not_allowed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
