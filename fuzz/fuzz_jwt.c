/* libFuzzer target: jose/jwt.c, the JWT and JWKS parsers.
 *
 * One RS256 and one ES256 key are generated once (jwk_generate) with fixed
 * kids "fuzz-rs256" / "fuzz-es256", so seed tokens naming them reach the
 * signature check; their public JWKs (jwk_public_json) make the fixed JWKS.
 * Byte 0 of the input picks the mode, the rest is the subject:
 *   0 (mod 3)  a JWKS document: jwks_parse, then verify a valid token made
 *              at start-up against whatever keys it yields;
 *   1          a compact token: jwt_verify against the fixed JWKS, then
 *              jwt_check and the claim getters when it verifies;
 *   2          a claims payload: signed with jws_sign (ES256, or RS256 when
 *              byte 0 / 3 is a multiple of 8), so jwt_verify succeeds and
 *              jwt_check sees fuzzed claims.
 * Any token that verifies must carry an algorithm of the fixed set. */
#include <cjose/jwk.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/log.h"
#include "jose/jwk.h"
#include "jose/jws.h"
#include "jose/jwt.h"

#define ISSUER "https://issuer.example"
#define AUDIENCE "fuzz-client"
#define NOW 1700000000

static cjose_jwk_t *rs_key, *es_key;
static struct jwks *fixed_set;
static char *valid_token;

static const struct jwt_expect expect = {ISSUER, "at+jwt", AUDIENCE, NOW, 60};

static void die(const char *what)
{
    fprintf(stderr, "fuzz_jwt init: %s\n", what);
    abort();
}

static cjose_jwk_t *make_key(const char *alg, const char *kid)
{
    cjose_jwk_t *k;
    cjose_err err;

    if (jwk_generate(alg, &k) || !cjose_jwk_set_kid(k, kid, strlen(kid), &err))
        die("jwk_generate");
    return k;
}

static void check_token(const char *tok, size_t len, const struct jwks *set, bool want_ok)
{
    struct jwt t;
    const char *why;
    enum err rc = jwt_verify(tok, len, set, &t, &why);

    if (rc == ERR_OK) {
        if (strcmp(t.alg, "RS256") && strcmp(t.alg, "ES256") && strcmp(t.alg, "PS256"))
            abort(); /* only algorithms of the set may ever verify */
        if (!t.claims)
            abort();
        rc = jwt_check(&t, &expect, &why);
        (void)jwt_claim_str(&t, "sub");
        (void)jwt_claim_str(&t, "scope");
        (void)jwt_claim_int(&t, "iat");
    }
    if (want_ok && rc != ERR_OK)
        die(why);
    jwt_clear(&t);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static const char claims[] = "{\"iss\":\"" ISSUER "\",\"aud\":\"" AUDIENCE "\","
                                 "\"sub\":\"alice\",\"exp\":1700003600,\"iat\":1700000000,"
                                 "\"scope\":\"read_books\"}";
    char *rs_pub, *es_pub, *doc;
    size_t n;

    (void)argc, (void)argv;
    log_set_level(LOG_ERROR + 1); /* jwk/jws log failures; keep the output quiet */
    rs_key = make_key("RS256", "fuzz-rs256");
    es_key = make_key("ES256", "fuzz-es256");
    rs_pub = jwk_public_json(rs_key, "RS256");
    es_pub = jwk_public_json(es_key, "ES256");
    if (!rs_pub || !es_pub)
        die("jwk_public_json");
    n = strlen(rs_pub) + strlen(es_pub) + 32;
    doc = malloc(n);
    if (!doc)
        die("malloc");
    snprintf(doc, n, "{\"keys\":[%s,%s]}", rs_pub, es_pub);
    if (jwks_parse(doc, strlen(doc), &fixed_set) || jwks_count(fixed_set) != 2)
        die("jwks_parse of the fixed JWKS");
    if (jws_sign(rs_key, "RS256", "fuzz-rs256", "at+jwt", claims, strlen(claims), &valid_token))
        die("jws_sign");
    check_token(valid_token, strlen(valid_token), fixed_set, true);
    free(doc);
    free(rs_pub);
    free(es_pub);
    return 0;
}

static void fuzz_jwks(const char *in, size_t len)
{
    struct jwks *set = NULL;

    if (jwks_parse(in, len, &set))
        return;
    if (jwks_count(set) > LIMIT_JWKS_KEYS)
        abort();
    (void)jwks_has_kid(set, "fuzz-rs256");
    (void)jwks_has_alg(set, "ES256");
    check_token(valid_token, strlen(valid_token), set, false);
    jwks_free(set);
}

static void fuzz_signed_claims(const char *payload, size_t len, unsigned sel)
{
    bool rsa = sel % 8 == 0;
    char *tok = NULL;

    if (len > 4096)
        return; /* the token must stay under LIMIT_JWT */
    if (jws_sign(rsa ? rs_key : es_key, rsa ? "RS256" : "ES256", rsa ? "fuzz-rs256" : "fuzz-es256",
                 "at+jwt", payload, len, &tok))
        return;
    check_token(tok, strlen(tok), fixed_set, false);
    free(tok);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *rest = (const char *)data + 1;

    if (size < 1)
        return 0;
    switch (data[0] % 3) {
    case 0:
        fuzz_jwks(rest, size - 1);
        break;
    case 1:
        check_token(rest, size - 1, fixed_set, false);
        break;
    default:
        fuzz_signed_claims(rest, size - 1, data[0] / 3);
        break;
    }
    return 0;
}
