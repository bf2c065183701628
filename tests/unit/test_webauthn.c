/* The WebAuthn ceremonies (oauth/webauthn.c and the parsers under it), on
 * real outputs of chromium's virtual authenticator (webauthn_vectors.h) and
 * on packed self attestations made here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/hash.h"
#include "oauth/webauthn.h"
#include "webauthn_fixture.h"
#include "webauthn_vectors.h"

#define NVECTORS (sizeof(wa_vectors) / sizeof(wa_vectors[0]))

static unsigned char reg_challenge[WEBAUTHN_CHALLENGE_LEN];
static unsigned char get_challenge[WEBAUTHN_CHALLENGE_LEN];
static struct webauthn_expect reg_expect = {WA_RP_ID, WA_ORIGIN, reg_challenge, true};
static struct webauthn_expect get_expect = {WA_RP_ID, WA_ORIGIN, get_challenge, true};

/* One vector's bytes, decoded. */
struct vec {
    struct blob cred_id, reg_cd, att, get_cd, auth, sig;
};

static struct vec vec_load(const struct wa_vector *v)
{
    struct vec x = {blob_b64(v->cred_id),     blob_b64(v->reg_client_data),
                    blob_b64(v->attestation), blob_b64(v->get_client_data),
                    blob_b64(v->auth_data),   blob_b64(v->signature)};
    return x;
}

static void vec_free(struct vec *x)
{
    blob_free(&x->cred_id);
    blob_free(&x->reg_cd);
    blob_free(&x->att);
    blob_free(&x->get_cd);
    blob_free(&x->auth);
    blob_free(&x->sig);
}

static int setup(void **state)
{
    size_t n = 0;

    (void)state;
    assert_int_equal(b64url_decode(WA_REG_CHALLENGE, strlen(WA_REG_CHALLENGE), reg_challenge, &n),
                     ERR_OK);
    assert_int_equal(n, WEBAUTHN_CHALLENGE_LEN);
    assert_int_equal(b64url_decode(WA_GET_CHALLENGE, strlen(WA_GET_CHALLENGE), get_challenge, &n),
                     ERR_OK);
    return 0;
}

static enum err reg(const struct webauthn_expect *e, const struct blob *cd, const struct blob *att,
                    struct webauthn_registration *out, const char **why)
{
    *why = NULL;
    return webauthn_registration_verify(e, cd->p, cd->n, att->p, att->n, out, why);
}

/* An assertion against the stored credential r with counter stored. */
static enum err get(const struct webauthn_expect *e, const struct webauthn_registration *r,
                    uint32_t stored, const struct blob *cd, const struct blob *auth,
                    const struct blob *sig, const char **why)
{
    const struct webauthn_credential cred = {r->alg, r->public_key_der, r->public_key_der_len,
                                             stored};
    struct webauthn_assertion out;

    *why = NULL;
    return webauthn_assertion_verify(e, &cred, cd->p, cd->n, auth->p, auth->n, sig->p, sig->n, &out,
                                     why);
}

/* why is read through a pointer: the call that sets it is an argument too */
static void expect_why(enum err got, enum err want, const char **why, const char *part)
{
    assert_int_equal(got, want);
    assert_non_null(*why);
    if (!strstr(*why, part))
        fail_msg("reason \"%s\" does not mention \"%s\"", *why, part);
}

static void real_registrations_and_assertions_verify(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < NVECTORS; i++) {
        const struct wa_vector *v = &wa_vectors[i];
        struct vec x = vec_load(v);
        struct webauthn_registration r;
        struct webauthn_assertion a;
        struct webauthn_credential cred;
        const char *why = NULL;

        assert_int_equal(reg(&reg_expect, &x.reg_cd, &x.att, &r, &why), ERR_OK);
        assert_int_equal(r.alg, v->alg);
        assert_memory_equal(r.cred_id, x.cred_id.p, x.cred_id.n);
        assert_int_equal(r.cred_id_len, x.cred_id.n);
        assert_int_equal(r.sign_count, 1);
        assert_true(r.user_verified);
        assert_false(r.backup_eligible);
        assert_false(r.backed_up);
        assert_string_equal(r.fmt, v->attestation_kind);
        /* "none", or "packed" with a certificate we do not verify */
        assert_int_equal(r.attestation, strcmp(v->attestation_kind, "none") == 0
                                            ? WEBAUTHN_ATTESTATION_NONE
                                            : WEBAUTHN_ATTESTATION_UNVERIFIED);
        cred = (struct webauthn_credential){r.alg, r.public_key_der, r.public_key_der_len, 1};
        assert_int_equal(webauthn_assertion_verify(&get_expect, &cred, x.get_cd.p, x.get_cd.n,
                                                   x.auth.p, x.auth.n, x.sig.p, x.sig.n, &a, &why),
                         ERR_OK);
        assert_int_equal(a.sign_count, 2);
        assert_true(a.user_verified);
        webauthn_registration_clear(&r);
        vec_free(&x);
    }
}

static void counter_rules(void **state)
{
    struct vec x = vec_load(&wa_vectors[0]);
    struct webauthn_registration r;
    const char *why;

    (void)state;
    assert_true(webauthn_counter_advances(0, 0));
    assert_true(webauthn_counter_advances(0, 1));
    assert_true(webauthn_counter_advances(41, 42));
    assert_false(webauthn_counter_advances(1, 0));
    assert_false(webauthn_counter_advances(42, 42));
    assert_false(webauthn_counter_advances(43, 42));
    assert_false(webauthn_counter_advances(UINT32_MAX, 0));
    assert_int_equal(reg(&reg_expect, &x.reg_cd, &x.att, &r, &why), ERR_OK);
    /* the assertion carries 2: a stored 2 or more is a counter gone back,
     * told apart from every other refusal */
    assert_int_equal(get(&get_expect, &r, 1, &x.get_cd, &x.auth, &x.sig, &why), ERR_OK);
    expect_why(get(&get_expect, &r, 2, &x.get_cd, &x.auth, &x.sig, &why), ERR_CONFLICT, &why,
               "counter went backwards");
    expect_why(get(&get_expect, &r, 7, &x.get_cd, &x.auth, &x.sig, &why), ERR_CONFLICT, &why,
               "counter went backwards");
    webauthn_registration_clear(&r);
    vec_free(&x);
}

/* A copy of clientDataJSON with one substring replaced. */
static struct blob cd_replace(const struct blob *cd, const char *from, const char *to)
{
    char text[LIMIT_WEBAUTHN_CLIENT_DATA + 64];
    const char *at;
    size_t head, n;

    assert_true(cd->n < LIMIT_WEBAUTHN_CLIENT_DATA);
    memcpy(text, cd->p, cd->n);
    text[cd->n] = '\0';
    at = strstr(text, from);
    assert_non_null(at);
    head = (size_t)(at - text);
    n = strlen(to);
    memmove(text + head + n, at + strlen(from), cd->n - head - strlen(from) + 1);
    memcpy(text + head, to, n);
    return blob_copy(text, strlen(text));
}

static void tampered_assertions_fail(void **state)
{
    size_t i, j;

    (void)state;
    for (i = 0; i < NVECTORS; i++) {
        struct vec x = vec_load(&wa_vectors[i]);
        struct webauthn_expect e = get_expect;
        unsigned char other[WEBAUTHN_CHALLENGE_LEN];
        struct webauthn_registration r;
        struct blob cd;
        const char *why;

        assert_int_equal(reg(&reg_expect, &x.reg_cd, &x.att, &r, &why), ERR_OK);
        /* every byte of the rpIdHash */
        for (j = 0; j < HASH_LEN; j++) {
            x.auth.p[j] ^= 0x20;
            expect_why(get(&e, &r, 1, &x.get_cd, &x.auth, &x.sig, &why), ERR_INVALID_REQUEST, &why,
                       "rpIdHash");
            x.auth.p[j] ^= 0x20;
        }
        /* flags without UP; without UV when it is required */
        x.auth.p[32] &= (unsigned char)~WEBAUTHN_FLAG_UP;
        expect_why(get(&e, &r, 1, &x.get_cd, &x.auth, &x.sig, &why), ERR_INVALID_REQUEST, &why,
                   "(UP)");
        x.auth.p[32] |= WEBAUTHN_FLAG_UP;
        x.auth.p[32] &= (unsigned char)~WEBAUTHN_FLAG_UV;
        expect_why(get(&e, &r, 1, &x.get_cd, &x.auth, &x.sig, &why), ERR_INVALID_REQUEST, &why,
                   "(UV)");
        /* ... which is fine when UV is not required, but the flags are signed */
        e.require_uv = false;
        expect_why(get(&e, &r, 1, &x.get_cd, &x.auth, &x.sig, &why), ERR_ACCESS_DENIED, &why,
                   "signature");
        e.require_uv = true;
        x.auth.p[32] |= WEBAUTHN_FLAG_UV;
        /* the counter is signed too */
        x.auth.p[36] ^= 0x10;
        expect_why(get(&e, &r, 1, &x.get_cd, &x.auth, &x.sig, &why), ERR_ACCESS_DENIED, &why,
                   "signature");
        x.auth.p[36] ^= 0x10;
        /* every single-bit change of every byte of authData and of the signature */
        for (j = 0; j < x.auth.n * 8; j++) {
            x.auth.p[j / 8] ^= (unsigned char)(1u << (j % 8));
            assert_int_not_equal(get(&e, &r, 1, &x.get_cd, &x.auth, &x.sig, &why), ERR_OK);
            x.auth.p[j / 8] ^= (unsigned char)(1u << (j % 8));
        }
        for (j = 0; j < x.sig.n; j++) {
            x.sig.p[j] ^= 0x01;
            assert_int_not_equal(get(&e, &r, 1, &x.get_cd, &x.auth, &x.sig, &why), ERR_OK);
            x.sig.p[j] ^= 0x01;
        }
        /* every byte of clientDataJSON */
        for (j = 0; j < x.get_cd.n; j++) {
            x.get_cd.p[j] ^= 0x01;
            assert_int_not_equal(get(&e, &r, 1, &x.get_cd, &x.auth, &x.sig, &why), ERR_OK);
            x.get_cd.p[j] ^= 0x01;
        }
        /* client data type, challenge, origin, crossOrigin, topOrigin */
        cd = cd_replace(&x.get_cd, "webauthn.get", "webauthn.create");
        expect_why(get(&e, &r, 1, &cd, &x.auth, &x.sig, &why), ERR_INVALID_REQUEST, &why, "type");
        blob_free(&cd);
        memcpy(other, get_challenge, sizeof(other));
        other[31] ^= 1;
        e.challenge = other;
        expect_why(get(&e, &r, 1, &x.get_cd, &x.auth, &x.sig, &why), ERR_INVALID_REQUEST, &why,
                   "challenge does not match");
        e.challenge = get_challenge;
        e.origin = "http://localhost";
        expect_why(get(&e, &r, 1, &x.get_cd, &x.auth, &x.sig, &why), ERR_INVALID_REQUEST, &why,
                   "origin");
        e.origin = WA_ORIGIN;
        cd = cd_replace(&x.get_cd, "\"crossOrigin\":false", "\"crossOrigin\":true");
        expect_why(get(&e, &r, 1, &cd, &x.auth, &x.sig, &why), ERR_INVALID_REQUEST, &why,
                   "crossOrigin");
        blob_free(&cd);
        cd = cd_replace(&x.get_cd, "\"crossOrigin\":false",
                        "\"crossOrigin\":false,\"topOrigin\":\"http://evil.example\"");
        expect_why(get(&e, &r, 1, &cd, &x.auth, &x.sig, &why), ERR_INVALID_REQUEST, &why,
                   "topOrigin");
        blob_free(&cd);
        /* a repeated member could say one thing to us and another to a browser */
        cd = cd_replace(&x.get_cd, "\"crossOrigin\":false",
                        "\"crossOrigin\":false,\"type\":\"webauthn.get\"");
        expect_why(get(&e, &r, 1, &cd, &x.auth, &x.sig, &why), ERR_INVALID_REQUEST, &why,
                   "JSON object");
        blob_free(&cd);
        /* the registration's client data is not an assertion's */
        expect_why(get(&e, &r, 1, &x.reg_cd, &x.auth, &x.sig, &why), ERR_INVALID_REQUEST, &why,
                   "type");
        /* another RP ID */
        e.rp_id = "example.com";
        expect_why(get(&e, &r, 1, &x.get_cd, &x.auth, &x.sig, &why), ERR_INVALID_REQUEST, &why,
                   "rpIdHash");
        webauthn_registration_clear(&r);
        vec_free(&x);
    }
}

static void tampered_registrations_fail(void **state)
{
    unsigned char rp_hash[HASH_LEN];
    size_t i, j;

    (void)state;
    hash_sha256(WA_RP_ID, strlen(WA_RP_ID), rp_hash);
    for (i = 0; i < NVECTORS; i++) {
        struct vec x = vec_load(&wa_vectors[i]);
        struct webauthn_expect e = reg_expect;
        struct webauthn_registration r;
        unsigned char *auth;
        struct blob cd;
        const char *why;

        /* the authData inside the attestation object starts with the rpIdHash */
        auth = memmem(x.att.p, x.att.n, rp_hash, HASH_LEN);
        assert_non_null(auth);
        for (j = 0; j < HASH_LEN; j++) {
            auth[j] ^= 0x01;
            expect_why(reg(&e, &x.reg_cd, &x.att, &r, &why), ERR_INVALID_REQUEST, &why, "rpIdHash");
            webauthn_registration_clear(&r);
            auth[j] ^= 0x01;
        }
        auth[32] &= (unsigned char)~WEBAUTHN_FLAG_UP;
        expect_why(reg(&e, &x.reg_cd, &x.att, &r, &why), ERR_INVALID_REQUEST, &why, "(UP)");
        auth[32] |= WEBAUTHN_FLAG_UP;
        auth[32] &= (unsigned char)~WEBAUTHN_FLAG_UV;
        expect_why(reg(&e, &x.reg_cd, &x.att, &r, &why), ERR_INVALID_REQUEST, &why, "(UV)");
        e.require_uv = false;
        assert_int_equal(reg(&e, &x.reg_cd, &x.att, &r, &why), ERR_OK);
        assert_false(r.user_verified);
        webauthn_registration_clear(&r);
        e.require_uv = true;
        auth[32] |= WEBAUTHN_FLAG_UV;
        /* without AT the credential data is bytes after the last field */
        auth[32] &= (unsigned char)~WEBAUTHN_FLAG_AT;
        expect_why(reg(&e, &x.reg_cd, &x.att, &r, &why), ERR_INVALID_REQUEST, &why, "bytes after");
        auth[32] |= WEBAUTHN_FLAG_AT;
        /* BS (backed up) without BE (backup eligible) */
        auth[32] |= WEBAUTHN_FLAG_BS;
        expect_why(reg(&e, &x.reg_cd, &x.att, &r, &why), ERR_INVALID_REQUEST, &why, "BS without");
        auth[32] &= (unsigned char)~WEBAUTHN_FLAG_BS;
        /* client data */
        expect_why(reg(&e, &x.get_cd, &x.att, &r, &why), ERR_INVALID_REQUEST, &why, "type");
        cd = cd_replace(&x.reg_cd, "\"crossOrigin\":false", "\"crossOrigin\":true");
        expect_why(reg(&e, &cd, &x.att, &r, &why), ERR_INVALID_REQUEST, &why, "crossOrigin");
        blob_free(&cd);
        cd = cd_replace(&x.reg_cd, "localhost", "127.0.0.1");
        expect_why(reg(&e, &cd, &x.att, &r, &why), ERR_INVALID_REQUEST, &why, "origin");
        blob_free(&cd);
        e.challenge = get_challenge;
        expect_why(reg(&e, &x.reg_cd, &x.att, &r, &why), ERR_INVALID_REQUEST, &why, "challenge");
        /* and the untouched one still passes */
        assert_int_equal(reg(&reg_expect, &x.reg_cd, &x.att, &r, &why), ERR_OK);
        webauthn_registration_clear(&r);
        vec_free(&x);
    }
}

static void truncated_inputs_fail_at_every_length(void **state)
{
    size_t i, n;

    (void)state;
    for (i = 0; i < NVECTORS; i++) {
        struct vec x = vec_load(&wa_vectors[i]);
        struct webauthn_registration r;
        struct webauthn_authdata ad;
        struct blob cut;
        const char *why;

        for (n = 0; n < x.att.n; n++) {
            cut = blob_copy(x.att.p, n); /* a buffer of exactly n bytes, for ASan */
            assert_int_equal(reg(&reg_expect, &x.reg_cd, &cut, &r, &why), ERR_INVALID_REQUEST);
            assert_non_null(why);
            webauthn_registration_clear(&r);
            blob_free(&cut);
        }
        for (n = 0; n < x.reg_cd.n; n++) {
            cut = blob_copy(x.reg_cd.p, n);
            assert_int_equal(reg(&reg_expect, &cut, &x.att, &r, &why), ERR_INVALID_REQUEST);
            webauthn_registration_clear(&r);
            blob_free(&cut);
        }
        assert_int_equal(reg(&reg_expect, &x.reg_cd, &x.att, &r, &why), ERR_OK);
        for (n = 0; n < x.auth.n; n++) {
            cut = blob_copy(x.auth.p, n);
            assert_int_equal(get(&get_expect, &r, 1, &x.get_cd, &cut, &x.sig, &why),
                             ERR_INVALID_REQUEST);
            assert_int_equal(webauthn_authdata_parse(cut.p, cut.n, &ad, &why), ERR_INVALID_REQUEST);
            webauthn_authdata_clear(&ad);
            blob_free(&cut);
        }
        for (n = 0; n < x.sig.n; n++) {
            cut = blob_copy(x.sig.p, n);
            assert_int_equal(get(&get_expect, &r, 1, &x.get_cd, &x.auth, &cut, &why),
                             ERR_ACCESS_DENIED);
            blob_free(&cut);
        }
        for (n = 0; n < x.get_cd.n; n++) {
            cut = blob_copy(x.get_cd.p, n);
            assert_int_equal(get(&get_expect, &r, 1, &cut, &x.auth, &x.sig, &why),
                             ERR_INVALID_REQUEST);
            blob_free(&cut);
        }
        webauthn_registration_clear(&r);
        vec_free(&x);
    }
}

static void oversized_and_trailing_inputs_fail(void **state)
{
    struct vec x = vec_load(&wa_vectors[0]);
    struct webauthn_registration r;
    struct blob big;
    const char *why;

    (void)state;
    /* a byte after the attestation object */
    big = blob_grow(x.att.p, x.att.n, x.att.n + 1);
    expect_why(reg(&reg_expect, &x.reg_cd, &big, &r, &why), ERR_INVALID_REQUEST, &why,
               "bytes after");
    blob_free(&big);
    /* past the caps, refused before parsing */
    big = blob_grow(x.att.p, x.att.n, LIMIT_WEBAUTHN_ATTESTATION + 1);
    expect_why(reg(&reg_expect, &x.reg_cd, &big, &r, &why), ERR_INVALID_REQUEST, &why, "too large");
    blob_free(&big);
    big = blob_grow(x.reg_cd.p, x.reg_cd.n, LIMIT_WEBAUTHN_CLIENT_DATA + 1);
    memset(big.p + x.reg_cd.n, ' ', big.n - x.reg_cd.n);
    expect_why(reg(&reg_expect, &big, &x.att, &r, &why), ERR_INVALID_REQUEST, &why, "too large");
    blob_free(&big);
    vec_free(&x);
}

/* authData for a credential made here: rpIdHash, flags, count, AAGUID,
 * credential id, COSE key, then extra (extensions or junk) */
static struct blob make_authdata(uint8_t flags, const struct blob *cose, const unsigned char *extra,
                                 size_t extra_len)
{
    static const unsigned char id[16] = "credential-id-16";
    unsigned char buf[2048];
    size_t n = 0;

    hash_sha256(WA_RP_ID, strlen(WA_RP_ID), buf);
    n = HASH_LEN;
    buf[n++] = flags;
    memcpy(buf + n, "\0\0\0\x07", 4);
    n += 4;
    memset(buf + n, 0xaa, WEBAUTHN_AAGUID_LEN);
    n += WEBAUTHN_AAGUID_LEN;
    buf[n++] = 0;
    buf[n++] = sizeof(id);
    memcpy(buf + n, id, sizeof(id));
    n += sizeof(id);
    memcpy(buf + n, cose->p, cose->n);
    n += cose->n;
    if (extra_len)
        memcpy(buf + n, extra, extra_len);
    return blob_copy(buf, n + extra_len);
}

/* {"fmt": "packed", "attStmt": {"alg": alg, "sig": sig}, "authData": auth} */
static struct blob packed_object(int alg, const struct blob *sig, const struct blob *auth)
{
    cbor_item_t *obj = cbor_new_definite_map(3), *stmt = cbor_new_definite_map(2);

    map_put(stmt, cbor_build_string("alg"), cbor_int(alg));
    map_put(stmt, cbor_build_string("sig"), cbor_bytes(sig->p, sig->n));
    map_put(obj, cbor_build_string("fmt"), cbor_build_string("packed"));
    map_put(obj, cbor_build_string("attStmt"), stmt);
    map_put(obj, cbor_build_string("authData"), cbor_bytes(auth->p, auth->n));
    return blob_cbor(obj);
}

static void packed_self_attestation_is_verified(void **state)
{
    static const int algs[] = {COSE_ALG_ES256, COSE_ALG_EDDSA, COSE_ALG_RS256};
    struct vec x = vec_load(&wa_vectors[0]);
    unsigned char cd_hash[HASH_LEN];
    size_t i;

    (void)state;
    hash_sha256(x.reg_cd.p, x.reg_cd.n, cd_hash);
    for (i = 0; i < 3; i++) {
        EVP_PKEY *pkey = key_new(algs[i], 2048);
        struct blob cose = cose_of(pkey, algs[i]);
        struct blob auth = make_authdata(0x45, &cose, NULL, 0);
        struct blob sig = sign_two(pkey, algs[i], &auth, cd_hash, HASH_LEN);
        struct blob att = packed_object(algs[i], &sig, &auth);
        struct webauthn_registration r;
        const char *why;

        assert_int_equal(reg(&reg_expect, &x.reg_cd, &att, &r, &why), ERR_OK);
        assert_int_equal(r.attestation, WEBAUTHN_ATTESTATION_SELF);
        assert_int_equal(r.alg, algs[i]);
        assert_int_equal(r.sign_count, 7);
        assert_memory_equal(r.cred_id, "credential-id-16", 16);
        webauthn_registration_clear(&r);
        blob_free(&att);
        /* alg of another algorithm than the credential's */
        att = packed_object(algs[(i + 1) % 3], &sig, &auth);
        expect_why(reg(&reg_expect, &x.reg_cd, &att, &r, &why), ERR_INVALID_REQUEST, &why, "alg");
        blob_free(&att);
        /* a signature that does not verify */
        sig.p[sig.n / 2] ^= 0x04;
        att = packed_object(algs[i], &sig, &auth);
        expect_why(reg(&reg_expect, &x.reg_cd, &att, &r, &why), ERR_ACCESS_DENIED, &why,
                   "signature");
        blob_free(&att);
        blob_free(&sig);
        blob_free(&auth);
        blob_free(&cose);
        EVP_PKEY_free(pkey);
    }
    vec_free(&x);
}

static void authdata_structure(void **state)
{
    static const unsigned char ext[] = {0xa1, 0x63, 'f', 'o', 'o', 0xf5}; /* {"foo": true} */
    EVP_PKEY *pkey = key_new(COSE_ALG_ES256, 0);
    struct blob cose = cose_of(pkey, COSE_ALG_ES256);
    struct webauthn_authdata ad;
    struct blob auth;
    const char *why;

    (void)state;
    /* extensions after the key when ED says so */
    auth = make_authdata(0xc5, &cose, ext, sizeof(ext));
    assert_int_equal(webauthn_authdata_parse(auth.p, auth.n, &ad, &why), ERR_OK);
    assert_int_equal(ad.sign_count, 7);
    assert_int_equal(ad.cred_id_len, 16);
    assert_int_equal(ad.key.alg, COSE_ALG_ES256);
    webauthn_authdata_clear(&ad);
    blob_free(&auth);
    /* ... and not when it does not */
    auth = make_authdata(0x45, &cose, ext, sizeof(ext));
    expect_why(webauthn_authdata_parse(auth.p, auth.n, &ad, &why), ERR_INVALID_REQUEST, &why,
               "bytes after");
    webauthn_authdata_clear(&ad);
    blob_free(&auth);
    /* ED with something that is not a map */
    auth = make_authdata(0xc5, &cose, (const unsigned char *)"\x01", 1);
    expect_why(webauthn_authdata_parse(auth.p, auth.n, &ad, &why), ERR_INVALID_REQUEST, &why,
               "not a CBOR map");
    webauthn_authdata_clear(&ad);
    blob_free(&auth);
    /* a credential id length of 0, and one past the cap */
    auth = make_authdata(0x45, &cose, NULL, 0);
    auth.p[53] = 0;
    auth.p[54] = 0;
    expect_why(webauthn_authdata_parse(auth.p, auth.n, &ad, &why), ERR_INVALID_REQUEST, &why,
               "credential id length");
    auth.p[53] = 0x04; /* 1024 */
    expect_why(webauthn_authdata_parse(auth.p, auth.n, &ad, &why), ERR_INVALID_REQUEST, &why,
               "credential id length");
    auth.p[53] = 0x03;
    auth.p[54] = 0xff; /* 1023, more than there is */
    expect_why(webauthn_authdata_parse(auth.p, auth.n, &ad, &why), ERR_INVALID_REQUEST, &why,
               "truncated");
    webauthn_authdata_clear(&ad);
    blob_free(&auth);
    blob_free(&cose);
    EVP_PKEY_free(pkey);
}

static void attestation_object_structure(void **state)
{
    struct vec x = vec_load(&wa_vectors[0]);
    struct webauthn_registration r;
    cbor_item_t *obj;
    struct blob att;
    const char *why;

    (void)state;
    /* a format we do not know: attested, not verified */
    obj = cbor_new_definite_map(3);
    map_put(obj, cbor_build_string("fmt"), cbor_build_string("tpm"));
    map_put(obj, cbor_build_string("attStmt"), cbor_new_definite_map(0));
    {
        struct webauthn_attestation a;
        assert_int_equal(webauthn_attestation_parse(x.att.p, x.att.n, &a, &why), ERR_OK);
        map_put(obj, cbor_build_string("authData"), cbor_bytes(a.auth_data, a.auth_data_len));
        webauthn_attestation_clear(&a);
    }
    att = blob_cbor(obj);
    assert_int_equal(reg(&reg_expect, &x.reg_cd, &att, &r, &why), ERR_OK);
    assert_int_equal(r.attestation, WEBAUTHN_ATTESTATION_UNVERIFIED);
    assert_string_equal(r.fmt, "tpm");
    webauthn_registration_clear(&r);
    blob_free(&att);
    /* "none" with a statement; no authData; not a map */
    obj = cbor_new_definite_map(3);
    map_put(obj, cbor_build_string("fmt"), cbor_build_string("none"));
    map_put(obj, cbor_build_string("attStmt"), cbor_new_definite_map(0));
    att = blob_cbor(obj);
    expect_why(reg(&reg_expect, &x.reg_cd, &att, &r, &why), ERR_INVALID_REQUEST, &why, "authData");
    blob_free(&att);
    att = blob_cbor(cbor_build_string("none"));
    expect_why(reg(&reg_expect, &x.reg_cd, &att, &r, &why), ERR_INVALID_REQUEST, &why, "map");
    blob_free(&att);
    vec_free(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(real_registrations_and_assertions_verify),
        cmocka_unit_test(counter_rules),
        cmocka_unit_test(tampered_assertions_fail),
        cmocka_unit_test(tampered_registrations_fail),
        cmocka_unit_test(truncated_inputs_fail_at_every_length),
        cmocka_unit_test(oversized_and_trailing_inputs_fail),
        cmocka_unit_test(packed_self_attestation_is_verified),
        cmocka_unit_test(authdata_structure),
        cmocka_unit_test(attestation_object_structure),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
