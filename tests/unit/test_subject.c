/* Pairwise subjects (jose/subject.c): AES-SIV round trips per sector, and
 * the one key every process of a database shares (jose/server_secret.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "jose/server_secret.h"
#include "jose/subject.h"
#include "oauth/client_sector.h"
#include "store_fixture.h"

static const struct kek kek = {{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}};

static void round_trip_per_sector(void **state)
{
    struct temp_store *t = *state;
    struct subject_key k;
    char a[SUBJECT_MAX], b[SUBJECT_MAX], again[SUBJECT_MAX], local[LIMIT_SUB + 1];

    assert_int_equal(subject_key_load(t->store, &kek, &k), ERR_OK);
    assert_int_equal(subject_pairwise(&k, "a.example", "user-1", a), ERR_OK);
    assert_int_equal(subject_pairwise(&k, "b.example", "user-1", b), ERR_OK);
    assert_int_equal(subject_pairwise(&k, "a.example", "user-1", again), ERR_OK);
    assert_string_equal(a, again);
    assert_string_not_equal(a, b);
    assert_null(strstr(a, "user"));
    assert_int_equal(subject_local(&k, "a.example", a, local), ERR_OK);
    assert_string_equal(local, "user-1");
    /* another sector's sub, or an altered one, names nobody */
    assert_int_equal(subject_local(&k, "a.example", b, local), ERR_NOT_FOUND);
    a[3] = a[3] == 'A' ? 'B' : 'A';
    assert_int_equal(subject_local(&k, "a.example", a, local), ERR_NOT_FOUND);
    assert_int_equal(subject_local(&k, "a.example", "", local), ERR_NOT_FOUND);
    assert_int_equal(subject_local(&k, "a.example", "!!", local), ERR_NOT_FOUND);
}

static void longest_sub_fits(void **state)
{
    struct temp_store *t = *state;
    struct subject_key k;
    char sub[LIMIT_SUB + 2], out[SUBJECT_MAX], local[LIMIT_SUB + 1];

    memset(sub, 'x', LIMIT_SUB);
    sub[LIMIT_SUB] = '\0';
    assert_int_equal(subject_key_load(t->store, &kek, &k), ERR_OK);
    assert_int_equal(subject_pairwise(&k, "s", sub, out), ERR_OK);
    assert_int_equal(subject_local(&k, "s", out, local), ERR_OK);
    assert_string_equal(local, sub);
    sub[LIMIT_SUB] = 'x';
    sub[LIMIT_SUB + 1] = '\0';
    assert_int_equal(subject_pairwise(&k, "s", sub, out), ERR_INVALID_REQUEST);
}

static void key_is_made_once_and_sealed(void **state)
{
    struct temp_store *t = *state;
    struct kek other = {{9}};
    struct subject_key one, two;

    assert_int_equal(subject_key_load(t->store, &kek, &one), ERR_OK);
    assert_int_equal(subject_key_load(t->store, &kek, &two), ERR_OK);
    assert_memory_equal(one.key, two.key, SUBJECT_KEY_LEN);
    assert_int_equal(subject_key_load(t->store, &other, &two), ERR_CRYPTO);
}

/* Each server secret is its own (jose/server_secret.h): another name gets
 * another one, sealed so that it does not open as the first. */
static void server_secrets_are_kept_apart_by_name(void **state)
{
    struct temp_store *t = *state;
    unsigned char a[32], b[32], again[32];
    struct subject_key k;

    assert_int_equal(server_secret_load(t->store, &kek, "passkey_signin", a, sizeof a), ERR_OK);
    assert_int_equal(server_secret_load(t->store, &kek, "passkey_signin", again, sizeof again),
                     ERR_OK);
    assert_memory_equal(a, again, sizeof a);
    assert_int_equal(subject_key_load(t->store, &kek, &k), ERR_OK);
    assert_memory_not_equal(a, k.key, sizeof a);
    assert_int_equal(server_secret_load(t->store, &kek, "other", b, sizeof b), ERR_OK);
    assert_memory_not_equal(a, b, sizeof a);
    /* asked for with another length, it is no secret of ours */
    assert_int_equal(server_secret_load(t->store, &kek, "other", b, 16), ERR_CRYPTO);
    assert_int_equal(temp_store_count(t, "SELECT count(*) FROM server_secrets"), 3);
}

/* A host sector and a client's own id never bind in the same bytes, so no
 * host can be chosen to meet a native app's sector. */
static void host_and_client_sectors_are_kept_apart(void **state)
{
    struct client host = {.id = "app1", .sector = "app1"}, own = {.id = "app1"};
    char *a = client_sector_label(&host), *b = client_sector_label(&own);

    (void)state;
    assert_string_equal(a, "host:app1");
    assert_string_equal(b, "client:app1");
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(round_trip_per_sector, temp_store_setup,
                                        temp_store_teardown),
        cmocka_unit_test_setup_teardown(longest_sub_fits, temp_store_setup, temp_store_teardown),
        cmocka_unit_test_setup_teardown(key_is_made_once_and_sealed, temp_store_setup,
                                        temp_store_teardown),
        cmocka_unit_test_setup_teardown(server_secrets_are_kept_apart_by_name, temp_store_setup,
                                        temp_store_teardown),
        cmocka_unit_test(host_and_client_sectors_are_kept_apart),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
