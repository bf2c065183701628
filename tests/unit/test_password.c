#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/clock.h"
#include "core/limits.h"
#include "oauth/password.h"

static struct password_policy *policy(long m, long t, long lanes)
{
    struct password_policy *p = NULL;
    struct config cfg = {0};

    cfg.argon2_memory_kib = m;
    cfg.argon2_iterations = t;
    cfg.argon2_parallelism = lanes;
    assert_int_equal(password_policy_new(&cfg, 1, &p), ERR_OK);
    return p;
}

static void hash_then_verify(void **state)
{
    struct password_policy *p = policy(1024, 1, 1);
    char *h = NULL, *h2 = NULL;
    bool rehash = true;

    (void)state;
    assert_int_equal(password_hash(p, "correct horse", 13, &h), ERR_OK);
    assert_true(strncmp(h, "$argon2id$v=19$m=1024,t=1,p=1$", 30) == 0);
    assert_null(strstr(h, "correct horse"));
    assert_int_equal(password_verify(p, h, "correct horse", 13, &rehash), ERR_OK);
    assert_false(rehash);
    assert_int_equal(password_verify(p, h, "correct horsf", 13, &rehash), ERR_ACCESS_DENIED);
    assert_int_equal(password_verify(p, h, "correct hors", 12, &rehash), ERR_ACCESS_DENIED);
    /* a fresh salt each time */
    assert_int_equal(password_hash(p, "correct horse", 13, &h2), ERR_OK);
    assert_string_not_equal(h, h2);
    free(h);
    free(h2);
    password_policy_free(p);
}

static void older_parameters_ask_for_a_rehash(void **state)
{
    struct password_policy *old = policy(1024, 1, 1), *now = policy(2048, 2, 1);
    char *h = NULL;
    bool rehash = false;

    (void)state;
    assert_int_equal(password_hash(old, "pw", 2, &h), ERR_OK);
    assert_int_equal(password_verify(now, h, "pw", 2, &rehash), ERR_OK);
    assert_true(rehash);
    /* no rehash is asked on a wrong password */
    rehash = true;
    assert_int_equal(password_verify(now, h, "px", 2, &rehash), ERR_ACCESS_DENIED);
    assert_false(rehash);
    free(h);
    password_policy_free(old);
    password_policy_free(now);
}

static void bad_inputs_never_match(void **state)
{
    struct password_policy *p = policy(1024, 1, 1);
    static char big[LIMIT_PASSWORD + 2];
    char *h = NULL;
    bool rehash;

    (void)state;
    assert_int_equal(password_hash(p, "", 0, &h), ERR_INVALID_REQUEST);
    memset(big, 'a', sizeof big - 1);
    assert_int_equal(password_hash(p, big, LIMIT_PASSWORD + 1, &h), ERR_INVALID_REQUEST);
    assert_int_equal(password_hash(p, big, LIMIT_PASSWORD, &h), ERR_OK);
    assert_int_equal(password_verify(p, h, big, LIMIT_PASSWORD, &rehash), ERR_OK);
    free(h);
    assert_int_equal(password_verify(p, NULL, "pw", 2, &rehash), ERR_ACCESS_DENIED);
    assert_int_equal(password_verify(p, "pw", "pw", 2, &rehash), ERR_ACCESS_DENIED);
    assert_int_equal(
        password_verify(p, "$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaA", "pw", 2, &rehash),
        ERR_ACCESS_DENIED);
    assert_int_equal(password_verify(p, "$argon2id$v=19$m=1024,t=1,p=1$$", "pw", 2, &rehash),
                     ERR_ACCESS_DENIED);
    password_policy_free(p);
}

/* The dummy costs what a real verification costs (within a wide margin, so
 * a loaded machine does not fail it): a wrong username is not faster. */
static void dummy_costs_a_verification(void **state)
{
    struct password_policy *p = policy(8192, 2, 1);
    double t0, real = 0, dummy = 0;
    char *h = NULL;
    bool rehash;
    int i;

    (void)state;
    assert_int_equal(password_hash(p, "pw", 2, &h), ERR_OK);
    for (i = 0; i < 5; i++) {
        t0 = clock_ms();
        assert_int_equal(password_verify(p, h, "wrong", 5, &rehash), ERR_ACCESS_DENIED);
        real += clock_ms() - t0;
        t0 = clock_ms();
        password_verify_dummy(p, "wrong", 5);
        dummy += clock_ms() - t0;
    }
    assert_true(dummy > real * 0.5 && dummy < real * 2.0);
    free(h);
    password_policy_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hash_then_verify),
        cmocka_unit_test(older_parameters_ask_for_a_rehash),
        cmocka_unit_test(bad_inputs_never_match),
        cmocka_unit_test(dummy_costs_a_verification),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
