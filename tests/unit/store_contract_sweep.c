/* Store contract: the sweep of expired rows, and whole jobs raced from two
 * threads (each thread has its own connection, as each server worker does). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_contract.h"

/* ---- sweep --------------------------------------------------------------- */

/* Whether the code "what-TAG" is stored (marking it reused if so). */
static bool code_stored(const struct ct *t, const char *what)
{
    unsigned char hash[HASH_LEN];
    struct auth_code got;
    enum err rc;

    ct_hash(t, what, hash);
    rc = store_code_mark_reused(t->s, hash, 2000, &got);

    assert_true(rc == ERR_OK || rc == ERR_NOT_FOUND);
    if (rc == ERR_OK)
        auth_code_clear(&got);
    return rc == ERR_OK;
}

static bool key_stored(const struct ct *t, const char *kid)
{
    struct signing_key *list;
    bool found = false;
    size_t n, i;

    assert_int_equal(store_key_list(t->s, &list, &n), ERR_OK);
    for (i = 0; i < n; i++)
        found = found || strcmp(list[i].kid, kid) == 0;
    signing_key_list_free(list, n);
    return found;
}

/* Keys of ES256: old retired at 999, edge at 1000, live not at all. */
static void sweep_keys(const struct ct *t, char kids[3][CT_NAME_MAX])
{
    static unsigned char enc[] = {1, 2, 3};
    static const char *const whats[] = {"k-old", "k-edge", "k-live"};
    static const int64_t retire[] = {0, 999, 1000};
    struct signing_key k = {0};
    size_t i;

    for (i = 0; i < 3; i++) {
        CT_NAME(t, whats[i], kids[i]);
        assert_true(strlen(kids[i]) < sizeof k.kid);
        memcpy(k.kid, kids[i], strlen(kids[i]) + 1);
        snprintf(k.alg, sizeof k.alg, "ES256");
        k.private_enc = enc;
        k.private_enc_len = sizeof enc;
        k.public_jwk = "{}";
        k.created_at = k.not_before = 10 + (int64_t)i;
        assert_int_equal(store_key_add(t->s, &k, retire[i]), ERR_OK);
    }
}

/* Consumes code and records an access token living until at_expires_at and
 * the refresh token rt (may be NULL). */
static void sweep_redeem(const struct ct *t, struct auth_code *code, int64_t at_expires_at,
                         const struct refresh_token *rt)
{
    struct auth_code got;
    char jti[CT_NAME_MAX];

    snprintf(jti, sizeof jti, "j%02x%02x", code->hash[0], code->hash[1]);
    assert_int_equal(store_code_insert(t->s, code), ERR_OK);
    assert_int_equal(store_code_consume(t->s, code->hash, 200, &got), ERR_OK);
    auth_code_clear(&got);
    assert_int_equal(store_code_record_issued(t->s, code->hash, jti, at_expires_at, rt), ERR_OK);
}

/* Sessions, codes, refresh tokens and consents on either side of 1000:
 * "-old" expired before, "-edge" expires at 1000; c-at's access token and
 * c-fam's family live on, c-done has nothing left to revoke. other is a
 * second user (a user has one consent per client). */
static void sweep_fill_signin(struct ct *t, const char *other)
{
    struct session s_old = ct_session(t, "s-old", 999), s_edge = ct_session(t, "s-edge", 1000);
    struct auth_code c_old = ct_code(t, "c-old"), c_edge = ct_code(t, "c-edge"),
                     c_at = ct_code(t, "c-at"), c_fam = ct_code(t, "c-fam"),
                     c_done = ct_code(t, "c-done");
    struct consent cs_old = {t->user, "", "openid", 100, 999, NULL}, cs_edge;
    struct refresh_token rt_old, rt_edge, rt_fam;
    char fam[CT_NAME_MAX];

    CT_NAME(t, "fam", fam);
    assert_int_equal(store_session_insert(t->s, &s_old), ERR_OK);
    assert_int_equal(store_session_insert(t->s, &s_edge), ERR_OK);
    c_old.expires_at = 999;
    c_edge.expires_at = 1000;
    assert_int_equal(store_code_insert(t->s, &c_old), ERR_OK);
    assert_int_equal(store_code_insert(t->s, &c_edge), ERR_OK);
    rt_fam = ct_refresh(t, "rt-fam", fam);
    sweep_redeem(t, &c_at, 5000, NULL);
    sweep_redeem(t, &c_fam, 900, &rt_fam);
    sweep_redeem(t, &c_done, 900, NULL);
    rt_old = ct_refresh(t, "rt-old", fam);
    rt_old.expires_at = 999;
    rt_edge = ct_refresh(t, "rt-edge", fam);
    rt_edge.expires_at = 1000;
    assert_int_equal(store_refresh_token_insert(t->s, &rt_old), ERR_OK);
    assert_int_equal(store_refresh_token_insert(t->s, &rt_edge), ERR_OK);
    snprintf(cs_old.client_id, sizeof cs_old.client_id, "%s", t->client);
    cs_edge = cs_old;
    cs_edge.user_sub = (char *)other;
    cs_edge.expires_at = 1000;
    assert_int_equal(store_consent_put(t->s, &cs_old), ERR_OK);
    assert_int_equal(store_consent_put(t->s, &cs_edge), ERR_OK);
}

/* What sweep_fill_signin stored, after a sweep at 1000. */
static void sweep_check_signin(struct ct *t, const char *other)
{
    unsigned char hash[HASH_LEN];
    struct refresh_token rgot;
    struct session got;
    struct consent cgot;

    ct_hash(t, "s-old", hash);
    assert_int_equal(store_session_get(t->s, hash, &got), ERR_NOT_FOUND);
    ct_hash(t, "s-edge", hash);
    assert_int_equal(store_session_get(t->s, hash, &got), ERR_OK);
    session_clear(&got);
    assert_false(code_stored(t, "c-old"));
    assert_false(code_stored(t, "c-done"));
    assert_true(code_stored(t, "c-edge"));
    assert_true(code_stored(t, "c-at"));
    assert_true(code_stored(t, "c-fam"));
    ct_hash(t, "rt-old", hash);
    assert_int_equal(store_refresh_token_get(t->s, hash, &rgot), ERR_NOT_FOUND);
    ct_hash(t, "rt-edge", hash);
    assert_int_equal(store_refresh_token_get(t->s, hash, &rgot), ERR_OK);
    refresh_token_clear(&rgot);
    assert_int_equal(store_consent_get(t->s, t->user, t->client, &cgot), ERR_NOT_FOUND);
    assert_int_equal(store_consent_get(t->s, other, t->client, &cgot), ERR_OK);
    consent_clear(&cgot);
}

/* Sweeping at now deletes rows that expired before now (expires_at <
 * now), keys retired before now, and a used code only once what it issued
 * cannot be revoked any more: its access token expired and no refresh token
 * of its family is left. A row expiring at now stays. */
static void sweep_removes_exactly_the_expired(void **state)
{
    struct ct *t = *state;
    char kids[3][CT_NAME_MAX], rev_old[CT_NAME_MAX], rev_edge[CT_NAME_MAX], other[CT_NAME_MAX];
    int64_t removed;

    CT_NAME(t, "rev-old", rev_old);
    CT_NAME(t, "rev-edge", rev_edge);
    CT_NAME(t, "other", other);
    assert_int_equal(ct_add_user(t, other, other), ERR_OK);
    sweep_keys(t, kids);
    ct_add_token(t, "t-old", NULL, 999);
    ct_add_token(t, "t-edge", NULL, 1000);
    assert_int_equal(store_revocation_add(t->s, rev_old, t->client, 999), ERR_OK);
    assert_int_equal(store_revocation_add(t->s, rev_edge, t->client, 1000), ERR_OK);
    sweep_fill_signin(t, other);

    assert_int_equal(store_sweep(t->s, 1000, &removed), ERR_OK);
    if (t->fresh) /* key, token, revocation, session, 2 codes, refresh token, consent */
        assert_int_equal(removed, 8);
    else
        assert_true(removed >= 8);
    assert_false(key_stored(t, kids[0]));
    assert_true(key_stored(t, kids[1]) && key_stored(t, kids[2]));
    assert_false(ct_token_stored(t, "t-old"));
    assert_true(ct_token_stored(t, "t-edge"));
    assert_false(ct_revoked(t, rev_old));
    assert_true(ct_revoked(t, rev_edge));
    sweep_check_signin(t, other);
    if (t->fresh) { /* nothing more to do at the same time */
        assert_int_equal(store_sweep(t->s, 1000, &removed), ERR_OK);
        assert_int_equal(removed, 0);
    }
}

/* ---- races --------------------------------------------------------------- */

#define ROUNDS 50

enum race_job { RACE_CONSUME, RACE_ROTATE, RACE_SECRET };

struct race {
    struct ct *t;
    enum race_job job;
    pthread_barrier_t start, done;
    bool stop;
    /* this round's: set by the main thread before start */
    unsigned char hash[HASH_LEN];
    struct refresh_token next[2];
    char name[CT_NAME_MAX];
    /* each racer's outcome */
    enum err result[2];
    unsigned char secret[2];
};

struct racer {
    struct race *race;
    int index;
};

static void race_once(struct race *r, int i)
{
    struct auth_code got;
    unsigned char mine = (unsigned char)(i + 1), *out;
    size_t n;

    switch (r->job) {
    case RACE_CONSUME:
        r->result[i] = store_code_consume(r->t->s, r->hash, 200, &got);
        if (r->result[i] == ERR_OK || r->result[i] == ERR_CONFLICT)
            auth_code_clear(&got);
        break;
    case RACE_ROTATE:
        r->result[i] = store_refresh_token_rotate(r->t->s, r->hash, 300, &r->next[i]);
        break;
    case RACE_SECRET:
        r->result[i] = store_secret_get_or_add(r->t->s, r->name, &mine, 1, &out, &n);
        r->secret[i] = !r->result[i] && n == 1 ? out[0] : 0;
        if (!r->result[i])
            free(out);
        break;
    }
}

static void *racer_main(void *arg)
{
    struct racer *me = arg;
    struct race *r = me->race;

    for (;;) {
        pthread_barrier_wait(&r->start);
        if (r->stop)
            return NULL;
        race_once(r, me->index);
        pthread_barrier_wait(&r->done);
    }
}

/* Prepares round `round` of r's job: the row both racers go for. */
static enum err race_prepare(struct race *r, int round)
{
    struct ct *t = r->t;
    char what[32], family[CT_NAME_MAX];
    struct auth_code code;
    struct refresh_token rt;
    int i;

    snprintf(what, sizeof what, "race-%d", round);
    r->result[0] = r->result[1] = ERR_STORE;
    if (r->job == RACE_SECRET) {
        CT_NAME(t, what, r->name);
        return ERR_OK;
    }
    if (r->job == RACE_CONSUME) {
        code = ct_code(t, what);
        memcpy(r->hash, code.hash, HASH_LEN);
        return store_code_insert(t->s, &code);
    }
    snprintf(what, sizeof what, "fam-%d", round);
    CT_NAME(t, what, family);
    snprintf(what, sizeof what, "race-%d", round);
    rt = ct_refresh(t, what, family);
    memcpy(r->hash, rt.hash, HASH_LEN);
    for (i = 0; i < 2; i++) {
        snprintf(what, sizeof what, "race-%d-next-%d", round, i);
        r->next[i] = ct_refresh(t, what, family);
    }
    return store_refresh_token_insert(t->s, &rt);
}

static bool refresh_gone(struct store *s, const unsigned char hash[HASH_LEN])
{
    struct refresh_token got;
    enum err rc = store_refresh_token_get(s, hash, &got);

    if (rc == ERR_OK)
        refresh_token_clear(&got);
    return rc == ERR_NOT_FOUND;
}

/* What went wrong in a round, or NULL: exactly one winner, and the job's
 * own checks. */
static const char *race_verdict(struct race *r)
{
    enum err a = r->result[0], b = r->result[1];

    if (r->job == RACE_SECRET) {
        if (a || b)
            return "secret_get_or_add failed";
        if (r->secret[0] != r->secret[1] || !r->secret[0])
            return "the racers got different secrets";
        return NULL;
    }
    if (!((a == ERR_OK && b == ERR_CONFLICT) || (a == ERR_CONFLICT && b == ERR_OK)))
        return "not exactly one ERR_OK and one ERR_CONFLICT";
    /* the loser saw reuse and revoked the family, the winner's successor
     * included */
    if (r->job == RACE_ROTATE &&
        (!refresh_gone(r->t->s, r->hash) || !refresh_gone(r->t->s, r->next[0].hash) ||
         !refresh_gone(r->t->s, r->next[1].hash)))
        return "the family outlived the reuse";
    return NULL;
}

/* ROUNDS rounds of job between two threads. Nothing is asserted while they
 * wait at the barrier: a failure stops them first. */
static void race(struct ct *t, enum race_job job)
{
    struct race *r = calloc(1, sizeof *r);
    struct racer racers[2];
    pthread_t threads[2];
    const char *failure = NULL;
    enum err a = ERR_OK, b = ERR_OK;
    int i, round;

    assert_non_null(r);
    r->t = t;
    r->job = job;
    pthread_barrier_init(&r->start, NULL, 3);
    pthread_barrier_init(&r->done, NULL, 3);
    for (i = 0; i < 2; i++) {
        racers[i] = (struct racer){r, i};
        if (pthread_create(&threads[i], NULL, racer_main, &racers[i]) != 0)
            abort(); /* the barrier counts on both */
    }
    for (round = 0; round < ROUNDS; round++) {
        if (race_prepare(r, round)) {
            failure = "the round's row could not be stored";
            break;
        }
        pthread_barrier_wait(&r->start);
        pthread_barrier_wait(&r->done);
        a = r->result[0];
        b = r->result[1];
        if ((failure = race_verdict(r)) != NULL)
            break;
    }
    r->stop = true;
    pthread_barrier_wait(&r->start);
    for (i = 0; i < 2; i++)
        pthread_join(threads[i], NULL);
    pthread_barrier_destroy(&r->start);
    pthread_barrier_destroy(&r->done);
    free(r);
    if (failure)
        fail_msg("round %d: %s (results %d and %d)", round, failure, (int)a, (int)b);
}

static void racing_consumes_one_wins(void **state)
{
    race(*state, RACE_CONSUME);
}

static void racing_rotations_one_wins(void **state)
{
    race(*state, RACE_ROTATE);
}

static void racing_secret_adds_agree(void **state)
{
    race(*state, RACE_SECRET);
}

const struct CMUnitTest ct_sweep_tests[] = {
    CT_CASE(sweep_removes_exactly_the_expired),
    CT_CASE(racing_consumes_one_wins),
    CT_CASE(racing_rotations_one_wins),
    CT_CASE(racing_secret_adds_agree),
};
const size_t ct_sweep_count = sizeof ct_sweep_tests / sizeof ct_sweep_tests[0];
