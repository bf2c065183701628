#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/limits.h"
#include "http/cookie.h"

static enum err find(const char *s, const char *name, char *out, size_t size)
{
    const char *v;
    size_t n;
    enum err rc = cookie_find(s, strlen(s), name, &v, &n);

    if (!rc)
        snprintf(out, size, "%.*s", (int)n, v);
    return rc;
}

static void finds_pairs(void **state)
{
    char v[64];

    (void)state;
    assert_int_equal(find("a=1; oidcd_csrf=xyz; b=2", "oidcd_csrf", v, sizeof v), ERR_OK);
    assert_string_equal(v, "xyz");
    assert_int_equal(find("a=1;b=2", "b", v, sizeof v), ERR_OK);
    assert_string_equal(v, "2");
    assert_int_equal(find("  a = 1 ;", "a", v, sizeof v), ERR_OK);
    assert_string_equal(v, "1");
    assert_int_equal(find("a=\"q\"", "a", v, sizeof v), ERR_OK);
    assert_string_equal(v, "q");
    assert_int_equal(find("a=", "a", v, sizeof v), ERR_OK);
    assert_string_equal(v, "");
    /* the first of two wins */
    assert_int_equal(find("a=1; a=2", "a", v, sizeof v), ERR_OK);
    assert_string_equal(v, "1");
}

static void misses_and_refusals(void **state)
{
    char v[64], big[LIMIT_COOKIE_HEADER + 2];
    size_t i;

    (void)state;
    assert_int_equal(find("", "a", v, sizeof v), ERR_NOT_FOUND);
    assert_int_equal(find("ab=1; xa=2", "a", v, sizeof v), ERR_NOT_FOUND);
    assert_int_equal(find("a; b=1", "a", v, sizeof v), ERR_NOT_FOUND);
    /* a value with bytes outside cookie-octet is not handed out */
    assert_int_equal(find("a=x\\y", "a", v, sizeof v), ERR_NOT_FOUND);
    assert_int_equal(find("a=x y; a=ok", "a", v, sizeof v), ERR_OK);
    assert_string_equal(v, "ok");
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(find(big, "a", v, sizeof v), ERR_INVALID_REQUEST);
    for (i = 0; i + 4 <= 4 * (LIMIT_COOKIES + 1); i += 4)
        memcpy(big + i, "x=1;", 4);
    big[4 * (LIMIT_COOKIES + 1)] = '\0';
    assert_int_equal(find(big, "a", v, sizeof v), ERR_INVALID_REQUEST);
}

static void formats_set_cookie(void **state)
{
    struct cookie c = {"__Host-oidcd_session", "abc", 86400, "/", true, true, COOKIE_LAX};
    char out[256];

    (void)state;
    assert_int_equal(cookie_format(&c, out, sizeof out), ERR_OK);
    assert_string_equal(out, "__Host-oidcd_session=abc; Max-Age=86400; Path=/; Secure; HttpOnly; "
                             "SameSite=Lax");
    c = (struct cookie){"x", "", 0, NULL, false, false, COOKIE_SAME_SITE_UNSET};
    assert_int_equal(cookie_format(&c, out, sizeof out), ERR_OK);
    assert_string_equal(out, "x=; Max-Age=0");
    c = (struct cookie){"x", "v", -1, "/a", false, false, COOKIE_STRICT};
    assert_int_equal(cookie_format(&c, out, sizeof out), ERR_OK);
    assert_string_equal(out, "x=v; Path=/a; SameSite=Strict");
    assert_int_equal(cookie_format(&c, out, 5), ERR_TOO_LARGE);
    assert_string_equal(out, "");
}

static void refuses_bad_cookies(void **state)
{
    struct cookie c = {"x", "a;b", -1, NULL, false, false, COOKIE_LAX};
    char out[256];

    (void)state;
    assert_int_equal(cookie_format(&c, out, sizeof out), ERR_INVALID_REQUEST);
    c.value = "a\r\nX: y";
    assert_int_equal(cookie_format(&c, out, sizeof out), ERR_INVALID_REQUEST);
    c.value = "ok";
    c.name = "a b";
    assert_int_equal(cookie_format(&c, out, sizeof out), ERR_INVALID_REQUEST);
    c.name = "x";
    c.path = "/; Domain=evil";
    assert_int_equal(cookie_format(&c, out, sizeof out), ERR_INVALID_REQUEST);
    /* __Host- needs Secure and Path=/ */
    c = (struct cookie){"__Host-x", "v", -1, "/", true, false, COOKIE_LAX};
    assert_int_equal(cookie_format(&c, out, sizeof out), ERR_INVALID_REQUEST);
    c.secure = true;
    c.path = "/a";
    assert_int_equal(cookie_format(&c, out, sizeof out), ERR_INVALID_REQUEST);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(finds_pairs),
        cmocka_unit_test(misses_and_refusals),
        cmocka_unit_test(formats_set_cookie),
        cmocka_unit_test(refuses_bad_cookies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
