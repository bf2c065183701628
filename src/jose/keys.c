#include "jose/keys.h"

#include <errno.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/limits.h"
#include "core/log.h"
#include "jose/jwk.h"
#include "jose/jws.h"
#include "jose/jwt.h"
#include "jose/server_secret.h"
#include "jose/subject.h"

struct loaded_key {
    char kid[64];
    char alg[8];
    cjose_jwk_t *jwk;
    int64_t not_before;
    int64_t retire_after;
};

/* An immutable snapshot of the keys; readers hold a reference while signing. */
struct keyset {
    int refs; /* guarded by keystore.lock */
    struct loaded_key *keys;
    size_t n;
    char *jwks;
    struct jwks *verify; /* the published public keys, parsed */
    int64_t version;
};

struct keystore {
    struct store *store;
    struct kek kek;
    pthread_mutex_t lock;
    struct keyset *set;
    _Atomic int64_t version;      /* set->version, read without the lock */
    int64_t undecryptable;        /* a store version whose keys did not decrypt, or -1 */
    struct subject_key *subjects; /* loaded on first use (keystore_subject_key) */
};

static void keyset_free(struct keyset *set)
{
    size_t i;

    if (!set)
        return;
    for (i = 0; i < set->n; i++)
        cjose_jwk_release(set->keys[i].jwk);
    free(set->keys);
    free(set->jwks);
    jwks_free(set->verify);
    free(set);
}

static struct keyset *keyset_acquire(struct keystore *ks)
{
    struct keyset *set;

    pthread_mutex_lock(&ks->lock);
    set = ks->set;
    set->refs++;
    pthread_mutex_unlock(&ks->lock);
    return set;
}

static void keyset_release(struct keystore *ks, struct keyset *set)
{
    int left;

    pthread_mutex_lock(&ks->lock);
    left = --set->refs;
    pthread_mutex_unlock(&ks->lock);
    if (left == 0)
        keyset_free(set);
}

static enum err decrypt_key(const struct kek *kek, const struct signing_key *k,
                            struct loaded_key *out)
{
    char *json = NULL;
    enum err rc;

    rc = kek_open(kek, k->kid, k->private_enc, k->private_enc_len, &json);
    if (!rc)
        rc = jwk_import(json, &out->jwk);
    if (json) {
        OPENSSL_cleanse(json, strlen(json));
        free(json);
    }
    memcpy(out->kid, k->kid, sizeof out->kid);
    memcpy(out->alg, k->alg, sizeof out->alg);
    out->not_before = k->not_before;
    out->retire_after = k->retire_after;
    return rc;
}

static bool published(const struct signing_key *k, int64_t now)
{
    return k->retire_after == 0 || k->retire_after > now;
}

static char *build_jwks(const struct signing_key *keys, size_t n, int64_t now)
{
    json_t *doc = json_object(), *arr = json_array();
    char *out = NULL;
    size_t i;

    if (!doc || !arr)
        goto out;
    for (i = 0; i < n; i++) {
        json_t *jwk;
        if (!published(&keys[i], now))
            continue;
        jwk = json_loads(keys[i].public_jwk, 0, NULL);
        /* json_array_append_new steals the reference, even on failure */
        if (!jwk || json_array_append_new(arr, jwk))
            goto out;
    }
    if (json_object_set(doc, "keys", arr) == 0)
        out = json_dumps(doc, JSON_COMPACT);
out:
    json_decref(arr);
    json_decref(doc);
    return out;
}

/* Reads every key from the store and decrypts it into a new keyset. */
static enum err keyset_load(struct store *s, const struct kek *kek, struct keyset **out, char *why,
                            size_t whylen)
{
    struct signing_key *rows = NULL;
    struct keyset *set = calloc(1, sizeof *set);
    size_t n = 0, i;
    enum err rc;

    if (!set)
        return ERR_NOMEM;
    rc = store_keys_version(s, &set->version);
    if (!rc)
        rc = store_key_list(s, &rows, &n);
    if (rc)
        goto out;
    set->keys = calloc(n ? n : 1, sizeof *set->keys);
    set->jwks = build_jwks(rows, n, clock_now());
    if (!set->keys || !set->jwks) {
        rc = ERR_NOMEM;
        goto out;
    }
    rc = jwks_parse(set->jwks, strlen(set->jwks), &set->verify);
    if (rc)
        goto out;
    for (i = 0; i < n && !rc; i++, set->n++) {
        rc = decrypt_key(kek, &rows[i], &set->keys[i]);
        if (rc == ERR_CRYPTO)
            snprintf(why, whylen,
                     "cannot decrypt signing key %s: keys.encryption_key_file does not hold "
                     "the encryption key it was stored with",
                     rows[i].kid);
    }
out:
    signing_key_list_free(rows, n);
    if (rc) {
        keyset_free(set);
        return rc;
    }
    set->refs = 1;
    *out = set;
    return ERR_OK;
}

enum err keystore_open(struct store *s, const struct kek *kek, struct keystore **out, char *why,
                       size_t whylen)
{
    struct keystore *ks = calloc(1, sizeof *ks);
    enum err rc;

    if (!ks)
        return ERR_NOMEM;
    ks->store = s;
    ks->kek = *kek;
    ks->undecryptable = -1;
    pthread_mutex_init(&ks->lock, NULL);
    rc = keyset_load(s, kek, &ks->set, why, whylen);
    if (rc) {
        keystore_free(ks);
        return rc;
    }
    ks->version = ks->set->version;
    *out = ks;
    return ERR_OK;
}

enum err keystore_open_kek_file(struct store *s, const char *kek_path, struct keystore **out,
                                char *why, size_t whylen)
{
    struct signing_key *rows = NULL;
    struct kek kek;
    size_t n = 0;
    enum err rc;

    rc = store_key_list(s, &rows, &n);
    signing_key_list_free(rows, n);
    if (rc) {
        snprintf(why, whylen, "cannot read the stored signing keys: %s", err_str(rc));
        return rc;
    }
    if (n == 0) {
        rc = kek_load_or_create(kek_path, &kek, why, whylen);
    } else if (access(kek_path, F_OK) != 0 && errno == ENOENT) {
        snprintf(why, whylen,
                 "encryption key file %s does not exist: the stored signing keys need the key "
                 "they were sealed with",
                 kek_path);
        return ERR_CONFIG;
    } else {
        rc = kek_load(kek_path, &kek, why, whylen);
    }
    if (!rc)
        rc = keystore_open(s, &kek, out, why, whylen);
    OPENSSL_cleanse(&kek, sizeof kek);
    if (rc == ERR_CRYPTO)
        snprintf(why, whylen,
                 "encryption key file %s does not hold the key the stored signing keys were "
                 "sealed with",
                 kek_path);
    return rc;
}

void keystore_free(struct keystore *ks)
{
    if (!ks)
        return;
    if (ks->set)
        keyset_release(ks, ks->set);
    pthread_mutex_destroy(&ks->lock);
    OPENSSL_cleanse(&ks->kek, sizeof ks->kek);
    if (ks->subjects)
        OPENSSL_cleanse(ks->subjects, sizeof *ks->subjects);
    free(ks->subjects);
    free(ks);
}

static void keystore_swap(struct keystore *ks, struct keyset *fresh)
{
    struct keyset *old;

    pthread_mutex_lock(&ks->lock);
    old = ks->set;
    ks->set = fresh;
    ks->version = fresh->version;
    pthread_mutex_unlock(&ks->lock);
    keyset_release(ks, old);
}

enum err keystore_refresh(struct keystore *ks)
{
    struct keyset *set, *fresh = NULL;
    int64_t version;
    char why[256] = "";
    enum err rc;

    rc = store_keys_version(ks->store, &version);
    if (rc)
        return rc;
    set = keyset_acquire(ks);
    if (set->version == version) {
        keyset_release(ks, set);
        return ERR_OK;
    }
    keyset_release(ks, set);
    if (version == ks->undecryptable)
        return ERR_CRYPTO;
    rc = keyset_load(ks->store, &ks->kek, &fresh, why, sizeof why);
    if (rc) {
        /* the same keys will not decrypt in 500 ms either: say it once */
        if (rc == ERR_CRYPTO)
            ks->undecryptable = version;
        log_kv(LOG_ERROR, "cannot reload signing keys", "error", why[0] ? why : err_str(rc), NULL);
        return rc;
    }
    keystore_swap(ks, fresh);
    log_kv(LOG_INFO, "signing keys reloaded", NULL);
    return ERR_OK;
}

/* Whether the keyset holds a key of alg. */
static bool has_alg(const struct keyset *set, const char *alg)
{
    size_t i;

    for (i = 0; i < set->n; i++)
        if (strcmp(set->keys[i].alg, alg) == 0)
            return true;
    return false;
}

enum err keystore_ensure(struct keystore *ks, const char *alg)
{
    struct keyset *set = keyset_acquire(ks);
    bool found = has_alg(set, alg);
    char kid[64];
    enum err rc;

    keyset_release(ks, set);
    if (found)
        return ERR_OK;
    /* signing from 0, so a clock set back cannot leave it not yet valid; and
     * retiring nothing, so a first key another server made at the same moment
     * stays published (the newer of the two signs) */
    rc = keys_create(ks->store, &ks->kek, alg, 0, 0, kid);
    if (rc)
        return rc;
    log_kv(LOG_INFO, "created first signing key", "kid", kid, "alg", alg, NULL);
    return keystore_refresh(ks);
}

enum err keystore_add(struct keystore *ks, const char *alg, int64_t not_before,
                      int64_t retire_others, char kid[64])
{
    return keys_create(ks->store, &ks->kek, alg, not_before, retire_others, kid);
}

/* The key of alg that signs at time now: of those whose not_before has
 * come, the last made (keys are listed oldest first), so a pending key that
 * a later rotation superseded never signs. key_state follows the same rule. */
static const struct loaded_key *signing_key(const struct keyset *set, const char *alg, int64_t now)
{
    const struct loaded_key *best = NULL;
    size_t i;

    for (i = 0; i < set->n; i++)
        if (set->keys[i].not_before <= now && strcmp(set->keys[i].alg, alg) == 0)
            best = &set->keys[i];
    return best;
}

enum err keystore_sign(struct keystore *ks, const char *alg, const char *typ, const char *payload,
                       size_t len, char **out)
{
    struct keyset *set = keyset_acquire(ks);
    const struct loaded_key *k = signing_key(set, alg, clock_now());
    enum err rc;

    rc = k ? jws_sign(k->jwk, k->alg, k->kid, typ, payload, len, out) : ERR_CRYPTO;
    keyset_release(ks, set);
    return rc;
}

enum err keystore_verify(struct keystore *ks, const char *token, size_t len, struct jwt *out,
                         const char **why)
{
    struct keyset *set = keyset_acquire(ks);
    enum err rc = jwt_verify(token, len, set->verify, out, why);

    keyset_release(ks, set);
    /* an unknown kid is just an invalid token here: these are our own keys */
    return rc == ERR_NOT_FOUND ? ERR_INVALID_TOKEN : rc;
}

/* Asked on every request that checks a JWT: one atomic load, no lock. */
int64_t keystore_version(struct keystore *ks)
{
    return ks->version;
}

char *keystore_jwks(struct keystore *ks)
{
    struct keyset *set = keyset_acquire(ks);
    char *out = strdup(set->jwks);

    keyset_release(ks, set);
    return out;
}

enum err keystore_algs(struct keystore *ks, struct strlist *out)
{
    struct keyset *set = keyset_acquire(ks);
    enum err rc = ERR_OK;
    size_t i;

    for (i = 0; i < set->n && !rc; i++)
        if (!strlist_contains(out, set->keys[i].alg))
            rc = strlist_add(out, set->keys[i].alg, strlen(set->keys[i].alg));
    keyset_release(ks, set);
    return rc;
}

/* The additional data a client secret is sealed with: its client's id, in
 * a name space of its own, so no sealed key passes for a secret. */
static void secret_aad(const char *client_id, char aad[LIMIT_CLIENT_ID + 8])
{
    snprintf(aad, LIMIT_CLIENT_ID + 8, "client:%s", client_id);
}

enum err keystore_seal_secret(struct keystore *ks, const char *client_id, const char *secret,
                              unsigned char **out, size_t *outlen)
{
    char aad[LIMIT_CLIENT_ID + 8];

    secret_aad(client_id, aad);
    return kek_seal(&ks->kek, aad, secret, strlen(secret), out, outlen);
}

enum err keystore_open_secret(struct keystore *ks, const char *client_id,
                              const unsigned char *sealed, size_t n, char **out)
{
    char aad[LIMIT_CLIENT_ID + 8];

    secret_aad(client_id, aad);
    return kek_open(&ks->kek, aad, sealed, n, out);
}

/* A TOTP secret's additional data: the user's sub, in a name space of its
 * own, so that no other sealed value passes for a user's secret. */
static void totp_aad(const char *sub, char aad[LIMIT_SUB + 8])
{
    snprintf(aad, LIMIT_SUB + 8, "totp:%s", sub);
}

enum err keystore_seal_totp(struct keystore *ks, const char *sub, const unsigned char *secret,
                            size_t n, unsigned char **out, size_t *outlen)
{
    char aad[LIMIT_SUB + 8];

    totp_aad(sub, aad);
    return kek_seal(&ks->kek, aad, secret, n, out, outlen);
}

enum err keystore_open_totp(struct keystore *ks, const char *sub, const unsigned char *sealed,
                            size_t sealed_len, unsigned char *out, size_t n)
{
    unsigned char *probe = NULL, zero[1] = {0};
    size_t probe_len = 0;
    char aad[LIMIT_SUB + 8], *opened = NULL;
    enum err rc;

    /* the seal's overhead is fixed: what seals nothing tells it */
    totp_aad(sub, aad);
    rc = kek_seal(&ks->kek, aad, zero, 0, &probe, &probe_len);
    free(probe);
    if (!rc && sealed_len != probe_len + n)
        rc = ERR_CRYPTO;
    if (!rc)
        rc = kek_open(&ks->kek, aad, sealed, sealed_len, &opened);
    if (!rc)
        memcpy(out, opened, n);
    if (opened)
        OPENSSL_cleanse(opened, n);
    free(opened);
    return rc;
}

enum err keys_create(struct store *s, const struct kek *kek, const char *alg, int64_t not_before,
                     int64_t retire_others, char kid[64])
{
    struct signing_key k = {0};
    cjose_jwk_t *jwk = NULL;
    char *priv = NULL;
    cjose_err err;
    enum err rc;

    rc = jwk_generate(alg, &jwk);
    if (rc)
        goto out;
    snprintf(k.kid, sizeof k.kid, "%s", cjose_jwk_get_kid(jwk, &err));
    snprintf(k.alg, sizeof k.alg, "%s", alg);
    priv = jwk_private_json(jwk);
    k.public_jwk = jwk_public_json(jwk, alg);
    if (!priv || !k.public_jwk) {
        rc = ERR_NOMEM;
        goto out;
    }
    rc = kek_seal(kek, k.kid, priv, strlen(priv), &k.private_enc, &k.private_enc_len);
    if (rc)
        goto out;
    k.created_at = clock_now();
    k.not_before = not_before;
    rc = store_key_add(s, &k, retire_others);
    if (!rc)
        memcpy(kid, k.kid, sizeof k.kid);
out:
    if (priv) {
        OPENSSL_cleanse(priv, strlen(priv));
        free(priv);
    }
    signing_key_clear(&k);
    cjose_jwk_release(jwk);
    return rc;
}

enum key_state key_state(const struct signing_key *keys, size_t n, size_t i, int64_t now)
{
    size_t j, current = n;

    if (keys[i].not_before > now)
        return KEY_NEXT;
    for (j = 0; j < n; j++)
        if (keys[j].not_before <= now && strcmp(keys[j].alg, keys[i].alg) == 0)
            current = j;
    return current == i ? KEY_CURRENT : KEY_RETIRED;
}

const char *key_state_name(enum key_state s)
{
    static const char *const names[] = {"next", "current", "retired"};

    return names[s];
}

enum err keystore_subject_key(struct keystore *ks, const struct subject_key **out)
{
    struct subject_key *k;
    enum err rc = ERR_OK;

    pthread_mutex_lock(&ks->lock);
    if (!ks->subjects) {
        k = malloc(sizeof *k);
        rc = k ? subject_key_load(ks->store, &ks->kek, k) : ERR_NOMEM;
        if (!rc)
            ks->subjects = k;
        else
            free(k);
    }
    *out = ks->subjects;
    pthread_mutex_unlock(&ks->lock);
    return rc;
}

enum err keystore_server_secret(struct keystore *ks, const char *name, unsigned char *out, size_t n)
{
    return server_secret_load(ks->store, &ks->kek, name, out, n);
}
