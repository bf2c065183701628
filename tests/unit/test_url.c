#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/form.h"
#include "core/url.h"

/* url_encode of s into a fresh string; the caller frees. */
static char *encoded(const char *s, size_t n)
{
    struct buf b;

    buf_init(&b, 4096);
    assert_int_equal(url_encode(&b, s, n), ERR_OK);
    return buf_take(&b);
}

static void encode_keeps_unreserved_only(void **state)
{
    char *e;

    (void)state;
    e = encoded("AZaz09-._~", 10);
    assert_string_equal(e, "AZaz09-._~");
    free(e);
    e = encoded("a b+c&d=e%f/g?h#i", 17);
    assert_string_equal(e, "a%20b%2Bc%26d%3De%25f%2Fg%3Fh%23i");
    free(e);
    e = encoded("\xc3\xa9\x01\x7f\xff", 5);
    assert_string_equal(e, "%C3%A9%01%7F%FF");
    free(e);
    e = encoded("", 0);
    assert_string_equal(e, "");
    free(e);
}

static void encode_reverses_with_form_decode(void **state)
{
    char all[256 - 32], out[sizeof all + 1];
    size_t i, n;
    char *e;

    (void)state;
    for (i = 0; i < sizeof all; i++)
        all[i] = (char)(i + 32 == 0x7f ? 'x' : i + 32);
    e = encoded(all, sizeof all);
    assert_int_equal(form_decode(e, strlen(e), out, &n), ERR_OK);
    assert_int_equal(n, sizeof all);
    assert_memory_equal(out, all, n);
    free(e);
}

static void encode_is_bounded(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 5);
    assert_int_equal(url_encode(&b, "abcde", 5), ERR_OK);
    assert_int_equal(url_encode(&b, "f", 1), ERR_TOO_LARGE);
    buf_free(&b);
    buf_init(&b, 4);
    assert_int_equal(url_encode(&b, "ab ", 3), ERR_TOO_LARGE);
    buf_free(&b);
}

static const struct url_param two[] = {{"code", "a b"}, {"state", "x&y=z"}};

/* base with the two parameters above added at where. */
static char *added(const char *base, enum url_part where)
{
    struct buf b;

    buf_init(&b, 4096);
    assert_int_equal(url_add_params(&b, base, two, 2, where), ERR_OK);
    return buf_take(&b);
}

static void add_params_fits_what_the_uri_holds(void **state)
{
    static const char *const cases[][2] = {
        {"https://rp.example/cb", "https://rp.example/cb?code=a%20b&state=x%26y%3Dz"},
        {"https://rp.example/cb?x=1", "https://rp.example/cb?x=1&code=a%20b&state=x%26y%3Dz"},
        {"https://rp.example/cb?", "https://rp.example/cb?code=a%20b&state=x%26y%3Dz"},
        {"https://rp.example/cb?x=1&", "https://rp.example/cb?x=1&code=a%20b&state=x%26y%3Dz"},
        {"https://rp.example/a?b/c?d", "https://rp.example/a?b/c?d&code=a%20b&state=x%26y%3Dz"},
        {"com.example.app:/cb", "com.example.app:/cb?code=a%20b&state=x%26y%3Dz"},
    };
    size_t i;
    char *u;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        u = added(cases[i][0], URL_QUERY);
        assert_string_equal(u, cases[i][1]);
        free(u);
    }
    u = added("https://rp.example/cb?x=1", URL_FRAGMENT);
    assert_string_equal(u, "https://rp.example/cb?x=1#code=a%20b&state=x%26y%3Dz");
    free(u);
}

static void add_params_skips_absent_values(void **state)
{
    static const struct url_param some[] = {
        {"error", "access_denied"}, {"state", NULL}, {"iss", "http://op"}};
    struct buf b;

    (void)state;
    buf_init(&b, 4096);
    assert_int_equal(url_add_params(&b, "https://rp/cb", some, 3, URL_QUERY), ERR_OK);
    assert_string_equal(b.data, "https://rp/cb?error=access_denied&iss=http%3A%2F%2Fop");
    buf_free(&b);
    buf_init(&b, 4096);
    assert_int_equal(url_add_params(&b, "https://rp/cb", some, 0, URL_QUERY), ERR_OK);
    assert_string_equal(b.data, "https://rp/cb");
    buf_free(&b);
}

static void add_params_refuses_a_fragment_and_overflow(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 4096);
    assert_int_equal(url_add_params(&b, "https://rp/cb#x", two, 2, URL_QUERY), ERR_INVALID_REQUEST);
    buf_free(&b);
    buf_init(&b, 30);
    assert_int_equal(url_add_params(&b, "https://rp/cb", two, 2, URL_QUERY), ERR_TOO_LARGE);
    buf_free(&b);
}

static void parse_cuts_a_uri(void **state)
{
    const char *u = "https://me:pw@RP.example:8443/a/b?x=1&y#frag";
    struct url_parts p;

    (void)state;
    assert_int_equal(url_parse(u, strlen(u), &p), ERR_OK);
    assert_true(url_span_is(p.scheme, "https"));
    assert_true(url_span_is(p.userinfo, "me:pw"));
    assert_true(url_span_is(p.host, "RP.example"));
    assert_false(p.host_is_ipv6);
    assert_true(url_span_is(p.port, "8443"));
    assert_true(url_span_is(p.path, "/a/b"));
    assert_true(url_span_is(p.query, "x=1&y"));
    assert_true(url_span_is(p.fragment, "frag"));

    u = "http://[::1]:51004/cb";
    assert_int_equal(url_parse(u, strlen(u), &p), ERR_OK);
    assert_true(url_span_is(p.host, "::1"));
    assert_true(p.host_is_ipv6);
    assert_true(url_span_is(p.port, "51004"));
    assert_null(p.query.p);
    assert_null(p.userinfo.p);

    u = "http://127.0.0.1";
    assert_int_equal(url_parse(u, strlen(u), &p), ERR_OK);
    assert_true(url_span_is(p.host, "127.0.0.1"));
    assert_null(p.port.p);
    assert_true(url_span_is(p.path, ""));

    u = "com.example.app:/oauth?";
    assert_int_equal(url_parse(u, strlen(u), &p), ERR_OK);
    assert_true(url_span_is(p.scheme, "com.example.app"));
    assert_null(p.host.p);
    assert_true(url_span_is(p.path, "/oauth"));
    assert_true(url_span_is(p.query, ""));
}

static void parse_refuses_what_it_cannot_cut(void **state)
{
    static const char *const bad[] = {
        "",
        ":x",
        "1http://h",
        "/relative",
        "no-colon",
        "http://[::1/cb",
        "http://[zz]/",
        "http://[::1]x/",
        "http://h:8a/",
        "http://h]/",
        "ht tp://h",
    };
    struct url_parts p;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (url_parse(bad[i], strlen(bad[i]), &p) != ERR_INVALID_REQUEST)
            fail_msg("accepted %s", bad[i]);
    /* len bounds the input: the scheme's colon lies past it */
    assert_int_equal(url_parse("http://h", 4, &p), ERR_INVALID_REQUEST);
}

static void scheme_length_reads_rfc3986(void **state)
{
    (void)state;
    assert_int_equal(url_scheme_length("https://x"), 5);
    assert_int_equal(url_scheme_length("a+b-c.d9:x"), 8);
    assert_int_equal(url_scheme_length("9a:x"), 0);
    assert_int_equal(url_scheme_length("abc"), 0);
    assert_int_equal(url_scheme_length(""), 0);
}

static void spans_compare_presence_too(void **state)
{
    struct url_span none = {NULL, 0}, empty = {"", 0}, ab = {"ab", 2}, ab2 = {"abc", 2};

    (void)state;
    assert_true(url_span_equal(none, none));
    assert_false(url_span_equal(none, empty));
    assert_true(url_span_equal(ab, ab2));
    assert_false(url_span_equal(ab, empty));
    assert_false(url_span_is(none, ""));
    assert_true(url_span_is(empty, ""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(encode_keeps_unreserved_only),
        cmocka_unit_test(encode_reverses_with_form_decode),
        cmocka_unit_test(encode_is_bounded),
        cmocka_unit_test(add_params_fits_what_the_uri_holds),
        cmocka_unit_test(add_params_skips_absent_values),
        cmocka_unit_test(add_params_refuses_a_fragment_and_overflow),
        cmocka_unit_test(parse_cuts_a_uri),
        cmocka_unit_test(parse_refuses_what_it_cannot_cut),
        cmocka_unit_test(scheme_length_reads_rfc3986),
        cmocka_unit_test(spans_compare_presence_too),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
