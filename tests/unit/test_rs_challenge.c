/* liboidc-rs: WWW-Authenticate challenges (RFC 6750 §3). */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rs_internal.h"

static void expect_challenge(const char *realm, const char *error, const char *desc,
                             const char *scope, const char *want)
{
    char *got = rs_challenge_build(realm, error, desc, scope);

    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void bare_realm_without_error(void **state)
{
    (void)state;
    expect_challenge("books", NULL, NULL, NULL, "Bearer realm=\"books\"");
    /* No error means no description or scope either (RFC 6750 §3.1). */
    expect_challenge("books", NULL, "ignored", "ignored", "Bearer realm=\"books\"");
}

static void error_alone(void **state)
{
    (void)state;
    expect_challenge("api", "invalid_token", NULL, NULL,
                     "Bearer realm=\"api\", error=\"invalid_token\"");
}

static void error_with_description(void **state)
{
    (void)state;
    expect_challenge("api", "invalid_token", "the token has expired", NULL,
                     "Bearer realm=\"api\", error=\"invalid_token\", "
                     "error_description=\"the token has expired\"");
}

static void insufficient_scope_names_the_scope(void **state)
{
    (void)state;
    expect_challenge("books", "insufficient_scope", "the token lacks a required scope",
                     "read_books",
                     "Bearer realm=\"books\", error=\"insufficient_scope\", "
                     "error_description=\"the token lacks a required scope\", "
                     "scope=\"read_books\"");
}

static void escapes_quotes_and_backslashes(void **state)
{
    (void)state;
    expect_challenge("a\"b\\c", "invalid_token", "say \"hi\"", NULL,
                     "Bearer realm=\"a\\\"b\\\\c\", error=\"invalid_token\", "
                     "error_description=\"say \\\"hi\\\"\"");
}

static void drops_control_and_non_ascii_bytes(void **state)
{
    (void)state;
    expect_challenge("r\r\nSet-Cookie: x", "invalid_token", "caf\xc3\xa9\x7f", NULL,
                     "Bearer realm=\"rSet-Cookie: x\", error=\"invalid_token\", "
                     "error_description=\"caf\"");
}

static void empty_realm_is_quoted(void **state)
{
    (void)state;
    expect_challenge(NULL, NULL, NULL, NULL, "Bearer realm=\"\"");
}

static void oversize_value_fails_cleanly(void **state)
{
    char *big = malloc(8192);

    (void)state;
    assert_non_null(big);
    memset(big, 'x', 8191);
    big[8191] = '\0';
    assert_null(rs_challenge_build(big, NULL, NULL, NULL));
    free(big);
}

static void joins_scopes(void **state)
{
    static const char *const two[] = {"read_books", "add_books"};
    char *s;

    (void)state;
    s = rs_scope_join(two, 2);
    assert_string_equal(s, "read_books add_books");
    free(s);
    s = rs_scope_join(two, 0);
    assert_string_equal(s, "");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bare_realm_without_error),
        cmocka_unit_test(error_alone),
        cmocka_unit_test(error_with_description),
        cmocka_unit_test(insufficient_scope_names_the_scope),
        cmocka_unit_test(escapes_quotes_and_backslashes),
        cmocka_unit_test(drops_control_and_non_ascii_bytes),
        cmocka_unit_test(empty_realm_is_quoted),
        cmocka_unit_test(oversize_value_fails_cleanly),
        cmocka_unit_test(joins_scopes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
