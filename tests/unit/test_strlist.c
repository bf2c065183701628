#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/strlist.h"

static void splits_trims_and_joins(void **state)
{
    struct strlist l = {0};
    char *joined;

    (void)state;
    assert_int_equal(strlist_split(&l, " a, b ,,c ", ","), ERR_OK);
    assert_int_equal(l.n, 3);
    assert_true(strlist_contains(&l, "b"));
    assert_false(strlist_contains(&l, " b"));
    joined = strlist_join(&l, "|");
    assert_string_equal(joined, "a|b|c");
    free(joined);
    strlist_free(&l);
}

static void sorts_and_drops_repeats(void **state)
{
    struct strlist l = {0};
    char *joined;

    (void)state;
    strlist_sort_unique(&l); /* empty: nothing to do */
    assert_int_equal(l.n, 0);
    assert_int_equal(strlist_split(&l, "b a c a b b Z", " "), ERR_OK);
    strlist_sort_unique(&l);
    joined = strlist_join(&l, " ");
    assert_string_equal(joined, "Z a b c");
    free(joined);
    strlist_free(&l);
    assert_int_equal(strlist_split(&l, "x x x", " "), ERR_OK);
    strlist_sort_unique(&l);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.items[0], "x");
    strlist_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(splits_trims_and_joins),
        cmocka_unit_test(sorts_and_drops_repeats),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
