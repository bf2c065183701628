#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "oauth/pkce.h"

/* RFC 7636 Appendix B */
static const char verifier[] = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
static const char challenge[] = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

static void s256_matches_the_rfc_vector(void **state)
{
    (void)state;
    assert_true(pkce_verify(PKCE_METHOD_S256, challenge, verifier));
    /* one character off either way */
    assert_false(
        pkce_verify(PKCE_METHOD_S256, challenge, "eBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
    assert_false(
        pkce_verify(PKCE_METHOD_S256, "F9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", verifier));
    /* the challenge itself is not a verifier for itself under S256 */
    assert_false(pkce_verify(PKCE_METHOD_S256, challenge, challenge));
}

static void plain_compares_as_is(void **state)
{
    (void)state;
    assert_true(pkce_verify(PKCE_METHOD_PLAIN, verifier, verifier));
    assert_false(pkce_verify(PKCE_METHOD_PLAIN, challenge, verifier));
    assert_false(
        pkce_verify(PKCE_METHOD_PLAIN, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjX", verifier));
}

static void verifier_syntax(void **state)
{
    char s[130];

    (void)state;
    memset(s, 'a', sizeof s);
    assert_false(pkce_syntax_valid(s, 42));
    assert_true(pkce_syntax_valid(s, 43));
    assert_true(pkce_syntax_valid(s, 128));
    assert_false(pkce_syntax_valid(s, 129));
    assert_true(pkce_syntax_valid("-._~AZaz09-._~AZaz09-._~AZaz09-._~AZaz09-._~", 44));
    memcpy(s, "abc+", 4);
    assert_false(pkce_syntax_valid(s, 50));
    memcpy(s, "abc=", 4);
    assert_false(pkce_syntax_valid(s, 50));
    memcpy(s, "ab c", 4);
    assert_false(pkce_syntax_valid(s, 50));
    s[0] = (char)0xc3;
    assert_false(pkce_syntax_valid(s, 50));
    /* a short or malformed verifier never verifies, even against itself */
    assert_false(pkce_verify(PKCE_METHOD_PLAIN, "short", "short"));
    assert_false(pkce_verify(PKCE_METHOD_PLAIN,
                             "a b"
                             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                             "a b"
                             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}

static void methods(void **state)
{
    enum pkce_method m;

    (void)state;
    assert_int_equal(pkce_method_parse("S256", &m), ERR_OK);
    assert_int_equal(m, PKCE_METHOD_S256);
    assert_int_equal(pkce_method_parse("plain", &m), ERR_OK);
    assert_int_equal(m, PKCE_METHOD_PLAIN);
    assert_int_equal(pkce_method_parse("s256", &m), ERR_INVALID_REQUEST);
    assert_int_equal(pkce_method_parse("", &m), ERR_INVALID_REQUEST);
    assert_string_equal(pkce_method_name(PKCE_METHOD_S256), "S256");
    assert_string_equal(pkce_method_name(PKCE_METHOD_PLAIN), "plain");
    assert_false(pkce_verify(PKCE_METHOD_NONE, verifier, verifier));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s256_matches_the_rfc_vector),
        cmocka_unit_test(plain_compares_as_is),
        cmocka_unit_test(verifier_syntax),
        cmocka_unit_test(methods),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
