/* Store contract: listing consents, and revoking them with what they let
 * their clients hold. Every case looks only at its own users and clients
 * (named with the case's tag), through store.h alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_contract.h"

/* The case's two users ("u1-TAG", "u2-TAG") and second client
 * ("other-TAG"); t->client is the first. */
struct names {
    char u1[CT_NAME_MAX], u2[CT_NAME_MAX], other[CT_NAME_MAX];
};

static void add_names(struct ct *t, struct names *nm)
{
    CT_NAME(t, "u1", nm->u1);
    CT_NAME(t, "u2", nm->u2);
    CT_NAME(t, "other", nm->other);
    assert_int_equal(ct_add_user(t, nm->u1, nm->u1), ERR_OK);
    assert_int_equal(ct_add_user(t, nm->u2, nm->u2), ERR_OK);
    assert_int_equal(ct_add_client(t, nm->other, NULL), ERR_OK);
}

static void put_consent(const struct ct *t, const char *sub, const char *client, const char *scope)
{
    struct consent cs = {0};

    cs.user_sub = (char *)sub;
    snprintf(cs.client_id, sizeof cs.client_id, "%s", client);
    cs.scope = (char *)scope;
    cs.created_at = 100;
    cs.expires_at = 5000;
    assert_int_equal(store_consent_put(t->s, &cs), ERR_OK);
}

/* What user sub holds at t->client, named by g: a redeemed code "g-code-1"
 * that issued an access token (jti "g-code-TAG") and a refresh token
 * "g-rt" whose own access token is "g-rt-TAG", an unredeemed code
 * "g-code-0", and opaque rows "g-opaque-0/1" for both jtis. */
static void put_grant(const struct ct *t, const char *sub, const char *g)
{
    char what[CT_NAME_MAX], jti[CT_NAME_MAX], family[CT_NAME_MAX];
    struct auth_code code, got;
    struct refresh_token rt;
    int i;

    for (i = 0; i < 2; i++) {
        snprintf(what, sizeof what, "%s-code-%d", g, i);
        code = ct_code(t, what);
        code.user_sub = (char *)sub;
        assert_int_equal(store_code_insert(t->s, &code), ERR_OK);
    }
    assert_int_equal(store_code_consume(t->s, code.hash, 200, &got), ERR_OK);
    auth_code_clear(&got);
    snprintf(what, sizeof what, "%s-family", g);
    CT_NAME(t, what, family);
    snprintf(what, sizeof what, "%s-rt", g);
    rt = ct_refresh(t, what, family);
    rt.user_sub = (char *)sub;
    CT_NAME(t, what, rt.at_jti);
    rt.at_expires_at = 3800;
    snprintf(what, sizeof what, "%s-code", g);
    CT_NAME(t, what, jti);
    assert_int_equal(store_code_record_issued(t->s, code.hash, jti, 3800, &rt), ERR_OK);
    snprintf(what, sizeof what, "%s-opaque-0", g);
    ct_add_token(t, what, jti, 3800);
    snprintf(what, sizeof what, "%s-opaque-1", g);
    ct_add_token(t, what, rt.at_jti, 3800);
}

/* Whether the access token "g-what-TAG" is revoked. */
static bool grant_revoked(const struct ct *t, const char *g, const char *what)
{
    char name[CT_NAME_MAX], jti[CT_NAME_MAX];

    snprintf(name, sizeof name, "%s-%s", g, what);
    CT_NAME(t, name, jti);
    return ct_revoked(t, jti);
}

static bool grant_token_stored(const struct ct *t, const char *g, int i)
{
    char what[CT_NAME_MAX];

    snprintf(what, sizeof what, "%s-opaque-%d", g, i);
    return ct_token_stored(t, what);
}

static enum err grant_refresh(const struct ct *t, const char *g)
{
    char what[CT_NAME_MAX];
    unsigned char hash[HASH_LEN];
    struct refresh_token got;
    enum err e;

    snprintf(what, sizeof what, "%s-rt", g);
    ct_hash(t, what, hash);
    e = store_refresh_token_get(t->s, hash, &got);
    if (!e)
        refresh_token_clear(&got);
    return e;
}

/* ERR_CONFLICT: the code is there, redeemed; ERR_NOT_FOUND: gone. */
static enum err grant_code(const struct ct *t, const char *g, int i)
{
    char what[CT_NAME_MAX];
    unsigned char hash[HASH_LEN];
    struct auth_code got;
    enum err e;

    snprintf(what, sizeof what, "%s-code-%d", g, i);
    ct_hash(t, what, hash);
    e = store_code_consume(t->s, hash, 300, &got);
    if (e == ERR_OK || e == ERR_CONFLICT)
        auth_code_clear(&got);
    return e;
}

static size_t count(const struct ct *t, struct consent_filter f)
{
    struct consent *list = NULL;
    size_t n = 0;

    assert_int_equal(store_consent_list(t->s, &f, &list, &n), ERR_OK);
    consent_list_free(list, n);
    return n;
}

static void list_filters_and_pages(void **state)
{
    struct ct *t = *state;
    struct names nm;
    struct consent_filter f = {0};
    struct consent *list = NULL;
    size_t n = 0;

    add_names(t, &nm);
    put_consent(t, nm.u2, t->client, "openid email");
    put_consent(t, nm.u1, nm.other, "openid");
    put_consent(t, nm.u1, t->client, "openid profile");

    f = (struct consent_filter){.user_sub = nm.u1, .limit = 1};
    assert_int_equal(store_consent_list(t->s, &f, &list, &n), ERR_OK);
    assert_int_equal(n, 1);
    /* "app-TAG" < "other-TAG" */
    assert_string_equal(list[0].user_sub, nm.u1);
    assert_string_equal(list[0].client_id, t->client);
    assert_string_equal(list[0].scope, "openid profile");
    assert_null(list[0].claims);
    assert_int_equal(list[0].created_at, 100);
    assert_int_equal(list[0].expires_at, 5000);
    f.after_user_sub = nm.u1;
    f.after_client_id = t->client;
    f.limit = 5;
    consent_list_free(list, n);
    assert_int_equal(store_consent_list(t->s, &f, &list, &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].client_id, nm.other);
    consent_list_free(list, n);

    /* by client, ordered by user, paged after a pair */
    f = (struct consent_filter){.client_id = t->client};
    assert_int_equal(store_consent_list(t->s, &f, &list, &n), ERR_OK);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].user_sub, nm.u1);
    assert_string_equal(list[1].user_sub, nm.u2);
    consent_list_free(list, n);
    f.after_user_sub = nm.u1;
    f.after_client_id = t->client;
    assert_int_equal(store_consent_list(t->s, &f, &list, &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].user_sub, nm.u2);
    consent_list_free(list, n);

    assert_int_equal(count(t, (struct consent_filter){.user_sub = nm.u1, .client_id = nm.other}),
                     1);
    assert_int_equal(count(t, (struct consent_filter){.user_sub = t->user}), 0);
    if (t->fresh)
        assert_int_equal(count(t, (struct consent_filter){0}), 3);
}

/* One pair's grant goes; the user's other client and the other user keep
 * theirs. */
static void revoke_one_pair(void **state)
{
    struct ct *t = *state;
    struct names nm;
    struct consent *list = NULL;
    size_t n = 0;

    add_names(t, &nm);
    put_consent(t, nm.u1, t->client, "openid offline_access");
    put_consent(t, nm.u1, nm.other, "openid");
    put_consent(t, nm.u2, t->client, "openid");
    put_grant(t, nm.u1, "a1");
    put_grant(t, nm.u2, "a2");
    assert_int_equal(store_consent_revoke(t->s, nm.u1, t->client, &list, &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].user_sub, nm.u1);
    assert_string_equal(list[0].client_id, t->client);
    assert_string_equal(list[0].scope, "openid offline_access");
    consent_list_free(list, n);

    assert_true(grant_revoked(t, "a1", "code"));
    assert_true(grant_revoked(t, "a1", "rt"));
    assert_false(grant_revoked(t, "a2", "code"));
    assert_false(grant_revoked(t, "a2", "rt"));
    assert_false(grant_token_stored(t, "a1", 0));
    assert_false(grant_token_stored(t, "a1", 1));
    assert_true(grant_token_stored(t, "a2", 0));
    assert_true(grant_token_stored(t, "a2", 1));
    assert_int_equal(grant_refresh(t, "a1"), ERR_NOT_FOUND);
    assert_int_equal(grant_refresh(t, "a2"), ERR_OK);
    /* the redeemed code stays (it records what it issued), the other goes */
    assert_int_equal(grant_code(t, "a1", 1), ERR_CONFLICT);
    assert_int_equal(grant_code(t, "a1", 0), ERR_NOT_FOUND);
    assert_int_equal(count(t, (struct consent_filter){.user_sub = nm.u1}), 1);
    assert_int_equal(count(t, (struct consent_filter){.user_sub = nm.u2}), 1);

    assert_int_equal(store_consent_revoke(t->s, nm.u1, t->client, &list, &n), ERR_NOT_FOUND);
    assert_null(list);
    assert_int_equal(n, 0);
}

static void revoke_every_client_of_a_user(void **state)
{
    struct ct *t = *state;
    struct names nm;
    struct consent *list = NULL;
    size_t n = 0;

    add_names(t, &nm);
    put_consent(t, nm.u1, t->client, "openid");
    put_consent(t, nm.u1, nm.other, "openid email");
    put_consent(t, nm.u2, t->client, "openid");
    assert_int_equal(store_consent_revoke(t->s, nm.u1, NULL, &list, &n), ERR_OK);
    assert_int_equal(n, 2);
    assert_string_equal(list[1].client_id, nm.other);
    assert_string_equal(list[1].scope, "openid email");
    consent_list_free(list, n);
    assert_int_equal(count(t, (struct consent_filter){.user_sub = nm.u1}), 0);
    assert_int_equal(count(t, (struct consent_filter){.user_sub = nm.u2}), 1);
    assert_int_equal(store_consent_revoke(t->s, nm.u1, NULL, &list, &n), ERR_NOT_FOUND);
    assert_null(list);
}

/* A client that kept no consent (reuse_consent off) still loses the tokens
 * it holds for the user when it is named. */
static void revoke_named_client_without_consent(void **state)
{
    struct ct *t = *state;
    struct names nm;
    struct consent *list = NULL;
    size_t n = 0;

    add_names(t, &nm);
    put_grant(t, nm.u1, "nc");
    assert_int_equal(store_consent_revoke(t->s, nm.u1, t->client, &list, &n), ERR_OK);
    assert_int_equal(n, 0);
    consent_list_free(list, n);
    assert_true(grant_revoked(t, "nc", "rt"));
    assert_true(grant_revoked(t, "nc", "code"));
    assert_int_equal(grant_refresh(t, "nc"), ERR_NOT_FOUND);
    assert_int_equal(store_consent_revoke(t->s, nm.u1, NULL, &list, &n), ERR_NOT_FOUND);
}

const struct CMUnitTest ct_consents_tests[] = {
    CT_CASE(list_filters_and_pages),
    CT_CASE(revoke_one_pair),
    CT_CASE(revoke_every_client_of_a_user),
    CT_CASE(revoke_named_client_without_consent),
};
const size_t ct_consents_count = sizeof ct_consents_tests / sizeof ct_consents_tests[0];
