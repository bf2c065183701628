/* oauth/session_state.c: the origin a browser would give a redirect URI,
 * and session_state's form and hash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/hash.h"
#include "oauth/session_state.h"

static void check_origin(const char *uri, const char *want)
{
    struct buf b;

    buf_init(&b, 4096);
    assert_int_equal(session_state_origin(uri, &b), ERR_OK);
    assert_int_equal(buf_append(&b, "", 1), ERR_OK);
    assert_string_equal(b.data, want);
    buf_free(&b);
}

static void origin_as_a_browser_serialises_it(void **state)
{
    (void)state;
    check_origin("http://127.0.0.1:9/cb", "http://127.0.0.1:9");
    check_origin("HTTPS://App.Example.ORG:443/cb?x=1", "https://app.example.org");
    check_origin("http://rp.example:80/", "http://rp.example");
    check_origin("https://rp.example:8443", "https://rp.example:8443");
    check_origin("http://rp.example:0080/cb", "http://rp.example");
    check_origin("http://[::1]:5000/cb", "http://[::1]:5000");
    check_origin("http://rp.example:/cb", "http://rp.example");
    check_origin("com.example.app:/callback", "com.example.app:");
}

static void origin_refuses_what_does_not_parse(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 4096);
    assert_int_equal(session_state_origin("no scheme", &b), ERR_INVALID_REQUEST);
    assert_int_equal(session_state_origin("http://h:99999/", &b), ERR_INVALID_REQUEST);
    buf_free(&b);
}

static void hex(const unsigned char *in, size_t n, char *out)
{
    size_t i;

    for (i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", in[i]);
}

static void state_is_hash_dot_salt(void **state)
{
    char a[SESSION_STATE_SIZE], b[SESSION_STATE_SIZE], text[512], want[65];
    unsigned char digest[HASH_LEN];

    (void)state;
    assert_int_equal(session_state_compute("app", "http://127.0.0.1:9/cb", "BS", a), ERR_OK);
    assert_int_equal(session_state_compute("app", "http://127.0.0.1:9/cb", "BS", b), ERR_OK);
    assert_int_equal(strlen(a), SESSION_STATE_SIZE - 1);
    assert_int_equal(a[64], '.');
    assert_string_not_equal(a + 65, b + 65); /* a fresh salt each time */
    snprintf(text, sizeof text, "app http://127.0.0.1:9 BS %s", a + 65);
    hash_sha256(text, strlen(text), digest);
    hex(digest, sizeof digest, want);
    assert_memory_equal(a, want, 64);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(origin_as_a_browser_serialises_it),
        cmocka_unit_test(origin_refuses_what_does_not_parse),
        cmocka_unit_test(state_is_hash_dot_salt),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
