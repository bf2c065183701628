/* The sign-in rows of the store, against a temporary SQLite file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <pthread.h>
#include <sqlite3.h>

#include "core/hash.h"
#include "store_fixture.h"

static int setup(void **state)
{
    struct temp_store *t = calloc(1, sizeof *t);

    if (!t || temp_store_open(t) != 0)
        return -1;
    if (temp_store_client(t, "app", false, "authorization_code refresh_token", "openid") ||
        temp_store_user(t, "user-1"))
        return -1;
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    temp_store_close(*state);
    free(*state);
    return 0;
}

static struct session make_session(const char *cookie, const char *sid, int64_t expires_at)
{
    struct session se = {0};

    hash_sha256(cookie, strlen(cookie), se.id_hash);
    snprintf(se.sid, sizeof se.sid, "%s", sid);
    se.user_sub = "user-1";
    se.amr = "pwd";
    se.auth_time = 100;
    se.created_at = 100;
    se.expires_at = expires_at;
    return se;
}

static void session_round_trip(void **state)
{
    struct temp_store *t = *state;
    struct session se = make_session("cookie-1", "sid-1", 1000), got;

    assert_int_equal(store_session_insert(t->store, &se), ERR_OK);
    assert_int_equal(store_session_insert(t->store, &se), ERR_CONFLICT);
    assert_int_equal(store_session_get(t->store, se.id_hash, &got), ERR_OK);
    assert_string_equal(got.sid, "sid-1");
    assert_string_equal(got.user_sub, "user-1");
    assert_string_equal(got.amr, "pwd");
    assert_int_equal(got.auth_time, 100);
    assert_int_equal(got.expires_at, 1000);
    session_clear(&got);
    assert_int_equal(store_session_delete(t->store, se.id_hash), ERR_OK);
    assert_int_equal(store_session_get(t->store, se.id_hash, &got), ERR_NOT_FOUND);
    assert_int_equal(store_session_delete(t->store, se.id_hash), ERR_NOT_FOUND);
}

static void session_sid_is_unique(void **state)
{
    struct temp_store *t = *state;
    struct session a = make_session("cookie-a", "same", 1000);
    struct session b = make_session("cookie-b", "same", 1000);

    assert_int_equal(store_session_insert(t->store, &a), ERR_OK);
    assert_int_equal(store_session_insert(t->store, &b), ERR_CONFLICT);
}

static struct auth_code make_code(const char *value)
{
    struct auth_code code = {0};

    hash_sha256(value, strlen(value), code.hash);
    snprintf(code.client_id, sizeof code.client_id, "app");
    code.redirect_uri = "https://app.example/cb";
    code.user_sub = "user-1";
    code.scope = "openid";
    code.nonce = "n-1";
    code.code_challenge = NULL;
    code.auth_time = 90;
    code.amr = "pwd";
    snprintf(code.sid, sizeof code.sid, "sid-1");
    code.created_at = 100;
    code.expires_at = 700;
    return code;
}

static void code_consumed_once(void **state)
{
    struct temp_store *t = *state;
    struct auth_code code = make_code("code-1"), got;

    assert_int_equal(store_code_insert(t->store, &code), ERR_OK);
    assert_int_equal(store_code_consume(t->store, code.hash, 200, &got), ERR_OK);
    assert_int_equal(got.used_at, 200);
    assert_string_equal(got.client_id, "app");
    assert_string_equal(got.redirect_uri, "https://app.example/cb");
    assert_string_equal(got.nonce, "n-1");
    assert_null(got.code_challenge);
    assert_null(got.code_challenge_method);
    assert_string_equal(got.sid, "sid-1");
    assert_int_equal(got.auth_time, 90);
    assert_int_equal(got.expires_at, 700);
    assert_string_equal(got.at_jti, "");
    assert_null(got.resource);
    auth_code_clear(&got);
    assert_int_equal(store_code_record_issued(t->store, code.hash, "jti-1", 3800, NULL), ERR_OK);

    /* the second use is reported, with what the first issued */
    assert_int_equal(store_code_consume(t->store, code.hash, 300, &got), ERR_CONFLICT);
    assert_int_equal(got.used_at, 200);
    assert_string_equal(got.at_jti, "jti-1");
    assert_int_equal(got.at_expires_at, 3800);
    assert_false(got.has_rt);
    auth_code_clear(&got);

    hash_sha256("nope", 4, code.hash);
    assert_int_equal(store_code_consume(t->store, code.hash, 300, &got), ERR_NOT_FOUND);
}

static struct refresh_token make_refresh(const char *value, const char *family)
{
    struct refresh_token rt = {0};

    hash_sha256(value, strlen(value), rt.hash);
    snprintf(rt.family, sizeof rt.family, "%s", family);
    snprintf(rt.client_id, sizeof rt.client_id, "app");
    snprintf(rt.sid, sizeof rt.sid, "sid-1");
    rt.user_sub = "user-1";
    rt.scope = "openid offline_access";
    rt.auth_time = 90;
    rt.issued_at = 200;
    rt.expires_at = 5000;
    return rt;
}

/* The resources a request named stay with its code and its refresh family. */
static void resources_round_trip(void **state)
{
    struct temp_store *t = *state;
    struct auth_code code = make_code("code-res"), got;
    struct refresh_token rt = make_refresh("rt-res", "fam-res"),
                         next = make_refresh("rt-res-2", "fam-res"), row;

    code.resource = "https://books.example urn:films";
    assert_int_equal(store_code_insert(t->store, &code), ERR_OK);
    assert_int_equal(store_code_consume(t->store, code.hash, 200, &got), ERR_OK);
    assert_string_equal(got.resource, "https://books.example urn:films");
    rt.resource = got.resource;
    assert_int_equal(store_code_record_issued(t->store, code.hash, "jti-res", 3800, &rt), ERR_OK);
    auth_code_clear(&got);
    assert_int_equal(store_refresh_token_get(t->store, rt.hash, &row), ERR_OK);
    assert_string_equal(row.resource, "https://books.example urn:films");
    next.resource = row.resource;
    assert_int_equal(store_refresh_token_rotate(t->store, rt.hash, 300, &next), ERR_OK);
    refresh_token_clear(&row);
    assert_int_equal(store_refresh_token_get(t->store, next.hash, &row), ERR_OK);
    assert_string_equal(row.resource, "https://books.example urn:films");
    refresh_token_clear(&row);
    next = make_refresh("rt-res-3", "fam-other");
    assert_int_equal(store_refresh_token_insert(t->store, &next), ERR_OK);
    assert_int_equal(store_refresh_token_get(t->store, next.hash, &row), ERR_OK);
    assert_null(row.resource);
    refresh_token_clear(&row);
}

static void reuse_revokes_what_was_issued(void **state)
{
    struct temp_store *t = *state;
    struct auth_code code = make_code("code-2"), got;
    struct refresh_token rt = make_refresh("rt-1", "fam-1"),
                         sibling = make_refresh("rt-2", "fam-1");
    struct token_state ts;

    assert_int_equal(store_code_insert(t->store, &code), ERR_OK);
    assert_int_equal(store_code_consume(t->store, code.hash, 200, &got), ERR_OK);
    auth_code_clear(&got);
    assert_int_equal(store_code_record_issued(t->store, code.hash, "jti-2", 3800, &rt), ERR_OK);
    assert_int_equal(store_refresh_token_insert(t->store, &sibling), ERR_OK);
    assert_int_equal(store_refresh_token_insert(t->store, &sibling), ERR_CONFLICT);
    assert_int_equal(temp_store_count(t, "SELECT count(*) FROM refresh_tokens"), 2);

    assert_int_equal(store_code_consume(t->store, code.hash, 300, &got), ERR_CONFLICT);
    assert_true(got.has_rt);
    assert_memory_equal(got.rt_hash, rt.hash, HASH_LEN);
    assert_int_equal(store_code_revoke_issued(t->store, &got), ERR_OK);
    auth_code_clear(&got);
    assert_int_equal(store_token_state(t->store, "app", "jti-2", &ts), ERR_OK);
    assert_true(ts.revoked);
    assert_int_equal(temp_store_count(t, "SELECT count(*) FROM refresh_tokens"), 0);
}

/* A hybrid code keeps the access token /authorize issued beside it; a
 * replay revokes that one too, even when the redemption recorded nothing. */
static void reuse_revokes_the_front_access_token(void **state)
{
    struct temp_store *t = *state;
    struct auth_code code = make_code("code-front"), got;
    struct token_state ts;

    snprintf(code.front_at_jti, sizeof code.front_at_jti, "%s", "jti-front");
    code.front_at_expires_at = 3700;
    assert_int_equal(store_code_insert(t->store, &code), ERR_OK);
    assert_int_equal(store_code_consume(t->store, code.hash, 200, &got), ERR_OK);
    assert_string_equal(got.front_at_jti, "jti-front");
    assert_int_equal(got.front_at_expires_at, 3700);
    auth_code_clear(&got);
    assert_int_equal(store_token_state(t->store, "app", "jti-front", &ts), ERR_OK);
    assert_false(ts.revoked);
    assert_int_equal(store_code_consume(t->store, code.hash, 300, &got), ERR_CONFLICT);
    assert_int_equal(store_code_revoke_issued(t->store, &got), ERR_OK);
    auth_code_clear(&got);
    assert_int_equal(store_token_state(t->store, "app", "jti-front", &ts), ERR_OK);
    assert_true(ts.revoked);
}

/* Rotation marks the token used and stores its successor; presenting the
 * used one again revokes the whole family, access tokens included, and the
 * code finds the family by name after rotation. */
static void rotation_and_reuse(void **state)
{
    struct temp_store *t = *state;
    struct auth_code code = make_code("code-r"), got;
    struct refresh_token rt = make_refresh("rt-a", "fam-r"), next = make_refresh("rt-b", "fam-r"),
                         late = make_refresh("rt-c", "fam-r"), row;
    struct token_state ts;

    snprintf(rt.at_jti, sizeof rt.at_jti, "jti-a");
    rt.at_expires_at = 3800;
    snprintf(next.at_jti, sizeof next.at_jti, "jti-b");
    next.at_expires_at = 3900;
    snprintf(late.at_jti, sizeof late.at_jti, "jti-c");
    late.at_expires_at = 4000;
    assert_int_equal(store_code_insert(t->store, &code), ERR_OK);
    assert_int_equal(store_code_consume(t->store, code.hash, 200, &got), ERR_OK);
    auth_code_clear(&got);
    assert_int_equal(store_code_record_issued(t->store, code.hash, "jti-a", 3800, &rt), ERR_OK);

    assert_int_equal(store_refresh_token_get(t->store, rt.hash, &row), ERR_OK);
    assert_string_equal(row.family, "fam-r");
    assert_string_equal(row.at_jti, "jti-a");
    assert_string_equal(row.scope, "openid offline_access");
    assert_int_equal(row.used_at, 0);
    refresh_token_clear(&row);

    assert_int_equal(store_refresh_token_rotate(t->store, rt.hash, 300, &next), ERR_OK);
    assert_int_equal(store_refresh_token_get(t->store, rt.hash, &row), ERR_OK);
    assert_int_equal(row.used_at, 300);
    refresh_token_clear(&row);
    assert_int_equal(temp_store_count(t, "SELECT count(*) FROM refresh_tokens"), 2);

    /* reuse: nothing stored, the family and its access tokens revoked */
    assert_int_equal(store_refresh_token_rotate(t->store, rt.hash, 301, &late), ERR_CONFLICT);
    assert_int_equal(temp_store_count(t, "SELECT count(*) FROM refresh_tokens"), 0);
    assert_int_equal(store_token_state(t->store, "app", "jti-a", &ts), ERR_OK);
    assert_true(ts.revoked);
    assert_int_equal(store_token_state(t->store, "app", "jti-b", &ts), ERR_OK);
    assert_true(ts.revoked);
    assert_int_equal(store_token_state(t->store, "app", "jti-c", &ts), ERR_OK);
    assert_true(ts.revoked);

    /* the code names its family */
    assert_int_equal(store_code_consume(t->store, code.hash, 400, &got), ERR_CONFLICT);
    assert_string_equal(got.rt_family, "fam-r");
    auth_code_clear(&got);
    assert_int_equal(store_refresh_family_revoke(t->store, "no-such-family"), ERR_OK);
}

/* A second consume only reads; once the code is marked reused, a
 * redemption still issuing records nothing. */
static void reuse_during_redemption_blocks_recording(void **state)
{
    struct temp_store *t = *state;
    struct auth_code code = make_code("code-3"), got;
    struct refresh_token rt = make_refresh("rt-3", "fam-3");

    assert_int_equal(store_code_insert(t->store, &code), ERR_OK);
    assert_int_equal(store_code_consume(t->store, code.hash, 200, &got), ERR_OK);
    auth_code_clear(&got);
    assert_int_equal(store_code_consume(t->store, code.hash, 201, &got), ERR_CONFLICT);
    assert_string_equal(got.at_jti, "");
    assert_int_equal(got.used_at, 200);
    assert_int_equal(got.reused_at, 0);
    auth_code_clear(&got);
    assert_int_equal(store_code_mark_reused(t->store, code.hash, 202, &got), ERR_OK);
    assert_int_equal(got.reused_at, 202);
    auth_code_clear(&got);
    assert_int_equal(store_code_mark_reused(t->store, code.hash, 203, &got), ERR_OK);
    assert_int_equal(got.reused_at, 202); /* the first time stays */
    auth_code_clear(&got);
    assert_int_equal(store_code_record_issued(t->store, code.hash, "jti-3", 3800, &rt),
                     ERR_CONFLICT);
    assert_int_equal(temp_store_count(t, "SELECT count(*) FROM refresh_tokens"), 0);
}

struct racer {
    struct store *store;
    const unsigned char *hash;
    enum err result;
};

static void *race(void *arg)
{
    struct racer *r = arg;
    struct auth_code got;

    r->result = store_code_consume(r->store, r->hash, 200, &got);
    auth_code_clear(&got);
    return NULL;
}

static void concurrent_consumes_one_wins(void **state)
{
    struct temp_store *t = *state;
    char value[32];
    int round;

    for (round = 0; round < 20; round++) {
        struct auth_code code;
        struct racer a, b;
        pthread_t ta, tb;

        snprintf(value, sizeof value, "race-%d", round);
        code = make_code(value);
        assert_int_equal(store_code_insert(t->store, &code), ERR_OK);
        a = (struct racer){t->store, code.hash, ERR_STORE};
        b = a;
        assert_int_equal(pthread_create(&ta, NULL, race, &a), 0);
        assert_int_equal(pthread_create(&tb, NULL, race, &b), 0);
        pthread_join(ta, NULL);
        pthread_join(tb, NULL);
        assert_true((a.result == ERR_OK && b.result == ERR_CONFLICT) ||
                    (a.result == ERR_CONFLICT && b.result == ERR_OK));
    }
}

static void consent_round_trip(void **state)
{
    struct temp_store *t = *state;
    struct consent cs = {0}, got;

    cs.user_sub = "user-1";
    snprintf(cs.client_id, sizeof cs.client_id, "app");
    cs.scope = "openid profile";
    cs.created_at = 100;
    cs.expires_at = 1000;
    assert_int_equal(store_consent_get(t->store, "user-1", "app", &got), ERR_NOT_FOUND);
    assert_int_equal(store_consent_put(t->store, &cs), ERR_OK);
    cs.scope = "openid email";
    cs.expires_at = 2000;
    assert_int_equal(store_consent_put(t->store, &cs), ERR_OK);
    assert_int_equal(temp_store_count(t, "SELECT count(*) FROM consents"), 1);
    assert_int_equal(store_consent_get(t->store, "user-1", "app", &got), ERR_OK);
    assert_string_equal(got.scope, "openid email");
    assert_string_equal(got.user_sub, "user-1");
    assert_string_equal(got.client_id, "app");
    assert_int_equal(got.expires_at, 2000);
    consent_clear(&got);
    assert_int_equal(store_consent_get(t->store, "user-2", "app", &got), ERR_NOT_FOUND);
}

static void sweep_removes_expired(void **state)
{
    struct temp_store *t = *state;
    struct session old = make_session("c-old", "s-old", 500),
                   live = make_session("c-new", "s-new", 5000);
    struct auth_code unused = make_code("unused"), used = make_code("used"), got;
    struct refresh_token rt_old = make_refresh("rt-old", "f-old");
    struct consent cs = {"user-1", "app", "openid", 100, 500, NULL};
    int64_t removed = 0;

    rt_old.expires_at = 500;
    assert_int_equal(store_session_insert(t->store, &old), ERR_OK);
    assert_int_equal(store_session_insert(t->store, &live), ERR_OK);
    assert_int_equal(store_code_insert(t->store, &unused), ERR_OK);
    assert_int_equal(store_code_insert(t->store, &used), ERR_OK);
    assert_int_equal(store_code_consume(t->store, used.hash, 200, &got), ERR_OK);
    auth_code_clear(&got);
    /* the used code stays while its access token lives (until 3800) */
    assert_int_equal(store_code_record_issued(t->store, used.hash, "j", 3800, NULL), ERR_OK);
    assert_int_equal(store_refresh_token_insert(t->store, &rt_old), ERR_OK);
    assert_int_equal(store_consent_put(t->store, &cs), ERR_OK);

    assert_int_equal(store_sweep(t->store, 1000, &removed), ERR_OK);
    assert_int_equal(removed, 4); /* session, unused code, refresh token, consent */
    assert_int_equal(temp_store_count(t, "SELECT count(*) FROM sessions"), 1);
    assert_int_equal(temp_store_count(t, "SELECT count(*) FROM auth_codes"), 1);
    assert_int_equal(temp_store_count(t, "SELECT count(*) FROM consents"), 0);
    assert_int_equal(temp_store_count(t, "SELECT count(*) FROM refresh_tokens"), 0);
    assert_int_equal(store_sweep(t->store, 4000, &removed), ERR_OK);
    assert_int_equal(temp_store_count(t, "SELECT count(*) FROM auth_codes"), 0);
}

/* A code, a refresh token and a consent of user-1 at app. */
static void insert_grant_rows(struct temp_store *t, const char *tag)
{
    char code_value[32], rt_value[32];
    struct auth_code code;
    struct refresh_token rt;
    struct consent cs = {"user-1", "app", "openid", 100, 5000, NULL};

    snprintf(code_value, sizeof code_value, "code-%s", tag);
    snprintf(rt_value, sizeof rt_value, "rt-%s", tag);
    code = make_code(code_value);
    rt = make_refresh(rt_value, tag);
    assert_int_equal(store_code_insert(t->store, &code), ERR_OK);
    assert_int_equal(store_refresh_token_insert(t->store, &rt), ERR_OK);
    assert_int_equal(store_consent_put(t->store, &cs), ERR_OK);
}

static void deleting_the_client_deletes_its_rows(void **state)
{
    struct temp_store *t = *state;

    insert_grant_rows(t, "del");
    assert_int_equal(store_client_delete(t->store, "app"), ERR_OK);
    assert_int_equal(temp_store_count(t, "SELECT (SELECT count(*) FROM auth_codes) + "
                                         "(SELECT count(*) FROM refresh_tokens) + "
                                         "(SELECT count(*) FROM consents)"),
                     0);
}

/* What speaks for a user goes with them; another user's rows stay. */
static void deleting_a_user_deletes_their_rows(void **state)
{
    struct temp_store *t = *state;
    struct session se = make_session("c-del", "s-del", 5000), other;
    struct consent kept = {"user-2", "app", "openid", 100, 5000, NULL};

    assert_int_equal(temp_store_user(t, "user-2"), ERR_OK);
    assert_int_equal(store_session_insert(t->store, &se), ERR_OK);
    other = make_session("c-other", "s-other", 5000);
    other.user_sub = "user-2";
    assert_int_equal(store_session_insert(t->store, &other), ERR_OK);
    insert_grant_rows(t, "udel");
    assert_int_equal(store_consent_put(t->store, &kept), ERR_OK);
    assert_int_equal(store_user_delete(t->store, "user-1"), ERR_OK);
    assert_int_equal(
        temp_store_count(t, "SELECT (SELECT count(*) FROM sessions WHERE user_sub = 'user-1') + "
                            "(SELECT count(*) FROM auth_codes) + "
                            "(SELECT count(*) FROM refresh_tokens) + "
                            "(SELECT count(*) FROM consents WHERE user_sub = 'user-1')"),
        0);
    assert_int_equal(temp_store_count(t, "SELECT (SELECT count(*) FROM sessions) + "
                                         "(SELECT count(*) FROM consents)"),
                     2);
    assert_int_equal(store_user_delete(t->store, "user-1"), ERR_NOT_FOUND);
}

/* A disabled user's session is not found, and it has ended: enabling the
 * user again does not bring it back (its clients were told it ended). */
static void a_disabled_users_session_is_not_found(void **state)
{
    struct temp_store *t = *state;
    struct session se = make_session("c-dis", "s-dis", 5000), got;
    struct user u;

    assert_int_equal(store_session_insert(t->store, &se), ERR_OK);
    assert_int_equal(store_user_get(t->store, "user-1", &u), ERR_OK);
    u.enabled = false;
    assert_int_equal(store_user_update(t->store, &u), ERR_OK);
    assert_int_equal(store_session_get(t->store, se.id_hash, &got), ERR_NOT_FOUND);
    u.enabled = true;
    assert_int_equal(store_user_update(t->store, &u), ERR_OK);
    assert_int_equal(store_session_get(t->store, se.id_hash, &got), ERR_NOT_FOUND);
    assert_int_equal(temp_store_count(t, "SELECT count(*) FROM sessions"), 0);
    user_clear(&u);
}

/* Gives app a back-channel logout URI. */
static void app_wants_backchannel(struct temp_store *t)
{
    struct client c;

    assert_int_equal(store_client_get(t->store, "app", &c), ERR_OK);
    c.backchannel_logout_uri = strdup("https://app.example/bc");
    assert_int_equal(store_client_update(t->store, &c), ERR_OK);
    client_clear(&c);
}

/* Ending a session queues one delivery per client that got a code through
 * it and has a back-channel URI; claims, retries and deletes work on it. */
static void ending_a_session_queues_backchannel_logouts(void **state)
{
    struct temp_store *t = *state;
    struct session se = make_session("c-bc", "sid-1", 5000);
    struct auth_code a = make_code("bc-1"), b = make_code("bc-2");
    struct backchannel_logout *list = NULL;
    size_t n = 0;

    app_wants_backchannel(t);
    assert_int_equal(store_session_insert(t->store, &se), ERR_OK);
    assert_int_equal(store_code_insert(t->store, &a), ERR_OK);
    assert_int_equal(store_code_insert(t->store, &b), ERR_OK); /* the same client again */
    assert_int_equal(temp_store_count(t, "SELECT count(*) FROM session_clients"), 1);
    assert_int_equal(store_session_delete(t->store, se.id_hash), ERR_OK);
    assert_int_equal(temp_store_count(t, "SELECT count(*) FROM session_clients"), 0);

    assert_int_equal(store_backchannel_claim(t->store, 100, 200, 16, &list, &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].client_id, "app");
    assert_string_equal(list[0].sub, "user-1");
    assert_string_equal(list[0].sid, "sid-1");
    assert_int_equal(list[0].attempts, 1);
    /* held until 200: not claimed again before */
    backchannel_logout_list_free(list, n);
    assert_int_equal(store_backchannel_claim(t->store, 150, 300, 16, &list, &n), ERR_OK);
    assert_int_equal(n, 0);
    backchannel_logout_list_free(list, n);
    assert_int_equal(store_backchannel_claim(t->store, 200, 300, 16, &list, &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_int_equal(list[0].attempts, 2);
    assert_int_equal(store_backchannel_retry(t->store, list[0].id, 400), ERR_OK);
    assert_int_equal(store_backchannel_delete(t->store, list[0].id), ERR_OK);
    backchannel_logout_list_free(list, n);
    assert_int_equal(temp_store_count(t, "SELECT count(*) FROM backchannel_logouts"), 0);
}

/* A session that expires is swept without telling anyone; a client without
 * a back-channel URI is never queued. */
static void expiry_and_plain_clients_queue_nothing(void **state)
{
    struct temp_store *t = *state;
    struct session old = make_session("c-exp", "sid-1", 500);
    struct session plain = make_session("c-plain", "sid-2", 5000);
    struct auth_code a = make_code("exp-1"), b = make_code("plain-1");
    int64_t removed = 0;

    snprintf(b.sid, sizeof b.sid, "sid-2");
    assert_int_equal(store_session_insert(t->store, &plain), ERR_OK);
    assert_int_equal(store_code_insert(t->store, &b), ERR_OK);
    assert_int_equal(store_session_delete(t->store, plain.id_hash), ERR_OK);
    app_wants_backchannel(t);
    assert_int_equal(store_session_insert(t->store, &old), ERR_OK);
    assert_int_equal(store_code_insert(t->store, &a), ERR_OK);
    assert_int_equal(store_sweep(t->store, 1000, &removed), ERR_OK);
    assert_int_equal(temp_store_count(t, "SELECT count(*) FROM sessions"), 0);
    assert_int_equal(temp_store_count(t, "SELECT count(*) FROM session_clients"), 0);
    assert_int_equal(temp_store_count(t, "SELECT count(*) FROM backchannel_logouts"), 0);
}

static void password_set_only_as_expected(void **state)
{
    struct temp_store *t = *state;
    struct session se = make_session("c-pw", "s-pw", 5000), got;
    struct user u;

    assert_int_equal(store_user_set_password(t->store, "user-1", "h1", NULL), ERR_OK);
    assert_int_equal(store_session_insert(t->store, &se), ERR_OK);
    assert_int_equal(store_user_set_password(t->store, "user-1", "h1-rehashed", "h1"), ERR_OK);
    assert_int_equal(store_session_get(t->store, se.id_hash, &got), ERR_OK);
    session_clear(&got);
    assert_int_equal(store_user_set_password(t->store, "user-1", "h1-again", "h1"), ERR_NOT_FOUND);
    assert_int_equal(store_user_get(t->store, "user-1", &u), ERR_OK);
    assert_string_equal(u.password_hash, "h1-rehashed");
    user_clear(&u);
    assert_int_equal(store_user_set_password(t->store, "user-1", "h2", NULL), ERR_OK);
    assert_int_equal(store_session_get(t->store, se.id_hash, &got), ERR_NOT_FOUND);
    assert_int_equal(store_user_set_password(t->store, "nobody", "h", NULL), ERR_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(session_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(session_sid_is_unique, setup, teardown),
        cmocka_unit_test_setup_teardown(code_consumed_once, setup, teardown),
        cmocka_unit_test_setup_teardown(reuse_revokes_what_was_issued, setup, teardown),
        cmocka_unit_test_setup_teardown(reuse_revokes_the_front_access_token, setup, teardown),
        cmocka_unit_test_setup_teardown(reuse_during_redemption_blocks_recording, setup, teardown),
        cmocka_unit_test_setup_teardown(rotation_and_reuse, setup, teardown),
        cmocka_unit_test_setup_teardown(resources_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(concurrent_consumes_one_wins, setup, teardown),
        cmocka_unit_test_setup_teardown(consent_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(sweep_removes_expired, setup, teardown),
        cmocka_unit_test_setup_teardown(deleting_the_client_deletes_its_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(deleting_a_user_deletes_their_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(a_disabled_users_session_is_not_found, setup, teardown),
        cmocka_unit_test_setup_teardown(ending_a_session_queues_backchannel_logouts, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(expiry_and_plain_clients_queue_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(password_set_only_as_expected, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
