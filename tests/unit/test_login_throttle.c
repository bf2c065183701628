#include <setjmp.h>
#include <stdarg.h>
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

static void fail_n(struct login_throttle *t, const char *account, const char *address, int64_t now,
                   int times)
{
    while (times-- > 0)
        login_throttle_failure(t, account, address, now);
}

static void locks_after_max_failures(void **state)
{
    struct login_throttle *t = make(1024);

    (void)state;
    fail_n(t, "alice", "10.0.0.1", 1000, 2);
    assert_int_equal(login_throttle_check(t, "alice", "10.0.0.1", 1000), 0);
    fail_n(t, "alice", "10.0.0.1", 1000, 1);
    assert_int_equal(login_throttle_check(t, "alice", "10.0.0.1", 1000), 60);
    assert_int_equal(login_throttle_check(t, "alice", "10.9.9.9", 1010), 50); /* the account */
    assert_int_equal(login_throttle_check(t, "bob", "10.0.0.1", 1010), 50);   /* the address */
    assert_int_equal(login_throttle_check(t, "bob", "10.9.9.9", 1010), 0);
    assert_int_equal(login_throttle_check(t, "alice", "10.0.0.1", 1060), 0);
    login_throttle_free(t);
}

static void refused_attempts_do_not_count(void **state)
{
    struct login_throttle *t = make(1024);

    (void)state;
    fail_n(t, "alice", NULL, 1000, 3);
    fail_n(t, "alice", NULL, 1030, 10); /* while locked */
    assert_int_equal(login_throttle_check(t, "alice", NULL, 1060), 0);
    fail_n(t, "alice", NULL, 1060, 2);
    assert_int_equal(login_throttle_check(t, "alice", NULL, 1060), 0);
    login_throttle_free(t);
}

static void lockouts_grow_to_a_cap(void **state)
{
    struct login_throttle *t = make(1024);
    int64_t now = 1000;
    long expect = 60, got;
    int i;

    (void)state;
    for (i = 0; i < 12; i++) {
        fail_n(t, "alice", NULL, now, 3);
        got = login_throttle_check(t, "alice", NULL, now);
        assert_int_equal(got, expect);
        now += got;
        expect =
            expect * 2 > 60 * LOGIN_LOCKOUT_GROWTH_MAX ? 60 * LOGIN_LOCKOUT_GROWTH_MAX : expect * 2;
    }
    assert_int_equal(got, 60 * LOGIN_LOCKOUT_GROWTH_MAX);
    /* quiet for a whole cap after the lock ends: forgotten, back to the start */
    now += 60 * LOGIN_LOCKOUT_GROWTH_MAX;
    fail_n(t, "alice", NULL, now, 3);
    assert_int_equal(login_throttle_check(t, "alice", NULL, now), 60);
    login_throttle_free(t);
}

static void success_resets_the_account(void **state)
{
    struct login_throttle *t = make(1024);

    (void)state;
    fail_n(t, "alice", "10.0.0.1", 1000, 2);
    login_throttle_success(t, "alice");
    fail_n(t, "alice", "10.0.0.2", 1000, 2);
    assert_int_equal(login_throttle_check(t, "alice", NULL, 1000), 0);
    /* but not the address: 10.0.0.1 and 10.0.0.2 each saw 2 */
    fail_n(t, "carol", "10.0.0.1", 1000, 1);
    assert_int_equal(login_throttle_check(t, NULL, "10.0.0.1", 1000), 60);
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
        login_throttle_failure(t, name, NULL, 999); /* older than alice */
    }
    /* a locked counter, more recent than every other, was not the one forgotten */
    assert_true(login_throttle_check(t, "alice", NULL, 1001) > 0);
    login_throttle_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(locks_after_max_failures), cmocka_unit_test(refused_attempts_do_not_count),
        cmocka_unit_test(lockouts_grow_to_a_cap),   cmocka_unit_test(success_resets_the_account),
        cmocka_unit_test(the_table_stays_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
