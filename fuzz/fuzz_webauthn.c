/* libFuzzer target: the WebAuthn parsers, which take what a browser relays
 * from an authenticator: core/cbor_input.c (libcbor behind a bounds walk),
 * oauth/webauthn_attestation.c, oauth/webauthn_authdata.c and
 * jose/cose_key.c.
 * Byte 0 of the input picks the mode, the rest is the subject:
 *   0 (mod 5)  an attestation object: parsed, then its authData, then its
 *              statement judged against a fixed client data hash;
 *   1          authenticator data: parsed; a credential key in it must
 *              survive the DER round trip and refuse a zero signature;
 *   2          a COSE key: parsed, the same round trip and signature;
 *   3          a DER public key read back as stored (byte 1 picks the alg);
 *   4          a whole registration, with the real clientDataJSON of
 *              tests/unit/webauthn_vectors.h and the fuzzed attestation.
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

static unsigned char client_data[LIMIT_WEBAUTHN_CLIENT_DATA];
static size_t client_data_len;
static unsigned char challenge[WEBAUTHN_CHALLENGE_LEN];
static const unsigned char zero_sig[64];

static void die(const char *what)
{
    fprintf(stderr, "fuzz_webauthn: %s\n", what);
    abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *cd = wa_vectors[0].reg_client_data;
    size_t n = 0;

    (void)argc;
    (void)argv;
    if (b64url_decode(cd, strlen(cd), client_data, &client_data_len) ||
        b64url_decode(WA_REG_CHALLENGE, strlen(WA_REG_CHALLENGE), challenge, &n) ||
        n != WEBAUTHN_CHALLENGE_LEN)
        die("bad vectors");
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    switch (data[0] % 5) {
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
    default:
        fuzz_registration(data + 1, size - 1);
        break;
    }
    return 0;
}
