#include "jose/jwt.h"

#include <cjose/jwk.h>
#include <cjose/jws.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/b64url.h"
#include "core/limits.h"
#include "core/text.h"
#include "jose/jwk.h"

struct jwks_key {
    char kid[128];
    char alg[16];
    cjose_jwk_t *jwk;
};

struct jwks {
    struct jwks_key keys[LIMIT_JWKS_KEYS];
    size_t n;
};

static const char *const verifiable_algs[] = {"RS256", "PS256", "ES256", NULL};

static bool alg_supported(const char *alg)
{
    const char *const *a;

    for (a = verifiable_algs; *a; a++)
        if (strcmp(*a, alg) == 0)
            return true;
    return false;
}

/* True when text is strict unpadded base64url. cjose's own decoder aborts
 * the process on some malformed input, so nothing reaches it unchecked. */
static bool strict_b64url(const char *text, size_t len)
{
    unsigned char out[LIMIT_JWT];
    size_t n;

    return len <= sizeof out && b64url_decode(text, len, out, &n) == ERR_OK;
}

/* Drops private members and refuses a key whose base64url members are not
 * strictly encoded. */
static bool key_members_ok(json_t *k)
{
    static const char *const priv[] = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"};
    static const char *const b64[] = {"n", "e", "x", "y"};
    size_t i;

    for (i = 0; i < sizeof priv / sizeof priv[0]; i++)
        json_object_del(k, priv[i]);
    for (i = 0; i < sizeof b64 / sizeof b64[0]; i++) {
        json_t *v = json_object_get(k, b64[i]);
        if (v &&
            (!json_is_string(v) || !strict_b64url(json_string_value(v), json_string_length(v))))
            return false;
    }
    return true;
}

/* The algorithm a key is for: its "alg", or what its type implies. */
static const char *key_alg(json_t *k)
{
    const char *alg = json_string_value(json_object_get(k, "alg"));
    const char *kty = json_string_value(json_object_get(k, "kty"));
    const char *crv = json_string_value(json_object_get(k, "crv"));

    if (alg)
        return alg;
    if (kty && strcmp(kty, "RSA") == 0)
        return "RS256";
    if (kty && strcmp(kty, "EC") == 0 && crv && strcmp(crv, "P-256") == 0)
        return "ES256";
    return NULL;
}

static bool kty_fits(const char *alg, cjose_jwk_t *jwk)
{
    cjose_err err;
    cjose_jwk_kty_t kty = cjose_jwk_get_kty(jwk, &err);

    if (alg[0] == 'E')
        return kty == CJOSE_JWK_KTY_EC && cjose_jwk_EC_get_curve(jwk, &err) == CJOSE_JWK_EC_P_256;
    return kty == CJOSE_JWK_KTY_RSA;
}

/* Adds one JWKS member to set when it is a signature key we verify. */
static void add_key(struct jwks *set, json_t *k)
{
    struct jwks_key *slot = &set->keys[set->n];
    const char *use = json_string_value(json_object_get(k, "use"));
    const char *kid = json_string_value(json_object_get(k, "kid"));
    const char *alg = key_alg(k);
    char *text;
    cjose_err err;

    if (set->n == LIMIT_JWKS_KEYS || !json_is_object(k) || (use && strcmp(use, "sig") != 0))
        return;
    if (!alg || !alg_supported(alg) || !text_copy(slot->alg, sizeof slot->alg, alg))
        return;
    if (!text_copy(slot->kid, sizeof slot->kid, kid ? kid : ""))
        return;
    /* import the public parts only, and only well-formed ones */
    if (!key_members_ok(k))
        return;
    text = json_dumps(k, JSON_COMPACT);
    slot->jwk = text ? cjose_jwk_import(text, strlen(text), &err) : NULL;
    free(text);
    if (!slot->jwk)
        return;
    if (!kty_fits(slot->alg, slot->jwk)) {
        cjose_jwk_release(slot->jwk);
        slot->jwk = NULL;
        return;
    }
    set->n++;
}

enum err jwks_parse(const char *json, size_t len, struct jwks **out)
{
    json_t *doc, *keys;
    struct jwks *set;
    size_t i;

    if (len > LIMIT_JWKS)
        return ERR_INVALID_REQUEST;
    doc = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL);
    keys = json_object_get(doc, "keys");
    if (!json_is_array(keys)) {
        json_decref(doc);
        return ERR_INVALID_REQUEST;
    }
    set = calloc(1, sizeof *set);
    if (!set) {
        json_decref(doc);
        return ERR_NOMEM;
    }
    for (i = 0; i < json_array_size(keys); i++)
        add_key(set, json_array_get(keys, i));
    json_decref(doc);
    *out = set;
    return ERR_OK;
}

void jwks_free(struct jwks *set)
{
    size_t i;

    if (!set)
        return;
    for (i = 0; i < set->n; i++)
        cjose_jwk_release(set->keys[i].jwk);
    free(set);
}

size_t jwks_count(const struct jwks *set)
{
    return set ? set->n : 0;
}

bool jwks_has_kid(const struct jwks *set, const char *kid)
{
    size_t i;

    for (i = 0; set && i < set->n; i++)
        if (strcmp(set->keys[i].kid, kid) == 0)
            return true;
    return false;
}

bool jwks_has_alg(const struct jwks *set, const char *alg)
{
    size_t i;

    for (i = 0; set && i < set->n; i++)
        if (strcmp(set->keys[i].alg, alg) == 0)
            return true;
    return false;
}

/* The key for the token's kid; with no kid, the only key there is. */
static const struct jwks_key *find_key(const struct jwks *set, const char *kid)
{
    size_t i;

    if (!kid[0])
        return set->n == 1 ? &set->keys[0] : NULL;
    for (i = 0; i < set->n; i++)
        if (strcmp(set->keys[i].kid, kid) == 0)
            return &set->keys[i];
    return NULL;
}

/* Decodes a base64url part into a JSON object. */
static json_t *decode_object(const char *part, size_t len)
{
    unsigned char raw[LIMIT_JWT];
    size_t n;
    json_t *obj;

    if (len > sizeof raw || b64url_decode(part, len, raw, &n))
        return NULL;
    obj = json_loadb((const char *)raw, n, JSON_REJECT_DUPLICATES, NULL);
    if (obj && !json_is_object(obj)) {
        json_decref(obj);
        return NULL;
    }
    return obj;
}

/* Reads alg, kid and typ from the protected header; refuses what we do not
 * understand ("crit") and unusable algorithms. */
static enum err read_header(const char *part, size_t len, struct jwt *out, const char **why)
{
    json_t *h = decode_object(part, len);
    const char *kid, *typ;
    enum err rc = ERR_INVALID_TOKEN;

    *why = "malformed token header";
    if (!h)
        return rc;
    kid = json_string_value(json_object_get(h, "kid"));
    typ = json_string_value(json_object_get(h, "typ"));
    if (json_object_get(h, "crit")) {
        *why = "unsupported critical header";
    } else if (!text_copy(out->alg, sizeof out->alg,
                          json_string_value(json_object_get(h, "alg"))) ||
               (!alg_supported(out->alg) && strcmp(out->alg, "HS256") != 0)) {
        *why = "unsupported algorithm";
    } else if ((kid && !text_copy(out->kid, sizeof out->kid, kid)) ||
               (typ && !text_copy(out->typ, sizeof out->typ, typ))) {
        *why = "malformed token header";
    } else {
        rc = ERR_OK;
    }
    json_decref(h);
    return rc;
}

static enum err check_signature(const char *token, size_t len, const cjose_jwk_t *jwk,
                                const char **why)
{
    cjose_jws_t *jws;
    cjose_err err;
    bool ok;

    jws = cjose_jws_import(token, len, &err);
    if (!jws) {
        *why = "malformed token";
        return ERR_INVALID_TOKEN;
    }
    ok = cjose_jws_verify(jws, jwk, &err);
    cjose_jws_release(jws);
    if (!ok) {
        *why = "bad signature";
        return ERR_INVALID_TOKEN;
    }
    return ERR_OK;
}

/* Checks the compact form, reads the header into out and points *payload
 * at the claims part. */
static enum err split(const char *token, size_t len, struct jwt *out, const char **why,
                      const char **payload, size_t *payload_len)
{
    const char *dot1, *dot2;
    enum err rc;

    memset(out, 0, sizeof *out);
    *why = "malformed token";
    if (!token || len > LIMIT_JWT || memchr(token, '\0', len))
        return ERR_INVALID_TOKEN;
    dot1 = memchr(token, '.', len);
    dot2 = dot1 ? memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token)) : NULL;
    if (!dot2 || memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - token)) || dot2 + 1 == token + len)
        return ERR_INVALID_TOKEN;
    rc = read_header(token, (size_t)(dot1 - token), out, why);
    if (rc)
        return rc;
    if (!strict_b64url(dot1 + 1, (size_t)(dot2 - dot1 - 1)) ||
        !strict_b64url(dot2 + 1, len - (size_t)(dot2 + 1 - token))) {
        *why = "malformed token";
        return ERR_INVALID_TOKEN;
    }
    *payload = dot1 + 1;
    *payload_len = (size_t)(dot2 - dot1 - 1);
    return ERR_OK;
}

static enum err read_claims(const char *payload, size_t n, struct jwt *out, const char **why)
{
    out->claims = decode_object(payload, n);
    if (!out->claims) {
        *why = "malformed token claims";
        return ERR_INVALID_TOKEN;
    }
    return ERR_OK;
}

enum err jwt_verify(const char *token, size_t len, const struct jwks *set, struct jwt *out,
                    const char **why)
{
    const struct jwks_key *key;
    const char *payload = NULL;
    size_t n = 0;
    enum err rc;

    rc = split(token, len, out, why, &payload, &n);
    if (rc)
        return rc;
    /* HS256 is keyed by a secret, never by a published key: refused before
     * a kid the set lacks could send the caller to refetch it */
    if (!alg_supported(out->alg)) {
        *why = "unsupported algorithm";
        return ERR_INVALID_TOKEN;
    }
    key = find_key(set, out->kid);
    if (!key) {
        *why = "unknown signing key";
        return ERR_NOT_FOUND;
    }
    if (strcmp(key->alg, out->alg) != 0) {
        *why = "algorithm does not match the key";
        return ERR_INVALID_TOKEN;
    }
    rc = check_signature(token, len, key->jwk, why);
    return rc ? rc : read_claims(payload, n, out, why);
}

enum err jwt_verify_hmac(const char *token, size_t len, const char *secret, size_t secret_len,
                         struct jwt *out, const char **why)
{
    const char *payload = NULL;
    cjose_jwk_t *jwk;
    cjose_err err;
    size_t n = 0;
    enum err rc;

    rc = split(token, len, out, why, &payload, &n);
    if (rc)
        return rc;
    if (strcmp(out->alg, "HS256") != 0) {
        *why = "algorithm does not match the key";
        return ERR_INVALID_TOKEN;
    }
    jwk = cjose_jwk_create_oct_spec((const uint8_t *)secret, secret_len, &err);
    if (!jwk)
        return ERR_NOMEM;
    rc = check_signature(token, len, jwk, why);
    jwk_oct_release(jwk);
    return rc ? rc : read_claims(payload, n, out, why);
}

enum err jwt_decode_unverified(const char *token, size_t len, struct jwt *out, const char **why)
{
    const char *payload = NULL;
    size_t n = 0;
    enum err rc = split(token, len, out, why, &payload, &n);

    return rc ? rc : read_claims(payload, n, out, why);
}

static bool typ_matches(const char *typ, const char *want)
{
    if (strncasecmp(typ, "application/", 12) == 0)
        typ += 12;
    return strcasecmp(typ, want) == 0;
}

static bool aud_contains(json_t *aud, const char *want)
{
    size_t i;

    if (json_is_string(aud))
        return strcmp(json_string_value(aud), want) == 0;
    for (i = 0; i < json_array_size(aud); i++)
        if (json_is_string(json_array_get(aud, i)) &&
            strcmp(json_string_value(json_array_get(aud, i)), want) == 0)
            return true;
    return false;
}

enum err jwt_check(const struct jwt *t, const struct jwt_expect *e, const char **why)
{
    const char *iss = jwt_claim_str(t, "iss");
    json_t *exp = json_object_get(t->claims, "exp");
    json_t *nbf = json_object_get(t->claims, "nbf");

    *why = NULL;
    if (e->typ && !typ_matches(t->typ, e->typ))
        *why = "wrong token type";
    else if (!iss || !e->issuer || strcmp(iss, e->issuer) != 0)
        *why = "wrong issuer";
    else if (e->audience && !aud_contains(json_object_get(t->claims, "aud"), e->audience))
        *why = "wrong audience";
    else if (!json_is_integer(exp))
        *why = "no expiry";
    /* written so that no claim value can overflow the arithmetic */
    else if (json_integer_value(exp) <= e->now - e->leeway)
        *why = "token expired";
    else if (nbf && (!json_is_integer(nbf) || json_integer_value(nbf) > e->now + e->leeway))
        *why = "token not yet valid";
    return *why ? ERR_INVALID_TOKEN : ERR_OK;
}

const char *jwt_claim_str(const struct jwt *t, const char *name)
{
    return json_string_value(json_object_get(t->claims, name));
}

int64_t jwt_claim_int(const struct jwt *t, const char *name)
{
    json_t *v = json_object_get(t->claims, name);

    return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

void jwt_clear(struct jwt *t)
{
    if (!t)
        return;
    json_decref(t->claims);
    memset(t, 0, sizeof *t);
}
