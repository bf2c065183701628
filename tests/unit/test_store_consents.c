/* Listing and revoking consents, against a temporary SQLite file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "core/hash.h"
#include "store_fixture.h"

static int setup(void **state)
{
    struct temp_store *t = calloc(1, sizeof *t);

    if (!t || temp_store_open(t) != 0)
        return -1;
    if (temp_store_client(t, "app", false, "authorization_code refresh_token", "openid") ||
        temp_store_client(t, "other", false, "authorization_code refresh_token", "openid") ||
        temp_store_user(t, "user-1") || temp_store_user(t, "user-2"))
        return -1;
    *state = t;
    return 0;
}

static void put_consent(struct temp_store *t, const char *sub, const char *client,
                        const char *scope)
{
    struct consent cs = {0};

    cs.user_sub = (char *)sub;
    snprintf(cs.client_id, sizeof cs.client_id, "%s", client);
    cs.scope = (char *)scope;
    cs.created_at = 100;
    cs.expires_at = 5000;
    assert_int_equal(store_consent_put(t->store, &cs), ERR_OK);
}

/* What user sub holds at client, tagged: a redeemed code that issued an
 * access token (jti "TAG-code") and a refresh token whose own access token
 * is "TAG-rt", an unredeemed code, and opaque rows for both jtis. */
static void put_grant(struct temp_store *t, const char *sub, const char *client, const char *tag)
{
    char v[64], jti[64];
    struct auth_code code = {0}, got;
    struct refresh_token rt = {0};
    struct token tok = {0};
    int i;

    for (i = 0; i < 2; i++) {
        snprintf(v, sizeof v, "%s-code-%d", tag, i);
        hash_sha256(v, strlen(v), code.hash);
        snprintf(code.client_id, sizeof code.client_id, "%s", client);
        code.redirect_uri = "https://app.example/cb";
        code.user_sub = (char *)sub;
        code.scope = "openid";
        code.amr = "pwd";
        snprintf(code.sid, sizeof code.sid, "sid");
        code.created_at = 100;
        code.expires_at = 700;
        assert_int_equal(store_code_insert(t->store, &code), ERR_OK);
    }
    assert_int_equal(store_code_consume(t->store, code.hash, 200, &got), ERR_OK);
    auth_code_clear(&got);
    snprintf(v, sizeof v, "%s-rt", tag);
    hash_sha256(v, strlen(v), rt.hash);
    snprintf(rt.family, sizeof rt.family, "%s-family", tag);
    snprintf(rt.client_id, sizeof rt.client_id, "%s", client);
    snprintf(rt.sid, sizeof rt.sid, "sid");
    snprintf(rt.at_jti, sizeof rt.at_jti, "%s-rt", tag);
    rt.at_expires_at = 3800;
    rt.user_sub = (char *)sub;
    rt.scope = "openid offline_access";
    rt.issued_at = 200;
    rt.expires_at = 5000;
    snprintf(jti, sizeof jti, "%s-code", tag);
    assert_int_equal(store_code_record_issued(t->store, code.hash, jti, 3800, &rt), ERR_OK);
    for (i = 0; i < 2; i++) {
        snprintf(v, sizeof v, "%s-opaque-%d", tag, i);
        hash_sha256(v, strlen(v), tok.hash);
        snprintf(tok.jti, sizeof tok.jti, "%s-%s", tag, i ? "rt" : "code");
        snprintf(tok.client_id, sizeof tok.client_id, "%s", client);
        tok.subject = (char *)sub;
        tok.scope = "openid";
        tok.issued_at = 200;
        tok.expires_at = 3800;
        assert_int_equal(store_token_insert(t->store, &tok), ERR_OK);
    }
}

static bool revoked(struct temp_store *t, const char *jti)
{
    struct token_state ts;

    assert_int_equal(store_token_state(t->store, "app", jti, &ts), ERR_OK);
    return ts.revoked;
}

static void list_filters_and_pages(void **state)
{
    struct temp_store *t = *state;
    struct consent_filter f = {.limit = 2};
    struct consent *list = NULL;
    size_t n = 0;

    put_consent(t, "user-2", "app", "openid email");
    put_consent(t, "user-1", "other", "openid");
    put_consent(t, "user-1", "app", "openid profile");
    assert_int_equal(store_consent_list(t->store, &f, &list, &n), ERR_OK);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].user_sub, "user-1");
    assert_string_equal(list[0].client_id, "app");
    assert_string_equal(list[0].scope, "openid profile");
    assert_null(list[0].claims);
    assert_int_equal(list[0].expires_at, 5000);
    assert_string_equal(list[1].client_id, "other");
    f.after_user_sub = "user-1";
    f.after_client_id = "other";
    consent_list_free(list, n);
    assert_int_equal(store_consent_list(t->store, &f, &list, &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].user_sub, "user-2");
    consent_list_free(list, n);

    f = (struct consent_filter){.client_id = "app"};
    assert_int_equal(store_consent_list(t->store, &f, &list, &n), ERR_OK);
    assert_int_equal(n, 2);
    consent_list_free(list, n);
    f = (struct consent_filter){.user_sub = "user-1", .client_id = "other"};
    assert_int_equal(store_consent_list(t->store, &f, &list, &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].client_id, "other");
    consent_list_free(list, n);
    f = (struct consent_filter){.user_sub = "nobody"};
    assert_int_equal(store_consent_list(t->store, &f, &list, &n), ERR_OK);
    assert_int_equal(n, 0);
    consent_list_free(list, n);
}

/* One pair's grant goes; the user's other client and the other user keep
 * theirs; sessions are not touched. */
static void revoke_one_pair(void **state)
{
    struct temp_store *t = *state;
    struct consent *list = NULL;
    size_t n = 0;

    put_consent(t, "user-1", "app", "openid offline_access");
    put_consent(t, "user-1", "other", "openid");
    put_consent(t, "user-2", "app", "openid");
    put_grant(t, "user-1", "app", "a1");
    put_grant(t, "user-2", "app", "a2");
    assert_int_equal(store_consent_revoke(t->store, "user-1", "app", &list, &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].client_id, "app");
    assert_string_equal(list[0].scope, "openid offline_access");
    consent_list_free(list, n);

    assert_true(revoked(t, "a1-code"));
    assert_true(revoked(t, "a1-rt"));
    assert_false(revoked(t, "a2-code"));
    assert_false(revoked(t, "a2-rt"));
    assert_int_equal(temp_store_count(t, "SELECT count(*) FROM tokens WHERE jti LIKE 'a1-%'"), 0);
    assert_int_equal(temp_store_count(t, "SELECT count(*) FROM tokens WHERE jti LIKE 'a2-%'"), 2);
    assert_int_equal(
        temp_store_count(t, "SELECT count(*) FROM refresh_tokens WHERE user_sub = 'user-1'"), 0);
    assert_int_equal(
        temp_store_count(t, "SELECT count(*) FROM refresh_tokens WHERE user_sub = 'user-2'"), 1);
    /* the redeemed code stays (it records what it issued), the other goes */
    assert_int_equal(
        temp_store_count(t, "SELECT count(*) FROM auth_codes WHERE user_sub = 'user-1'"), 1);
    assert_int_equal(
        temp_store_count(t, "SELECT count(*) FROM auth_codes WHERE user_sub = 'user-2'"), 2);
    assert_int_equal(temp_store_count(t, "SELECT count(*) FROM consents"), 2);

    assert_int_equal(store_consent_revoke(t->store, "user-1", "app", &list, &n), ERR_NOT_FOUND);
    assert_null(list);
    assert_int_equal(n, 0);
}

static void revoke_every_client_of_a_user(void **state)
{
    struct temp_store *t = *state;
    struct consent *list = NULL;
    size_t n = 0;

    put_consent(t, "user-1", "app", "openid");
    put_consent(t, "user-1", "other", "openid email");
    put_consent(t, "user-2", "app", "openid");
    assert_int_equal(store_consent_revoke(t->store, "user-1", NULL, &list, &n), ERR_OK);
    assert_int_equal(n, 2);
    assert_string_equal(list[1].client_id, "other");
    assert_string_equal(list[1].scope, "openid email");
    consent_list_free(list, n);
    assert_int_equal(temp_store_count(t, "SELECT count(*) FROM consents"), 1);
    assert_int_equal(store_consent_revoke(t->store, "user-1", NULL, &list, &n), ERR_NOT_FOUND);
}

/* A client that kept no consent (reuse_consent off) still loses the tokens
 * it holds for the user when it is named. */
static void revoke_named_client_without_consent(void **state)
{
    struct temp_store *t = *state;
    struct consent *list = NULL;
    size_t n = 0;

    put_grant(t, "user-1", "app", "nc");
    assert_int_equal(store_consent_revoke(t->store, "user-1", "app", &list, &n), ERR_OK);
    assert_int_equal(n, 0);
    consent_list_free(list, n);
    assert_true(revoked(t, "nc-rt"));
    assert_int_equal(temp_store_count(t, "SELECT count(*) FROM refresh_tokens"), 0);
    assert_int_equal(store_consent_revoke(t->store, "user-1", NULL, &list, &n), ERR_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(list_filters_and_pages, setup, temp_store_teardown),
        cmocka_unit_test_setup_teardown(revoke_one_pair, setup, temp_store_teardown),
        cmocka_unit_test_setup_teardown(revoke_every_client_of_a_user, setup, temp_store_teardown),
        cmocka_unit_test_setup_teardown(revoke_named_client_without_consent, setup,
                                        temp_store_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
