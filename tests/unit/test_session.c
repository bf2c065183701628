/* oauth/session.c and oauth/consent.c against a temporary store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "core/clock.h"
#include "core/config.h"
#include "oauth/consent.h"
#include "oauth/session.h"
#include "store_fixture.h"

struct fixture {
    struct temp_store t;
    struct config cfg;
    struct oauth_ctx ctx;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    char why[256];

    if (!f || config_load(&f->cfg, NULL, why, sizeof why) || temp_store_open(&f->t))
        return -1;
    if (temp_store_client(&f->t, "app", false, "authorization_code", "openid profile email") ||
        temp_store_user(&f->t, "user-1"))
        return -1;
    f->ctx.cfg = &f->cfg;
    f->ctx.store = f->t.store;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    temp_store_close(&f->t);
    free(f);
    return 0;
}

static void a_session_is_found_by_its_cookie(void **state)
{
    struct fixture *f = *state;
    char cookie[SESSION_TOKEN_SIZE];
    struct session made, found;
    unsigned char raw[HASH_LEN];
    int64_t now = clock_now();

    assert_int_equal(session_create(&f->ctx, "user-1", "pwd", NULL, cookie, &made), ERR_OK);
    assert_int_equal(strlen(cookie), SESSION_TOKEN_LEN);
    assert_int_equal(strlen(made.sid), 22);
    assert_true(made.auth_time >= now && made.auth_time <= now + 1);
    assert_int_equal(made.expires_at, made.auth_time + f->cfg.session_ttl);
    /* only the hash is stored, and the sid is not derived from the cookie */
    hash_sha256(cookie, strlen(cookie), raw);
    assert_memory_equal(made.id_hash, raw, HASH_LEN);
    assert_null(strstr(cookie, made.sid));

    assert_int_equal(session_lookup(&f->ctx, cookie, &found), ERR_OK);
    assert_string_equal(found.sid, made.sid);
    assert_string_equal(found.user_sub, "user-1");
    assert_string_equal(found.amr, "pwd");
    assert_int_equal(found.auth_time, made.auth_time);
    session_clear(&found);

    assert_int_equal(session_end(&f->ctx, cookie), ERR_OK);
    assert_int_equal(session_lookup(&f->ctx, cookie, &found), ERR_NOT_FOUND);
    assert_int_equal(session_end(&f->ctx, cookie), ERR_OK);
    session_clear(&made);
}

static void every_login_gets_a_fresh_cookie(void **state)
{
    struct fixture *f = *state;
    char a[SESSION_TOKEN_SIZE], b[SESSION_TOKEN_SIZE];
    struct session sa, sb;

    assert_int_equal(session_create(&f->ctx, "user-1", "pwd", NULL, a, &sa), ERR_OK);
    assert_int_equal(session_create(&f->ctx, "user-1", "pwd", NULL, b, &sb), ERR_OK);
    assert_string_not_equal(a, b);
    assert_string_not_equal(sa.sid, sb.sid);
    session_clear(&sa);
    session_clear(&sb);
}

/* Where and in what a session was started is stored with it, for the
 * account page's list. */
static void the_origin_is_kept_for_the_list(void **state)
{
    struct fixture *f = *state;
    char cookie[SESSION_TOKEN_SIZE];
    struct session_origin origin = {"192.0.2.7", "Firefox on Linux"};
    struct session *list;
    size_t n;

    assert_int_equal(session_create(&f->ctx, "user-1", "pwd", &origin, cookie, NULL), ERR_OK);
    assert_int_equal(store_sessions_of_user(f->ctx.store, "user-1", clock_now(), &list, &n),
                     ERR_OK);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].address, "192.0.2.7");
    assert_string_equal(list[0].browser, "Firefox on Linux");
    session_list_free(list, n);
}

static void expired_or_malformed_is_none(void **state)
{
    struct fixture *f = *state;
    char cookie[SESSION_TOKEN_SIZE];
    struct session found;

    f->cfg.session_ttl = 0;
    assert_int_equal(session_create(&f->ctx, "user-1", "pwd", NULL, cookie, NULL), ERR_OK);
    assert_int_equal(session_lookup(&f->ctx, cookie, &found), ERR_NOT_FOUND);
    assert_int_equal(session_lookup(&f->ctx, NULL, &found), ERR_NOT_FOUND);
    assert_int_equal(session_lookup(&f->ctx, "", &found), ERR_NOT_FOUND);
    assert_int_equal(session_lookup(&f->ctx, "short", &found), ERR_NOT_FOUND);
    assert_int_equal(session_lookup(&f->ctx, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=", &found),
                     ERR_NOT_FOUND);
}

static const struct consent_policy ask_and_remember = {true, true};
static const struct consent_policy ask_always = {true, false};
static const struct consent_policy never_ask = {false, false};

static bool needed(struct fixture *f, const struct consent_policy *p, const char *scope)
{
    bool n = false;

    assert_int_equal(consent_needed(&f->ctx, p, "user-1", "app", scope, NULL, &n), ERR_OK);
    return n;
}

static void consent_is_remembered_per_scope_set(void **state)
{
    struct fixture *f = *state;

    assert_true(needed(f, &ask_and_remember, "openid profile"));
    assert_int_equal(
        consent_remember(&f->ctx, &ask_and_remember, "user-1", "app", "openid profile", NULL),
        ERR_OK);
    assert_false(needed(f, &ask_and_remember, "openid profile"));
    assert_false(needed(f, &ask_and_remember, "profile"));
    /* a superset asks again */
    assert_true(needed(f, &ask_and_remember, "openid profile email"));
    /* allowing it too keeps what was allowed before */
    assert_int_equal(consent_remember(&f->ctx, &ask_and_remember, "user-1", "app", "email", NULL),
                     ERR_OK);
    assert_false(needed(f, &ask_and_remember, "openid profile email"));
    /* another user, or a client that does not reuse consent, is asked */
    bool n = false;
    assert_int_equal(
        consent_needed(&f->ctx, &ask_and_remember, "user-2", "app", "openid", NULL, &n), ERR_OK);
    assert_true(n);
    assert_true(needed(f, &ask_always, "openid"));
    assert_false(needed(f, &never_ask, "openid profile email"));
}

static bool needed_claims(struct fixture *f, const char *scope, const char *claims)
{
    struct strlist names = {0};
    bool n = false;

    assert_int_equal(strlist_split(&names, claims, " "), ERR_OK);
    assert_int_equal(consent_needed(&f->ctx, &ask_and_remember, "user-1", "app", scope, &names, &n),
                     ERR_OK);
    strlist_free(&names);
    return n;
}

/* Claims asked by name (the claims request parameter) need a consent that
 * allowed them by name or through a scope that releases them. */
static void consent_covers_claims_by_name(void **state)
{
    struct fixture *f = *state;
    struct strlist nick = {0};

    assert_int_equal(strlist_split(&nick, "nickname", " "), ERR_OK);
    assert_int_equal(
        consent_remember(&f->ctx, &ask_and_remember, "user-1", "app", "openid email", &nick),
        ERR_OK);
    assert_false(needed_claims(f, "openid", "nickname"));
    /* email is released by the scope email, allowed before */
    assert_false(needed_claims(f, "openid", "email email_verified nickname"));
    assert_true(needed_claims(f, "openid", "nickname name"));
    /* a later consent keeps the names allowed before */
    assert_int_equal(consent_remember(&f->ctx, &ask_and_remember, "user-1", "app", "openid", NULL),
                     ERR_OK);
    assert_false(needed_claims(f, "openid", "nickname"));
    strlist_free(&nick);
}

static void consent_expires(void **state)
{
    struct fixture *f = *state;
    struct consent old = {"user-1", "app", "openid", 1, 2, NULL};

    assert_int_equal(store_consent_put(f->t.store, &old), ERR_OK);
    assert_true(needed(f, &ask_and_remember, "openid"));
    f->cfg.consent_remember_days = 1;
    assert_int_equal(consent_remember(&f->ctx, &ask_and_remember, "user-1", "app", "profile", NULL),
                     ERR_OK);
    /* the expired consent to openid was not carried over */
    assert_true(needed(f, &ask_and_remember, "openid"));
    assert_false(needed(f, &ask_and_remember, "profile"));
    /* not remembered at all when the client does not reuse consent */
    assert_int_equal(consent_remember(&f->ctx, &ask_always, "user-1", "app", "email", NULL),
                     ERR_OK);
    assert_true(needed(f, &ask_and_remember, "email"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_session_is_found_by_its_cookie, setup, teardown),
        cmocka_unit_test_setup_teardown(every_login_gets_a_fresh_cookie, setup, teardown),
        cmocka_unit_test_setup_teardown(the_origin_is_kept_for_the_list, setup, teardown),
        cmocka_unit_test_setup_teardown(expired_or_malformed_is_none, setup, teardown),
        cmocka_unit_test_setup_teardown(consent_is_remembered_per_scope_set, setup, teardown),
        cmocka_unit_test_setup_teardown(consent_covers_claims_by_name, setup, teardown),
        cmocka_unit_test_setup_teardown(consent_expires, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
