/* Store contract: sessions, authorization codes, consents and refresh
 * tokens, and the whole jobs done on them (consume, record, revoke, rotate). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_contract.h"

static bool refresh_exists(const struct ct *t, const unsigned char hash[HASH_LEN])
{
    struct refresh_token got;
    enum err rc = store_refresh_token_get(t->s, hash, &got);

    assert_true(rc == ERR_OK || rc == ERR_NOT_FOUND);
    if (rc == ERR_OK)
        refresh_token_clear(&got);
    return rc == ERR_OK;
}

/* ---- sessions ------------------------------------------------------------ */

static void session_round_trips_every_field(void **state)
{
    struct ct *t = *state;
    struct session se = ct_session(t, "c1", 1000), twin, bare, got;

    assert_int_equal(store_session_insert(t->s, &se), ERR_OK);
    assert_int_equal(store_session_insert(t->s, &se), ERR_CONFLICT);
    twin = ct_session(t, "c2", 1000); /* another cookie, the same sid */
    memcpy(twin.sid, se.sid, sizeof twin.sid);
    assert_int_equal(store_session_insert(t->s, &twin), ERR_CONFLICT);

    /* expired or not: the caller checks expires_at */
    assert_int_equal(store_session_get(t->s, se.id_hash, &got), ERR_OK);
    assert_memory_equal(got.id_hash, se.id_hash, HASH_LEN);
    assert_string_equal(got.sid, se.sid);
    assert_string_equal(got.user_sub, t->user);
    assert_string_equal(got.amr, "pwd");
    assert_int_equal(got.auth_time, 90);
    assert_int_equal(got.created_at, 100);
    assert_int_equal(got.expires_at, 1000);
    session_clear(&got);

    bare = ct_session(t, "c3", 2000);
    bare.amr = "pwd otp hwk";
    assert_int_equal(store_session_insert(t->s, &bare), ERR_OK);
    assert_int_equal(store_session_get(t->s, bare.id_hash, &got), ERR_OK);
    assert_string_equal(got.amr, "pwd otp hwk");
    session_clear(&got);

    assert_int_equal(store_session_delete(t->s, se.id_hash), ERR_OK);
    assert_int_equal(store_session_get(t->s, se.id_hash, &got), ERR_NOT_FOUND);
    assert_int_equal(store_session_delete(t->s, se.id_hash), ERR_NOT_FOUND);
    assert_int_equal(store_session_get(t->s, bare.id_hash, &got), ERR_OK);
    session_clear(&got);
}

/* A session is only as good as its user: one of an unknown user is not
 * found; a disabled user's sessions end for good. */
static void session_needs_an_enabled_user(void **state)
{
    struct ct *t = *state;
    struct session ghost = ct_session(t, "ghost", 5000), se = ct_session(t, "dis", 5000), got;
    char nobody[CT_NAME_MAX];
    struct user u;

    CT_NAME(t, "nobody", nobody);
    ghost.user_sub = nobody;
    assert_int_equal(store_session_insert(t->s, &ghost), ERR_OK);
    assert_int_equal(store_session_get(t->s, ghost.id_hash, &got), ERR_NOT_FOUND);

    assert_int_equal(store_session_insert(t->s, &se), ERR_OK);
    assert_int_equal(store_user_get(t->s, t->user, &u), ERR_OK);
    u.enabled = false;
    assert_int_equal(store_user_update(t->s, &u), ERR_OK);
    assert_int_equal(store_session_get(t->s, se.id_hash, &got), ERR_NOT_FOUND);
    u.enabled = true;
    assert_int_equal(store_user_update(t->s, &u), ERR_OK);
    assert_int_equal(store_session_get(t->s, se.id_hash, &got), ERR_NOT_FOUND);
    assert_int_equal(store_session_delete(t->s, se.id_hash), ERR_NOT_FOUND); /* it is gone */
    user_clear(&u);
}

/* Sessions with expires_at after now; one expiring at now is over. */
static void session_count_counts_the_unexpired(void **state)
{
    struct ct *t = *state;
    struct session a = ct_session(t, "n1", 1000), b = ct_session(t, "n2", 1001),
                   c = ct_session(t, "n3", 900000);
    int64_t before_1000, before_2000, after_1000, after_2000;

    assert_int_equal(store_session_count(t->s, 1000, &before_1000), ERR_OK);
    assert_int_equal(store_session_count(t->s, 2000, &before_2000), ERR_OK);
    assert_int_equal(store_session_insert(t->s, &a), ERR_OK);
    assert_int_equal(store_session_insert(t->s, &b), ERR_OK);
    assert_int_equal(store_session_insert(t->s, &c), ERR_OK);
    assert_int_equal(store_session_count(t->s, 1000, &after_1000), ERR_OK);
    assert_int_equal(store_session_count(t->s, 2000, &after_2000), ERR_OK);
    assert_int_equal(after_1000 - before_1000, 2);
    assert_int_equal(after_2000 - before_2000, 1);
    if (t->fresh)
        assert_int_equal(after_1000, 2);
}

/* ---- codes --------------------------------------------------------------- */

static void code_round_trips_every_field(void **state)
{
    struct ct *t = *state;
    struct auth_code full = ct_code(t, "full"), bare = ct_code(t, "bare"), got;

    full.nonce = "n-1";
    full.code_challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    full.code_challenge_method = "S256";
    full.amr = "pwd otp";
    full.resource = "https://books.example urn:films";
    snprintf(full.front_at_jti, sizeof full.front_at_jti, "front-%s", t->tag);
    full.front_at_expires_at = 3700;
    full.claims_userinfo = "email";
    full.claims_id_token = "name email_verified";
    full.used_at = 55; /* ignored on insert, as is what was issued */
    snprintf(full.at_jti, sizeof full.at_jti, "ignored");
    full.reused_at = 66;
    assert_int_equal(store_code_insert(t->s, &full), ERR_OK);
    assert_int_equal(store_code_insert(t->s, &full), ERR_CONFLICT);
    assert_int_equal(store_code_consume(t->s, full.hash, 200, &got), ERR_OK);
    assert_memory_equal(got.hash, full.hash, HASH_LEN);
    assert_string_equal(got.client_id, t->client);
    assert_string_equal(got.redirect_uri, "https://app.example/cb");
    assert_string_equal(got.user_sub, t->user);
    assert_string_equal(got.scope, "openid");
    assert_string_equal(got.nonce, "n-1");
    assert_string_equal(got.code_challenge, full.code_challenge);
    assert_string_equal(got.code_challenge_method, "S256");
    assert_int_equal(got.auth_time, 90);
    assert_string_equal(got.amr, "pwd otp");
    assert_string_equal(got.sid, t->sid);
    assert_int_equal(got.created_at, 100);
    assert_int_equal(got.expires_at, 700);
    assert_int_equal(got.used_at, 200);
    assert_string_equal(got.at_jti, "");
    assert_int_equal(got.at_expires_at, 0);
    assert_false(got.has_rt);
    assert_string_equal(got.rt_family, "");
    assert_int_equal(got.reused_at, 0);
    assert_string_equal(got.resource, full.resource);
    assert_string_equal(got.front_at_jti, full.front_at_jti);
    assert_int_equal(got.front_at_expires_at, 3700);
    assert_string_equal(got.claims_userinfo, "email");
    assert_string_equal(got.claims_id_token, "name email_verified");
    auth_code_clear(&got);

    assert_int_equal(store_code_insert(t->s, &bare), ERR_OK);
    assert_int_equal(store_code_consume(t->s, bare.hash, 200, &got), ERR_OK);
    assert_null(got.nonce);
    assert_null(got.code_challenge);
    assert_null(got.code_challenge_method);
    assert_null(got.resource);
    assert_string_equal(got.front_at_jti, "");
    assert_int_equal(got.front_at_expires_at, 0);
    assert_null(got.claims_userinfo);
    assert_null(got.claims_id_token);
    auth_code_clear(&got);
}

/* The first consume wins; every later one reports the code as it stands,
 * with what the first recorded, and changes nothing. */
static void code_is_consumed_once(void **state)
{
    struct ct *t = *state;
    struct auth_code code = ct_code(t, "once"), got;
    unsigned char unknown[HASH_LEN];
    char jti[CT_NAME_MAX];

    CT_NAME(t, "at", jti);
    assert_int_equal(store_code_insert(t->s, &code), ERR_OK);
    assert_int_equal(store_code_consume(t->s, code.hash, 200, &got), ERR_OK);
    auth_code_clear(&got);
    assert_int_equal(store_code_consume(t->s, code.hash, 201, &got), ERR_CONFLICT);
    assert_int_equal(got.used_at, 200);
    assert_int_equal(got.reused_at, 0);
    assert_string_equal(got.at_jti, "");
    assert_memory_equal(got.hash, code.hash, HASH_LEN);
    assert_string_equal(got.redirect_uri, "https://app.example/cb");
    auth_code_clear(&got);
    assert_int_equal(store_code_record_issued(t->s, code.hash, jti, 3800, NULL), ERR_OK);
    assert_int_equal(store_code_consume(t->s, code.hash, 300, &got), ERR_CONFLICT);
    assert_int_equal(got.used_at, 200);
    assert_string_equal(got.at_jti, jti);
    assert_int_equal(got.at_expires_at, 3800);
    assert_false(got.has_rt);
    assert_string_equal(got.rt_family, "");
    auth_code_clear(&got);

    ct_hash(t, "never-issued", unknown);
    assert_int_equal(store_code_consume(t->s, unknown, 300, &got), ERR_NOT_FOUND);
    assert_int_equal(store_code_mark_reused(t->s, unknown, 300, &got), ERR_NOT_FOUND);
    assert_int_equal(store_code_record_issued(t->s, unknown, jti, 3800, NULL), ERR_CONFLICT);
}

/* What a redemption issued is recorded with the code, and its refresh
 * token stored in the same step; once the code is marked reused, nothing
 * more is recorded. */
static void code_records_what_was_issued(void **state)
{
    struct ct *t = *state;
    struct auth_code code = ct_code(t, "rec"), late = ct_code(t, "late"), got;
    char family[CT_NAME_MAX], jti[CT_NAME_MAX];
    struct refresh_token rt, rt_late;

    CT_NAME(t, "fam", family);
    CT_NAME(t, "at", jti);
    rt = ct_refresh(t, "rt", family);
    rt_late = ct_refresh(t, "rt-late", family);
    assert_int_equal(store_code_insert(t->s, &code), ERR_OK);
    assert_int_equal(store_code_consume(t->s, code.hash, 200, &got), ERR_OK);
    auth_code_clear(&got);
    assert_int_equal(store_code_record_issued(t->s, code.hash, jti, 3800, &rt), ERR_OK);
    assert_true(refresh_exists(t, rt.hash));
    assert_int_equal(store_code_consume(t->s, code.hash, 300, &got), ERR_CONFLICT);
    assert_string_equal(got.at_jti, jti);
    assert_int_equal(got.at_expires_at, 3800);
    assert_true(got.has_rt);
    assert_memory_equal(got.rt_hash, rt.hash, HASH_LEN);
    assert_string_equal(got.rt_family, family);
    auth_code_clear(&got);

    /* reuse noticed while a redemption still issues */
    assert_int_equal(store_code_insert(t->s, &late), ERR_OK);
    assert_int_equal(store_code_consume(t->s, late.hash, 200, &got), ERR_OK);
    auth_code_clear(&got);
    assert_int_equal(store_code_mark_reused(t->s, late.hash, 202, &got), ERR_OK);
    assert_int_equal(got.reused_at, 202);
    assert_int_equal(got.used_at, 200);
    auth_code_clear(&got);
    assert_int_equal(store_code_mark_reused(t->s, late.hash, 203, &got), ERR_OK);
    assert_int_equal(got.reused_at, 202); /* the first time stays */
    auth_code_clear(&got);
    assert_int_equal(store_code_record_issued(t->s, late.hash, jti, 3800, &rt_late), ERR_CONFLICT);
    assert_false(refresh_exists(t, rt_late.hash));
    assert_int_equal(store_code_consume(t->s, late.hash, 300, &got), ERR_CONFLICT);
    assert_string_equal(got.at_jti, "");
    assert_int_equal(got.reused_at, 202);
    auth_code_clear(&got);
}

/* A replayed code revokes what it issued: both access tokens (the stored
 * opaque ones deleted) and the refresh family as it stands after rotation;
 * another family and unrelated tokens stay. */
static void code_revoke_issued_revokes_everything(void **state)
{
    struct ct *t = *state;
    struct auth_code code = ct_code(t, "rev"), empty = ct_code(t, "empty"), got;
    char family[CT_NAME_MAX], other[CT_NAME_MAX];
    char at1[CT_NAME_MAX], at2[CT_NAME_MAX], front[CT_NAME_MAX], keep[CT_NAME_MAX];
    struct refresh_token rt, next, stranger;

    CT_NAME(t, "fam", family);
    CT_NAME(t, "other", other);
    CT_NAME(t, "at1", at1);
    CT_NAME(t, "at2", at2);
    CT_NAME(t, "front", front);
    CT_NAME(t, "keep", keep);
    rt = ct_refresh(t, "rt1", family);
    next = ct_refresh(t, "rt2", family);
    snprintf(next.at_jti, sizeof next.at_jti, "%s", at2);
    next.at_expires_at = 3900;
    stranger = ct_refresh(t, "rt3", other);
    snprintf(stranger.at_jti, sizeof stranger.at_jti, "%s", keep);
    snprintf(code.front_at_jti, sizeof code.front_at_jti, "%s", front);
    code.front_at_expires_at = 3700;
    ct_add_token(t, "tok1", at1, 3800);
    ct_add_token(t, "tok2", at2, 3800);
    ct_add_token(t, "tok-keep", keep, 3800);
    assert_int_equal(store_code_insert(t->s, &code), ERR_OK);
    assert_int_equal(store_code_consume(t->s, code.hash, 200, &got), ERR_OK);
    auth_code_clear(&got);
    assert_int_equal(store_code_record_issued(t->s, code.hash, at1, 3800, &rt), ERR_OK);
    assert_int_equal(store_refresh_token_rotate(t->s, rt.hash, 250, &next), ERR_OK);
    assert_int_equal(store_refresh_token_insert(t->s, &stranger), ERR_OK);
    assert_false(ct_revoked(t, at1) || ct_revoked(t, front) || ct_revoked(t, at2));

    assert_int_equal(store_code_consume(t->s, code.hash, 300, &got), ERR_CONFLICT);
    assert_int_equal(store_code_revoke_issued(t->s, &got), ERR_OK);
    auth_code_clear(&got);
    assert_true(ct_revoked(t, at1));
    assert_true(ct_revoked(t, front));
    assert_true(ct_revoked(t, at2));
    assert_false(ct_token_stored(t, "tok1"));
    assert_false(ct_token_stored(t, "tok2"));
    assert_false(refresh_exists(t, rt.hash));
    assert_false(refresh_exists(t, next.hash));
    assert_true(refresh_exists(t, stranger.hash));
    assert_true(ct_token_stored(t, "tok-keep"));
    assert_false(ct_revoked(t, keep));

    /* nothing recorded: nothing to do */
    assert_int_equal(store_code_insert(t->s, &empty), ERR_OK);
    assert_int_equal(store_code_consume(t->s, empty.hash, 200, &got), ERR_OK);
    assert_int_equal(store_code_revoke_issued(t->s, &got), ERR_OK);
    auth_code_clear(&got);
}

/* ---- consents ------------------------------------------------------------ */

static void consent_round_trips_and_is_replaced(void **state)
{
    struct ct *t = *state;
    struct consent cs = {t->user, "", "openid profile", 100, 1000, NULL}, got;
    char other[CT_NAME_MAX];

    CT_NAME(t, "other", other);
    snprintf(cs.client_id, sizeof cs.client_id, "%s", t->client);
    assert_int_equal(store_consent_get(t->s, t->user, t->client, &got), ERR_NOT_FOUND);
    assert_int_equal(store_consent_put(t->s, &cs), ERR_OK);
    assert_int_equal(store_consent_get(t->s, t->user, t->client, &got), ERR_OK);
    assert_string_equal(got.user_sub, t->user);
    assert_string_equal(got.client_id, t->client);
    assert_string_equal(got.scope, "openid profile");
    assert_int_equal(got.created_at, 100);
    assert_int_equal(got.expires_at, 1000);
    assert_null(got.claims);
    consent_clear(&got);

    cs.scope = "openid email";
    cs.created_at = 150;
    cs.expires_at = 2000;
    cs.claims = "email_verified phone_number";
    assert_int_equal(store_consent_put(t->s, &cs), ERR_OK);
    assert_int_equal(store_consent_get(t->s, t->user, t->client, &got), ERR_OK);
    assert_string_equal(got.scope, "openid email");
    assert_int_equal(got.created_at, 150);
    assert_int_equal(got.expires_at, 2000); /* expired or not: the caller checks */
    assert_string_equal(got.claims, "email_verified phone_number");
    consent_clear(&got);

    cs.claims = NULL; /* replacing clears */
    assert_int_equal(store_consent_put(t->s, &cs), ERR_OK);
    assert_int_equal(store_consent_get(t->s, t->user, t->client, &got), ERR_OK);
    assert_null(got.claims);
    consent_clear(&got);
    assert_int_equal(store_consent_get(t->s, other, t->client, &got), ERR_NOT_FOUND);
    assert_int_equal(store_consent_get(t->s, t->user, other, &got), ERR_NOT_FOUND);
}

/* ---- refresh tokens ------------------------------------------------------ */

static void refresh_token_round_trips_every_field(void **state)
{
    struct ct *t = *state;
    char family[CT_NAME_MAX];
    struct refresh_token full, bare, got;
    unsigned char unknown[HASH_LEN];

    CT_NAME(t, "fam", family);
    full = ct_refresh(t, "full", family);
    snprintf(full.at_jti, sizeof full.at_jti, "at-%s", t->tag);
    full.at_expires_at = 3800;
    full.resource = "https://books.example urn:films";
    full.family_issued_at = 150;
    full.claims_userinfo = "email";
    full.claims_id_token = "name";
    full.used_at = 77; /* not stored: a new token is unused */
    assert_int_equal(store_refresh_token_insert(t->s, &full), ERR_OK);
    assert_int_equal(store_refresh_token_insert(t->s, &full), ERR_CONFLICT);
    assert_int_equal(store_refresh_token_get(t->s, full.hash, &got), ERR_OK);
    assert_memory_equal(got.hash, full.hash, HASH_LEN);
    assert_string_equal(got.family, family);
    assert_string_equal(got.client_id, t->client);
    assert_string_equal(got.user_sub, t->user);
    assert_string_equal(got.scope, "openid offline_access");
    assert_int_equal(got.auth_time, 90);
    assert_string_equal(got.sid, t->sid);
    assert_int_equal(got.issued_at, 200);
    assert_int_equal(got.expires_at, 5000);
    assert_int_equal(got.used_at, 0);
    assert_string_equal(got.at_jti, full.at_jti);
    assert_int_equal(got.at_expires_at, 3800);
    assert_string_equal(got.resource, full.resource);
    assert_int_equal(got.family_issued_at, 150);
    assert_string_equal(got.claims_userinfo, "email");
    assert_string_equal(got.claims_id_token, "name");
    refresh_token_clear(&got);

    bare = ct_refresh(t, "bare", family);
    assert_int_equal(store_refresh_token_insert(t->s, &bare), ERR_OK);
    assert_int_equal(store_refresh_token_get(t->s, bare.hash, &got), ERR_OK);
    assert_string_equal(got.at_jti, "");
    assert_null(got.resource);
    assert_null(got.claims_userinfo);
    assert_null(got.claims_id_token);
    refresh_token_clear(&got);
    ct_hash(t, "unknown", unknown);
    assert_int_equal(store_refresh_token_get(t->s, unknown, &got), ERR_NOT_FOUND);
}

/* Rotation marks the token used and stores its successor; presenting the
 * used token again is reuse: the family goes, with every access token
 * issued with it and the one issued for the rejected successor. */
static void refresh_rotation_and_reuse(void **state)
{
    struct ct *t = *state;
    char family[CT_NAME_MAX], other[CT_NAME_MAX], ja[CT_NAME_MAX], jb[CT_NAME_MAX], jc[CT_NAME_MAX],
        jk[CT_NAME_MAX];
    struct refresh_token a, b, c, keep, got;

    CT_NAME(t, "fam", family);
    CT_NAME(t, "other", other);
    CT_NAME(t, "ja", ja);
    CT_NAME(t, "jb", jb);
    CT_NAME(t, "jc", jc);
    CT_NAME(t, "jk", jk);
    a = ct_refresh(t, "a", family);
    b = ct_refresh(t, "b", family);
    c = ct_refresh(t, "c", family);
    keep = ct_refresh(t, "keep", other);
    snprintf(a.at_jti, sizeof a.at_jti, "%s", ja);
    snprintf(b.at_jti, sizeof b.at_jti, "%s", jb);
    snprintf(c.at_jti, sizeof c.at_jti, "%s", jc);
    snprintf(keep.at_jti, sizeof keep.at_jti, "%s", jk);
    a.at_expires_at = b.at_expires_at = c.at_expires_at = keep.at_expires_at = 3800;
    b.resource = "https://books.example";
    b.issued_at = 300;
    ct_add_token(t, "tok-b", jb, 3800);
    assert_int_equal(store_refresh_token_insert(t->s, &a), ERR_OK);
    assert_int_equal(store_refresh_token_insert(t->s, &keep), ERR_OK);

    assert_int_equal(store_refresh_token_rotate(t->s, a.hash, 300, &b), ERR_OK);
    assert_int_equal(store_refresh_token_get(t->s, a.hash, &got), ERR_OK);
    assert_int_equal(got.used_at, 300);
    refresh_token_clear(&got);
    assert_int_equal(store_refresh_token_get(t->s, b.hash, &got), ERR_OK);
    assert_string_equal(got.family, family);
    assert_int_equal(got.used_at, 0);
    assert_int_equal(got.issued_at, 300);
    assert_string_equal(got.at_jti, jb);
    assert_string_equal(got.resource, "https://books.example");
    refresh_token_clear(&got);
    assert_false(ct_revoked(t, ja) || ct_revoked(t, jb));

    assert_int_equal(store_refresh_token_rotate(t->s, a.hash, 301, &c), ERR_CONFLICT);
    assert_false(refresh_exists(t, a.hash));
    assert_false(refresh_exists(t, b.hash));
    assert_false(refresh_exists(t, c.hash));
    assert_true(ct_revoked(t, ja));
    assert_true(ct_revoked(t, jb));
    assert_true(ct_revoked(t, jc));
    assert_false(ct_token_stored(t, "tok-b"));
    assert_true(refresh_exists(t, keep.hash));
    assert_false(ct_revoked(t, jk));
}

/* A token that is gone (its family revoked) is reuse too: the family named
 * by the successor is revoked and nothing stored. */
static void refresh_rotation_of_a_gone_token(void **state)
{
    struct ct *t = *state;
    char family[CT_NAME_MAX], jn[CT_NAME_MAX];
    struct refresh_token live, next;
    unsigned char gone[HASH_LEN];

    CT_NAME(t, "fam", family);
    CT_NAME(t, "jn", jn);
    live = ct_refresh(t, "live", family);
    next = ct_refresh(t, "next", family);
    snprintf(next.at_jti, sizeof next.at_jti, "%s", jn);
    next.at_expires_at = 3800;
    ct_hash(t, "gone", gone);
    assert_int_equal(store_refresh_token_insert(t->s, &live), ERR_OK);
    assert_int_equal(store_refresh_token_rotate(t->s, gone, 300, &next), ERR_CONFLICT);
    assert_false(refresh_exists(t, live.hash));
    assert_false(refresh_exists(t, next.hash));
    assert_true(ct_revoked(t, jn));
}

static void refresh_family_revoke_takes_the_family(void **state)
{
    struct ct *t = *state;
    char family[CT_NAME_MAX], other[CT_NAME_MAX], nobody[CT_NAME_MAX], j1[CT_NAME_MAX],
        j2[CT_NAME_MAX], jk[CT_NAME_MAX];
    struct refresh_token r1, r2, r3, keep;

    CT_NAME(t, "fam", family);
    CT_NAME(t, "other", other);
    CT_NAME(t, "nobody", nobody);
    CT_NAME(t, "j1", j1);
    CT_NAME(t, "j2", j2);
    CT_NAME(t, "jk", jk);
    r1 = ct_refresh(t, "r1", family);
    r2 = ct_refresh(t, "r2", family);
    r3 = ct_refresh(t, "r3", family); /* no access token recorded */
    keep = ct_refresh(t, "keep", other);
    snprintf(r1.at_jti, sizeof r1.at_jti, "%s", j1);
    snprintf(r2.at_jti, sizeof r2.at_jti, "%s", j2);
    snprintf(keep.at_jti, sizeof keep.at_jti, "%s", jk);
    r1.at_expires_at = r2.at_expires_at = keep.at_expires_at = 3800;
    ct_add_token(t, "tok1", j1, 3800);
    ct_add_token(t, "tok-keep", jk, 3800);
    assert_int_equal(store_refresh_token_insert(t->s, &r1), ERR_OK);
    assert_int_equal(store_refresh_token_insert(t->s, &r2), ERR_OK);
    assert_int_equal(store_refresh_token_insert(t->s, &r3), ERR_OK);
    assert_int_equal(store_refresh_token_insert(t->s, &keep), ERR_OK);

    assert_int_equal(store_refresh_family_revoke(t->s, family), ERR_OK);
    assert_false(refresh_exists(t, r1.hash) || refresh_exists(t, r2.hash) ||
                 refresh_exists(t, r3.hash));
    assert_true(ct_revoked(t, j1));
    assert_true(ct_revoked(t, j2));
    assert_false(ct_token_stored(t, "tok1"));
    assert_true(refresh_exists(t, keep.hash));
    assert_true(ct_token_stored(t, "tok-keep"));
    assert_false(ct_revoked(t, jk));
    assert_int_equal(store_refresh_family_revoke(t->s, family), ERR_OK);
    assert_int_equal(store_refresh_family_revoke(t->s, nobody), ERR_OK);
}

const struct CMUnitTest ct_signin_tests[] = {
    CT_CASE(session_round_trips_every_field),
    CT_CASE(session_needs_an_enabled_user),
    CT_CASE(session_count_counts_the_unexpired),
    CT_CASE(code_round_trips_every_field),
    CT_CASE(code_is_consumed_once),
    CT_CASE(code_records_what_was_issued),
    CT_CASE(code_revoke_issued_revokes_everything),
    CT_CASE(consent_round_trips_and_is_replaced),
    CT_CASE(refresh_token_round_trips_every_field),
    CT_CASE(refresh_rotation_and_reuse),
    CT_CASE(refresh_rotation_of_a_gone_token),
    CT_CASE(refresh_family_revoke_takes_the_family),
};
const size_t ct_signin_count = sizeof ct_signin_tests / sizeof ct_signin_tests[0];
