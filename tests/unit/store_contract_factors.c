/* Store contract: second factors (the TOTP replay rule, single-use recovery
 * codes, also under racing threads, each thread on its own connection),
 * pending sign-ins, a client's require_mfa, a refresh family's amr, and the
 * account page's view of a user's sessions. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_contract.h"

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

/* A second enabled user of the case, "what-TAG", into sub. */
static void add_user(struct ct *t, const char *what, char sub[CT_NAME_MAX])
{
    ct_name(t, what, sub, CT_NAME_MAX);
    assert_int_equal(ct_add_user(t, sub, sub), ERR_OK);
}

static void totp_round_trip(void **state)
{
    struct ct *t = *state;
    struct totp_factor f = make_totp(t->user, "sealed-1"), got;
    char nobody[CT_NAME_MAX];

    assert_int_equal(store_totp_get(t->s, t->user, &got), ERR_NOT_FOUND);
    assert_int_equal(store_totp_put(t->s, &f), ERR_OK);
    assert_int_equal(store_totp_get(t->s, t->user, &got), ERR_OK);
    assert_string_equal(got.user_sub, t->user);
    assert_int_equal(got.secret_sealed_len, 8);
    assert_memory_equal(got.secret_sealed, "sealed-1", 8);
    assert_false(got.confirmed);
    assert_int_equal(got.last_step, STORE_TOTP_NO_STEP);
    assert_int_equal(got.created_at, 100);
    assert_int_equal(got.last_used_at, 0);
    totp_factor_clear(&got);
    /* an enrolment started again replaces the secret, and its use */
    assert_int_equal(store_totp_use(t->s, t->user, 5, 150, true), ERR_OK);
    f = make_totp(t->user, "sealed-two");
    f.created_at = 200;
    assert_int_equal(store_totp_put(t->s, &f), ERR_OK);
    assert_int_equal(store_totp_get(t->s, t->user, &got), ERR_OK);
    assert_int_equal(got.secret_sealed_len, 10);
    assert_int_equal(got.created_at, 200);
    assert_false(got.confirmed);
    assert_int_equal(got.last_step, STORE_TOTP_NO_STEP);
    assert_int_equal(got.last_used_at, 0);
    totp_factor_clear(&got);
    CT_NAME(t, "nobody", nobody);
    f = make_totp(nobody, "x");
    assert_int_equal(store_totp_put(t->s, &f), ERR_NOT_FOUND);
    assert_int_equal(store_totp_delete(t->s, t->user), ERR_OK);
    assert_int_equal(store_totp_delete(t->s, t->user), ERR_NOT_FOUND);
    assert_int_equal(store_totp_get(t->s, t->user, &got), ERR_NOT_FOUND);
}

static void totp_confirm_then_use(void **state)
{
    struct ct *t = *state;
    struct totp_factor f = make_totp(t->user, "sealed"), got;
    char other[CT_NAME_MAX];

    add_user(t, "other", other);
    assert_int_equal(store_totp_put(t->s, &f), ERR_OK);
    /* an unconfirmed secret signs nobody in */
    assert_int_equal(store_totp_use(t->s, t->user, 10, 300, false), ERR_CONFLICT);
    assert_int_equal(store_totp_use(t->s, t->user, 10, 300, true), ERR_OK);
    assert_int_equal(store_totp_get(t->s, t->user, &got), ERR_OK);
    assert_true(got.confirmed);
    assert_int_equal(got.last_step, 10);
    assert_int_equal(got.last_used_at, 300);
    totp_factor_clear(&got);
    /* confirmed once: confirming again matches nothing */
    assert_int_equal(store_totp_use(t->s, t->user, 11, 330, true), ERR_CONFLICT);
    /* the replay rule: the same step, or an older one, is refused */
    assert_int_equal(store_totp_use(t->s, t->user, 10, 330, false), ERR_CONFLICT);
    assert_int_equal(store_totp_use(t->s, t->user, 9, 330, false), ERR_CONFLICT);
    assert_int_equal(store_totp_use(t->s, t->user, 11, 330, false), ERR_OK);
    assert_int_equal(store_totp_use(t->s, t->user, 11, 331, false), ERR_CONFLICT);
    /* a user without a secret */
    assert_int_equal(store_totp_use(t->s, other, 12, 360, false), ERR_CONFLICT);
}

struct racer {
    struct store *store;
    const char *sub;
    const unsigned char *hash; /* a recovery code's, or NULL for a TOTP step */
    enum err result;
};

static void *race(void *arg)
{
    struct racer *r = arg;

    if (r->hash)
        r->result = store_recovery_code_use(r->store, r->sub, r->hash, 500);
    else
        r->result = store_totp_use(r->store, r->sub, 1000, 500, false);
    return NULL;
}

/* Two threads (two connections on a server backend) with one code: one
 * wins, the other gets `lost`. */
static void one_of_two_wins(struct ct *t, const unsigned char *hash, enum err lost)
{
    struct racer a = {t->s, t->user, hash, ERR_STORE}, b = a;
    pthread_t ta, tb;

    assert_int_equal(pthread_create(&ta, NULL, race, &a), 0);
    assert_int_equal(pthread_create(&tb, NULL, race, &b), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    assert_true((a.result == ERR_OK && b.result == lost) ||
                (a.result == lost && b.result == ERR_OK));
}

static void make_hashes(const struct ct *t, unsigned char (*h)[HASH_LEN], size_t n,
                        const char *prefix)
{
    char text[32];
    size_t i;

    for (i = 0; i < n; i++) {
        snprintf(text, sizeof text, "%s%zu", prefix, i);
        ct_hash(t, text, h[i]);
    }
}

static void racing_uses_of_one_code_one_wins(void **state)
{
    struct ct *t = *state;
    struct totp_factor f = make_totp(t->user, "sealed");
    unsigned char h[1][HASH_LEN];
    int round;

    f.confirmed = true;
    for (round = 0; round < 20; round++) {
        assert_int_equal(store_totp_put(t->s, &f), ERR_OK);
        one_of_two_wins(t, NULL, ERR_CONFLICT);
        make_hashes(t, h, 1, round % 2 ? "odd" : "even");
        assert_int_equal(store_recovery_codes_replace(t->s, t->user, h, 1, 100), ERR_OK);
        one_of_two_wins(t, h[0], ERR_NOT_FOUND);
    }
}

static void recovery_codes_single_use(void **state)
{
    struct ct *t = *state;
    unsigned char h[3][HASH_LEN], other_h[1][HASH_LEN];
    char other[CT_NAME_MAX], nobody[CT_NAME_MAX];
    struct recovery_code *list;
    size_t n;

    add_user(t, "other", other);
    CT_NAME(t, "nobody", nobody);
    make_hashes(t, h, 3, "code");
    make_hashes(t, other_h, 1, "other");
    assert_int_equal(store_recovery_codes_replace(t->s, t->user, h, 3, 100), ERR_OK);
    assert_int_equal(store_recovery_codes_replace(t->s, other, other_h, 1, 100), ERR_OK);
    assert_int_equal(store_recovery_code_use(t->s, t->user, h[1], 200), ERR_OK);
    assert_int_equal(store_recovery_code_use(t->s, t->user, h[1], 201), ERR_NOT_FOUND);
    /* another user's code is not this user's */
    assert_int_equal(store_recovery_code_use(t->s, t->user, other_h[0], 202), ERR_NOT_FOUND);
    assert_int_equal(store_recovery_codes_list(t->s, t->user, &list, &n), ERR_OK);
    assert_int_equal(n, 3);
    /* oldest first; made in the same second, in the order given */
    assert_memory_equal(list[0].hash, h[0], HASH_LEN);
    assert_memory_equal(list[1].hash, h[1], HASH_LEN);
    assert_memory_equal(list[2].hash, h[2], HASH_LEN);
    assert_int_equal(list[0].used_at, 0);
    assert_int_equal(list[1].used_at, 200);
    assert_int_equal(list[2].created_at, 100);
    free(list);
    /* a new set replaces the old one, used codes included */
    make_hashes(t, h, 2, "new");
    assert_int_equal(store_recovery_codes_replace(t->s, t->user, h, 2, 300), ERR_OK);
    assert_int_equal(store_recovery_codes_list(t->s, t->user, &list, &n), ERR_OK);
    assert_int_equal(n, 2);
    assert_int_equal(list[0].used_at, 0);
    assert_int_equal(list[0].created_at, 300);
    free(list);
    /* no such user: nothing written, the whole replacement undone */
    assert_int_equal(store_recovery_codes_replace(t->s, nobody, h, 2, 300), ERR_NOT_FOUND);
    assert_int_equal(store_recovery_codes_list(t->s, nobody, &list, &n), ERR_OK);
    assert_int_equal(n, 0);
    free(list);
}

static void factors_go_with_reset_and_user(void **state)
{
    struct ct *t = *state;
    struct totp_factor f = make_totp(t->user, "sealed"), got;
    unsigned char h[2][HASH_LEN];
    struct recovery_code *list;
    size_t n;

    make_hashes(t, h, 2, "code");
    assert_int_equal(store_totp_put(t->s, &f), ERR_OK);
    assert_int_equal(store_recovery_codes_replace(t->s, t->user, h, 2, 100), ERR_OK);
    assert_int_equal(store_factors_delete(t->s, t->user), ERR_OK);
    assert_int_equal(store_factors_delete(t->s, t->user), ERR_OK);
    assert_int_equal(store_totp_get(t->s, t->user, &got), ERR_NOT_FOUND);
    assert_int_equal(store_recovery_codes_list(t->s, t->user, &list, &n), ERR_OK);
    assert_int_equal(n, 0);
    free(list);

    assert_int_equal(store_totp_put(t->s, &f), ERR_OK);
    assert_int_equal(store_recovery_codes_replace(t->s, t->user, h, 2, 100), ERR_OK);
    assert_int_equal(store_user_delete(t->s, t->user), ERR_OK);
    assert_int_equal(store_totp_get(t->s, t->user, &got), ERR_NOT_FOUND);
    assert_int_equal(store_recovery_codes_list(t->s, t->user, &list, &n), ERR_OK);
    assert_int_equal(n, 0);
    free(list);
    /* a user added again under the same sub starts with no factor */
    assert_int_equal(ct_add_user(t, t->user, t->user), ERR_OK);
    assert_int_equal(store_totp_get(t->s, t->user, &got), ERR_NOT_FOUND);
}

static void client_require_mfa_round_trip(void **state)
{
    struct ct *t = *state;
    struct client c;

    assert_int_equal(store_client_get(t->s, t->client, &c), ERR_OK);
    assert_false(c.require_mfa);
    c.require_mfa = true;
    assert_int_equal(store_client_update(t->s, &c), ERR_OK);
    client_clear(&c);
    assert_int_equal(store_client_get(t->s, t->client, &c), ERR_OK);
    assert_true(c.require_mfa);
    c.require_mfa = false;
    assert_int_equal(store_client_update(t->s, &c), ERR_OK);
    client_clear(&c);
    assert_int_equal(store_client_get(t->s, t->client, &c), ERR_OK);
    assert_false(c.require_mfa);
    client_clear(&c);
}

static void refresh_family_keeps_the_amr(void **state)
{
    struct ct *t = *state;
    struct refresh_token with, without, got;
    char family[CT_NAME_MAX];

    CT_NAME(t, "fam", family);
    with = ct_refresh(t, "rt-amr", family);
    with.amr = "pwd otp mfa";
    without = ct_refresh(t, "rt-none", family);
    assert_int_equal(store_refresh_token_insert(t->s, &with), ERR_OK);
    assert_int_equal(store_refresh_token_insert(t->s, &without), ERR_OK);
    assert_int_equal(store_refresh_token_get(t->s, with.hash, &got), ERR_OK);
    assert_non_null(got.amr);
    assert_string_equal(got.amr, "pwd otp mfa");
    refresh_token_clear(&got);
    assert_int_equal(store_refresh_token_get(t->s, without.hash, &got), ERR_OK);
    assert_null(got.amr);
    refresh_token_clear(&got);
}

static struct session make_pending(const struct ct *t, const char *what, const char *sub,
                                   int64_t expires_at)
{
    struct session p = {0};

    ct_hash(t, what, p.id_hash);
    p.user_sub = (char *)sub;
    p.amr = "pwd";
    p.auth_time = 100;
    p.created_at = 100;
    p.expires_at = expires_at;
    return p;
}

static void pending_sign_in_is_no_session(void **state)
{
    struct ct *t = *state;
    char other[CT_NAME_MAX], nobody[CT_NAME_MAX];
    struct session p = make_pending(t, "pending1", t->user, 400), got;
    struct user u;
    int64_t removed = 0;

    add_user(t, "other", other);
    CT_NAME(t, "nobody", nobody);
    assert_int_equal(store_pending_insert(t->s, &p), ERR_OK);
    assert_int_equal(store_pending_insert(t->s, &p), ERR_CONFLICT);
    /* never read as a session */
    assert_int_equal(store_session_get(t->s, p.id_hash, &got), ERR_NOT_FOUND);
    assert_int_equal(store_pending_get(t->s, p.id_hash, &got), ERR_OK);
    assert_memory_equal(got.id_hash, p.id_hash, HASH_LEN);
    assert_string_equal(got.user_sub, t->user);
    assert_string_equal(got.amr, "pwd");
    assert_int_equal(got.auth_time, 100);
    assert_int_equal(got.created_at, 100);
    assert_int_equal(got.expires_at, 400);
    session_clear(&got);
    /* one taker only */
    assert_int_equal(store_pending_delete(t->s, p.id_hash), ERR_OK);
    assert_int_equal(store_pending_delete(t->s, p.id_hash), ERR_NOT_FOUND);
    assert_int_equal(store_pending_get(t->s, p.id_hash, &got), ERR_NOT_FOUND);

    p = make_pending(t, "pending-nobody", nobody, 400);
    assert_int_equal(store_pending_insert(t->s, &p), ERR_NOT_FOUND);
    /* a disabled user's pending sign-in is gone */
    p = make_pending(t, "pending2", other, 400);
    assert_int_equal(store_pending_insert(t->s, &p), ERR_OK);
    assert_int_equal(store_user_get(t->s, other, &u), ERR_OK);
    u.enabled = false;
    assert_int_equal(store_user_update(t->s, &u), ERR_OK);
    assert_int_equal(store_pending_get(t->s, p.id_hash, &got), ERR_NOT_FOUND);
    assert_int_equal(store_pending_insert(t->s, &p), ERR_NOT_FOUND);
    user_clear(&u);
    /* expired ones are swept */
    p = make_pending(t, "pending3", t->user, 400);
    assert_int_equal(store_pending_insert(t->s, &p), ERR_OK);
    assert_int_equal(store_sweep(t->s, 401, &removed), ERR_OK);
    assert_true(removed >= 1);
    assert_int_equal(store_pending_delete(t->s, p.id_hash), ERR_NOT_FOUND);
}

static void sessions_of_user_and_ending_them(void **state)
{
    struct ct *t = *state;
    struct session a = ct_session(t, "a", 5000), b = ct_session(t, "b", 5000);
    struct session c = ct_session(t, "c", 5000), old = ct_session(t, "old", 150), got;
    struct session *list;
    size_t n;

    a.address = "192.0.2.1";
    a.browser = "Firefox on Linux";
    b.address = "2001:db8::2";
    b.browser = "Safari on iPhone";
    c.browser = ""; /* none, as for the sessions from before the column */
    b.created_at = 120;
    c.created_at = 120; /* the same second as b, stored after it */
    assert_int_equal(store_session_insert(t->s, &a), ERR_OK);
    assert_int_equal(store_session_insert(t->s, &b), ERR_OK);
    assert_int_equal(store_session_insert(t->s, &c), ERR_OK);
    assert_int_equal(store_session_insert(t->s, &old), ERR_OK);
    /* the live ones at 200, newest first, with where and in what each started */
    assert_int_equal(store_sessions_of_user(t->s, t->user, 200, &list, &n), ERR_OK);
    assert_int_equal(n, 3);
    assert_string_equal(list[0].sid, c.sid);
    assert_null(list[0].address);
    assert_null(list[0].browser);
    assert_string_equal(list[1].sid, b.sid);
    assert_string_equal(list[1].address, "2001:db8::2");
    assert_string_equal(list[1].browser, "Safari on iPhone");
    assert_string_equal(list[2].sid, a.sid);
    assert_string_equal(list[2].address, "192.0.2.1");
    assert_string_equal(list[2].browser, "Firefox on Linux");
    assert_string_equal(list[2].amr, "pwd");
    assert_int_equal(list[2].expires_at, 5000);
    session_list_free(list, n);

    assert_int_equal(store_session_end_for_user(t->s, t->user, b.sid, false), ERR_OK);
    assert_int_equal(store_session_end_for_user(t->s, t->user, b.sid, false), ERR_NOT_FOUND);
    assert_int_equal(store_session_get(t->s, b.id_hash, &got), ERR_NOT_FOUND);
    /* every other one, a's kept */
    assert_int_equal(store_session_end_for_user(t->s, t->user, a.sid, true), ERR_OK);
    assert_int_equal(store_session_end_for_user(t->s, t->user, a.sid, true), ERR_OK);
    assert_int_equal(store_session_get(t->s, c.id_hash, &got), ERR_NOT_FOUND);
    assert_int_equal(store_session_get(t->s, old.id_hash, &got), ERR_NOT_FOUND);
    /* a session looked up by its cookie carries neither */
    assert_int_equal(store_session_get(t->s, a.id_hash, &got), ERR_OK);
    assert_null(got.address);
    assert_null(got.browser);
    session_clear(&got);
    assert_int_equal(store_sessions_of_user(t->s, t->user, 200, &list, &n), ERR_OK);
    assert_int_equal(n, 1);
    session_list_free(list, n);
}

const struct CMUnitTest ct_factors_tests[] = {
    CT_CASE(totp_round_trip),
    CT_CASE(totp_confirm_then_use),
    CT_CASE(racing_uses_of_one_code_one_wins),
    CT_CASE(recovery_codes_single_use),
    CT_CASE(factors_go_with_reset_and_user),
    CT_CASE(client_require_mfa_round_trip),
    CT_CASE(refresh_family_keeps_the_amr),
    CT_CASE(pending_sign_in_is_no_session),
    CT_CASE(sessions_of_user_and_ending_them),
};
const size_t ct_factors_count = sizeof ct_factors_tests / sizeof ct_factors_tests[0];
