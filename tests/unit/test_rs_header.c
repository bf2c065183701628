/* liboidc-rs: the Bearer Authorization header and scope words. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/limits.h"
#include "rs_internal.h"

static void expect_token(const char *header, const char *want)
{
    const char *tok;
    size_t len;

    assert_int_equal(rs_header_parse(header, &tok, &len), RS_AUTH_BEARER);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(tok, want, len);
}

static void expect_kind(const char *header, enum rs_auth kind)
{
    const char *tok;
    size_t len;

    assert_int_equal(rs_header_parse(header, &tok, &len), kind);
    if (kind != RS_AUTH_BEARER) {
        assert_null(tok);
        assert_int_equal(len, 0);
    }
}

static void takes_the_token(void **state)
{
    (void)state;
    expect_token("Bearer abc.def.ghi", "abc.def.ghi");
    expect_token("Bearer A-Z_a~z+0/9==", "A-Z_a~z+0/9==");
}

static void scheme_is_case_insensitive(void **state)
{
    (void)state;
    expect_token("bearer tok", "tok");
    expect_token("BEARER tok", "tok");
    expect_token("bEaReR tok", "tok");
}

static void allows_extra_spaces(void **state)
{
    (void)state;
    expect_token("Bearer    tok", "tok");
    expect_token("  Bearer tok  ", "tok");
}

static void absent_or_other_scheme_is_no_credentials(void **state)
{
    (void)state;
    expect_kind(NULL, RS_AUTH_NONE);
    expect_kind("", RS_AUTH_NONE);
    expect_kind("   ", RS_AUTH_NONE);
    expect_kind("Basic dXNlcjpwYXNz", RS_AUTH_NONE);
    expect_kind("Bearerx tok", RS_AUTH_NONE);
    expect_kind("Bear tok", RS_AUTH_NONE);
    expect_kind("DPoP tok", RS_AUTH_NONE);
    expect_kind("Bearer\ttok", RS_AUTH_NONE); /* RFC 9110: 1*SP after the scheme */
}

static void missing_token_is_malformed(void **state)
{
    (void)state;
    expect_kind("Bearer", RS_AUTH_MALFORMED);
    expect_kind("Bearer ", RS_AUTH_MALFORMED);
    expect_kind("Bearer     ", RS_AUTH_MALFORMED);
}

static void bad_characters_are_malformed(void **state)
{
    static const char *const bad[] = {
        "Bearer a b",         "Bearer a\tb", "Bearer tok\r\nX: y", "Bearer a\"b",
        "Bearer a,b",         "Bearer =abc", "Bearer ab=c",        "Bearer a;b",
        "Bearer caf\xc3\xa9", "Bearer a\\b", "Bearer a%20b",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_kind(bad[i], RS_AUTH_MALFORMED);
}

static void oversize_token_is_malformed(void **state)
{
    size_t n = strlen("Bearer ") + LIMIT_JWT + 1;
    char *h = malloc(n + 1);

    (void)state;
    assert_non_null(h);
    memcpy(h, "Bearer ", 7);
    memset(h + 7, 'a', LIMIT_JWT);
    h[7 + LIMIT_JWT] = '\0';
    expect_kind(h, RS_AUTH_BEARER); /* exactly the cap is fine */
    h[7 + LIMIT_JWT] = 'a';
    h[n] = '\0';
    expect_kind(h, RS_AUTH_MALFORMED);
    free(h);
}

static void scopes_match_whole_words(void **state)
{
    static const char *const read[] = {"read_books"};
    static const char *const both[] = {"read_books", "add_books"};

    (void)state;
    assert_true(rs_scope_has_all("read_books", read, 1));
    assert_true(rs_scope_has_all("a read_books b", read, 1));
    assert_true(rs_scope_has_all("  add_books   read_books ", both, 2));
    assert_false(rs_scope_has_all("read_books_all", read, 1));
    assert_false(rs_scope_has_all("xread_books", read, 1));
    assert_false(rs_scope_has_all("read", read, 1));
    assert_false(rs_scope_has_all("read_books", both, 2));
    assert_false(rs_scope_has_all("", read, 1));
    assert_false(rs_scope_has_all(NULL, read, 1));
    assert_true(rs_scope_has_all(NULL, NULL, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(takes_the_token),
        cmocka_unit_test(scheme_is_case_insensitive),
        cmocka_unit_test(allows_extra_spaces),
        cmocka_unit_test(absent_or_other_scheme_is_no_credentials),
        cmocka_unit_test(missing_token_is_malformed),
        cmocka_unit_test(bad_characters_are_malformed),
        cmocka_unit_test(oversize_token_is_malformed),
        cmocka_unit_test(scopes_match_whole_words),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
