/* oauth/grant_code.c and oauth/id_token.c against a temporary store and
 * keystore: codes made by code_issue, redeemed by the grant. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "core/b64url.h"
#include "core/clock.h"
#include "core/config.h"
#include "jose/jwt.h"
#include "oauth/grant_code.h"
#include "oauth/id_token.h"
#include "store_fixture.h"

#define REDIRECT "https://app.example/cb"
static const struct grant_resources NO_RESOURCES = {NULL, 0};
/* RFC 7636 Appendix B */
#define VERIFIER "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
#define CHALLENGE "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

struct fixture {
    struct temp_store t;
    struct config cfg;
    struct oauth_ctx ctx;
    struct client web, spa, other;
};

/* The user the codes are for: the grant refuses a code whose user is gone
 * or disabled. */
static int add_user(struct store *s)
{
    struct user u = {.sub = "user-sub-1", .username = "alice", .claims = "{}", .enabled = true};

    return store_user_insert(s, &u) == ERR_OK ? 0 : -1;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    char why[256], kek[160];

    if (!f || config_load(&f->cfg, NULL, why, sizeof why) || temp_store_open(&f->t))
        return -1;
    snprintf(kek, sizeof kek, "%s.kek", f->t.path);
    if (temp_store_client(&f->t, "web", false, "authorization_code refresh_token",
                          "openid profile offline_access") ||
        temp_store_client(&f->t, "spa", true, "authorization_code", "openid offline_access") ||
        temp_store_client(&f->t, "other", false, "authorization_code", "openid") ||
        store_client_get(f->t.store, "web", &f->web) ||
        store_client_get(f->t.store, "spa", &f->spa) ||
        store_client_get(f->t.store, "other", &f->other) || add_user(f->t.store))
        return -1;
    f->ctx.cfg = &f->cfg;
    f->ctx.store = f->t.store;
    /* ES256: a key made in a moment, where RSA-2048 takes a minute under
     * valgrind, for every test (at_hash is SHA-256 for both); the access
     * tokens and each client's ID tokens sign with it */
    memcpy(f->cfg.key_algorithm, "ES256", sizeof "ES256");
    memcpy(f->web.id_token_alg, "ES256", sizeof "ES256");
    memcpy(f->spa.id_token_alg, "ES256", sizeof "ES256");
    memcpy(f->other.id_token_alg, "ES256", sizeof "ES256");
    if (keystore_open_kek_file(f->t.store, kek, &f->ctx.keys, why, sizeof why) ||
        keystore_ensure(f->ctx.keys, "ES256") || keystore_refresh(f->ctx.keys))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    keystore_free(f->ctx.keys);
    client_clear(&f->web);
    client_clear(&f->spa);
    client_clear(&f->other);
    temp_store_close(&f->t);
    free(f);
    return 0;
}

static struct code_request request(const char *client_id, const char *scope)
{
    struct code_request r = {0};

    r.client_id = client_id;
    r.redirect_uri = REDIRECT;
    r.user_sub = "user-sub-1";
    r.scope = scope;
    r.nonce = "n-0S6_WzA2Mj";
    r.auth_time = 1700000000;
    r.amr = "pwd";
    r.sid = "sid-1";
    return r;
}

static char *issue_code(struct fixture *f, const struct code_request *r)
{
    char *code = NULL;

    assert_int_equal(code_issue(&f->ctx, r, &code), ERR_OK);
    assert_int_equal(strlen(code), 43);
    return code;
}

static enum err redeem(struct fixture *f, const struct client *c, const char *code,
                       const char *verifier, struct token_response *out, const char **why)
{
    return grant_authorization_code(&f->ctx, c, code, REDIRECT, verifier, &NO_RESOURCES, NULL, out,
                                    why);
}

static void decode(struct fixture *f, const char *token, struct jwt *out)
{
    const char *why = NULL;

    assert_int_equal(keystore_verify(f->ctx.keys, token, strlen(token), out, &why), ERR_OK);
}

static void the_id_token_holds_each_claim(void **state)
{
    struct fixture *f = *state;
    struct code_request r = request("web", "openid profile");
    struct token_response t;
    const char *why = NULL;
    char *code = issue_code(f, &r), at_hash[32];
    unsigned char digest[HASH_LEN];
    struct jwt jwt;
    json_t *amr;
    int64_t now = clock_now();

    assert_int_equal(redeem(f, &f->web, code, NULL, &t, &why), ERR_OK);
    assert_non_null(t.access_token);
    assert_non_null(t.id_token);
    assert_null(t.refresh_token); /* no offline_access */
    assert_string_equal(t.scope, "openid profile");
    decode(f, t.id_token, &jwt);
    assert_string_equal(jwt.typ, "JWT");
    assert_string_equal(jwt_claim_str(&jwt, "iss"), f->cfg.issuer);
    assert_string_equal(jwt_claim_str(&jwt, "sub"), "user-sub-1");
    assert_string_equal(jwt_claim_str(&jwt, "aud"), "web");
    assert_string_equal(jwt_claim_str(&jwt, "nonce"), "n-0S6_WzA2Mj");
    assert_string_equal(jwt_claim_str(&jwt, "sid"), "sid-1");
    assert_int_equal(jwt_claim_int(&jwt, "auth_time"), 1700000000);
    assert_true(jwt_claim_int(&jwt, "iat") >= now && jwt_claim_int(&jwt, "iat") <= now + 1);
    assert_int_equal(jwt_claim_int(&jwt, "exp"), jwt_claim_int(&jwt, "iat") + f->cfg.id_token_ttl);
    hash_sha256(t.access_token, strlen(t.access_token), digest);
    b64url_encode(digest, HASH_LEN / 2, at_hash);
    assert_string_equal(jwt_claim_str(&jwt, "at_hash"), at_hash);
    amr = json_object_get(jwt.claims, "amr");
    assert_true(json_is_array(amr) && json_array_size(amr) == 1);
    assert_string_equal(json_string_value(json_array_get(amr, 0)), "pwd");
    jwt_clear(&jwt);
    /* the access token is the user's */
    decode(f, t.access_token, &jwt);
    assert_string_equal(jwt_claim_str(&jwt, "sub"), "user-sub-1");
    assert_string_equal(jwt_claim_str(&jwt, "client_id"), "web");
    jwt_clear(&jwt);
    token_response_clear(&t);
    free(code);
}

static void extra_claims_never_override(void **state)
{
    struct fixture *f = *state;
    struct id_token_claims c = {0};
    json_t *extra = json_pack("{s:s, s:s, s:b}", "sub", "mallory", "email", "a@example.com",
                              "email_verified", 1);
    char *token = NULL;
    struct jwt jwt;

    c.subject = "user-sub-1";
    c.client_id = "web";
    c.auth_time = 5;
    c.extra = extra;
    assert_int_equal(id_token_issue(&f->ctx, &c, &token), ERR_OK);
    decode(f, token, &jwt);
    assert_string_equal(jwt_claim_str(&jwt, "sub"), "user-sub-1");
    assert_string_equal(jwt_claim_str(&jwt, "email"), "a@example.com");
    assert_true(json_is_true(json_object_get(jwt.claims, "email_verified")));
    /* absent inputs leave their claims out */
    assert_null(json_object_get(jwt.claims, "nonce"));
    assert_null(json_object_get(jwt.claims, "at_hash"));
    assert_null(json_object_get(jwt.claims, "sid"));
    assert_null(json_object_get(jwt.claims, "amr"));
    jwt_clear(&jwt);
    json_decref(extra);
    free(token);
}

static void no_openid_no_id_token(void **state)
{
    struct fixture *f = *state;
    struct code_request r = request("web", "profile");
    struct token_response t;
    const char *why = NULL;
    char *code = issue_code(f, &r);

    assert_int_equal(redeem(f, &f->web, code, NULL, &t, &why), ERR_OK);
    assert_null(t.id_token);
    token_response_clear(&t);
    free(code);
}

static void a_reused_code_revokes_what_it_issued(void **state)
{
    struct fixture *f = *state;
    struct code_request r = request("web", "openid offline_access");
    struct token_response t, again;
    const char *why = NULL;
    char *code = issue_code(f, &r);
    struct token_state ts;
    struct jwt jwt;

    assert_int_equal(redeem(f, &f->web, code, NULL, &t, &why), ERR_OK);
    assert_non_null(t.refresh_token);
    assert_int_equal(redeem(f, &f->web, code, NULL, &again, &why), ERR_INVALID_GRANT);
    assert_string_equal(why, "the code was already used");
    assert_null(again.access_token);
    decode(f, t.access_token, &jwt);
    assert_int_equal(store_token_state(f->t.store, "web", jwt_claim_str(&jwt, "jti"), &ts), ERR_OK);
    assert_true(ts.revoked);
    jwt_clear(&jwt);
    token_response_clear(&t);
    free(code);
}

struct racer {
    struct fixture *f;
    const char *code;
    pthread_barrier_t *start;
    enum err result;
    struct token_response tokens;
};

static void *race(void *arg)
{
    struct racer *r = arg;
    const char *why = NULL;

    pthread_barrier_wait(r->start);
    r->result = redeem(r->f, &r->f->web, r->code, NULL, &r->tokens, &why);
    return NULL;
}

/* Two redemptions of one code at once: exactly one gets tokens (the other
 * waits for it rather than spoiling it), and what it got is revoked, as for
 * any second use (RFC 6749 §4.1.2). */
static void racing_redemptions_one_gets_tokens_then_revoked(void **state)
{
    struct fixture *f = *state;
    struct code_request r = request("web", "openid offline_access");
    pthread_barrier_t start;
    struct racer a = {0}, b = {0}, *winner;
    pthread_t ta, tb;
    struct token_state ts;
    struct jwt jwt;
    int round;

    for (round = 0; round < 10; round++) {
        char *code = issue_code(f, &r);

        assert_int_equal(pthread_barrier_init(&start, NULL, 2), 0);
        a = (struct racer){.f = f, .code = code, .start = &start};
        b = a;
        assert_int_equal(pthread_create(&ta, NULL, race, &a), 0);
        assert_int_equal(pthread_create(&tb, NULL, race, &b), 0);
        pthread_join(ta, NULL);
        pthread_join(tb, NULL);
        pthread_barrier_destroy(&start);
        assert_true((a.result == ERR_OK) != (b.result == ERR_OK));
        winner = a.result == ERR_OK ? &a : &b;
        assert_int_equal((winner == &a ? &b : &a)->result, ERR_INVALID_GRANT);
        decode(f, winner->tokens.access_token, &jwt);
        assert_int_equal(store_token_state(f->t.store, "web", jwt_claim_str(&jwt, "jti"), &ts),
                         ERR_OK);
        assert_true(ts.revoked);
        jwt_clear(&jwt);
        token_response_clear(&a.tokens);
        token_response_clear(&b.tokens);
        free(code);
    }
}

/* A code that failed its checks is burnt: it issued nothing, and the next
 * try is refused at once, with nothing to revoke. */
static void a_code_that_failed_its_checks_is_burnt(void **state)
{
    struct fixture *f = *state;
    struct code_request r = request("web", "openid");
    struct token_response t;
    const char *why = NULL;
    char *code = issue_code(f, &r);
    int64_t started;

    assert_int_equal(redeem(f, &f->other, code, NULL, &t, &why), ERR_INVALID_GRANT);
    started = clock_now();
    assert_int_equal(redeem(f, &f->web, code, NULL, &t, &why), ERR_INVALID_GRANT);
    assert_string_equal(why, "the code was already used");
    assert_true(clock_now() - started <= 1); /* no wait for a first use under way */
    free(code);
}

static void refresh_tokens_need_the_grant_and_offline_access(void **state)
{
    struct fixture *f = *state;
    struct code_request r = request("spa", "openid offline_access");
    struct token_response t;
    const char *why = NULL;
    char *code;

    r.code_challenge = CHALLENGE;
    r.code_challenge_method = PKCE_METHOD_S256;
    code = issue_code(f, &r);
    /* spa lacks the refresh_token grant */
    assert_int_equal(redeem(f, &f->spa, code, VERIFIER, &t, &why), ERR_OK);
    assert_null(t.refresh_token);
    token_response_clear(&t);
    free(code);
}

static enum err redeem_as(struct fixture *f, const struct client *c, struct code_request *r,
                          const char *redirect, const char *verifier, const char **why)
{
    struct token_response t;
    char *code = issue_code(f, r);
    enum err rc = grant_authorization_code(&f->ctx, c, code, redirect, verifier, &NO_RESOURCES,
                                           NULL, &t, why);

    if (!rc)
        assert_non_null(t.access_token);
    else
        assert_null(t.access_token);
    token_response_clear(&t);
    free(code);
    return rc;
}

static void the_code_is_bound(void **state)
{
    struct fixture *f = *state;
    struct code_request r = request("web", "openid");
    const char *why = NULL;
    struct token_response t;

    assert_int_equal(redeem_as(f, &f->other, &r, REDIRECT, NULL, &why), ERR_INVALID_GRANT);
    assert_string_equal(why, "the code was issued to another client");
    assert_int_equal(redeem_as(f, &f->web, &r, REDIRECT "/", NULL, &why), ERR_INVALID_GRANT);
    assert_string_equal(why, "redirect_uri differs from the authorization request's");
    assert_int_equal(redeem_as(f, &f->web, &r, NULL, NULL, &why), ERR_INVALID_REQUEST);
    assert_int_equal(grant_authorization_code(&f->ctx, &f->web, "made-up", REDIRECT, NULL,
                                              &NO_RESOURCES, NULL, &t, &why),
                     ERR_INVALID_GRANT);
    f->cfg.code_ttl = 0;
    assert_int_equal(redeem_as(f, &f->web, &r, REDIRECT, NULL, &why), ERR_INVALID_GRANT);
    assert_string_equal(why, "the code has expired");
}

static void pkce_is_enforced(void **state)
{
    struct fixture *f = *state;
    struct code_request plain = request("web", "openid"), s256 = plain, none = plain;
    struct code_request spa_plain = request("spa", "openid"), spa_none = spa_plain;
    struct code_request spa_s256 = spa_plain;
    const char *why = NULL;

    plain.code_challenge = VERIFIER;
    plain.code_challenge_method = PKCE_METHOD_PLAIN;
    s256.code_challenge = CHALLENGE;
    s256.code_challenge_method = PKCE_METHOD_S256;
    spa_plain.code_challenge = VERIFIER;
    spa_plain.code_challenge_method = PKCE_METHOD_PLAIN;
    spa_s256.code_challenge = CHALLENGE;
    spa_s256.code_challenge_method = PKCE_METHOD_S256;

    assert_int_equal(redeem_as(f, &f->web, &s256, REDIRECT, VERIFIER, &why), ERR_OK);
    assert_int_equal(redeem_as(f, &f->web, &plain, REDIRECT, VERIFIER, &why), ERR_OK);
    assert_int_equal(redeem_as(f, &f->web, &s256, REDIRECT, NULL, &why), ERR_INVALID_GRANT);
    assert_int_equal(redeem_as(f, &f->web, &s256, REDIRECT, CHALLENGE, &why), ERR_INVALID_GRANT);
    assert_string_equal(why, "code_verifier does not match the code_challenge");
    /* no downgrade: a verifier for a code issued without a challenge */
    assert_int_equal(redeem_as(f, &f->web, &none, REDIRECT, VERIFIER, &why), ERR_INVALID_GRANT);
    assert_int_equal(redeem_as(f, &f->web, &none, REDIRECT, NULL, &why), ERR_OK);
    /* public clients: S256 only */
    assert_int_equal(redeem_as(f, &f->spa, &spa_s256, REDIRECT, VERIFIER, &why), ERR_OK);
    assert_int_equal(redeem_as(f, &f->spa, &spa_plain, REDIRECT, VERIFIER, &why),
                     ERR_INVALID_GRANT);
    assert_int_equal(redeem_as(f, &f->spa, &spa_none, REDIRECT, NULL, &why), ERR_INVALID_GRANT);
}

static void the_grant_must_be_registered(void **state)
{
    struct fixture *f = *state;
    struct token_response t;
    const char *why = NULL;

    strlist_free(&f->other.grant_types);
    assert_int_equal(grant_authorization_code(&f->ctx, &f->other, "x", REDIRECT, NULL,
                                              &NO_RESOURCES, NULL, &t, &why),
                     ERR_UNAUTHORIZED_CLIENT);
}

static void a_deleted_or_disabled_user_has_no_grant(void **state)
{
    struct fixture *f = *state;
    struct code_request r = request("web", "openid");
    struct token_response t;
    struct user u = {0};
    const char *why = NULL;
    char *code = issue_code(f, &r);

    assert_int_equal(store_user_get(f->t.store, "user-sub-1", &u), ERR_OK);
    u.enabled = false;
    assert_int_equal(store_user_update(f->t.store, &u), ERR_OK);
    assert_int_equal(redeem(f, &f->web, code, NULL, &t, &why), ERR_INVALID_GRANT);
    assert_string_equal(why, "the user was deleted or disabled");
    free(code);
    code = issue_code(f, &r);
    assert_int_equal(store_user_delete(f->t.store, "user-sub-1"), ERR_OK);
    assert_int_equal(redeem(f, &f->web, code, NULL, &t, &why), ERR_INVALID_GRANT);
    assert_null(t.access_token);
    user_clear(&u);
    free(code);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(the_id_token_holds_each_claim, setup, teardown),
        cmocka_unit_test_setup_teardown(extra_claims_never_override, setup, teardown),
        cmocka_unit_test_setup_teardown(no_openid_no_id_token, setup, teardown),
        cmocka_unit_test_setup_teardown(a_reused_code_revokes_what_it_issued, setup, teardown),
        cmocka_unit_test_setup_teardown(racing_redemptions_one_gets_tokens_then_revoked, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_code_that_failed_its_checks_is_burnt, setup, teardown),
        cmocka_unit_test_setup_teardown(refresh_tokens_need_the_grant_and_offline_access, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(the_code_is_bound, setup, teardown),
        cmocka_unit_test_setup_teardown(pkce_is_enforced, setup, teardown),
        cmocka_unit_test_setup_teardown(the_grant_must_be_registered, setup, teardown),
        cmocka_unit_test_setup_teardown(a_deleted_or_disabled_user_has_no_grant, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
