/* oauth/passkey.c and oauth/passkey_challenge.c against a temporary store,
 * with the chromium vectors (tests/unit/webauthn_vectors.h): challenges are
 * single use, expire, serve one purpose and one browser (a sign-in's signed,
 * not stored, each byte covered by its MAC); a registration is
 * stored with the attestation kept as configured; an assertion checks whose
 * the passkey is, user verification, the counter under either policy, and
 * says hwk or swk. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "core/b64url.h"
#include "core/config.h"
#include "core/hash.h"
#include "core/text.h"
#include "oauth/mfa.h"
#include "oauth/passkey.h"
#include "oauth/signin_challenge.h"
#include "store_fixture.h"
#include "webauthn_vectors.h"

#define NOW 1000000

struct fixture {
    struct temp_store t;
    struct config cfg;
    struct signin_challenge_key key;
    struct oauth_ctx ctx;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    char why[256];

    if (!f || config_load(&f->cfg, NULL, why, sizeof why) || temp_store_open(&f->t) ||
        temp_store_user(&f->t, "user-1") || temp_store_user(&f->t, "user-2"))
        return -1;
    /* the origin the vectors were made at: RP ID localhost */
    text_copy(f->cfg.issuer, sizeof f->cfg.issuer, WA_ORIGIN);
    f->ctx.cfg = &f->cfg;
    f->ctx.store = f->t.store;
    memset(f->key.key, 0x5c, sizeof f->key.key);
    f->ctx.signin_key = &f->key;
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

static void challenges_serve_once_one_purpose_one_browser(void **state)
{
    struct fixture *f = *state;
    char text[PASSKEY_CHALLENGE_TEXT_SIZE], other[PASSKEY_CHALLENGE_TEXT_SIZE];
    struct passkey_ceremony c;
    const char *why = NULL;

    assert_int_equal(passkey_challenge_issue(&f->ctx, WEBAUTHN_PURPOSE_REGISTER, "cookie-a",
                                             "user-1", NOW, text),
                     ERR_OK);
    assert_int_equal(strlen(text), 43);
    assert_int_equal(passkey_challenge_issue(&f->ctx, WEBAUTHN_PURPOSE_REGISTER, "cookie-a",
                                             "user-1", NOW, other),
                     ERR_OK);
    assert_string_not_equal(text, other);
    assert_int_equal(passkey_challenge_take(&f->ctx, text, "cookie-a", NOW, &c, &why), ERR_OK);
    assert_string_equal(c.stored.user_sub, "user-1");
    assert_int_equal(c.stored.expires_at, NOW + 300);
    assert_true(passkey_challenge_check(&c, WEBAUTHN_PURPOSE_REGISTER, "cookie-a", NOW, &why));
    assert_false(passkey_challenge_check(&c, WEBAUTHN_PURPOSE_REGISTER, "cookie-b", NOW, &why));
    assert_non_null(strstr(why, "another browser"));
    assert_false(passkey_challenge_check(&c, WEBAUTHN_PURPOSE_REGISTER, NULL, NOW, &why));
    assert_false(passkey_challenge_check(&c, WEBAUTHN_PURPOSE_SIGNIN, "cookie-a", NOW, &why));
    assert_non_null(strstr(why, "another ceremony"));
    assert_false(
        passkey_challenge_check(&c, WEBAUTHN_PURPOSE_REGISTER, "cookie-a", NOW + 300, &why));
    assert_non_null(strstr(why, "expired"));
    /* taken: gone */
    assert_int_equal(passkey_challenge_take(&f->ctx, text, "cookie-a", NOW, &c, &why),
                     ERR_ACCESS_DENIED);
    assert_non_null(strstr(why, "used already"));
    /* not one the server could have issued */
    assert_int_equal(passkey_challenge_take(&f->ctx, NULL, "cookie-a", NOW, &c, &why),
                     ERR_ACCESS_DENIED);
    assert_int_equal(passkey_challenge_take(&f->ctx, "short", "cookie-a", NOW, &c, &why),
                     ERR_ACCESS_DENIED);
    text[5] = '!';
    assert_int_equal(passkey_challenge_take(&f->ctx, text, "cookie-a", NOW, &c, &why),
                     ERR_ACCESS_DENIED);
}

#define ROWS "SELECT count(*) FROM webauthn_challenges"

/* A username-less sign-in's challenge: issued for "cookie-a" at NOW, its
 * text into text and its bytes into bytes. */
static void issue_signin(struct fixture *f, char text[PASSKEY_CHALLENGE_TEXT_SIZE],
                         unsigned char bytes[WEBAUTHN_CHALLENGE_LEN])
{
    size_t n = 0;

    assert_int_equal(
        passkey_challenge_issue(&f->ctx, WEBAUTHN_PURPOSE_SIGNIN, "cookie-a", "", NOW, text),
        ERR_OK);
    assert_int_equal(b64url_decode(text, strlen(text), bytes, &n), 0);
    assert_int_equal(n, WEBAUTHN_CHALLENGE_LEN);
}

/* Anyone may ask for one, so issuing it writes nothing; its first use is
 * recorded and a second refused as a stored one's would be. */
static void signin_challenges_are_signed_and_serve_once(void **state)
{
    struct fixture *f = *state;
    char text[PASSKEY_CHALLENGE_TEXT_SIZE], other[PASSKEY_CHALLENGE_TEXT_SIZE];
    unsigned char bytes[WEBAUTHN_CHALLENGE_LEN], h[HASH_LEN];
    struct webauthn_challenge spent;
    struct passkey_ceremony c;
    const char *why = NULL;

    issue_signin(f, text, bytes);
    issue_signin(f, other, bytes);
    assert_int_equal(strlen(text), 43);
    assert_string_not_equal(text, other);
    assert_int_equal(temp_store_count(&f->t, ROWS), 0);
    assert_int_equal(passkey_challenge_take(&f->ctx, text, "cookie-a", NOW, &c, &why), ERR_OK);
    assert_int_equal(c.stored.purpose, WEBAUTHN_PURPOSE_SIGNIN);
    assert_int_equal(c.stored.expires_at, NOW + 300);
    assert_string_equal(c.stored.user_sub, "");
    assert_true(passkey_challenge_check(&c, WEBAUTHN_PURPOSE_SIGNIN, "cookie-a", NOW, &why));
    /* a sign-in's challenge serves no other ceremony */
    assert_false(passkey_challenge_check(&c, WEBAUTHN_PURPOSE_REGISTER, "cookie-a", NOW, &why));
    assert_non_null(strstr(why, "another ceremony"));
    assert_false(
        passkey_challenge_check(&c, WEBAUTHN_PURPOSE_SECOND_FACTOR, "cookie-a", NOW, &why));
    assert_non_null(strstr(why, "another ceremony"));
    /* replayed: refused, the first use's record kept until past its expiry */
    assert_int_equal(temp_store_count(&f->t, ROWS), 1);
    assert_int_equal(passkey_challenge_take(&f->ctx, text, "cookie-a", NOW, &c, &why),
                     ERR_ACCESS_DENIED);
    assert_non_null(strstr(why, "used already"));
    assert_int_equal(temp_store_count(&f->t, ROWS), 1);
    assert_int_equal(b64url_decode(text, strlen(text), bytes, &(size_t){0}), 0);
    hash_sha256(bytes, sizeof bytes, h);
    assert_int_equal(store_webauthn_challenge_take(f->t.store, h, &spent), ERR_OK);
    assert_int_equal(spent.purpose, WEBAUTHN_PURPOSE_SPENT);
    assert_true(spent.expires_at > NOW + 300);
}

/* A stored challenge's purpose never makes a signed one of it, nor the
 * other way round. */
static void stored_and_signed_challenges_keep_their_ceremonies(void **state)
{
    struct fixture *f = *state;
    char text[PASSKEY_CHALLENGE_TEXT_SIZE];
    unsigned char bytes[WEBAUTHN_CHALLENGE_LEN];
    struct passkey_ceremony c;
    const char *why = NULL;
    int i;

    /* a random one never has the signed ones' mark (else one in 256 would
     * be taken for a signed one and refused) */
    for (i = 0; i < 600; i++) {
        assert_int_equal(passkey_challenge_issue(&f->ctx, WEBAUTHN_PURPOSE_REGISTER, "cookie-a",
                                                 "user-1", NOW, text),
                         ERR_OK);
        assert_int_equal(b64url_decode(text, strlen(text), bytes, &(size_t){0}), 0);
        assert_false(signin_challenge_is_one(bytes));
    }
    assert_int_equal(passkey_challenge_issue(&f->ctx, WEBAUTHN_PURPOSE_SECOND_FACTOR, "cookie-a",
                                             "user-1", NOW, text),
                     ERR_OK);
    assert_int_equal(temp_store_count(&f->t, ROWS), 601);
    assert_int_equal(passkey_challenge_take(&f->ctx, text, "cookie-a", NOW, &c, &why), ERR_OK);
    assert_false(passkey_challenge_check(&c, WEBAUTHN_PURPOSE_SIGNIN, "cookie-a", NOW, &why));
    assert_non_null(strstr(why, "another ceremony"));
    assert_int_equal(passkey_challenge_issue(&f->ctx, WEBAUTHN_PURPOSE_REGISTER, "cookie-a",
                                             "user-1", NOW, text),
                     ERR_OK);
    assert_int_equal(passkey_challenge_take(&f->ctx, text, "cookie-a", NOW, &c, &why), ERR_OK);
    assert_false(passkey_challenge_check(&c, WEBAUTHN_PURPOSE_SIGNIN, "cookie-a", NOW, &why));
    assert_non_null(strstr(why, "another ceremony"));
}

/* Every byte is covered: the mark, the nonce, the expiry and the MAC
 * itself. An altered one is refused and nothing is recorded for it. */
static void signin_challenge_alterations_are_refused(void **state)
{
    struct fixture *f = *state;
    char text[PASSKEY_CHALLENGE_TEXT_SIZE], bad[PASSKEY_CHALLENGE_TEXT_SIZE];
    unsigned char bytes[WEBAUTHN_CHALLENGE_LEN], changed[WEBAUTHN_CHALLENGE_LEN];
    struct signin_challenge_key other;
    struct passkey_ceremony c;
    const char *why = NULL;
    size_t i;
    int bit;

    issue_signin(f, text, bytes);
    for (i = 0; i < sizeof bytes; i++)
        for (bit = 0; bit < 8; bit++) {
            memcpy(changed, bytes, sizeof bytes);
            changed[i] ^= (unsigned char)(1u << bit);
            b64url_encode(changed, sizeof changed, bad);
            assert_int_equal(passkey_challenge_take(&f->ctx, bad, "cookie-a", NOW, &c, &why),
                             ERR_ACCESS_DENIED);
        }
    assert_int_equal(temp_store_count(&f->t, ROWS), 0);
    /* another browser's, one with no browser secret, or another key's */
    assert_int_equal(passkey_challenge_take(&f->ctx, text, "cookie-b", NOW, &c, &why),
                     ERR_ACCESS_DENIED);
    assert_non_null(strstr(why, "another browser"));
    assert_int_equal(passkey_challenge_take(&f->ctx, text, NULL, NOW, &c, &why), ERR_ACCESS_DENIED);
    memset(other.key, 0x5d, sizeof other.key);
    f->ctx.signin_key = &other;
    assert_int_equal(passkey_challenge_take(&f->ctx, text, "cookie-a", NOW, &c, &why),
                     ERR_ACCESS_DENIED);
    f->ctx.signin_key = NULL;
    assert_int_equal(passkey_challenge_take(&f->ctx, text, "cookie-a", NOW, &c, &why),
                     ERR_ACCESS_DENIED);
    assert_int_equal(
        passkey_challenge_issue(&f->ctx, WEBAUTHN_PURPOSE_SIGNIN, "cookie-a", "", NOW, bad),
        ERR_CONFIG);
    assert_int_equal(temp_store_count(&f->t, ROWS), 0);
    /* none of that spent it */
    f->ctx.signin_key = &f->key;
    assert_int_equal(passkey_challenge_take(&f->ctx, text, "cookie-a", NOW, &c, &why), ERR_OK);
    assert_true(passkey_challenge_check(&c, WEBAUTHN_PURPOSE_SIGNIN, "cookie-a", NOW, &why));
}

/* It expires webauthn.timeout_seconds after it was issued, and an expired
 * one is refused without a record. */
static void signin_challenges_expire(void **state)
{
    struct fixture *f = *state;
    char text[PASSKEY_CHALLENGE_TEXT_SIZE];
    unsigned char bytes[WEBAUTHN_CHALLENGE_LEN];
    struct passkey_ceremony c;
    const char *why = NULL;

    issue_signin(f, text, bytes);
    assert_int_equal(passkey_challenge_take(&f->ctx, text, "cookie-a", NOW + 300, &c, &why),
                     ERR_OK);
    assert_false(passkey_challenge_check(&c, WEBAUTHN_PURPOSE_SIGNIN, "cookie-a", NOW + 300, &why));
    assert_non_null(strstr(why, "expired"));
    assert_int_equal(temp_store_count(&f->t, ROWS), 0);
    assert_int_equal(passkey_challenge_take(&f->ctx, text, "cookie-a", NOW + 299, &c, &why),
                     ERR_OK);
    assert_true(passkey_challenge_check(&c, WEBAUTHN_PURPOSE_SIGNIN, "cookie-a", NOW + 299, &why));
    assert_int_equal(temp_store_count(&f->t, ROWS), 1);
}

/* A challenge with the vectors' bytes (all 0xa1 or all 0xb2), taken. */
static void vector_ceremony(struct fixture *f, enum webauthn_purpose purpose, const char *sub,
                            struct passkey_ceremony *out)
{
    unsigned char bytes[WEBAUTHN_CHALLENGE_LEN];
    struct webauthn_challenge c = {.purpose = (int)purpose, .expires_at = NOW + 60};
    const char *why = NULL;

    memset(bytes, purpose == WEBAUTHN_PURPOSE_REGISTER ? 0xa1 : 0xb2, sizeof bytes);
    hash_sha256(bytes, sizeof bytes, c.hash);
    text_copy(c.user_sub, sizeof c.user_sub, sub);
    assert_int_equal(store_webauthn_challenge_put(f->t.store, &c), ERR_OK);
    assert_int_equal(passkey_challenge_take(&f->ctx,
                                            purpose == WEBAUTHN_PURPOSE_REGISTER ? WA_REG_CHALLENGE
                                                                                 : WA_GET_CHALLENGE,
                                            "cookie-a", NOW, out, &why),
                     ERR_OK);
}

static enum err register_vector(struct fixture *f, const struct wa_vector *v, const char *cred_id,
                                struct passkey *out, const char **why)
{
    struct passkey_response r = {.credential_id = cred_id ? cred_id : v->cred_id,
                                 .client_data = v->reg_client_data,
                                 .attestation_object = v->attestation,
                                 .transports = "internal hybrid"};
    struct passkey_ceremony c;

    vector_ceremony(f, WEBAUTHN_PURPOSE_REGISTER, "user-1", &c);
    return passkey_register(&f->ctx, &c, &r, "Laptop", NOW, out, why);
}

static enum err assert_vector(struct fixture *f, const struct wa_vector *v,
                              enum webauthn_purpose purpose, const char *sub,
                              const char *user_handle, struct passkey_signin *out, const char **why)
{
    struct passkey_response r = {.credential_id = v->cred_id,
                                 .client_data = v->get_client_data,
                                 .authenticator_data = v->auth_data,
                                 .signature = v->signature,
                                 .user_handle = user_handle};
    struct passkey_ceremony c;
    struct passkey pk;
    enum err rc;

    vector_ceremony(f, purpose, sub, &c);
    rc = passkey_lookup(&f->ctx, &r, &pk, why);
    if (!rc)
        rc = passkey_assert(&f->ctx, &c, &pk, &r, NOW + 1, out, why);
    passkey_clear(&pk);
    return rc;
}

static void registers_each_vector(void **state)
{
    struct fixture *f = *state;
    struct passkey p, again;
    const char *why = NULL;
    size_t i;

    for (i = 0; i < sizeof wa_vectors / sizeof wa_vectors[0]; i++) {
        const struct wa_vector *v = &wa_vectors[i];
        assert_int_equal(register_vector(f, v, NULL, &p, &why), ERR_OK);
        assert_string_equal(p.user_sub, "user-1");
        assert_string_equal(p.name, "Laptop");
        assert_int_equal(p.alg, v->alg);
        assert_int_equal(p.sign_count, 1);
        assert_string_equal(p.transports, "internal hybrid");
        assert_int_equal(p.created_at, NOW);
        /* an x5c chain nobody checks is kept as none (webauthn.attestation) */
        assert_string_equal(p.fmt, "none");
        passkey_clear(&p);
        assert_int_equal(register_vector(f, v, NULL, &again, &why), ERR_CONFLICT);
    }
}

static void attestation_direct_keeps_the_format(void **state)
{
    struct fixture *f = *state;
    struct passkey p;
    const char *why = NULL;

    text_copy(f->cfg.webauthn_attestation, sizeof f->cfg.webauthn_attestation, "direct");
    assert_int_equal(register_vector(f, &wa_vectors[1], NULL, &p, &why), ERR_OK);
    assert_string_equal(p.fmt, "packed");
    passkey_clear(&p);
}

static void registration_refusals(void **state)
{
    struct fixture *f = *state;
    struct passkey_response r = {.credential_id = wa_vectors[0].cred_id,
                                 .client_data = wa_vectors[0].reg_client_data,
                                 .attestation_object = wa_vectors[0].attestation};
    struct passkey_ceremony c;
    struct passkey p, *list = NULL;
    const char *why = NULL;
    size_t n = 9;

    /* the rawId must be the attested credential's */
    assert_int_equal(register_vector(f, &wa_vectors[0], wa_vectors[1].cred_id, &p, &why),
                     ERR_ACCESS_DENIED);
    assert_non_null(strstr(why, "credential id"));
    /* another origin than the issuer's */
    text_copy(f->cfg.issuer, sizeof f->cfg.issuer, "http://localhost:1");
    assert_int_equal(register_vector(f, &wa_vectors[0], NULL, &p, &why), ERR_ACCESS_DENIED);
    assert_non_null(strstr(why, "origin"));
    /* the issuer's origin as a browser writes it: lower case */
    text_copy(f->cfg.issuer, sizeof f->cfg.issuer, "HTTP://LocalHost:46881/idp");
    assert_int_equal(register_vector(f, &wa_vectors[0], NULL, &p, &why), ERR_OK);
    assert_int_equal(store_passkey_delete(f->t.store, "user-1", p.cred_id, p.cred_id_len), ERR_OK);
    passkey_clear(&p);
    text_copy(f->cfg.issuer, sizeof f->cfg.issuer, WA_ORIGIN);
    /* a field missing, or not base64url */
    vector_ceremony(f, WEBAUTHN_PURPOSE_REGISTER, "user-1", &c);
    r.attestation_object = NULL;
    assert_int_equal(passkey_register(&f->ctx, &c, &r, "x", NOW, &p, &why), ERR_ACCESS_DENIED);
    assert_non_null(strstr(why, "attestation object"));
    r.attestation_object = wa_vectors[0].attestation;
    r.client_data = "not base64url!";
    assert_int_equal(passkey_register(&f->ctx, &c, &r, "x", NOW, &p, &why), ERR_ACCESS_DENIED);
    assert_non_null(strstr(why, "client data"));
    /* none of it was kept */
    assert_int_equal(store_passkeys_of_user(f->t.store, "user-1", &list, &n), ERR_OK);
    assert_int_equal(n, 0);
    passkey_list_free(list, n);
}

static void signs_in_once_per_count(void **state)
{
    struct fixture *f = *state;
    struct passkey_signin s;
    struct passkey p;
    const char *why = NULL;
    char handle[16];

    assert_int_equal(register_vector(f, &wa_vectors[0], NULL, &p, &why), ERR_OK);
    passkey_clear(&p);
    b64url_encode("user-1", 6, handle);
    assert_int_equal(
        assert_vector(f, &wa_vectors[0], WEBAUTHN_PURPOSE_SIGNIN, "", handle, &s, &why), ERR_OK);
    assert_string_equal(s.amr, PASSKEY_AMR_HWK);
    assert_int_equal(mfa_level_of_amr(s.amr), MFA_LEVEL_PHR);
    assert_false(s.counter_backwards);
    /* the same count again: a clone? */
    assert_int_equal(assert_vector(f, &wa_vectors[0], WEBAUTHN_PURPOSE_SIGNIN, "", "", &s, &why),
                     ERR_ACCESS_DENIED);
    assert_non_null(strstr(why, "counter"));
    /* webauthn.counter_policy = log lets it through, flagged */
    text_copy(f->cfg.webauthn_counter_policy, sizeof f->cfg.webauthn_counter_policy, "log");
    assert_int_equal(assert_vector(f, &wa_vectors[0], WEBAUTHN_PURPOSE_SIGNIN, "", "", &s, &why),
                     ERR_OK);
    assert_true(s.counter_backwards);
}

static void whose_passkey(void **state)
{
    struct fixture *f = *state;
    struct passkey_signin s;
    struct passkey p;
    const char *why = NULL;
    char handle[16];

    assert_int_equal(register_vector(f, &wa_vectors[2], NULL, &p, &why), ERR_OK);
    passkey_clear(&p);
    b64url_encode("user-2", 6, handle);
    assert_int_equal(
        assert_vector(f, &wa_vectors[2], WEBAUTHN_PURPOSE_SIGNIN, "", handle, &s, &why),
        ERR_ACCESS_DENIED);
    assert_non_null(strstr(why, "user handle"));
    assert_int_equal(
        assert_vector(f, &wa_vectors[2], WEBAUTHN_PURPOSE_SECOND_FACTOR, "user-2", NULL, &s, &why),
        ERR_ACCESS_DENIED);
    assert_non_null(strstr(why, "user"));
    /* the user's own, after a password */
    assert_int_equal(
        assert_vector(f, &wa_vectors[2], WEBAUTHN_PURPOSE_SECOND_FACTOR, "user-1", NULL, &s, &why),
        ERR_OK);
    assert_string_equal(s.amr, PASSKEY_AMR_PWD_HWK);
    assert_int_equal(mfa_level_of_amr(s.amr), MFA_LEVEL_PHR);
}

static void unknown_credentials(void **state)
{
    struct fixture *f = *state;
    struct passkey_response r = {.credential_id = wa_vectors[0].cred_id};
    struct passkey pk;
    const char *why = NULL;

    assert_int_equal(passkey_lookup(&f->ctx, &r, &pk, &why), ERR_ACCESS_DENIED);
    assert_non_null(strstr(why, "credential id"));
    r.credential_id = "";
    assert_int_equal(passkey_lookup(&f->ctx, &r, &pk, &why), ERR_ACCESS_DENIED);
}

static void ids_of_user(void **state)
{
    struct fixture *f = *state;
    struct passkey p;
    struct buf b;
    const char *why = NULL;
    char want[256];
    size_t n = 9;

    buf_init(&b, 4096);
    assert_int_equal(passkey_ids_of_user(&f->ctx, "user-1", &b, &n), ERR_OK);
    assert_int_equal(n, 0);
    assert_string_equal(b.data, "");
    assert_int_equal(register_vector(f, &wa_vectors[0], NULL, &p, &why), ERR_OK);
    passkey_clear(&p);
    assert_int_equal(register_vector(f, &wa_vectors[2], NULL, &p, &why), ERR_OK);
    passkey_clear(&p);
    buf_free(&b);
    buf_init(&b, 4096);
    assert_int_equal(passkey_ids_of_user(&f->ctx, "user-1", &b, &n), ERR_OK);
    assert_int_equal(n, 2);
    snprintf(want, sizeof want, "%s %s", wa_vectors[0].cred_id, wa_vectors[2].cred_id);
    assert_string_equal(b.data, want);
    buf_free(&b);
}

static void names(void **state)
{
    char out[LIMIT_PASSKEY_NAME + 1], long_name[LIMIT_PASSKEY_NAME + 2];

    (void)state;
    assert_true(passkey_name_clean(NULL, out));
    assert_string_equal(out, "Passkey");
    assert_true(passkey_name_clean("  \t ", out));
    assert_string_equal(out, "Passkey");
    assert_true(passkey_name_clean("  Work laptop ", out));
    assert_string_equal(out, "Work laptop");
    memset(long_name, 'n', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    assert_false(passkey_name_clean(long_name, out));
    long_name[LIMIT_PASSKEY_NAME] = '\0';
    assert_true(passkey_name_clean(long_name, out));
}

static void enabled(void **state)
{
    struct fixture *f = *state;

    assert_true(passkey_enabled(&f->cfg));
    text_copy(f->cfg.issuer, sizeof f->cfg.issuer, "http://127.0.0.1:8000");
    assert_false(passkey_enabled(&f->cfg));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(challenges_serve_once_one_purpose_one_browser, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(signin_challenges_are_signed_and_serve_once, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(stored_and_signed_challenges_keep_their_ceremonies, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(signin_challenge_alterations_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(signin_challenges_expire, setup, teardown),
        cmocka_unit_test_setup_teardown(registers_each_vector, setup, teardown),
        cmocka_unit_test_setup_teardown(attestation_direct_keeps_the_format, setup, teardown),
        cmocka_unit_test_setup_teardown(registration_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(signs_in_once_per_count, setup, teardown),
        cmocka_unit_test_setup_teardown(whose_passkey, setup, teardown),
        cmocka_unit_test_setup_teardown(unknown_credentials, setup, teardown),
        cmocka_unit_test_setup_teardown(ids_of_user, setup, teardown),
        cmocka_unit_test(names),
        cmocka_unit_test_setup_teardown(enabled, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
