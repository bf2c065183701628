/* Store contract: passkeys (a credential id stored once across users, the
 * per-user cap, the signature counter moved once per value also under
 * racing threads, renames and removals only by the owner, passkeys going
 * with a factor reset and with the user) and WebAuthn challenges (single
 * use, swept once expired). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_contract.h"

#define CT_ID_MAX 96

/* A credential id of the case: "what-TAG" with a NUL and a 0xff inside,
 * so that an id is kept as bytes, never as text. */
static size_t cred_id(const struct ct *t, const char *what, unsigned char out[CT_ID_MAX])
{
    char name[CT_NAME_MAX];
    size_t n;

    CT_NAME(t, what, name);
    n = strlen(name);
    assert_true(n + 2 <= CT_ID_MAX);
    out[0] = 0x00;
    out[1] = 0xff;
    memcpy(out + 2, name, n);
    return n + 2;
}

/* A passkey of sub named what (its id from cred_id); the public key points
 * into a literal (nothing to free). */
static struct passkey make_passkey(const struct ct *t, const char *sub, const char *what)
{
    static unsigned char der[] = "\x30\x59 not really a key";
    struct passkey p = {0};
    unsigned char id[CT_ID_MAX];

    snprintf(p.user_sub, sizeof p.user_sub, "%s", sub);
    p.cred_id_len = cred_id(t, what, id);
    memcpy(p.cred_id, id, p.cred_id_len);
    snprintf(p.name, sizeof p.name, "%s", what);
    p.alg = -7;
    p.public_key_der = der;
    p.public_key_der_len = sizeof der - 1;
    p.sign_count = 5;
    memset(p.aaguid, 0xab, sizeof p.aaguid);
    p.user_verified = true;
    p.backup_eligible = true;
    snprintf(p.fmt, sizeof p.fmt, "none");
    snprintf(p.transports, sizeof p.transports, "internal hybrid");
    p.created_at = 100;
    return p;
}

static void add_user(struct ct *t, const char *what, char sub[CT_NAME_MAX])
{
    ct_name(t, what, sub, CT_NAME_MAX);
    assert_int_equal(ct_add_user(t, sub, sub), ERR_OK);
}

static void assert_same_passkey(const struct passkey *got, const struct passkey *want)
{
    assert_string_equal(got->user_sub, want->user_sub);
    assert_int_equal(got->cred_id_len, want->cred_id_len);
    assert_memory_equal(got->cred_id, want->cred_id, want->cred_id_len);
    assert_string_equal(got->name, want->name);
    assert_int_equal(got->alg, want->alg);
    assert_int_equal(got->public_key_der_len, want->public_key_der_len);
    assert_memory_equal(got->public_key_der, want->public_key_der, want->public_key_der_len);
    assert_int_equal(got->sign_count, want->sign_count);
    assert_memory_equal(got->aaguid, want->aaguid, sizeof want->aaguid);
    assert_int_equal(got->user_verified, want->user_verified);
    assert_int_equal(got->backup_eligible, want->backup_eligible);
    assert_int_equal(got->backed_up, want->backed_up);
    assert_string_equal(got->fmt, want->fmt);
    assert_string_equal(got->transports, want->transports);
    assert_int_equal(got->created_at, want->created_at);
    assert_int_equal(got->last_used_at, want->last_used_at);
}

static void passkey_round_trip(void **state)
{
    struct ct *t = *state;
    struct passkey a = make_passkey(t, t->user, "pk-a"), b = make_passkey(t, t->user, "pk-b");
    struct passkey got, *list;
    unsigned char unknown[CT_ID_MAX];
    size_t n, unknown_len = cred_id(t, "pk-unknown", unknown);

    b.alg = -8;
    b.backup_eligible = false;
    b.user_verified = false;
    b.sign_count = 0;
    b.transports[0] = '\0';
    snprintf(b.fmt, sizeof b.fmt, "packed");
    assert_int_equal(store_passkey_insert(t->s, &a), ERR_OK);
    assert_int_equal(store_passkey_insert(t->s, &b), ERR_OK);
    assert_int_equal(store_passkey_get(t->s, a.cred_id, a.cred_id_len, &got), ERR_OK);
    assert_same_passkey(&got, &a);
    passkey_clear(&got);
    assert_int_equal(store_passkey_get(t->s, b.cred_id, b.cred_id_len, &got), ERR_OK);
    assert_same_passkey(&got, &b);
    passkey_clear(&got);
    assert_int_equal(store_passkey_get(t->s, unknown, unknown_len, &got), ERR_NOT_FOUND);
    /* a prefix of an id is not the id */
    assert_int_equal(store_passkey_get(t->s, a.cred_id, a.cred_id_len - 1, &got), ERR_NOT_FOUND);
    assert_int_equal(store_passkey_get(t->s, a.cred_id, 0, &got), ERR_NOT_FOUND);
    /* oldest first; stored in the same second, in the order stored */
    assert_int_equal(store_passkeys_of_user(t->s, t->user, &list, &n), ERR_OK);
    assert_int_equal(n, 2);
    assert_same_passkey(&list[0], &a);
    assert_same_passkey(&list[1], &b);
    passkey_list_free(list, n);
    passkey_clear(NULL);
}

static void passkey_insert_refusals(void **state)
{
    struct ct *t = *state;
    struct passkey p = make_passkey(t, t->user, "pk"), q;
    char other[CT_NAME_MAX], nobody[CT_NAME_MAX];
    struct passkey *list;
    size_t n;

    add_user(t, "other", other);
    CT_NAME(t, "nobody", nobody);
    assert_int_equal(store_passkey_insert(t->s, &p), ERR_OK);
    /* an id is one credential, whoever registers it again */
    assert_int_equal(store_passkey_insert(t->s, &p), ERR_CONFLICT);
    q = p;
    snprintf(q.user_sub, sizeof q.user_sub, "%s", other);
    assert_int_equal(store_passkey_insert(t->s, &q), ERR_CONFLICT);
    assert_int_equal(store_passkeys_of_user(t->s, other, &list, &n), ERR_OK);
    assert_int_equal(n, 0);
    passkey_list_free(list, n);
    q = make_passkey(t, nobody, "pk-nobody");
    assert_int_equal(store_passkey_insert(t->s, &q), ERR_NOT_FOUND);
    /* what no table holds */
    q = make_passkey(t, t->user, "pk-bad");
    q.cred_id_len = 0;
    assert_int_equal(store_passkey_insert(t->s, &q), ERR_INVALID_REQUEST);
    q.cred_id_len = LIMIT_WEBAUTHN_CREDENTIAL_ID + 1;
    assert_int_equal(store_passkey_insert(t->s, &q), ERR_INVALID_REQUEST);
    q = make_passkey(t, t->user, "pk-bad");
    q.public_key_der = NULL;
    assert_int_equal(store_passkey_insert(t->s, &q), ERR_INVALID_REQUEST);
    q = make_passkey(t, t->user, "pk-bad");
    memset(q.name, 'n', sizeof q.name);
    assert_int_equal(store_passkey_insert(t->s, &q), ERR_INVALID_REQUEST);
    /* the longest name and id fit */
    q = make_passkey(t, t->user, "pk-long");
    memset(q.name, 'n', LIMIT_PASSKEY_NAME);
    q.name[LIMIT_PASSKEY_NAME] = '\0';
    memset(q.cred_id + q.cred_id_len, 0x7f, LIMIT_WEBAUTHN_CREDENTIAL_ID - q.cred_id_len);
    q.cred_id_len = LIMIT_WEBAUTHN_CREDENTIAL_ID;
    assert_int_equal(store_passkey_insert(t->s, &q), ERR_OK);
    assert_int_equal(store_passkey_get(t->s, q.cred_id, q.cred_id_len, &p), ERR_OK);
    assert_same_passkey(&p, &q);
    passkey_clear(&p);
}

static void passkey_of_disabled_user_is_not_found(void **state)
{
    struct ct *t = *state;
    struct passkey p = make_passkey(t, t->user, "pk"), got, *list;
    struct user u;
    size_t n;

    assert_int_equal(store_passkey_insert(t->s, &p), ERR_OK);
    assert_int_equal(store_user_get(t->s, t->user, &u), ERR_OK);
    u.enabled = false;
    assert_int_equal(store_user_update(t->s, &u), ERR_OK);
    assert_int_equal(store_passkey_get(t->s, p.cred_id, p.cred_id_len, &got), ERR_NOT_FOUND);
    /* still the user's, for the CLI to list */
    assert_int_equal(store_passkeys_of_user(t->s, t->user, &list, &n), ERR_OK);
    assert_int_equal(n, 1);
    passkey_list_free(list, n);
    u.enabled = true;
    assert_int_equal(store_user_update(t->s, &u), ERR_OK);
    user_clear(&u);
    assert_int_equal(store_passkey_get(t->s, p.cred_id, p.cred_id_len, &got), ERR_OK);
    passkey_clear(&got);
}

static void passkeys_per_user_are_capped(void **state)
{
    struct ct *t = *state;
    struct passkey p;
    char what[32], other[CT_NAME_MAX];
    int i;

    add_user(t, "other", other);
    for (i = 0; i < LIMIT_USER_PASSKEYS; i++) {
        snprintf(what, sizeof what, "pk%d", i);
        p = make_passkey(t, t->user, what);
        assert_int_equal(store_passkey_insert(t->s, &p), ERR_OK);
    }
    p = make_passkey(t, t->user, "pk-over");
    assert_int_equal(store_passkey_insert(t->s, &p), ERR_TOO_LARGE);
    /* the cap is each user's */
    p = make_passkey(t, other, "pk-other");
    assert_int_equal(store_passkey_insert(t->s, &p), ERR_OK);
    p = make_passkey(t, t->user, "pk0");
    assert_int_equal(store_passkey_delete(t->s, t->user, p.cred_id, p.cred_id_len), ERR_OK);
    p = make_passkey(t, t->user, "pk-over");
    assert_int_equal(store_passkey_insert(t->s, &p), ERR_OK);
}

/* Two threads at once, each with its own connection on a server backend;
 * returns when both are done. */
struct racer {
    struct ct *t;
    int which;
    enum err result;
};

static void race_two(struct ct *t, void *(*run)(void *), enum err *a, enum err *b)
{
    struct racer ra = {t, 0, ERR_STORE}, rb = {t, 1, ERR_STORE};
    pthread_t ta, tb;

    assert_int_equal(pthread_create(&ta, NULL, run, &ra), 0);
    assert_int_equal(pthread_create(&tb, NULL, run, &rb), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    *a = ra.result;
    *b = rb.result;
}

static void assert_one_wins(enum err a, enum err b, enum err lost)
{
    assert_true((a == ERR_OK && b == lost) || (a == lost && b == ERR_OK));
}

static void passkey_use_moves_the_counter(void **state)
{
    struct ct *t = *state;
    struct passkey p = make_passkey(t, t->user, "pk"), got;
    unsigned char unknown[CT_ID_MAX];
    size_t unknown_len = cred_id(t, "pk-unknown", unknown);

    assert_int_equal(store_passkey_insert(t->s, &p), ERR_OK);
    assert_int_equal(store_passkey_use(t->s, p.cred_id, p.cred_id_len, 5, 9, true, 300), ERR_OK);
    assert_int_equal(store_passkey_get(t->s, p.cred_id, p.cred_id_len, &got), ERR_OK);
    assert_int_equal(got.sign_count, 9);
    assert_true(got.backed_up);
    assert_int_equal(got.last_used_at, 300);
    assert_int_equal(got.created_at, 100);
    passkey_clear(&got);
    /* a count read before that use matches no more */
    assert_int_equal(store_passkey_use(t->s, p.cred_id, p.cred_id_len, 5, 10, false, 310),
                     ERR_CONFLICT);
    assert_int_equal(store_passkey_use(t->s, unknown, unknown_len, 0, 1, false, 310), ERR_CONFLICT);
    assert_int_equal(store_passkey_use(t->s, p.cred_id, 0, 9, 10, false, 310), ERR_CONFLICT);
    /* the largest counter an authenticator has */
    assert_int_equal(store_passkey_use(t->s, p.cred_id, p.cred_id_len, 9, UINT32_MAX, false, 320),
                     ERR_OK);
    assert_int_equal(store_passkey_get(t->s, p.cred_id, p.cred_id_len, &got), ERR_OK);
    assert_int_equal(got.sign_count, UINT32_MAX);
    assert_false(got.backed_up);
    assert_int_equal(got.last_used_at, 320);
    passkey_clear(&got);
}

static void *use_race(void *arg)
{
    struct racer *r = arg;
    struct passkey p = make_passkey(r->t, r->t->user, "pk");

    r->result =
        store_passkey_use(r->t->s, p.cred_id, p.cred_id_len, 5, 6 + (uint32_t)r->which, false, 400);
    return NULL;
}

static void racing_uses_of_one_count_one_wins(void **state)
{
    struct ct *t = *state;
    struct passkey p = make_passkey(t, t->user, "pk"), got;
    enum err a, b;
    int round;

    for (round = 0; round < 20; round++) {
        assert_int_equal(store_passkey_insert(t->s, &p), ERR_OK);
        race_two(t, use_race, &a, &b);
        assert_one_wins(a, b, ERR_CONFLICT);
        assert_int_equal(store_passkey_get(t->s, p.cred_id, p.cred_id_len, &got), ERR_OK);
        assert_int_equal(got.sign_count, a == ERR_OK ? 6 : 7);
        passkey_clear(&got);
        assert_int_equal(store_passkey_delete(t->s, t->user, p.cred_id, p.cred_id_len), ERR_OK);
    }
}

static void *insert_race(void *arg)
{
    struct racer *r = arg;
    struct passkey p = make_passkey(r->t, r->t->user, r->which ? "pk-b" : "pk-a");

    r->result = store_passkey_insert(r->t->s, &p);
    return NULL;
}

/* One place left and two registrations at once: the cap still holds. */
static void racing_inserts_keep_the_cap(void **state)
{
    struct ct *t = *state;
    struct passkey p, *list;
    char what[32];
    enum err a, b;
    size_t n;
    int i, round;

    for (i = 0; i < LIMIT_USER_PASSKEYS - 1; i++) {
        snprintf(what, sizeof what, "pk%d", i);
        p = make_passkey(t, t->user, what);
        assert_int_equal(store_passkey_insert(t->s, &p), ERR_OK);
    }
    for (round = 0; round < 10; round++) {
        race_two(t, insert_race, &a, &b);
        assert_one_wins(a, b, ERR_TOO_LARGE);
        assert_int_equal(store_passkeys_of_user(t->s, t->user, &list, &n), ERR_OK);
        assert_int_equal(n, LIMIT_USER_PASSKEYS);
        passkey_list_free(list, n);
        p = make_passkey(t, t->user, a == ERR_OK ? "pk-a" : "pk-b");
        assert_int_equal(store_passkey_delete(t->s, t->user, p.cred_id, p.cred_id_len), ERR_OK);
    }
}

static void passkey_rename_and_delete_by_owner_only(void **state)
{
    struct ct *t = *state;
    struct passkey p = make_passkey(t, t->user, "pk"), got;
    char other[CT_NAME_MAX], long_name[LIMIT_PASSKEY_NAME + 2];

    add_user(t, "other", other);
    assert_int_equal(store_passkey_insert(t->s, &p), ERR_OK);
    assert_int_equal(store_passkey_rename(t->s, other, p.cred_id, p.cred_id_len, "mine now"),
                     ERR_NOT_FOUND);
    assert_int_equal(store_passkey_delete(t->s, other, p.cred_id, p.cred_id_len), ERR_NOT_FOUND);
    assert_int_equal(store_passkey_rename(t->s, t->user, p.cred_id, p.cred_id_len, "Laptop"),
                     ERR_OK);
    memset(long_name, 'x', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    assert_int_equal(store_passkey_rename(t->s, t->user, p.cred_id, p.cred_id_len, long_name),
                     ERR_INVALID_REQUEST);
    long_name[LIMIT_PASSKEY_NAME] = '\0';
    assert_int_equal(store_passkey_get(t->s, p.cred_id, p.cred_id_len, &got), ERR_OK);
    assert_string_equal(got.name, "Laptop");
    assert_int_equal(got.sign_count, 5);
    passkey_clear(&got);
    assert_int_equal(store_passkey_rename(t->s, t->user, p.cred_id, p.cred_id_len, long_name),
                     ERR_OK);
    assert_int_equal(store_passkey_get(t->s, p.cred_id, p.cred_id_len, &got), ERR_OK);
    assert_string_equal(got.name, long_name);
    passkey_clear(&got);
    assert_int_equal(store_passkey_delete(t->s, t->user, p.cred_id, p.cred_id_len), ERR_OK);
    assert_int_equal(store_passkey_delete(t->s, t->user, p.cred_id, p.cred_id_len), ERR_NOT_FOUND);
    assert_int_equal(store_passkey_rename(t->s, t->user, p.cred_id, p.cred_id_len, "gone"),
                     ERR_NOT_FOUND);
    assert_int_equal(store_passkey_get(t->s, p.cred_id, p.cred_id_len, &got), ERR_NOT_FOUND);
}

static void passkeys_go_with_reset_and_user(void **state)
{
    struct ct *t = *state;
    struct passkey a = make_passkey(t, t->user, "pk-a"), b = make_passkey(t, t->user, "pk-b");
    struct passkey c, got, *list;
    char other[CT_NAME_MAX];
    size_t n;

    add_user(t, "other", other);
    c = make_passkey(t, other, "pk-c");
    assert_int_equal(store_passkey_insert(t->s, &a), ERR_OK);
    assert_int_equal(store_passkey_insert(t->s, &b), ERR_OK);
    assert_int_equal(store_passkey_insert(t->s, &c), ERR_OK);
    assert_int_equal(store_factors_delete(t->s, t->user), ERR_OK);
    assert_int_equal(store_passkeys_of_user(t->s, t->user, &list, &n), ERR_OK);
    assert_int_equal(n, 0);
    passkey_list_free(list, n);
    assert_int_equal(store_passkey_get(t->s, a.cred_id, a.cred_id_len, &got), ERR_NOT_FOUND);
    /* another user's stay */
    assert_int_equal(store_passkey_get(t->s, c.cred_id, c.cred_id_len, &got), ERR_OK);
    passkey_clear(&got);

    assert_int_equal(store_passkey_insert(t->s, &a), ERR_OK);
    assert_int_equal(store_user_delete(t->s, t->user), ERR_OK);
    assert_int_equal(store_passkeys_of_user(t->s, t->user, &list, &n), ERR_OK);
    assert_int_equal(n, 0);
    passkey_list_free(list, n);
    /* a user added again under the same sub has none, and the id is free */
    assert_int_equal(ct_add_user(t, t->user, t->user), ERR_OK);
    assert_int_equal(store_passkey_get(t->s, a.cred_id, a.cred_id_len, &got), ERR_NOT_FOUND);
    assert_int_equal(store_passkey_insert(t->s, &a), ERR_OK);
}

static struct webauthn_challenge make_challenge(const struct ct *t, const char *what,
                                                const char *sub, int purpose, int64_t expires_at)
{
    struct webauthn_challenge c = {0};
    char binding[CT_NAME_MAX + 8];

    ct_hash(t, what, c.hash);
    snprintf(binding, sizeof binding, "%s-cookie", what);
    ct_hash(t, binding, c.binding);
    c.purpose = purpose;
    snprintf(c.user_sub, sizeof c.user_sub, "%s", sub);
    c.expires_at = expires_at;
    return c;
}

static void challenge_is_taken_once(void **state)
{
    struct ct *t = *state;
    struct webauthn_challenge a = make_challenge(t, "ch-a", "", WEBAUTHN_PURPOSE_SIGNIN, 400);
    struct webauthn_challenge b =
        make_challenge(t, "ch-b", t->user, WEBAUTHN_PURPOSE_SECOND_FACTOR, 50);
    struct webauthn_challenge got;

    assert_int_equal(store_webauthn_challenge_put(t->s, &a), ERR_OK);
    assert_int_equal(store_webauthn_challenge_put(t->s, &a), ERR_CONFLICT);
    assert_int_equal(store_webauthn_challenge_put(t->s, &b), ERR_OK);
    assert_int_equal(store_webauthn_challenge_take(t->s, a.hash, &got), ERR_OK);
    assert_memory_equal(got.hash, a.hash, HASH_LEN);
    assert_memory_equal(got.binding, a.binding, HASH_LEN);
    assert_int_equal(got.purpose, WEBAUTHN_PURPOSE_SIGNIN);
    assert_string_equal(got.user_sub, "");
    assert_int_equal(got.expires_at, 400);
    assert_int_equal(store_webauthn_challenge_take(t->s, a.hash, &got), ERR_NOT_FOUND);
    /* expired or not: the caller checks */
    assert_int_equal(store_webauthn_challenge_take(t->s, b.hash, &got), ERR_OK);
    assert_int_equal(got.purpose, WEBAUTHN_PURPOSE_SECOND_FACTOR);
    assert_string_equal(got.user_sub, t->user);
    assert_int_equal(got.expires_at, 50);
    assert_int_equal(store_webauthn_challenge_take(t->s, b.hash, &got), ERR_NOT_FOUND);
    /* taken, the hash may be issued again */
    assert_int_equal(store_webauthn_challenge_put(t->s, &a), ERR_OK);
}

static void *take_race(void *arg)
{
    struct racer *r = arg;
    struct webauthn_challenge c, got;

    c = make_challenge(r->t, "ch", "", WEBAUTHN_PURPOSE_REGISTER, 400);
    r->result = store_webauthn_challenge_take(r->t->s, c.hash, &got);
    return NULL;
}

static void racing_takes_of_one_challenge_one_wins(void **state)
{
    struct ct *t = *state;
    struct webauthn_challenge c = make_challenge(t, "ch", "", WEBAUTHN_PURPOSE_REGISTER, 400);
    enum err a, b;
    int round;

    for (round = 0; round < 20; round++) {
        assert_int_equal(store_webauthn_challenge_put(t->s, &c), ERR_OK);
        race_two(t, take_race, &a, &b);
        assert_one_wins(a, b, ERR_NOT_FOUND);
    }
}

static void *spend_race(void *arg)
{
    struct racer *r = arg;
    struct webauthn_challenge c = make_challenge(r->t, "spent", "", WEBAUTHN_PURPOSE_SPENT, 400);

    r->result = store_webauthn_challenge_put(r->t->s, &c);
    return NULL;
}

/* A signed sign-in challenge serves once because only one insert of its
 * hash succeeds, also when two instances record it at the same moment. */
static void racing_spends_of_one_challenge_one_wins(void **state)
{
    struct ct *t = *state;
    struct webauthn_challenge c = make_challenge(t, "spent", "", WEBAUTHN_PURPOSE_SPENT, 400);
    struct webauthn_challenge got;
    enum err a, b;
    int round;

    for (round = 0; round < 20; round++) {
        race_two(t, spend_race, &a, &b);
        assert_one_wins(a, b, ERR_CONFLICT);
        assert_int_equal(store_webauthn_challenge_take(t->s, c.hash, &got), ERR_OK);
        assert_int_equal(got.purpose, WEBAUTHN_PURPOSE_SPENT);
    }
}

static void sweep_removes_expired_challenges(void **state)
{
    struct ct *t = *state;
    struct webauthn_challenge old = make_challenge(t, "ch-old", "", WEBAUTHN_PURPOSE_SIGNIN, 400);
    struct webauthn_challenge now =
        make_challenge(t, "ch-now", t->user, WEBAUTHN_PURPOSE_REGISTER, 401);
    struct webauthn_challenge got;
    int64_t removed = 0;

    assert_int_equal(store_webauthn_challenge_put(t->s, &old), ERR_OK);
    assert_int_equal(store_webauthn_challenge_put(t->s, &now), ERR_OK);
    assert_int_equal(store_sweep(t->s, 401, &removed), ERR_OK);
    if (t->fresh)
        assert_int_equal(removed, 1);
    else
        assert_true(removed >= 1);
    assert_int_equal(store_webauthn_challenge_take(t->s, old.hash, &got), ERR_NOT_FOUND);
    /* one expiring at now stays */
    assert_int_equal(store_webauthn_challenge_take(t->s, now.hash, &got), ERR_OK);
}

const struct CMUnitTest ct_passkeys_tests[] = {
    CT_CASE(passkey_round_trip),
    CT_CASE(passkey_insert_refusals),
    CT_CASE(passkey_of_disabled_user_is_not_found),
    CT_CASE(passkeys_per_user_are_capped),
    CT_CASE(passkey_use_moves_the_counter),
    CT_CASE(racing_uses_of_one_count_one_wins),
    CT_CASE(racing_inserts_keep_the_cap),
    CT_CASE(passkey_rename_and_delete_by_owner_only),
    CT_CASE(passkeys_go_with_reset_and_user),
    CT_CASE(challenge_is_taken_once),
    CT_CASE(racing_takes_of_one_challenge_one_wins),
    CT_CASE(racing_spends_of_one_challenge_one_wins),
    CT_CASE(sweep_removes_expired_challenges),
};
const size_t ct_passkeys_count = sizeof ct_passkeys_tests / sizeof ct_passkeys_tests[0];
