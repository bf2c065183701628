/* The second-factor rows of the store, against a temporary SQLite file: the
 * TOTP replay rule and single-use recovery codes, also under racing threads,
 * and that a user's factors go with the user. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <pthread.h>

#include "core/hash.h"
#include "store_fixture.h"

static int setup(void **state)
{
    struct temp_store *t = calloc(1, sizeof *t);

    if (!t || temp_store_open(t) != 0 || temp_store_user(t, "user-1") ||
        temp_store_user(t, "user-2"))
        return -1;
    *state = t;
    return 0;
}

static struct totp_factor make_totp(const char *sub, const char *sealed)
{
    struct totp_factor f = {0};

    snprintf(f.user_sub, sizeof f.user_sub, "%s", sub);
    f.secret_sealed = (unsigned char *)sealed;
    f.secret_sealed_len = strlen(sealed);
    f.last_step = STORE_TOTP_NO_STEP;
    f.created_at = 100;
    return f;
}

static void totp_round_trip(void **state)
{
    struct temp_store *t = *state;
    struct totp_factor f = make_totp("user-1", "sealed-1"), got;

    assert_int_equal(store_totp_get(t->store, "user-1", &got), ERR_NOT_FOUND);
    assert_int_equal(store_totp_put(t->store, &f), ERR_OK);
    assert_int_equal(store_totp_get(t->store, "user-1", &got), ERR_OK);
    assert_string_equal(got.user_sub, "user-1");
    assert_int_equal(got.secret_sealed_len, 8);
    assert_memory_equal(got.secret_sealed, "sealed-1", 8);
    assert_false(got.confirmed);
    assert_int_equal(got.last_step, STORE_TOTP_NO_STEP);
    assert_int_equal(got.created_at, 100);
    assert_int_equal(got.last_used_at, 0);
    totp_factor_clear(&got);
    /* an enrolment started again replaces the secret */
    f = make_totp("user-1", "sealed-two");
    f.created_at = 200;
    assert_int_equal(store_totp_put(t->store, &f), ERR_OK);
    assert_int_equal(store_totp_get(t->store, "user-1", &got), ERR_OK);
    assert_int_equal(got.secret_sealed_len, 10);
    assert_int_equal(got.created_at, 200);
    totp_factor_clear(&got);
    f = make_totp("nobody", "x");
    assert_int_equal(store_totp_put(t->store, &f), ERR_NOT_FOUND);
    assert_int_equal(store_totp_delete(t->store, "user-1"), ERR_OK);
    assert_int_equal(store_totp_delete(t->store, "user-1"), ERR_NOT_FOUND);
    assert_int_equal(store_totp_get(t->store, "user-1", &got), ERR_NOT_FOUND);
}

static void totp_confirm_then_use(void **state)
{
    struct temp_store *t = *state;
    struct totp_factor f = make_totp("user-1", "sealed"), got;

    assert_int_equal(store_totp_put(t->store, &f), ERR_OK);
    /* an unconfirmed secret signs nobody in */
    assert_int_equal(store_totp_use(t->store, "user-1", 10, 300, false), ERR_CONFLICT);
    assert_int_equal(store_totp_use(t->store, "user-1", 10, 300, true), ERR_OK);
    assert_int_equal(store_totp_get(t->store, "user-1", &got), ERR_OK);
    assert_true(got.confirmed);
    assert_int_equal(got.last_step, 10);
    assert_int_equal(got.last_used_at, 300);
    totp_factor_clear(&got);
    /* confirmed once: confirming again matches nothing */
    assert_int_equal(store_totp_use(t->store, "user-1", 11, 330, true), ERR_CONFLICT);
    /* the replay rule: the same step, or an older one, is refused */
    assert_int_equal(store_totp_use(t->store, "user-1", 10, 330, false), ERR_CONFLICT);
    assert_int_equal(store_totp_use(t->store, "user-1", 9, 330, false), ERR_CONFLICT);
    assert_int_equal(store_totp_use(t->store, "user-1", 11, 330, false), ERR_OK);
    assert_int_equal(store_totp_use(t->store, "user-1", 11, 331, false), ERR_CONFLICT);
    assert_int_equal(store_totp_use(t->store, "user-2", 12, 360, false), ERR_CONFLICT);
}

struct totp_racer {
    struct store *store;
    enum err result;
};

static void *totp_race(void *arg)
{
    struct totp_racer *r = arg;

    r->result = store_totp_use(r->store, "user-1", 1000, 500, false);
    return NULL;
}

static void racing_uses_of_one_step_one_wins(void **state)
{
    struct temp_store *t = *state;
    struct totp_factor f = make_totp("user-1", "sealed");
    int round;

    for (round = 0; round < 20; round++) {
        struct totp_racer a = {t->store, ERR_STORE}, b = a;
        pthread_t ta, tb;

        f.confirmed = true;
        assert_int_equal(store_totp_put(t->store, &f), ERR_OK);
        assert_int_equal(pthread_create(&ta, NULL, totp_race, &a), 0);
        assert_int_equal(pthread_create(&tb, NULL, totp_race, &b), 0);
        pthread_join(ta, NULL);
        pthread_join(tb, NULL);
        assert_true((a.result == ERR_OK && b.result == ERR_CONFLICT) ||
                    (a.result == ERR_CONFLICT && b.result == ERR_OK));
    }
}

static void make_hashes(unsigned char (*h)[HASH_LEN], size_t n, const char *prefix)
{
    char text[32];
    size_t i;

    for (i = 0; i < n; i++) {
        snprintf(text, sizeof text, "%s-%zu", prefix, i);
        hash_sha256(text, strlen(text), h[i]);
    }
}

static void recovery_codes_single_use(void **state)
{
    struct temp_store *t = *state;
    unsigned char h[3][HASH_LEN], other[1][HASH_LEN];
    struct recovery_code *list;
    size_t n;

    make_hashes(h, 3, "code");
    make_hashes(other, 1, "other");
    assert_int_equal(store_recovery_codes_replace(t->store, "user-1", h, 3, 100), ERR_OK);
    assert_int_equal(store_recovery_codes_replace(t->store, "user-2", other, 1, 100), ERR_OK);
    assert_int_equal(store_recovery_code_use(t->store, "user-1", h[1], 200), ERR_OK);
    assert_int_equal(store_recovery_code_use(t->store, "user-1", h[1], 201), ERR_NOT_FOUND);
    /* another user's code is not this user's */
    assert_int_equal(store_recovery_code_use(t->store, "user-1", other[0], 202), ERR_NOT_FOUND);
    assert_int_equal(store_recovery_codes_list(t->store, "user-1", &list, &n), ERR_OK);
    assert_int_equal(n, 3);
    assert_memory_equal(list[0].hash, h[0], HASH_LEN);
    assert_int_equal(list[0].used_at, 0);
    assert_int_equal(list[1].used_at, 200);
    assert_int_equal(list[2].created_at, 100);
    free(list);
    /* a new set replaces the old one, used codes included */
    make_hashes(h, 2, "new");
    assert_int_equal(store_recovery_codes_replace(t->store, "user-1", h, 2, 300), ERR_OK);
    assert_int_equal(store_recovery_codes_list(t->store, "user-1", &list, &n), ERR_OK);
    assert_int_equal(n, 2);
    assert_int_equal(list[0].used_at, 0);
    free(list);
    assert_int_equal(store_recovery_codes_replace(t->store, "nobody", h, 2, 300), ERR_NOT_FOUND);
    assert_int_equal(store_recovery_codes_list(t->store, "nobody", &list, &n), ERR_OK);
    assert_int_equal(n, 0);
    free(list);
}

static void factors_go_with_reset_and_user(void **state)
{
    struct temp_store *t = *state;
    struct totp_factor f = make_totp("user-1", "sealed"), got;
    unsigned char h[2][HASH_LEN];
    struct recovery_code *list;
    size_t n;

    make_hashes(h, 2, "code");
    assert_int_equal(store_totp_put(t->store, &f), ERR_OK);
    assert_int_equal(store_recovery_codes_replace(t->store, "user-1", h, 2, 100), ERR_OK);
    assert_int_equal(store_factors_delete(t->store, "user-1"), ERR_OK);
    assert_int_equal(store_factors_delete(t->store, "user-1"), ERR_OK);
    assert_int_equal(store_totp_get(t->store, "user-1", &got), ERR_NOT_FOUND);
    assert_int_equal(store_recovery_codes_list(t->store, "user-1", &list, &n), ERR_OK);
    assert_int_equal(n, 0);
    free(list);

    assert_int_equal(store_totp_put(t->store, &f), ERR_OK);
    assert_int_equal(store_recovery_codes_replace(t->store, "user-1", h, 2, 100), ERR_OK);
    assert_int_equal(store_user_delete(t->store, "user-1"), ERR_OK);
    assert_int_equal(store_totp_get(t->store, "user-1", &got), ERR_NOT_FOUND);
    assert_int_equal(store_recovery_codes_list(t->store, "user-1", &list, &n), ERR_OK);
    assert_int_equal(n, 0);
    free(list);
    /* a user added again under the same sub starts with no factor */
    assert_int_equal(temp_store_user(t, "user-1"), ERR_OK);
    assert_int_equal(store_totp_get(t->store, "user-1", &got), ERR_NOT_FOUND);
}

static void client_require_mfa_round_trip(void **state)
{
    struct temp_store *t = *state;
    struct client c;

    assert_int_equal(temp_store_client(t, "app", false, "authorization_code", "openid"), ERR_OK);
    assert_int_equal(store_client_get(t->store, "app", &c), ERR_OK);
    assert_false(c.require_mfa);
    c.require_mfa = true;
    assert_int_equal(store_client_update(t->store, &c), ERR_OK);
    client_clear(&c);
    assert_int_equal(store_client_get(t->store, "app", &c), ERR_OK);
    assert_true(c.require_mfa);
    client_clear(&c);
}

static struct session make_pending(const char *token, const char *sub, int64_t expires_at)
{
    struct session p = {0};

    hash_sha256(token, strlen(token), p.id_hash);
    p.user_sub = (char *)sub;
    p.amr = "pwd";
    p.auth_time = 100;
    p.created_at = 100;
    p.expires_at = expires_at;
    return p;
}

static void pending_sign_in_is_no_session(void **state)
{
    struct temp_store *t = *state;
    struct session p = make_pending("pending-1", "user-1", 400), got;
    struct user u;
    int64_t removed = 0;

    assert_int_equal(store_pending_insert(t->store, &p), ERR_OK);
    assert_int_equal(store_pending_insert(t->store, &p), ERR_CONFLICT);
    /* never read as a session */
    assert_int_equal(store_session_get(t->store, p.id_hash, &got), ERR_NOT_FOUND);
    assert_int_equal(store_pending_get(t->store, p.id_hash, &got), ERR_OK);
    assert_string_equal(got.user_sub, "user-1");
    assert_string_equal(got.amr, "pwd");
    assert_int_equal(got.auth_time, 100);
    assert_int_equal(got.expires_at, 400);
    session_clear(&got);
    /* one taker only */
    assert_int_equal(store_pending_delete(t->store, p.id_hash), ERR_OK);
    assert_int_equal(store_pending_delete(t->store, p.id_hash), ERR_NOT_FOUND);
    assert_int_equal(store_pending_get(t->store, p.id_hash, &got), ERR_NOT_FOUND);

    p = make_pending("pending-nobody", "nobody", 400);
    assert_int_equal(store_pending_insert(t->store, &p), ERR_NOT_FOUND);
    /* a disabled user's pending sign-in is gone */
    p = make_pending("pending-2", "user-2", 400);
    assert_int_equal(store_pending_insert(t->store, &p), ERR_OK);
    assert_int_equal(store_user_get(t->store, "user-2", &u), ERR_OK);
    u.enabled = false;
    assert_int_equal(store_user_update(t->store, &u), ERR_OK);
    assert_int_equal(store_pending_get(t->store, p.id_hash, &got), ERR_NOT_FOUND);
    assert_int_equal(store_pending_insert(t->store, &p), ERR_NOT_FOUND);
    user_clear(&u);
    /* expired ones are swept */
    p = make_pending("pending-3", "user-1", 400);
    assert_int_equal(store_pending_insert(t->store, &p), ERR_OK);
    assert_int_equal(store_sweep(t->store, 401, &removed), ERR_OK);
    assert_true(removed >= 1);
    assert_int_equal(store_pending_delete(t->store, p.id_hash), ERR_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(totp_round_trip, setup, temp_store_teardown),
        cmocka_unit_test_setup_teardown(totp_confirm_then_use, setup, temp_store_teardown),
        cmocka_unit_test_setup_teardown(racing_uses_of_one_step_one_wins, setup,
                                        temp_store_teardown),
        cmocka_unit_test_setup_teardown(recovery_codes_single_use, setup, temp_store_teardown),
        cmocka_unit_test_setup_teardown(factors_go_with_reset_and_user, setup, temp_store_teardown),
        cmocka_unit_test_setup_teardown(client_require_mfa_round_trip, setup, temp_store_teardown),
        cmocka_unit_test_setup_teardown(pending_sign_in_is_no_session, setup, temp_store_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
