/* Every backend's ops table is complete: an op declared in store.h and
 * left NULL by a backend would crash the first request that needs it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "store/store.h"

extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_pg_ops;

static void every_backend_has_every_op(void **state)
{
    (void)state;
    assert_null(store_ops_missing(&store_sqlite_ops));
    assert_null(store_ops_missing(&store_pg_ops));
}

/* The walk sees a hole anywhere: first, middle and last op. */
static void a_missing_op_is_found(void **state)
{
    struct store_ops ops;

    (void)state;
    memcpy(&ops, &store_pg_ops, sizeof ops);
    ops.open = NULL;
    assert_string_equal(store_ops_missing(&ops), "postgresql");
    memcpy(&ops, &store_pg_ops, sizeof ops);
    ops.consent_revoke = NULL;
    assert_string_equal(store_ops_missing(&ops), "postgresql");
    memcpy(&ops, &store_sqlite_ops, sizeof ops);
    ops.secret_get_or_add = NULL;
    assert_string_equal(store_ops_missing(&ops), "sqlite");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_backend_has_every_op),
        cmocka_unit_test(a_missing_op_is_found),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
