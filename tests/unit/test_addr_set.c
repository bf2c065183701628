#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/addr_set.h"

static struct addr_set parsed(const char *list)
{
    struct addr_set set;
    const char *hint = "unset";

    assert_int_equal(addr_set_parse(list, &set, &hint), ERR_OK);
    assert_null(hint);
    return set;
}

static void matches_addresses_and_networks(void **state)
{
    struct addr_set set = parsed(" 127.0.0.1, ::1 10.0.0.0/8\t192.168.1.128/25 fd00::/8 ");

    (void)state;
    assert_int_equal(set.n, 5);
    assert_true(addr_set_contains(&set, "127.0.0.1"));
    assert_false(addr_set_contains(&set, "127.0.0.2"));
    assert_true(addr_set_contains(&set, "::1"));
    assert_true(addr_set_contains(&set, "10.255.0.7"));
    assert_false(addr_set_contains(&set, "11.0.0.1"));
    assert_true(addr_set_contains(&set, "192.168.1.200"));
    assert_false(addr_set_contains(&set, "192.168.1.127"));
    assert_true(addr_set_contains(&set, "fd12:3456::1"));
    assert_false(addr_set_contains(&set, "fe80::1"));
    /* an IPv4 peer of a dual-stack socket */
    assert_true(addr_set_contains(&set, "::ffff:10.1.2.3"));
    assert_false(addr_set_contains(&set, "::ffff:11.1.2.3"));
    /* not addresses */
    assert_false(addr_set_contains(&set, ""));
    assert_false(addr_set_contains(&set, "localhost"));
    assert_false(addr_set_contains(&set, "10.0.0.1:80"));
    assert_false(addr_set_contains(&set, "[::1]"));
}

static void empty_set_matches_nothing(void **state)
{
    struct addr_set set = parsed("");

    (void)state;
    assert_int_equal(set.n, 0);
    assert_false(addr_set_contains(&set, "127.0.0.1"));
    set = parsed("0.0.0.0/0");
    assert_true(addr_set_contains(&set, "203.0.113.9"));
    assert_false(addr_set_contains(&set, "2001:db8::1"));
}

static void refuses_malformed_lists(void **state)
{
    static const char *const bad[] = {
        "localhost",     "10.0.0.0/", "10.0.0.0/33", "::/129",      "10.0.0.1/8", "10.0.0.0/8x",
        "10.0.0.0/0008", "1.2.3",     "fd00::1/8",   "10.0.0.0/-1", "256.0.0.1",
    };
    struct addr_set set;
    const char *hint;
    char many[32 * 12 + 16] = "";
    size_t i;

    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        hint = NULL;
        assert_int_equal(addr_set_parse(bad[i], &set, &hint), ERR_CONFIG);
        assert_non_null(hint);
    }
    for (i = 0; i < 33; i++)
        strcat(many, "10.0.0.1 ");
    assert_int_equal(addr_set_parse(many, &set, &hint), ERR_CONFIG);
    assert_non_null(strstr(hint, "too many"));
}

static void forwarded(const struct addr_set *trusted, const char *xff, const char *want)
{
    char out[46];

    addr_forwarded_client(trusted, "127.0.0.1", xff, out, sizeof out);
    assert_string_equal(out, want);
}

static void finds_the_client_a_proxy_forwarded_for(void **state)
{
    struct addr_set trusted = parsed("127.0.0.1 10.0.0.0/8");

    (void)state;
    forwarded(&trusted, NULL, "127.0.0.1");
    forwarded(&trusted, "", "127.0.0.1");
    forwarded(&trusted, "203.0.113.9", "203.0.113.9");
    /* what the client wrote itself stays left of what the proxy appended */
    forwarded(&trusted, "198.51.100.1, 203.0.113.9", "203.0.113.9");
    /* trusted hops are walked past */
    forwarded(&trusted, "198.51.100.1,203.0.113.9 , 10.1.1.1,10.2.2.2", "203.0.113.9");
    /* every hop trusted: the leftmost is the client */
    forwarded(&trusted, "10.3.3.3, 10.1.1.1", "10.3.3.3");
    /* an entry that is no address stops the walk at the last good one */
    forwarded(&trusted, "203.0.113.9, unknown, 10.1.1.1", "10.1.1.1");
    forwarded(&trusted, "203.0.113.9, garbage", "127.0.0.1");
    forwarded(&trusted, "203.0.113.9,", "127.0.0.1");
    /* written one way, whatever way it came */
    forwarded(&trusted, "2001:DB8:0:0::1", "2001:db8::1");
    forwarded(&trusted, "::ffff:203.0.113.9", "203.0.113.9");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matches_addresses_and_networks),
        cmocka_unit_test(empty_set_matches_nothing),
        cmocka_unit_test(refuses_malformed_lists),
        cmocka_unit_test(finds_the_client_a_proxy_forwarded_for),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
