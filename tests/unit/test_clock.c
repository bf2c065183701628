#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/clock.h"

/* A deadline from clock_deadline_in and a condition from clock_cond_init
 * count on the same (monotonic) clock: the wait ends when it should, not at
 * once and not in decades. */
static void timed_wait_ends_on_time(void **state)
{
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t cond;
    struct timespec until;
    double start, waited;
    int rc;

    (void)state;
    clock_cond_init(&cond);
    pthread_mutex_lock(&lock);
    start = clock_ms();
    until = clock_deadline_in(100);
    do
        rc = pthread_cond_timedwait(&cond, &lock, &until);
    while (rc == 0); /* a spurious wake-up */
    waited = clock_ms() - start;
    pthread_mutex_unlock(&lock);
    pthread_cond_destroy(&cond);
    assert_int_equal(rc, ETIMEDOUT);
    assert_true(waited >= 90);
    assert_true(waited < 10000);
}

static void deadline_is_normalised(void **state)
{
    struct timespec t = clock_deadline_in(1999);

    (void)state;
    assert_true(t.tv_nsec >= 0 && t.tv_nsec < 1000000000L);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(timed_wait_ends_on_time),
        cmocka_unit_test(deadline_is_normalised),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
