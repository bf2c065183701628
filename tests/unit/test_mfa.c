/* oauth/mfa.c against a temporary store and a real key-encryption key: a
 * TOTP secret is sealed at rest, confirmed only by a code, a code is taken
 * once (also by racing threads), recovery codes work once, and the acr
 * levels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <pthread.h>

#include "core/clock.h"
#include "core/config.h"
#include "oauth/mfa.h"
#include "store_fixture.h"

struct fixture {
    struct temp_store t;
    struct config cfg;
    struct oauth_ctx ctx;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    char why[256], kek[160];

    if (!f || config_load(&f->cfg, NULL, why, sizeof why) || temp_store_open(&f->t) ||
        temp_store_user(&f->t, "user-1"))
        return -1;
    snprintf(kek, sizeof kek, "%s.kek", f->t.path);
    f->ctx.cfg = &f->cfg;
    f->ctx.store = f->t.store;
    if (keystore_open_kek_file(f->t.store, kek, &f->ctx.keys, why, sizeof why))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    keystore_free(f->ctx.keys);
    temp_store_close(&f->t);
    free(f);
    return 0;
}

static void enrol_confirm_use_once(void **state)
{
    struct fixture *f = *state;
    unsigned char secret[TOTP_SECRET_LEN], opened[TOTP_SECRET_LEN];
    struct totp_factor row;
    struct mfa_status st;
    char code[TOTP_DIGITS + 1];
    int64_t now = clock_now();
    bool confirmed = true;

    assert_int_equal(mfa_totp_enrol(&f->ctx, "user-1", false, secret), ERR_OK);
    /* sealed at rest: the row does not hold the secret */
    assert_int_equal(store_totp_get(f->t.store, "user-1", &row), ERR_OK);
    assert_null(memmem(row.secret_sealed, row.secret_sealed_len, secret, sizeof secret));
    totp_factor_clear(&row);
    assert_int_equal(mfa_totp_secret(&f->ctx, "user-1", &confirmed, opened), ERR_OK);
    assert_false(confirmed);
    assert_memory_equal(opened, secret, sizeof secret);
    assert_int_equal(totp_code(secret, sizeof secret, now, code), ERR_OK);
    /* not confirmed: no sign-in with it */
    assert_int_equal(mfa_totp_check(&f->ctx, "user-1", code, 6, now, false), ERR_NOT_FOUND);
    assert_int_equal(mfa_status_get(&f->ctx, "user-1", &st), ERR_OK);
    assert_false(mfa_status_has_factor(&st));
    assert_int_equal(mfa_totp_check(&f->ctx, "user-1", code, 6, now, true), ERR_OK);
    assert_int_equal(mfa_status_get(&f->ctx, "user-1", &st), ERR_OK);
    assert_true(st.totp_confirmed && mfa_status_has_factor(&st));
    /* the confirming code is spent; the next step's code works, once */
    assert_int_equal(mfa_totp_check(&f->ctx, "user-1", code, 6, now, false), ERR_ACCESS_DENIED);
    assert_int_equal(totp_code(secret, sizeof secret, now + TOTP_PERIOD, code), ERR_OK);
    assert_int_equal(mfa_totp_check(&f->ctx, "user-1", code, 6, now + TOTP_PERIOD, false), ERR_OK);
    assert_int_equal(mfa_totp_check(&f->ctx, "user-1", code, 6, now + TOTP_PERIOD, false),
                     ERR_ACCESS_DENIED);
    assert_int_equal(mfa_totp_check(&f->ctx, "user-1", "12345", 5, now, false), ERR_ACCESS_DENIED);
    assert_int_equal(mfa_totp_check(&f->ctx, "nobody", code, 6, now, false), ERR_NOT_FOUND);
}

struct racer {
    const struct oauth_ctx *ctx;
    const char *code;
    int64_t now;
    enum err result;
};

static void *race(void *arg)
{
    struct racer *r = arg;

    r->result = mfa_totp_check(r->ctx, "user-1", r->code, 6, r->now, false);
    return NULL;
}

static void racing_checks_of_one_code_one_wins(void **state)
{
    struct fixture *f = *state;
    unsigned char secret[TOTP_SECRET_LEN];
    char code[TOTP_DIGITS + 1];
    int64_t now = clock_now();
    int round;

    assert_int_equal(mfa_totp_enrol(&f->ctx, "user-1", true, secret), ERR_OK);
    for (round = 0; round < 10; round++) {
        int64_t at = now + (int64_t)round * TOTP_PERIOD * 3;
        struct racer a = {&f->ctx, code, at, ERR_STORE}, b = a;
        pthread_t ta, tb;

        assert_int_equal(totp_code(secret, sizeof secret, at, code), ERR_OK);
        assert_int_equal(pthread_create(&ta, NULL, race, &a), 0);
        assert_int_equal(pthread_create(&tb, NULL, race, &b), 0);
        pthread_join(ta, NULL);
        pthread_join(tb, NULL);
        assert_true((a.result == ERR_OK && b.result == ERR_ACCESS_DENIED) ||
                    (a.result == ERR_ACCESS_DENIED && b.result == ERR_OK));
    }
}

static void recovery_codes_once(void **state)
{
    struct fixture *f = *state;
    struct recovery_codes codes;
    struct mfa_status st;
    char upper[RECOVERY_CODE_TEXT + 1];
    size_t i;

    assert_int_equal(mfa_recovery_regenerate(&f->ctx, "user-1", 100, &codes), ERR_OK);
    for (i = 0; i <= RECOVERY_CODE_TEXT; i++)
        upper[i] =
            (char)(codes.text[3][i] >= 'a' && codes.text[3][i] <= 'z' ? codes.text[3][i] - 'a' + 'A'
                                                                      : codes.text[3][i]);
    assert_int_equal(mfa_recovery_use(&f->ctx, "user-1", upper, strlen(upper), 200), ERR_OK);
    assert_int_equal(mfa_recovery_use(&f->ctx, "user-1", codes.text[3], strlen(codes.text[3]), 201),
                     ERR_ACCESS_DENIED);
    assert_int_equal(mfa_recovery_use(&f->ctx, "user-1", "nope", 4, 202), ERR_ACCESS_DENIED);
    assert_int_equal(mfa_status_get(&f->ctx, "user-1", &st), ERR_OK);
    assert_int_equal(st.recovery_total, RECOVERY_CODES);
    assert_int_equal(st.recovery_left, RECOVERY_CODES - 1);
    assert_int_equal(st.recovery_last_used_at, 200);
    assert_true(mfa_status_has_factor(&st));
}

static void a_passkey_is_a_factor(void **state)
{
    struct fixture *f = *state;
    unsigned char der[] = {0x30, 0x00};
    struct passkey p = {.cred_id = {1, 2, 3, 4},
                        .cred_id_len = 4,
                        .name = "Passkey",
                        .alg = -7,
                        .public_key_der = der,
                        .public_key_der_len = sizeof der,
                        .fmt = "none",
                        .created_at = 100};
    struct mfa_status st;

    assert_int_equal(mfa_status_get(&f->ctx, "user-1", &st), ERR_OK);
    assert_false(mfa_status_has_factor(&st));
    memcpy(p.user_sub, "user-1", sizeof "user-1");
    assert_int_equal(store_passkey_insert(f->t.store, &p), ERR_OK);
    assert_int_equal(mfa_status_get(&f->ctx, "user-1", &st), ERR_OK);
    assert_int_equal(st.passkeys, 1);
    assert_false(st.totp || st.recovery_total);
    assert_true(mfa_status_has_factor(&st));
}

static void acr_levels(void **state)
{
    enum mfa_level level;

    (void)state;
    assert_int_equal(mfa_level_of_amr("pwd"), MFA_LEVEL_PWD);
    assert_int_equal(mfa_level_of_amr("pwd otp mfa"), MFA_LEVEL_MFA);
    assert_int_equal(mfa_level_of_amr("pwd mfaX"), MFA_LEVEL_PWD);
    assert_int_equal(mfa_level_of_amr(NULL), MFA_LEVEL_PWD);
    /* a passkey: possession of a key bound to the origin, and mfa */
    assert_int_equal(mfa_level_of_amr("hwk user mfa"), MFA_LEVEL_PHR);
    assert_int_equal(mfa_level_of_amr("swk user mfa"), MFA_LEVEL_PHR);
    assert_int_equal(mfa_level_of_amr("pwd hwk user mfa"), MFA_LEVEL_PHR);
    assert_int_equal(mfa_level_of_amr("pwd hwk"), MFA_LEVEL_PWD);
    assert_int_equal(mfa_level_of_amr("pwd hwkX user mfa"), MFA_LEVEL_MFA);
    assert_string_equal(mfa_acr(MFA_LEVEL_PHR), "urn:oidcd:acr:phr");
    assert_string_equal(mfa_acr(MFA_LEVEL_MFA), "urn:oidcd:acr:mfa");
    assert_true(mfa_level_of_acr("urn:oidcd:acr:pwd", &level) && level == MFA_LEVEL_PWD);
    assert_true(mfa_level_of_acr("urn:oidcd:acr:phr", &level) && level == MFA_LEVEL_PHR);
    assert_false(mfa_level_of_acr("urn:oidcd:acr:mfa2", &level));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(enrol_confirm_use_once, setup, teardown),
        cmocka_unit_test_setup_teardown(racing_checks_of_one_code_one_wins, setup, teardown),
        cmocka_unit_test_setup_teardown(recovery_codes_once, setup, teardown),
        cmocka_unit_test_setup_teardown(a_passkey_is_a_factor, setup, teardown),
        cmocka_unit_test(acr_levels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
