/* The store contract suite over every URL in OIDCD_TEST_DATABASE_URLS
 * (space-separated). "sqlite:" alone gives each case a fresh temporary
 * SQLite file; any other URL (sqlite:PATH, postgresql://…) is opened as it
 * is for every case, one database shared by all of them and by earlier
 * runs, so no case may rely on an empty store there. Unset: "sqlite:" and
 * then one shared temporary SQLite file, so that a change which makes a
 * case depend on an empty store fails here rather than on PostgreSQL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/rand.h"
#include "store_contract.h"
#include "store_fixture.h"

static const char *current_url; /* the URL the running group is for */

#define CT_FAR ((int64_t)1 << 40) /* later than any time a case uses */

int ct_setup(void **state)
{
    struct ct *t = calloc(1, sizeof *t);
    unsigned char r[6];
    char why[256];
    size_t i;

    if (!t || rand_bytes(r, sizeof r))
        goto fail;
    for (i = 0; i < sizeof r; i++)
        snprintf(t->tag + 2 * i, 3, "%02x", r[i]);
    if (strcmp(current_url, "sqlite:") == 0) {
        struct temp_store *tmp = calloc(1, sizeof *tmp);
        t->temp = tmp;
        if (!tmp || temp_store_open(tmp) != 0)
            goto fail;
        t->s = tmp->store;
        t->fresh = true;
    } else if (store_open(current_url, &t->s, why, sizeof why) != ERR_OK) {
        fprintf(stderr, "store_open: %s\n", why);
        goto fail;
    }
    CT_NAME(t, "app", t->client);
    CT_NAME(t, "user", t->user);
    CT_NAME(t, "sid", t->sid);
    if (ct_add_client(t, t->client, NULL) || ct_add_user(t, t->user, t->user))
        goto fail;
    *state = t;
    return 0;
fail:
    *state = t;
    ct_teardown(state);
    return -1;
}

int ct_teardown(void **state)
{
    struct ct *t = *state;

    if (!t)
        return 0;
    if (t->temp) {
        struct temp_store *tmp = t->temp;
        if (tmp->store)
            temp_store_close(tmp);
        free(tmp);
    } else {
        store_close(t->s);
    }
    free(t);
    *state = NULL;
    return 0;
}

void ct_name(const struct ct *t, const char *what, char *out, size_t n)
{
    int len = snprintf(out, n, "%s-%s", what, t->tag);

    assert_true(len >= 0 && (size_t)len < n);
}

void ct_hash(const struct ct *t, const char *what, unsigned char out[HASH_LEN])
{
    char name[CT_NAME_MAX * 2];

    CT_NAME(t, what, name);
    hash_sha256(name, strlen(name), out);
}

enum err ct_add_client(struct ct *t, const char *id, const char *backchannel_uri)
{
    struct client c = {0};
    enum err rc;

    snprintf(c.id, sizeof c.id, "%s", id);
    c.name = strdup(id);
    c.scope = strdup("openid");
    c.backchannel_logout_uri = backchannel_uri ? strdup(backchannel_uri) : NULL;
    c.type = CLIENT_CONFIDENTIAL;
    c.auth_method = AUTH_CLIENT_SECRET_BASIC;
    c.has_secret = true;
    hash_sha256(id, strlen(id), c.secret_hash);
    c.enabled = true;
    c.require_consent = true;
    c.created_at = 100;
    rc = strlist_split(&c.grant_types, "authorization_code refresh_token", " ");
    if (!rc)
        rc = strlist_split(&c.redirect_uris, "https://app.example/cb", " ");
    if (!rc)
        rc = store_client_insert(t->s, &c);
    client_clear(&c);
    return rc;
}

enum err ct_add_user(struct ct *t, const char *sub, const char *username)
{
    struct user u = {0};

    snprintf(u.sub, sizeof u.sub, "%s", sub);
    snprintf(u.username, sizeof u.username, "%s", username);
    u.claims = (char *)"{}";
    u.enabled = true;
    u.created_at = 100;
    return store_user_insert(t->s, &u);
}

struct session ct_session(const struct ct *t, const char *what, int64_t expires_at)
{
    struct session se = {0};
    char sid[CT_NAME_MAX];

    ct_hash(t, what, se.id_hash);
    snprintf(sid, sizeof sid, "s%s", what);
    ct_name(t, sid, se.sid, sizeof se.sid);
    se.user_sub = (char *)t->user;
    se.amr = "pwd";
    se.auth_time = 90;
    se.created_at = 100;
    se.expires_at = expires_at;
    return se;
}

struct auth_code ct_code(const struct ct *t, const char *what)
{
    struct auth_code code = {0};

    ct_hash(t, what, code.hash);
    snprintf(code.client_id, sizeof code.client_id, "%s", t->client);
    code.redirect_uri = "https://app.example/cb";
    code.user_sub = (char *)t->user;
    code.scope = "openid";
    code.auth_time = 90;
    code.amr = "pwd";
    snprintf(code.sid, sizeof code.sid, "%s", t->sid);
    code.created_at = 100;
    code.expires_at = 700;
    return code;
}

struct refresh_token ct_refresh(const struct ct *t, const char *what, const char *family)
{
    struct refresh_token rt = {0};

    ct_hash(t, what, rt.hash);
    snprintf(rt.family, sizeof rt.family, "%s", family);
    snprintf(rt.client_id, sizeof rt.client_id, "%s", t->client);
    snprintf(rt.sid, sizeof rt.sid, "%s", t->sid);
    rt.user_sub = (char *)t->user;
    rt.scope = "openid offline_access";
    rt.auth_time = 90;
    rt.issued_at = 200;
    rt.expires_at = 5000;
    rt.family_issued_at = 200;
    return rt;
}

void ct_add_token(const struct ct *t, const char *what, const char *jti, int64_t expires_at)
{
    struct token tok = {0};

    ct_hash(t, what, tok.hash);
    if (jti)
        snprintf(tok.jti, sizeof tok.jti, "%s", jti);
    else
        CT_NAME(t, what, tok.jti);
    snprintf(tok.client_id, sizeof tok.client_id, "%s", t->client);
    tok.subject = (char *)t->user;
    tok.scope = "openid";
    tok.issued_at = 100;
    tok.expires_at = expires_at;
    assert_int_equal(store_token_insert(t->s, &tok), ERR_OK);
}

bool ct_token_stored(const struct ct *t, const char *what)
{
    unsigned char hash[HASH_LEN];
    struct token got;
    enum err rc;

    ct_hash(t, what, hash);
    rc = store_token_get(t->s, hash, &got);
    assert_true(rc == ERR_OK || rc == ERR_NOT_FOUND);
    if (rc == ERR_OK)
        token_clear(&got);
    return rc == ERR_OK;
}

bool ct_revoked(const struct ct *t, const char *jti)
{
    struct token_state ts;

    assert_int_equal(store_token_state(t->s, t->client, jti, &ts), ERR_OK);
    assert_true(ts.client_exists);
    return ts.revoked;
}

size_t ct_claim(const struct ct *t, int64_t now, int64_t until, const char *sid,
                struct ct_delivery *out, size_t max)
{
    struct backchannel_logout *list;
    size_t n, i, found = 0, rounds = 0;

    assert_true(until > now);
    do {
        /* a claim that does not hold what it took would loop forever */
        assert_true(rounds++ < 1000);
        assert_int_equal(store_backchannel_claim(t->s, now, until, 16, &list, &n), ERR_OK);
        assert_true(n <= 16);
        for (i = 0; i < n; i++) {
            if (strcmp(list[i].sid, sid) != 0)
                continue;
            assert_true(found < max);
            out[found].id = list[i].id;
            snprintf(out[found].client_id, sizeof out[found].client_id, "%s", list[i].client_id);
            snprintf(out[found].sub, sizeof out[found].sub, "%s", list[i].sub);
            out[found].attempts = list[i].attempts;
            found++;
        }
        backchannel_logout_list_free(list, n);
    } while (n > 0);
    return found;
}

void ct_forget(const struct ct *t, const char *sid)
{
    struct ct_delivery d[16];
    size_t n, i;

    n = ct_claim(t, CT_FAR, CT_FAR + 1, sid, d, 16);
    for (i = 0; i < n; i++)
        assert_int_equal(store_backchannel_delete(t->s, d[i].id), ERR_OK);
}

/* The backend's name for a group title: never the URL, which may hold a
 * password. */
static void group_name(const char *url, size_t index, char *out, size_t n)
{
    size_t scheme = strcspn(url, ":");

    if (strcmp(url, "sqlite:") == 0)
        snprintf(out, n, "store contract #%zu: sqlite, a fresh file per case", index);
    else
        snprintf(out, n, "store contract #%zu: %.*s, one shared database", index, (int)scheme, url);
}

static int run_all(const char *url, size_t index)
{
    struct {
        const struct CMUnitTest *tests;
        size_t n;
        const char *area;
    } groups[] = {
        {ct_clients_tests, ct_clients_count, "clients, keys, tokens, resources"},
        {ct_signin_tests, ct_signin_count, "sessions, codes, consents, refresh tokens"},
        {ct_users_tests, ct_users_count, "users, audit, back-channel"},
        {ct_consents_tests, ct_consents_count, "consents: list, revoke"},
        {ct_sweep_tests, ct_sweep_count, "sweep, races"},
        {ct_factors_tests, ct_factors_count, "second factors, pending sign-ins, a user's sessions"},
        {ct_passkeys_tests, ct_passkeys_count, "passkeys, WebAuthn challenges"},
    };
    char name[160], title[256];
    int failed = 0;
    size_t i;

    current_url = url;
    group_name(url, index, name, sizeof name);
    for (i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        snprintf(title, sizeof title, "%s: %s", name, groups[i].area);
        printf("# %s\n", title);
        fflush(stdout);
        failed += _cmocka_run_group_tests(title, groups[i].tests, groups[i].n, NULL, NULL);
    }
    return failed;
}

/* Removes the shared default file and its directory. */
static void shared_remove(const char *dir)
{
    static const char *const names[] = {"db", "db-wal", "db-shm"};
    char p[160];
    size_t i;

    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        unlink(p);
    }
    rmdir(dir);
}

int main(void)
{
    const char *env = getenv("OIDCD_TEST_DATABASE_URLS");
    char dir[64] = "/tmp/oidcd-contract-XXXXXX", url[96];
    struct strlist urls = {0};
    size_t index = 0;
    int failed = 0;

    /* the conflicts the cases provoke are logged as errors: those stay,
     * the migrations' lines go */
    log_set_level(LOG_ERROR);
    if (env && strlist_split(&urls, env, " \t\n"))
        return 1;
    if (urls.n > 0) {
        for (index = 0; index < urls.n; index++)
            failed += run_all(urls.items[index], index + 1);
        strlist_free(&urls);
        return failed ? 1 : 0; /* a count could wrap to 0 as a status */
    }
    failed += run_all("sqlite:", ++index);
    if (!mkdtemp(dir))
        return 1;
    snprintf(url, sizeof url, "sqlite:%s/db", dir);
    failed += run_all(url, ++index);
    shared_remove(dir);
    return failed ? 1 : 0;
}
