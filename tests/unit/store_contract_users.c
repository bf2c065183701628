/* Store contract: users, audit events, back-channel logout deliveries and
 * the sweep of expired rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "store_contract.h"

/* ---- users --------------------------------------------------------------- */

static void user_round_trips_every_field(void **state)
{
    struct ct *t = *state;
    struct user full = {0}, bare = {0}, got;
    char upper[LIMIT_USERNAME + 1];
    size_t i;

    CT_NAME(t, "sub-full", full.sub);
    CT_NAME(t, "alice", full.username);
    full.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
    full.claims = "{\"name\":\"Alice Ünïcode\",\"email\":\"a@example.org\"}";
    full.enabled = false;
    full.created_at = 1234;
    assert_int_equal(store_user_insert(t->s, &full), ERR_OK);
    assert_int_equal(store_user_get(t->s, full.sub, &got), ERR_OK);
    assert_string_equal(got.sub, full.sub);
    assert_string_equal(got.username, full.username);
    assert_string_equal(got.password_hash, full.password_hash);
    assert_string_equal(got.claims, full.claims);
    assert_false(got.enabled);
    assert_int_equal(got.created_at, 1234);
    assert_int_equal(got.updated_at, 1234);
    user_clear(&got);

    /* usernames are found, and taken, whatever their ASCII case */
    snprintf(upper, sizeof upper, "%s", full.username);
    for (i = 0; upper[i]; i++)
        if (upper[i] >= 'a' && upper[i] <= 'z')
            upper[i] = (char)(upper[i] - 'a' + 'A');
    assert_int_equal(store_user_get_by_username(t->s, upper, &got), ERR_OK);
    assert_string_equal(got.sub, full.sub);
    assert_string_equal(got.username, full.username);
    user_clear(&got);

    CT_NAME(t, "sub-bare", bare.sub);
    snprintf(bare.username, sizeof bare.username, "%s", upper);
    bare.enabled = true;
    assert_int_equal(store_user_insert(t->s, &bare), ERR_CONFLICT); /* the username */
    CT_NAME(t, "bob", bare.username);
    assert_int_equal(store_user_insert(t->s, &bare), ERR_OK); /* no claims, no password */
    assert_int_equal(store_user_get(t->s, bare.sub, &got), ERR_OK);
    assert_null(got.password_hash);
    assert_string_equal(got.claims, "{}");
    assert_true(got.enabled);
    user_clear(&got);
    CT_NAME(t, "carol", bare.username);
    assert_int_equal(store_user_insert(t->s, &bare), ERR_CONFLICT); /* the sub */

    CT_NAME(t, "nobody", upper);
    assert_int_equal(store_user_get(t->s, upper, &got), ERR_NOT_FOUND);
    assert_int_equal(store_user_get_by_username(t->s, upper, &got), ERR_NOT_FOUND);
}

/* Update sets username, claims and enabled, and updated_at to now; the
 * password hash and created_at stay. */
static void user_update_keeps_the_password(void **state)
{
    struct ct *t = *state;
    struct user u = {0}, got;
    char other[CT_NAME_MAX];
    int64_t before = clock_now();

    CT_NAME(t, "sub-u", u.sub);
    CT_NAME(t, "dave", u.username);
    u.password_hash = "h1";
    u.claims = "{}";
    u.enabled = true;
    u.created_at = 100;
    assert_int_equal(store_user_insert(t->s, &u), ERR_OK);
    CT_NAME(t, "David", u.username);
    u.password_hash = "ignored";
    u.claims = "{\"name\":\"David\"}";
    u.enabled = false;
    u.created_at = 999;
    assert_int_equal(store_user_update(t->s, &u), ERR_OK);
    assert_int_equal(store_user_get(t->s, u.sub, &got), ERR_OK);
    assert_string_equal(got.username, u.username);
    assert_string_equal(got.claims, "{\"name\":\"David\"}");
    assert_false(got.enabled);
    assert_string_equal(got.password_hash, "h1");
    assert_int_equal(got.created_at, 100);
    assert_true(got.updated_at >= before && got.updated_at <= clock_now());
    user_clear(&got);

    CT_NAME(t, "DAVID", u.username); /* its own name in another case */
    assert_int_equal(store_user_update(t->s, &u), ERR_OK);
    CT_NAME(t, "USER", other); /* set-up's user: t->user in another case */
    snprintf(u.username, sizeof u.username, "%s", other);
    assert_int_equal(store_user_update(t->s, &u), ERR_CONFLICT);
    CT_NAME(t, "nobody", u.sub);
    CT_NAME(t, "nobody", u.username);
    assert_int_equal(store_user_update(t->s, &u), ERR_NOT_FOUND);
}

static void users_version_moves_with_every_change(void **state)
{
    struct ct *t = *state;
    char sub[CT_NAME_MAX];
    int64_t v[6];
    struct user u;
    size_t i;

    CT_NAME(t, "sub-v", sub);
    assert_int_equal(store_users_version(t->s, &v[0]), ERR_OK);
    assert_int_equal(ct_add_user(t, sub, sub), ERR_OK);
    assert_int_equal(store_users_version(t->s, &v[1]), ERR_OK);
    assert_int_equal(store_user_get(t->s, sub, &u), ERR_OK);
    u.enabled = false;
    assert_int_equal(store_user_update(t->s, &u), ERR_OK);
    user_clear(&u);
    assert_int_equal(store_users_version(t->s, &v[2]), ERR_OK);
    assert_int_equal(store_user_set_password(t->s, sub, "h", NULL), ERR_OK);
    assert_int_equal(store_users_version(t->s, &v[3]), ERR_OK);
    assert_int_equal(store_user_set_password(t->s, sub, "h2", "h"), ERR_OK);
    assert_int_equal(store_users_version(t->s, &v[4]), ERR_OK);
    assert_int_equal(store_user_delete(t->s, sub), ERR_OK);
    assert_int_equal(store_users_version(t->s, &v[5]), ERR_OK);
    for (i = 1; i < 6; i++)
        assert_true(v[i] != v[i - 1]);
}

/* Pages of users by username, ASCII case ignored: limit 1 to
 * LIMIT_USER_PAGE, each page after the last username of the one before. */
static void user_list_pages_by_username(void **state)
{
    struct ct *t = *state;
    static const char *const names[] = {"e", "B", "a", "D", "c"};
    static const char *const order[] = {"a", "B", "c", "D", "e"};
    char prefix[32], name[CT_NAME_MAX], sub[CT_NAME_MAX], after[LIMIT_USERNAME + 1];
    struct user *list;
    size_t n, i, seen = 0, page;

    snprintf(prefix, sizeof prefix, "list-%s-", t->tag);
    for (i = 0; i < 5; i++) {
        snprintf(name, sizeof name, "%s%s", prefix, names[i]);
        snprintf(sub, sizeof sub, "sub-%s%s", prefix, names[i]);
        assert_int_equal(ct_add_user(t, sub, name), ERR_OK);
    }
    /* the prefix itself sorts just before every name it starts */
    snprintf(after, sizeof after, "%s", prefix);
    for (page = 0; seen < 5; page++) {
        assert_true(page < 3);
        assert_int_equal(store_user_list(t->s, after, 2, &list, &n), ERR_OK);
        assert_true(n >= 1 && n <= 2);
        for (i = 0; i < n && seen < 5; i++, seen++) {
            snprintf(name, sizeof name, "%s%s", prefix, order[seen]);
            assert_string_equal(list[i].username, name);
            assert_true(strncmp(list[i].sub, "sub-", 4) == 0);
        }
        snprintf(after, sizeof after, "%s", list[n - 1].username);
        user_list_free(list, n);
    }
    if (t->fresh) { /* the last page ended with set-up's "user-TAG" */
        assert_string_equal(after, t->user);
        assert_int_equal(store_user_list(t->s, after, 2, &list, &n), ERR_OK);
        assert_int_equal(n, 0);
        user_list_free(list, n);
        assert_int_equal(store_user_list(t->s, NULL, 1000, &list, &n), ERR_OK);
        assert_int_equal(n, 6);
        user_list_free(list, n);
    }
    assert_int_equal(store_user_list(t->s, "", 0, &list, &n), ERR_INVALID_REQUEST);
    assert_int_equal(store_user_list(t->s, "", LIMIT_USER_PAGE + 1, &list, &n),
                     ERR_INVALID_REQUEST);
}

/* What speaks for a user goes with them, in one step; another user's rows
 * stay. */
static void user_delete_takes_their_rows(void **state)
{
    struct ct *t = *state;
    char other[CT_NAME_MAX], family[CT_NAME_MAX];
    struct session mine = ct_session(t, "mine", 5000), theirs = ct_session(t, "theirs", 5000), got;
    struct auth_code code = ct_code(t, "code"), kept_code = ct_code(t, "kept"), cgot;
    struct refresh_token rt, kept_rt, rgot;
    struct consent cs = {t->user, "", "openid", 100, 5000, NULL}, kept_cs, csgot;

    CT_NAME(t, "other", other);
    CT_NAME(t, "fam", family);
    assert_int_equal(ct_add_user(t, other, other), ERR_OK);
    theirs.user_sub = other;
    kept_code.user_sub = other;
    rt = ct_refresh(t, "rt", family);
    kept_rt = ct_refresh(t, "kept-rt", family);
    kept_rt.user_sub = other;
    snprintf(cs.client_id, sizeof cs.client_id, "%s", t->client);
    kept_cs = cs;
    kept_cs.user_sub = other;
    assert_int_equal(store_session_insert(t->s, &mine), ERR_OK);
    assert_int_equal(store_session_insert(t->s, &theirs), ERR_OK);
    assert_int_equal(store_code_insert(t->s, &code), ERR_OK);
    assert_int_equal(store_code_insert(t->s, &kept_code), ERR_OK);
    assert_int_equal(store_refresh_token_insert(t->s, &rt), ERR_OK);
    assert_int_equal(store_refresh_token_insert(t->s, &kept_rt), ERR_OK);
    assert_int_equal(store_consent_put(t->s, &cs), ERR_OK);
    assert_int_equal(store_consent_put(t->s, &kept_cs), ERR_OK);

    assert_int_equal(store_user_delete(t->s, t->user), ERR_OK);
    assert_int_equal(store_user_get(t->s, t->user, &(struct user){0}), ERR_NOT_FOUND);
    assert_int_equal(store_session_delete(t->s, mine.id_hash), ERR_NOT_FOUND);
    assert_int_equal(store_code_consume(t->s, code.hash, 200, &cgot), ERR_NOT_FOUND);
    assert_int_equal(store_refresh_token_get(t->s, rt.hash, &rgot), ERR_NOT_FOUND);
    assert_int_equal(store_consent_get(t->s, t->user, t->client, &csgot), ERR_NOT_FOUND);

    assert_int_equal(store_session_get(t->s, theirs.id_hash, &got), ERR_OK);
    session_clear(&got);
    assert_int_equal(store_code_consume(t->s, kept_code.hash, 200, &cgot), ERR_OK);
    auth_code_clear(&cgot);
    assert_int_equal(store_refresh_token_get(t->s, kept_rt.hash, &rgot), ERR_OK);
    refresh_token_clear(&rgot);
    assert_int_equal(store_consent_get(t->s, other, t->client, &csgot), ERR_OK);
    consent_clear(&csgot);
    assert_int_equal(store_user_delete(t->s, t->user), ERR_NOT_FOUND);
}

/* With expected (a re-hash), only while the hash is still expected; without
 * (a new password), the user's sessions and refresh tokens end with it. */
static void user_set_password_as_expected(void **state)
{
    struct ct *t = *state;
    char family[CT_NAME_MAX], nobody[CT_NAME_MAX];
    struct session se = ct_session(t, "pw", 5000), got;
    struct auth_code code = ct_code(t, "pw-code"), cgot;
    struct consent cs = {t->user, "", "openid", 100, 5000, NULL}, csgot;
    struct refresh_token rt, rgot;
    struct user u;

    CT_NAME(t, "fam", family);
    CT_NAME(t, "nobody", nobody);
    rt = ct_refresh(t, "pw-rt", family);
    snprintf(cs.client_id, sizeof cs.client_id, "%s", t->client);
    assert_int_equal(store_user_set_password(t->s, t->user, "h1", "h0"), ERR_NOT_FOUND);
    assert_int_equal(store_user_set_password(t->s, t->user, "h1", NULL), ERR_OK);
    assert_int_equal(store_session_insert(t->s, &se), ERR_OK);
    assert_int_equal(store_refresh_token_insert(t->s, &rt), ERR_OK);
    assert_int_equal(store_code_insert(t->s, &code), ERR_OK);
    assert_int_equal(store_consent_put(t->s, &cs), ERR_OK);

    assert_int_equal(store_user_set_password(t->s, t->user, "h1-rehashed", "h1"), ERR_OK);
    assert_int_equal(store_session_get(t->s, se.id_hash, &got), ERR_OK);
    session_clear(&got);
    assert_int_equal(store_user_set_password(t->s, t->user, "h1-again", "h1"), ERR_NOT_FOUND);
    assert_int_equal(store_user_get(t->s, t->user, &u), ERR_OK);
    assert_string_equal(u.password_hash, "h1-rehashed");
    user_clear(&u);

    assert_int_equal(store_user_set_password(t->s, t->user, "h2", NULL), ERR_OK);
    assert_int_equal(store_session_get(t->s, se.id_hash, &got), ERR_NOT_FOUND);
    assert_int_equal(store_refresh_token_get(t->s, rt.hash, &rgot), ERR_NOT_FOUND);
    assert_int_equal(store_code_consume(t->s, code.hash, 200, &cgot), ERR_OK);
    auth_code_clear(&cgot);
    assert_int_equal(store_consent_get(t->s, t->user, t->client, &csgot), ERR_OK);
    consent_clear(&csgot);

    assert_int_equal(store_user_set_password(t->s, t->user, NULL, NULL), ERR_OK); /* removed */
    assert_int_equal(store_user_get(t->s, t->user, &u), ERR_OK);
    assert_null(u.password_hash);
    user_clear(&u);
    assert_int_equal(store_user_set_password(t->s, nobody, "h", NULL), ERR_NOT_FOUND);
}

/* ---- audit events -------------------------------------------------------- */

static struct audit_event event(const struct ct *t, int64_t at, const char *type, bool ok,
                                char *client_id)
{
    struct audit_event ev = {0};

    ev.at = at;
    snprintf(ev.type, sizeof ev.type, "%s", type);
    ev.ok = ok;
    ev.actor = "cli:test";
    ev.user_sub = (char *)t->user;
    ev.client_id = client_id;
    ev.address = "192.0.2.1";
    ev.detail = "one line";
    return ev;
}

/* Our events newest first under f (user_sub set to t->user); returns n. */
static size_t audit_ours(const struct ct *t, struct audit_filter f, struct audit_event **out)
{
    size_t n;

    f.user_sub = t->user;
    assert_int_equal(store_audit_list(t->s, &f, out, &n), ERR_OK);
    return n;
}

static void audit_lists_newest_first_with_filters(void **state)
{
    struct ct *t = *state;
    static const char *const types[] = {"login",      "login.failed", "loginx.ok",
                                        "client.new", "login",        "logins"};
    struct audit_event ev, *list;
    size_t n, i;

    for (i = 0; i < 6; i++) {
        ev = event(t, 1000 + (int64_t)i, types[i], i != 1, i == 3 ? t->client : NULL);
        if (i == 5)
            ev.address = ev.detail = NULL;
        assert_int_equal(store_audit_add(t->s, &ev), ERR_OK);
    }

    n = audit_ours(t, (struct audit_filter){.limit = 100}, &list);
    assert_int_equal(n, 6);
    for (i = 0; i < 6; i++)
        assert_string_equal(list[i].type, types[5 - i]);
    for (i = 1; i < 6; i++)
        assert_true(list[i].id < list[i - 1].id);
    assert_int_equal(list[4].at, 1001);
    assert_false(list[4].ok);
    assert_true(list[5].ok);
    assert_string_equal(list[5].actor, "cli:test");
    assert_string_equal(list[5].user_sub, t->user);
    assert_null(list[5].client_id);
    assert_string_equal(list[5].address, "192.0.2.1");
    assert_string_equal(list[5].detail, "one line");
    assert_string_equal(list[2].client_id, t->client);
    assert_null(list[0].address);
    assert_null(list[0].detail);
    audit_event_list_free(list, n);

    /* a type, or a prefix before a '.' */
    n = audit_ours(t, (struct audit_filter){.type = "login", .limit = 100}, &list);
    assert_int_equal(n, 3);
    assert_string_equal(list[0].type, "login");
    assert_string_equal(list[1].type, "login.failed");
    assert_string_equal(list[2].type, "login");
    audit_event_list_free(list, n);
    n = audit_ours(t, (struct audit_filter){.type = "login.failed", .limit = 100}, &list);
    assert_int_equal(n, 1);
    audit_event_list_free(list, n);

    n = audit_ours(t, (struct audit_filter){.since = 1003, .limit = 100}, &list);
    assert_int_equal(n, 3); /* at >= since */
    assert_int_equal(list[2].at, 1003);
    audit_event_list_free(list, n);

    n = audit_ours(t, (struct audit_filter){.client_id = t->client, .limit = 100}, &list);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].type, "client.new");
    audit_event_list_free(list, n);
}

/* Pages of at most limit events; the next page starts below the last id. */
static void audit_pages_by_id(void **state)
{
    struct ct *t = *state;
    struct audit_event ev, *list;
    int64_t seen[5], last = 0;
    size_t n, i, total = 0, pages = 0;

    for (i = 0; i < 5; i++) {
        ev = event(t, 2000 + (int64_t)i, "user.changed", true, NULL);
        assert_int_equal(store_audit_add(t->s, &ev), ERR_OK);
    }
    do {
        n = audit_ours(t, (struct audit_filter){.before_id = last, .limit = 2}, &list);
        assert_true(n <= 2);
        for (i = 0; i < n; i++) {
            assert_true(total < 5);
            seen[total++] = list[i].at;
        }
        if (n)
            last = list[n - 1].id;
        audit_event_list_free(list, n);
        pages++;
    } while (n == 2);
    assert_int_equal(total, 5);
    assert_int_equal(pages, 3);
    for (i = 0; i < 5; i++)
        assert_int_equal(seen[i], 2004 - (int64_t)i);
}

static void audit_sweep_removes_the_old(void **state)
{
    struct ct *t = *state;
    struct audit_event ev, *list;
    int64_t removed;
    size_t n, i;

    for (i = 0; i < 4; i++) {
        ev = event(t, 3000 + (int64_t)i, "login", true, NULL);
        assert_int_equal(store_audit_add(t->s, &ev), ERR_OK);
    }
    assert_int_equal(store_audit_sweep(t->s, 3002, &removed), ERR_OK);
    if (t->fresh)
        assert_int_equal(removed, 2);
    else
        assert_true(removed >= 2);
    n = audit_ours(t, (struct audit_filter){.limit = 100}, &list);
    assert_int_equal(n, 2); /* at == before stays */
    assert_int_equal(list[1].at, 3002);
    audit_event_list_free(list, n);
}

/* ---- back-channel logout ------------------------------------------------- */

/* t->client gets a back-channel URI. */
static void wants_backchannel(struct ct *t)
{
    struct client c;

    assert_int_equal(store_client_get(t->s, t->client, &c), ERR_OK);
    c.backchannel_logout_uri = strdup("https://app.example/bc");
    assert_int_equal(store_client_update(t->s, &c), ERR_OK);
    client_clear(&c);
}

/* Ending a session queues one delivery per client that signed into it and
 * has a back-channel URI; a claim holds a delivery until `until`, retry
 * moves it, delete forgets it. */
static void ending_a_session_queues_deliveries(void **state)
{
    struct ct *t = *state;
    struct session se = ct_session(t, "bc", 5000);
    struct auth_code a = ct_code(t, "bc-1"), b = ct_code(t, "bc-2");
    char plain[CT_NAME_MAX], second[CT_NAME_MAX];
    struct ct_delivery d[4];

    CT_NAME(t, "plain", plain);
    CT_NAME(t, "second", second);
    assert_int_equal(ct_add_client(t, plain, NULL), ERR_OK);
    assert_int_equal(ct_add_client(t, second, "https://second.example/bc"), ERR_OK);
    wants_backchannel(t);
    snprintf(a.sid, sizeof a.sid, "%s", se.sid);
    snprintf(b.sid, sizeof b.sid, "%s", se.sid); /* the same client again */
    assert_int_equal(store_session_insert(t->s, &se), ERR_OK);
    assert_int_equal(store_code_insert(t->s, &a), ERR_OK);
    assert_int_equal(store_code_insert(t->s, &b), ERR_OK);
    /* without a code, and twice */
    assert_int_equal(store_session_client_add(t->s, se.sid, second), ERR_OK);
    assert_int_equal(store_session_client_add(t->s, se.sid, second), ERR_OK);
    assert_int_equal(store_session_client_add(t->s, se.sid, plain), ERR_OK);
    assert_int_equal(ct_claim(t, 100, 200, se.sid, d, 4), 0); /* nothing before it ends */
    assert_int_equal(store_session_delete(t->s, se.id_hash), ERR_OK);

    assert_int_equal(ct_claim(t, 100, 200, se.sid, d, 4), 2);
    if (strcmp(d[0].client_id, t->client) != 0) {
        struct ct_delivery swap = d[0];
        d[0] = d[1];
        d[1] = swap;
    }
    assert_string_equal(d[0].client_id, t->client);
    assert_string_equal(d[1].client_id, second);
    assert_string_equal(d[0].sub, t->user);
    assert_int_equal(d[0].attempts, 1);
    assert_int_equal(d[1].attempts, 1);
    assert_int_equal(ct_claim(t, 199, 300, se.sid, d + 2, 2), 0); /* held until 200 */
    assert_int_equal(ct_claim(t, 200, 300, se.sid, d + 2, 2), 2);
    assert_int_equal(d[2].attempts, 2);

    assert_int_equal(store_backchannel_retry(t->s, d[0].id, 500), ERR_OK);
    assert_int_equal(store_backchannel_delete(t->s, d[1].id), ERR_OK);
    assert_int_equal(store_backchannel_delete(t->s, d[1].id), ERR_OK); /* gone already */
    assert_int_equal(ct_claim(t, 499, 600, se.sid, d + 2, 2), 0);
    assert_int_equal(ct_claim(t, 500, 600, se.sid, d + 2, 2), 1);
    assert_int_equal(d[2].id, d[0].id);
    assert_int_equal(d[2].attempts, 3);
    assert_int_equal(store_backchannel_delete(t->s, d[0].id), ERR_OK);
    assert_int_equal(ct_claim(t, 10000, 20000, se.sid, d, 4), 0);
}

/* A claim takes at most max deliveries. */
static void claim_takes_at_most_max(void **state)
{
    struct ct *t = *state;
    char ids[3][CT_NAME_MAX], what[16];
    struct session se = ct_session(t, "max", 5000);
    struct backchannel_logout *list;
    size_t n, i;

    for (i = 0; i < 3; i++) {
        snprintf(what, sizeof what, "bc%zu", i);
        CT_NAME(t, what, ids[i]);
        assert_int_equal(ct_add_client(t, ids[i], "https://x.example/bc"), ERR_OK);
        assert_int_equal(store_session_client_add(t->s, se.sid, ids[i]), ERR_OK);
    }
    assert_int_equal(store_session_insert(t->s, &se), ERR_OK);
    assert_int_equal(store_session_delete(t->s, se.id_hash), ERR_OK);
    assert_int_equal(store_backchannel_claim(t->s, 100, 200, 2, &list, &n), ERR_OK);
    assert_int_equal(n, 2); /* ours, or others already due */
    backchannel_logout_list_free(list, n);
    ct_forget(t, se.sid);
}

/* An expired session is swept without telling anyone; a client without a
 * back-channel URI is never queued. */
static void expiry_and_plain_clients_queue_nothing(void **state)
{
    struct ct *t = *state;
    struct session old = ct_session(t, "exp", 500), plain = ct_session(t, "plain", 5000);
    struct auth_code a = ct_code(t, "exp-1"), b = ct_code(t, "plain-1");
    struct ct_delivery d[2];
    int64_t removed;

    snprintf(b.sid, sizeof b.sid, "%s", plain.sid);
    assert_int_equal(store_session_insert(t->s, &plain), ERR_OK);
    assert_int_equal(store_code_insert(t->s, &b), ERR_OK);
    assert_int_equal(store_session_delete(t->s, plain.id_hash), ERR_OK);
    wants_backchannel(t);
    snprintf(a.sid, sizeof a.sid, "%s", old.sid);
    assert_int_equal(store_session_insert(t->s, &old), ERR_OK);
    assert_int_equal(store_code_insert(t->s, &a), ERR_OK);
    assert_int_equal(store_sweep(t->s, 1000, &removed), ERR_OK);
    assert_int_equal(ct_claim(t, 100, 200, plain.sid, d, 2), 0);
    assert_int_equal(ct_claim(t, 100, 200, old.sid, d, 2), 0);
}

/* Disabling a user, deleting one and a new password end sessions: each
 * queues its deliveries. */
static void user_changes_queue_deliveries(void **state)
{
    struct ct *t = *state;
    struct session s1 = ct_session(t, "u1", 5000), s2 = ct_session(t, "u2", 5000),
                   s3 = ct_session(t, "u3", 5000);
    struct ct_delivery d[2];
    struct user u;

    wants_backchannel(t);
    assert_int_equal(store_session_insert(t->s, &s1), ERR_OK);
    assert_int_equal(store_session_client_add(t->s, s1.sid, t->client), ERR_OK);
    assert_int_equal(store_user_set_password(t->s, t->user, "h", NULL), ERR_OK);
    assert_int_equal(ct_claim(t, 100, 200, s1.sid, d, 2), 1);

    assert_int_equal(store_session_insert(t->s, &s2), ERR_OK);
    assert_int_equal(store_session_client_add(t->s, s2.sid, t->client), ERR_OK);
    assert_int_equal(store_user_get(t->s, t->user, &u), ERR_OK);
    u.enabled = false;
    assert_int_equal(store_user_update(t->s, &u), ERR_OK);
    assert_int_equal(ct_claim(t, 100, 200, s2.sid, d, 2), 1);
    u.enabled = true;
    assert_int_equal(store_user_update(t->s, &u), ERR_OK);
    user_clear(&u);

    assert_int_equal(store_session_insert(t->s, &s3), ERR_OK);
    assert_int_equal(store_session_client_add(t->s, s3.sid, t->client), ERR_OK);
    assert_int_equal(store_user_delete(t->s, t->user), ERR_OK);
    assert_int_equal(ct_claim(t, 100, 200, s3.sid, d, 2), 1);
    assert_string_equal(d[0].sub, t->user);
    ct_forget(t, s1.sid);
    ct_forget(t, s2.sid);
    ct_forget(t, s3.sid);
}

const struct CMUnitTest ct_users_tests[] = {
    CT_CASE(user_round_trips_every_field),
    CT_CASE(user_update_keeps_the_password),
    CT_CASE(users_version_moves_with_every_change),
    CT_CASE(user_list_pages_by_username),
    CT_CASE(user_delete_takes_their_rows),
    CT_CASE(user_set_password_as_expected),
    CT_CASE(audit_lists_newest_first_with_filters),
    CT_CASE(audit_pages_by_id),
    CT_CASE(audit_sweep_removes_the_old),
    CT_CASE(ending_a_session_queues_deliveries),
    CT_CASE(claim_takes_at_most_max),
    CT_CASE(expiry_and_plain_clients_queue_nothing),
    CT_CASE(user_changes_queue_deliveries),
};
const size_t ct_users_count = sizeof ct_users_tests / sizeof ct_users_tests[0];
