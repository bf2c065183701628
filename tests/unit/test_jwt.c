#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjose/util.h>
#include <cmocka.h>
#include <openssl/hmac.h>

#include "core/b64url.h"
#include "jose/jwk.h"
#include "jose/jws.h"
#include "jose/jwt.h"

struct fixture {
    cjose_jwk_t *rsa, *ec;
    char rsa_kid[44], ec_kid[44];
    struct jwks *set;
};

static const char claims[] = "{\"iss\":\"https://id.example\",\"sub\":\"c1\",\"aud\":\"c1\","
                             "\"exp\":2000000000,\"iat\":1700000000,\"scope\":\"read_books\"}";

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    char *pub_rsa, *pub_ec, doc[8192];

    assert_int_equal(jwk_generate("RS256", &f->rsa), ERR_OK);
    assert_int_equal(jwk_generate("ES256", &f->ec), ERR_OK);
    jwk_thumbprint(f->rsa, f->rsa_kid);
    jwk_thumbprint(f->ec, f->ec_kid);
    pub_rsa = jwk_public_json(f->rsa, "RS256");
    pub_ec = jwk_public_json(f->ec, "ES256");
    snprintf(doc, sizeof doc, "{\"keys\":[%s,%s]}", pub_rsa, pub_ec);
    assert_int_equal(jwks_parse(doc, strlen(doc), &f->set), ERR_OK);
    assert_int_equal(jwks_count(f->set), 2);
    free(pub_rsa);
    free(pub_ec);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    jwks_free(f->set);
    cjose_jwk_release(f->rsa);
    cjose_jwk_release(f->ec);
    free(f);
    return 0;
}

static char *sign(cjose_jwk_t *jwk, const char *alg, const char *kid, const char *typ,
                  const char *payload)
{
    char *out = NULL;

    assert_int_equal(jws_sign(jwk, alg, kid, typ, payload, strlen(payload), &out), ERR_OK);
    return out;
}

static void verifies_rs256_and_es256(void **state)
{
    struct fixture *f = *state;
    char *a = sign(f->rsa, "RS256", f->rsa_kid, "at+jwt", claims);
    char *b = sign(f->ec, "ES256", f->ec_kid, "at+jwt", claims);
    struct jwt t;
    const char *why;

    assert_int_equal(jwt_verify(a, strlen(a), f->set, &t, &why), ERR_OK);
    assert_string_equal(t.alg, "RS256");
    assert_string_equal(t.typ, "at+jwt");
    assert_string_equal(jwt_claim_str(&t, "scope"), "read_books");
    assert_int_equal(jwt_claim_int(&t, "exp"), 2000000000);
    jwt_clear(&t);
    assert_int_equal(jwt_verify(b, strlen(b), f->set, &t, &why), ERR_OK);
    assert_string_equal(t.alg, "ES256");
    jwt_clear(&t);
    free(a);
    free(b);
}

static void refuses_tampered_signature_and_claims(void **state)
{
    struct fixture *f = *state;
    char *a = sign(f->rsa, "RS256", f->rsa_kid, "at+jwt", claims);
    size_t len = strlen(a);
    size_t dot = strcspn(a, ".");
    struct jwt t;
    const char *why;

    char saved = a[len - 5];

    a[len - 5] = saved == 'A' ? 'B' : 'A';
    assert_int_equal(jwt_verify(a, len, f->set, &t, &why), ERR_INVALID_TOKEN);
    a[len - 5] = saved;
    assert_int_equal(jwt_verify(a, len, f->set, &t, &why), ERR_OK);
    jwt_clear(&t);
    a[dot + 3] = a[dot + 3] == 'x' ? 'y' : 'x';
    assert_int_equal(jwt_verify(a, len, f->set, &t, &why), ERR_INVALID_TOKEN);
    free(a);
}

static void unknown_kid_is_not_found(void **state)
{
    struct fixture *f = *state;
    char *a = sign(f->rsa, "RS256", "some-other-kid", "at+jwt", claims);
    struct jwt t;
    const char *why;

    assert_int_equal(jwt_verify(a, strlen(a), f->set, &t, &why), ERR_NOT_FOUND);
    assert_false(jwks_has_kid(f->set, "some-other-kid"));
    assert_true(jwks_has_kid(f->set, f->rsa_kid));
    free(a);
}

/* A token whose header names another algorithm than its key: refused. */
static void algorithm_comes_from_the_key(void **state)
{
    struct fixture *f = *state;
    char *a = sign(f->ec, "ES256", f->rsa_kid, "at+jwt", claims);
    struct jwt t;
    const char *why;

    assert_int_equal(jwt_verify(a, strlen(a), f->set, &t, &why), ERR_INVALID_TOKEN);
    free(a);
}

static char *forge(const char *header, const char *payload, const char *sig)
{
    char h[512], p[512], *out = malloc(2048);

    b64url_encode(header, strlen(header), h);
    b64url_encode(payload, strlen(payload), p);
    snprintf(out, 2048, "%s.%s.%s", h, p, sig);
    return out;
}

static void refuses_alg_none(void **state)
{
    struct fixture *f = *state;
    char hdr[256];
    struct jwt t;
    const char *why;
    char *a, *b;

    snprintf(hdr, sizeof hdr, "{\"alg\":\"none\",\"kid\":\"%s\",\"typ\":\"at+jwt\"}", f->rsa_kid);
    a = forge(hdr, claims, "");
    b = forge(hdr, claims, "AAAA");
    assert_int_equal(jwt_verify(a, strlen(a), f->set, &t, &why), ERR_INVALID_TOKEN);
    assert_int_equal(jwt_verify(b, strlen(b), f->set, &t, &why), ERR_INVALID_TOKEN);
    free(a);
    free(b);
}

/* HS256 keyed with the public key's JSON: the classic confusion attack. */
static void refuses_hs256_with_public_key(void **state)
{
    struct fixture *f = *state;
    char hdr[256], h[512], p[512], input[1200], sig[64];
    unsigned char mac[32];
    unsigned int maclen = 0;
    char *pub = jwk_public_json(f->rsa, "RS256"), token[2048];
    struct jwt t;
    const char *why;

    snprintf(hdr, sizeof hdr, "{\"alg\":\"HS256\",\"kid\":\"%s\",\"typ\":\"at+jwt\"}", f->rsa_kid);
    b64url_encode(hdr, strlen(hdr), h);
    b64url_encode(claims, strlen(claims), p);
    snprintf(input, sizeof input, "%s.%s", h, p);
    HMAC(EVP_sha256(), pub, (int)strlen(pub), (unsigned char *)input, strlen(input), mac, &maclen);
    b64url_encode(mac, maclen, sig);
    snprintf(token, sizeof token, "%s.%s", input, sig);
    assert_int_equal(jwt_verify(token, strlen(token), f->set, &t, &why), ERR_INVALID_TOKEN);
    free(pub);
}

/* HS256 with a client secret's octets (OIDC Core §10.1): no kid, verified
 * with the secret alone, never with a published key nor another secret. */
static void hs256_signs_and_verifies_with_the_secret(void **state)
{
    struct fixture *f = *state;
    static const char secret[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";
    char *token = NULL, *rs = sign(f->rsa, "RS256", f->rsa_kid, "JWT", claims);
    struct jwt t;
    const char *why;

    assert_int_equal(jws_sign_hmac(secret, strlen(secret), "JWT", claims, strlen(claims), &token),
                     ERR_OK);
    assert_int_equal(jwt_verify_hmac(token, strlen(token), secret, strlen(secret), &t, &why),
                     ERR_OK);
    assert_string_equal(t.alg, "HS256");
    assert_string_equal(t.kid, "");
    assert_string_equal(jwt_claim_str(&t, "sub"), "c1");
    jwt_clear(&t);
    assert_int_equal(jwt_verify_hmac(token, strlen(token), secret, strlen(secret) - 1, &t, &why),
                     ERR_INVALID_TOKEN);
    jwt_clear(&t);
    /* a published key never verifies it, and it asks for no JWKS refetch */
    assert_int_equal(jwt_verify(token, strlen(token), f->set, &t, &why), ERR_INVALID_TOKEN);
    jwt_clear(&t);
    /* nor does a secret verify a token of a published key's algorithm */
    assert_int_equal(jwt_verify_hmac(rs, strlen(rs), secret, strlen(secret), &t, &why),
                     ERR_INVALID_TOKEN);
    jwt_clear(&t);
    assert_int_equal(jwt_decode_unverified(token, strlen(token), &t, &why), ERR_OK);
    assert_string_equal(jwt_claim_str(&t, "aud"), "c1");
    jwt_clear(&t);
    free(token);
    free(rs);
}

static void refuses_malformed(void **state)
{
    struct fixture *f = *state;
    static const char *const bad[] = {"", "a", "a.b", "a.b.c.d", "..", "e30.e30.", "!!.e30.AA"};
    struct jwt t;
    const char *why;
    size_t i;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(jwt_verify(bad[i], strlen(bad[i]), f->set, &t, &why), ERR_INVALID_TOKEN);
}

static void checks_claims(void **state)
{
    struct fixture *f = *state;
    char *a = sign(f->rsa, "RS256", f->rsa_kid, "at+jwt", claims);
    char *b = sign(f->rsa, "RS256", f->rsa_kid, "JWT", claims);
    struct jwt_expect e = {"https://id.example", "at+jwt", "c1", 1800000000, 0};
    struct jwt t, u;
    const char *why;

    assert_int_equal(jwt_verify(a, strlen(a), f->set, &t, &why), ERR_OK);
    assert_int_equal(jwt_check(&t, &e, &why), ERR_OK);
    e.audience = "c2";
    assert_int_equal(jwt_check(&t, &e, &why), ERR_INVALID_TOKEN);
    e.audience = NULL;
    e.issuer = "https://other.example";
    assert_int_equal(jwt_check(&t, &e, &why), ERR_INVALID_TOKEN);
    e.issuer = "https://id.example";
    e.now = 2000000000;
    assert_int_equal(jwt_check(&t, &e, &why), ERR_INVALID_TOKEN);
    assert_string_equal(why, "token expired");
    e.leeway = 5;
    assert_int_equal(jwt_check(&t, &e, &why), ERR_OK);
    e.now = 1800000000;
    assert_int_equal(jwt_verify(b, strlen(b), f->set, &u, &why), ERR_OK);
    assert_int_equal(jwt_check(&u, &e, &why), ERR_INVALID_TOKEN);
    assert_string_equal(why, "wrong token type");
    jwt_clear(&t);
    jwt_clear(&u);
    free(a);
    free(b);
}

static void jwks_skips_what_it_cannot_use(void **state)
{
    const char doc[] = "{\"keys\":[{\"kty\":\"oct\",\"k\":\"AAAA\"},"
                       "{\"kty\":\"RSA\",\"use\":\"enc\",\"n\":\"AQAB\",\"e\":\"AQAB\"},"
                       "{\"kty\":\"RSA\",\"alg\":\"HS256\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}";
    struct jwks *set = NULL;

    (void)state;
    assert_int_equal(jwks_parse(doc, strlen(doc), &set), ERR_OK);
    assert_int_equal(jwks_count(set), 0);
    jwks_free(set);
    assert_int_equal(jwks_parse("[]", 2, &set), ERR_INVALID_REQUEST);
    assert_int_equal(jwks_parse("{\"keys\":", 8, &set), ERR_INVALID_REQUEST);
}

/* Inputs that made cjose's base64url decoder abort the process: they must be
 * refused before they reach it. */
static void malformed_base64_never_reaches_cjose(void **state)
{
    struct fixture *f = *state;
    static const char *const sigs[] = {"AAAAA=", "A===", "AAAAA", "AA=A"};
    const char doc[] = "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k\",\"n\":\"n8OXC=TRS6w\","
                       "\"e\":\"AQAB\"}]}";
    char hdr[256], *t;
    struct jwks *set = NULL;
    struct jwt out;
    const char *why;
    size_t i;

    snprintf(hdr, sizeof hdr, "{\"alg\":\"RS256\",\"kid\":\"%s\"}", f->rsa_kid);
    for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        t = forge(hdr, "{}", sigs[i]);
        assert_int_equal(jwt_verify(t, strlen(t), f->set, &out, &why), ERR_INVALID_TOKEN);
        free(t);
    }
    assert_int_equal(jwks_parse(doc, strlen(doc), &set), ERR_OK);
    assert_int_equal(jwks_count(set), 0);
    jwks_free(set);
}

static void claim_extremes_do_not_overflow(void **state)
{
    struct fixture *f = *state;
    static const char *const payloads[] = {
        "{\"iss\":\"i\",\"exp\":9223372036854775807}",
        "{\"iss\":\"i\",\"exp\":2000000000,\"nbf\":-9223372036854775807}",
    };
    struct jwt_expect e = {"i", NULL, NULL, 1800000000, 60};
    struct jwt t;
    const char *why;
    size_t i;

    for (i = 0; i < 2; i++) {
        char *a = sign(f->rsa, "RS256", f->rsa_kid, "at+jwt", payloads[i]);
        assert_int_equal(jwt_verify(a, strlen(a), f->set, &t, &why), ERR_OK);
        assert_int_equal(jwt_check(&t, &e, &why), ERR_OK);
        jwt_clear(&t);
        free(a);
    }
}

/* cjose's allocations, each prefixed by its size, so that a block can be
 * searched for the secret when cjose frees it. */
static const char hmac_secret[] = "oct-secret-0123456789abcdef-0123";
static int secret_freed_readable;

/* zeroed, grown parts too, so that the search reads no unset byte */
static void *sized_alloc(size_t n)
{
    size_t *p = calloc(1, sizeof *p + n);

    if (!p)
        return NULL;
    *p = n;
    return p + 1;
}

static void *sized_realloc(void *q, size_t n)
{
    size_t was = q ? ((size_t *)q)[-1] : 0;
    size_t *p = realloc(q ? (size_t *)q - 1 : NULL, sizeof *p + n);

    if (!p)
        return NULL;
    if (n > was)
        memset((char *)(p + 1) + was, 0, n - was);
    *p = n;
    return p + 1;
}

static void sized_free(void *q)
{
    size_t *p = q ? (size_t *)q - 1 : NULL;

    if (p && *p >= sizeof hmac_secret - 1 && memmem(q, *p, hmac_secret, sizeof hmac_secret - 1))
        secret_freed_readable++;
    free(p);
}

/* What HS256 signing and verifying leave behind: no freed block holds the
 * client secret (jwk_oct_release wipes cjose's copy of it). */
static void hs256_leaves_no_copy_of_the_secret(void **state)
{
    struct jwt t;
    const char *why;
    char *token = NULL;
    cjose_jwk_t *plain;

    (void)state;
    cjose_set_alloc_funcs(sized_alloc, sized_realloc, sized_free);
    assert_int_equal(
        jws_sign_hmac(hmac_secret, sizeof hmac_secret - 1, "JWT", claims, strlen(claims), &token),
        ERR_OK);
    assert_int_equal(
        jwt_verify_hmac(token, strlen(token), hmac_secret, sizeof hmac_secret - 1, &t, &why),
        ERR_OK);
    jwt_clear(&t);
    assert_int_equal(secret_freed_readable, 0);
    /* the check can fail: a key released the plain way leaves the secret */
    plain = cjose_jwk_create_oct_spec((const uint8_t *)hmac_secret, sizeof hmac_secret - 1, NULL);
    assert_non_null(plain);
    cjose_jwk_release(plain);
    assert_int_equal(secret_freed_readable, 1);
    cjose_set_alloc_funcs(malloc, realloc, free);
    free(token);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(verifies_rs256_and_es256),
        cmocka_unit_test(refuses_tampered_signature_and_claims),
        cmocka_unit_test(unknown_kid_is_not_found),
        cmocka_unit_test(algorithm_comes_from_the_key),
        cmocka_unit_test(refuses_alg_none),
        cmocka_unit_test(refuses_hs256_with_public_key),
        cmocka_unit_test(hs256_signs_and_verifies_with_the_secret),
        cmocka_unit_test(refuses_malformed),
        cmocka_unit_test(checks_claims),
        cmocka_unit_test(jwks_skips_what_it_cannot_use),
        cmocka_unit_test(malformed_base64_never_reaches_cjose),
        cmocka_unit_test(claim_extremes_do_not_overflow),
        cmocka_unit_test(hs256_leaves_no_copy_of_the_secret),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
