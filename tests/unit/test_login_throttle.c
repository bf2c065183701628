#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "oauth/login_throttle.h"

static struct login_throttle *make(size_t capacity)
{
    struct login_throttle *t = NULL;

    assert_int_equal(login_throttle_new(3, 60, capacity, &t), ERR_OK);
    return t;
}

/* times attempts that each go ahead and fail */
static void fail_n(struct login_throttle *t, const char *account, const char *address, int64_t now,
                   int times)
{
    while (times-- > 0) {
        assert_int_equal(login_throttle_begin(t, account, address, now), 0);
        login_throttle_end(t, account, address, now, LOGIN_FAILED);
    }
}

static void succeed(struct login_throttle *t, const char *account, const char *address, int64_t now)
{
    assert_int_equal(login_throttle_begin(t, account, address, now), 0);
    login_throttle_end(t, account, address, now, LOGIN_SUCCEEDED);
}

static void locks_after_max_failures(void **state)
{
    struct login_throttle *t = make(1024);

    (void)state;
    fail_n(t, "alice", "10.0.0.1", 1000, 3);
    assert_int_equal(login_throttle_begin(t, "alice", "10.0.0.1", 1000), 60);
    assert_int_equal(login_throttle_begin(t, "alice", "10.9.9.9", 1010), 50); /* the account */
    assert_int_equal(login_throttle_begin(t, "bob", "10.0.0.1", 1010), 50);   /* the address */
    succeed(t, "bob", "10.9.9.9", 1010);
    succeed(t, "alice", "10.0.0.1", 1060);
    login_throttle_free(t);
}

/* New limits (a reload) apply to the counters already kept. */
static void new_limits_apply_at_once(void **state)
{
    struct login_throttle *t = make(1024);

    (void)state;
    fail_n(t, "alice", "10.0.0.1", 1000, 1);
    login_throttle_set_limits(t, 2, 10);
    fail_n(t, "alice", "10.0.0.1", 1000, 1);
    assert_int_equal(login_throttle_begin(t, "alice", "10.0.0.1", 1000), 10);
    login_throttle_free(t);
}

/* Requests racing each other: every begun attempt counts as a failure-to-be,
 * so no more than max_failures run before the first one is settled. */
static void concurrent_attempts_are_reserved(void **state)
{
    struct login_throttle *t = make(1024);
    int i;

    (void)state;
    for (i = 0; i < 3; i++)
        assert_int_equal(login_throttle_begin(t, "alice", "10.0.0.1", 1000), 0);
    assert_true(login_throttle_begin(t, "alice", "10.0.0.1", 1000) > 0);
    assert_true(login_throttle_begin(t, "alice", "10.0.0.2", 1000) > 0); /* the account's */
    for (i = 0; i < 3; i++)
        login_throttle_end(t, "alice", "10.0.0.1", 1000, LOGIN_FAILED);
    assert_int_equal(login_throttle_begin(t, "alice", "10.0.0.1", 1000), 60);
    login_throttle_free(t);
}

static void a_success_refunds_its_reservation(void **state)
{
    struct login_throttle *t = make(1024);

    (void)state;
    fail_n(t, "alice", "10.0.0.1", 1000, 2);
    succeed(t, "carol", "10.0.0.1", 1000); /* the address's third attempt: not a failure */
    assert_int_equal(login_throttle_begin(t, "dave", "10.0.0.1", 1000), 0);
    login_throttle_end(t, "dave", "10.0.0.1", 1000, LOGIN_FAILED);
    assert_int_equal(login_throttle_begin(t, "erin", "10.0.0.1", 1000), 60);
    login_throttle_free(t);
}

/* An attempt nothing was decided on (the store failed) gives its
 * reservation back, and neither counts nor resets anything. */
static void an_undecided_attempt_counts_nothing(void **state)
{
    struct login_throttle *t = make(1024);
    int i;

    (void)state;
    fail_n(t, "alice", "10.0.0.1", 1000, 2);
    for (i = 0; i < 10; i++) {
        assert_int_equal(login_throttle_begin(t, "alice", "10.0.0.1", 1000), 0);
        login_throttle_end(t, "alice", "10.0.0.1", 1000, LOGIN_UNDECIDED);
    }
    fail_n(t, "alice", "10.0.0.1", 1000, 1);
    assert_int_equal(login_throttle_begin(t, "alice", "10.0.0.1", 1000), 60);
    login_throttle_free(t);
}

static void lockouts_grow_to_a_cap(void **state)
{
    struct login_throttle *t = make(1024);
    int64_t now = 1000;
    long expect = 60, got = 0;
    int i;

    (void)state;
    for (i = 0; i < 12; i++) {
        fail_n(t, "alice", NULL, now, 3);
        got = login_throttle_begin(t, "alice", NULL, now);
        assert_int_equal(got, expect);
        now += got;
        expect =
            expect * 2 > 60 * LOGIN_LOCKOUT_GROWTH_MAX ? 60 * LOGIN_LOCKOUT_GROWTH_MAX : expect * 2;
    }
    assert_int_equal(got, 60 * LOGIN_LOCKOUT_GROWTH_MAX);
    /* quiet for a whole cap after the lock ends: forgotten, back to the start */
    now += 60 * LOGIN_LOCKOUT_GROWTH_MAX;
    fail_n(t, "alice", NULL, now, 3);
    assert_int_equal(login_throttle_begin(t, "alice", NULL, now), 60);
    login_throttle_free(t);
}

static void success_resets_the_account_not_the_address(void **state)
{
    struct login_throttle *t = make(1024);

    (void)state;
    fail_n(t, "alice", "10.0.0.1", 1000, 2);
    succeed(t, "alice", "10.0.0.3", 1000);
    fail_n(t, "alice", "10.0.0.2", 1000, 2);
    succeed(t, "alice", "10.0.0.4", 1000);
    /* 10.0.0.1 saw 2 failures: one more locks it, whoever it tries */
    fail_n(t, "carol", "10.0.0.1", 1000, 1);
    assert_int_equal(login_throttle_begin(t, NULL, "10.0.0.1", 1000), 60);
    login_throttle_free(t);
}

/* Someone failing alice's password from address after address cannot keep
 * her out of the account from an address she has logged in from. */
static void the_owner_gets_past_an_account_lock(void **state)
{
    struct login_throttle *t = make(1024);

    (void)state;
    succeed(t, "alice", "192.0.2.7", 1000);
    fail_n(t, "alice", "203.0.113.1", 2000, 1);
    fail_n(t, "alice", "203.0.113.2", 2000, 1);
    fail_n(t, "alice", "203.0.113.3", 2000, 1);
    assert_int_equal(login_throttle_begin(t, "alice", "203.0.113.4", 2000), 60);
    succeed(t, "alice", "192.0.2.7", 2000);
    /* but only from there, and only for LOGIN_KNOWN_SECONDS */
    fail_n(t, "alice", "203.0.113.5", 2001, 3);
    assert_int_equal(login_throttle_begin(t, "alice", "198.51.100.1", 2001), 60);
    fail_n(t, "alice", "203.0.113.6", 2000 + LOGIN_KNOWN_SECONDS, 3);
    assert_true(login_throttle_begin(t, "alice", "192.0.2.7", 2000 + LOGIN_KNOWN_SECONDS) > 0);
    login_throttle_free(t);
}

static void case_and_ipv6_host_do_not_make_new_counters(void **state)
{
    struct login_throttle *t = make(1024);

    (void)state;
    fail_n(t, "alice", NULL, 1000, 1);
    fail_n(t, "Alice", NULL, 1000, 1);
    fail_n(t, "ALICE", NULL, 1000, 1);
    assert_int_equal(login_throttle_begin(t, "aLiCe", NULL, 1000), 60);
    fail_n(t, "u1", "2001:db8:1:2::1", 1000, 1);
    fail_n(t, "u2", "2001:db8:1:2:ffff::9", 1000, 1);
    fail_n(t, "u3", "2001:db8:1:2:aaaa:bbbb:cccc:dddd", 1000, 1);
    assert_int_equal(login_throttle_begin(t, "u4", "2001:db8:1:2::77", 1000), 60);
    assert_int_equal(login_throttle_begin(t, "u4", "2001:db8:1:3::77", 1000), 0);
    login_throttle_end(t, "u4", "2001:db8:1:3::77", 1000, LOGIN_SUCCEEDED);
    login_throttle_free(t);
}

static void the_table_stays_bounded(void **state)
{
    struct login_throttle *t = make(16);
    char name[32];
    int i;

    (void)state;
    fail_n(t, "alice", NULL, 1000, 3);
    for (i = 0; i < 10000; i++) {
        snprintf(name, sizeof name, "user%d", i);
        fail_n(t, name, NULL, 999, 1); /* older than alice */
    }
    /* a locked counter, more recent than every other, was not the one forgotten */
    assert_true(login_throttle_begin(t, "alice", NULL, 1001) > 0);
    login_throttle_free(t);
}

/* Without an address (the password grant, whose peer is the client): only
 * the account counts, and a past success is no way past its lock. */
static void no_address_counts_the_account_alone(void **state)
{
    struct login_throttle *t = make(1024);

    (void)state;
    fail_n(t, "mallory", NULL, 1000, 3);
    assert_int_equal(login_throttle_begin(t, "mallory", NULL, 1000), 60);
    succeed(t, "alice", NULL, 1000);
    fail_n(t, "alice", NULL, 1000, 3);
    assert_int_equal(login_throttle_begin(t, "alice", NULL, 1000), 60);
    login_throttle_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(locks_after_max_failures),
        cmocka_unit_test(new_limits_apply_at_once),
        cmocka_unit_test(concurrent_attempts_are_reserved),
        cmocka_unit_test(a_success_refunds_its_reservation),
        cmocka_unit_test(an_undecided_attempt_counts_nothing),
        cmocka_unit_test(lockouts_grow_to_a_cap),
        cmocka_unit_test(success_resets_the_account_not_the_address),
        cmocka_unit_test(the_owner_gets_past_an_account_lock),
        cmocka_unit_test(case_and_ipv6_host_do_not_make_new_counters),
        cmocka_unit_test(the_table_stays_bounded),
        cmocka_unit_test(no_address_counts_the_account_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
