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

/* Only a backend several instances may share says so; a URL's backend is
 * found without a connection. */
static void backends_declare_their_features(void **state)
{
    (void)state;
    assert_false(store_sqlite_ops.features & STORE_SHARED);
    assert_true(store_pg_ops.features & STORE_SHARED);
    assert_int_equal(store_backend_features("sqlite:/var/lib/oidcd/oidcd.db"), 0);
    assert_int_equal(store_backend_features("postgresql://db.example/oidcd"), STORE_SHARED);
    assert_int_equal(store_backend_features("host=db.example dbname=oidcd"), STORE_SHARED);
    assert_int_equal(store_backend_features("mysql://db.example/oidcd"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_backend_has_every_op),
        cmocka_unit_test(a_missing_op_is_found),
        cmocka_unit_test(backends_declare_their_features),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
