/* libFuzzer target: the WebAuthn parsers, which take what a browser relays
 * from an authenticator: core/cbor_input.c (libcbor behind a bounds walk),
 * oauth/webauthn_attestation.c, oauth/webauthn_authdata.c and
 * jose/cose_key.c.
 * Byte 0 of the input picks the mode, the rest is the subject:
 *   0 (mod 7)  an attestation object: parsed, then its authData, then its
 *              statement judged against a fixed client data hash;
 *   1          authenticator data: parsed; a credential key in it must
 *              survive the DER round trip and refuse a zero signature;
 *   2          a COSE key: parsed, the same round trip and signature;
 *   3          a DER public key read back as stored (byte 1 picks the alg);
 *   4          a whole registration, with the real clientDataJSON of
 *              tests/unit/webauthn_vectors.h and the fuzzed attestation;
 *   5          a whole assertion against the credentials the vectors
 *              registered (byte 1 picks one, bytes 2-3 the length of the
 *              authenticator data, the rest is the signature), with the
 *              real clientDataJSON: a fuzzed one must never verify;
 *   6          clientDataJSON checked against the vectors' expectations.
 * Whatever parses must be consistent: a key that parsed exports to DER that
 * imports again under the same alg. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/unit/webauthn_vectors.h"
#include "core/b64url.h"
#include "core/hash.h"
#include "core/limits.h"
#include "jose/cose_key.h"
#include "oauth/webauthn.h"

#define NVECTORS (sizeof(wa_vectors) / sizeof(wa_vectors[0]))

static unsigned char client_data[LIMIT_WEBAUTHN_CLIENT_DATA];
static size_t client_data_len;
static unsigned char challenge[WEBAUTHN_CHALLENGE_LEN];
static unsigned char get_client_data[LIMIT_WEBAUTHN_CLIENT_DATA];
static size_t get_client_data_len;
static unsigned char get_challenge[WEBAUTHN_CHALLENGE_LEN];
/* what each vector's registration stored, and its assertion's authData */
static struct webauthn_registration stored[NVECTORS];
static unsigned char genuine[NVECTORS][256];
static size_t genuine_len[NVECTORS];
static const unsigned char zero_sig[64];

static void die(const char *what)
{
    fprintf(stderr, "fuzz_webauthn: %s\n", what);
    abort();
}

static void decode(const char *text, unsigned char *out, size_t cap, size_t *len)
{
    if (strlen(text) / 4 * 3 + 3 > cap || b64url_decode(text, strlen(text), out, len))
        die("bad vectors");
}

/* Each vector registered, as the store would keep it. */
static void register_vectors(void)
{
    static unsigned char att[LIMIT_WEBAUTHN_ATTESTATION];
    const struct webauthn_expect e = {WA_RP_ID, WA_ORIGIN, challenge, true};
    const char *why = NULL;
    size_t i, n = 0;

    for (i = 0; i < NVECTORS; i++) {
        decode(wa_vectors[i].attestation, att, sizeof(att), &n);
        if (webauthn_registration_verify(&e, client_data, client_data_len, att, n, &stored[i],
                                         &why))
            die("a vector does not register");
        decode(wa_vectors[i].auth_data, genuine[i], sizeof(genuine[i]), &genuine_len[i]);
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    size_t n = 0;

    (void)argc;
    (void)argv;
    decode(wa_vectors[0].reg_client_data, client_data, sizeof(client_data), &client_data_len);
    decode(wa_vectors[0].get_client_data, get_client_data, sizeof(get_client_data),
           &get_client_data_len);
    decode(WA_REG_CHALLENGE, challenge, sizeof(challenge) + 8, &n);
    decode(WA_GET_CHALLENGE, get_challenge, sizeof(get_challenge) + 8, &n);
    register_vectors();
    return 0;
}

/* A key that parsed: DER out, DER back in, and a signature that is wrong. */
static void use_key(const struct cose_key *k)
{
    struct cose_key back = {0, NULL};
    unsigned char *der = NULL;
    const char *why = NULL;
    size_t len = 0;

    if (cose_key_to_der(k, &der, &len) || cose_key_from_der(k->alg, der, len, &back, &why))
        die("a parsed key does not survive the DER round trip");
    if (back.alg != k->alg)
        die("DER round trip changed the alg");
    if (cose_key_verify(&back, zero_sig, sizeof(zero_sig), zero_sig, sizeof(zero_sig)) == ERR_OK)
        die("a zero signature verified");
    cose_key_clear(&back);
    OPENSSL_free(der);
}

static void fuzz_attestation(const unsigned char *p, size_t n)
{
    struct webauthn_attestation att;
    struct webauthn_authdata ad;
    enum webauthn_attestation_kind kind;
    unsigned char hash[HASH_LEN] = {0};
    const char *why = NULL;

    memset(&ad, 0, sizeof(ad));
    if (!webauthn_attestation_parse(p, n, &att, &why) &&
        !webauthn_authdata_parse(att.auth_data, att.auth_data_len, &ad, &why) && ad.key.pkey)
        (void)webauthn_attestation_check(&att, &ad, hash, &kind, &why);
    webauthn_authdata_clear(&ad);
    webauthn_attestation_clear(&att);
}

static void fuzz_authdata(const unsigned char *p, size_t n)
{
    struct webauthn_authdata ad;
    const char *why = NULL;

    if (!webauthn_authdata_parse(p, n, &ad, &why) && ad.key.pkey)
        use_key(&ad.key);
    webauthn_authdata_clear(&ad);
}

static void fuzz_cose_key(const unsigned char *p, size_t n)
{
    struct cose_key k;
    const char *why = NULL;
    size_t used = 0;

    if (!cose_key_parse(p, n, &used, &k, &why)) {
        if (used == 0 || used > n)
            die("COSE key length out of its input");
        use_key(&k);
    }
    cose_key_clear(&k);
}

static void fuzz_der(const unsigned char *p, size_t n)
{
    static const int algs[] = {COSE_ALG_ES256, COSE_ALG_EDDSA, COSE_ALG_RS256, -1};
    struct cose_key k;
    const char *why = NULL;

    if (n == 0)
        return;
    if (!cose_key_from_der(algs[p[0] % 4], p + 1, n - 1, &k, &why))
        use_key(&k);
    cose_key_clear(&k);
}

static void fuzz_registration(const unsigned char *p, size_t n)
{
    const struct webauthn_expect e = {WA_RP_ID, WA_ORIGIN, challenge, false};
    struct webauthn_registration r;
    const char *why = NULL;

    (void)webauthn_registration_verify(&e, client_data, client_data_len, p, n, &r, &why);
    webauthn_registration_clear(&r);
}

static void fuzz_assertion(const unsigned char *p, size_t n)
{
    const struct webauthn_expect e = {WA_RP_ID, WA_ORIGIN, get_challenge, false};
    const struct webauthn_registration *r;
    struct webauthn_credential cred;
    struct webauthn_assertion out;
    const char *why = NULL;
    size_t auth_len, v;
    enum err rc;

    if (n < 3)
        return;
    v = p[0] % NVECTORS;
    r = &stored[v];
    auth_len = (size_t)p[1] << 8 | p[2];
    if (auth_len > n - 3)
        return;
    cred = (struct webauthn_credential){r->alg, r->public_key_der, r->public_key_der_len, 0};
    rc = webauthn_assertion_verify(&e, &cred, get_client_data, get_client_data_len, p + 3, auth_len,
                                   p + 3 + auth_len, n - 3 - auth_len, &out, &why);
    /* the vectors' own assertions are the only ones that can verify */
    if ((rc == ERR_OK || rc == ERR_CONFLICT) &&
        (auth_len != genuine_len[v] || memcmp(p + 3, genuine[v], auth_len) != 0))
        die("an assertion over other authenticator data verified");
}

static void fuzz_client_data(const unsigned char *p, size_t n)
{
    const char *why = NULL;

    (void)webauthn_client_data_check(p, n, WEBAUTHN_TYPE_GET, get_challenge, WA_ORIGIN, &why);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    switch (data[0] % 7) {
    case 0:
        fuzz_attestation(data + 1, size - 1);
        break;
    case 1:
        fuzz_authdata(data + 1, size - 1);
        break;
    case 2:
        fuzz_cose_key(data + 1, size - 1);
        break;
    case 3:
        fuzz_der(data + 1, size - 1);
        break;
    case 4:
        fuzz_registration(data + 1, size - 1);
        break;
    case 5:
        fuzz_assertion(data + 1, size - 1);
        break;
    default:
        fuzz_client_data(data + 1, size - 1);
        break;
    }
    return 0;
}
