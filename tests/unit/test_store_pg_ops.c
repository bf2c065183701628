/* What the store contract suite (test_store_contract.c, which checks every
 * op's semantics on PostgreSQL too) cannot: the PostgreSQL backend's sign-in,
 * refresh and back-channel races run on two stores, each with its own
 * connections, as two instances on one database would; and, on a database of
 * its own per case, exact row counts (the sweep, the triggers that end a
 * session) and usernames folded and ordered as SQLite's NOCASE does. The
 * database is made through OIDCD_TEST_PG_URL (scripts/pg_test_cluster.sh url)
 * or else the first postgresql URL of OIDCD_TEST_DATABASE_URLS; skipped
 * without one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/hash.h"
#include "store/store.h"

struct pg_case {
    char dbname[64];
    char url[512];
    struct store *store;
    struct store *other; /* a second instance on the same database */
};

static const char *admin_url(void)
{
    static char found[512];
    const char *url = getenv("OIDCD_TEST_PG_URL"), *list = getenv("OIDCD_TEST_DATABASE_URLS");
    size_t n;

    if (url && url[0])
        return url;
    while (list && *list && !found[0]) {
        list += strspn(list, " ");
        n = strcspn(list, " ");
        if (n < sizeof found && strncmp(list, "postgres", 8) == 0)
            memcpy(found, list, n);
        list += n;
    }
    return found[0] ? found : NULL;
}

/* Runs one statement through the admin URL on database dbname (NULL: the
 * admin URL's own); the first column of its first row as an integer, or -1. */
static long long admin_query(const char *dbname, const char *sql)
{
    const char *keys[] = {"dbname", "dbname", NULL};
    const char *values[] = {admin_url(), dbname, NULL};
    PGconn *conn = PQconnectdbParams(keys, values, 1);
    PGresult *res = NULL;
    long long n = -1;

    if (!dbname)
        keys[1] = NULL;
    if (PQstatus(conn) == CONNECTION_OK)
        res = PQexec(conn, sql);
    if (res && PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0)
        n = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    else if (res && PQresultStatus(res) == PGRES_COMMAND_OK)
        n = 0;
    else
        fprintf(stderr, "admin query failed: %s: %s", sql, PQerrorMessage(conn));
    PQclear(res);
    PQfinish(conn);
    return n;
}

/* The admin URL with its database replaced by dbname, as a URI the store
 * accepts (host, port and user carried over). */
static int case_url(const char *dbname, char *out, size_t cap)
{
    PQconninfoOption *opts = PQconninfoParse(admin_url(), NULL), *o;
    const char *host = NULL, *port = NULL, *user = NULL;
    int n;

    if (!opts)
        return -1;
    for (o = opts; o->keyword; o++) {
        if (!o->val)
            continue;
        if (strcmp(o->keyword, "host") == 0)
            host = o->val;
        else if (strcmp(o->keyword, "port") == 0)
            port = o->val;
        else if (strcmp(o->keyword, "user") == 0)
            user = o->val;
    }
    n = snprintf(out, cap, "postgresql:///%s?host=%s&port=%s&user=%s", dbname, host ? host : "/tmp",
                 port ? port : "5432", user ? user : "postgres");
    PQconninfoFree(opts);
    return n > 0 && (size_t)n < cap ? 0 : -1;
}

static int add_user(struct store *s, const char *sub, const char *username)
{
    struct user u = {0};

    snprintf(u.sub, sizeof u.sub, "%s", sub);
    snprintf(u.username, sizeof u.username, "%s", username);
    u.claims = (char *)"{}";
    u.enabled = true;
    u.created_at = 100;
    return store_user_insert(s, &u);
}

static int setup(void **state)
{
    static int serial;
    struct pg_case *t = calloc(1, sizeof *t);
    char sql[128], why[256];

    if (!t)
        return -1;
    snprintf(t->dbname, sizeof t->dbname, "oidcd_ops_%d_%d", (int)getpid(), serial++);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", t->dbname);
    if (admin_query(NULL, sql) != 0 || case_url(t->dbname, t->url, sizeof t->url) ||
        store_open(t->url, &t->store, why, sizeof why) ||
        store_open(t->url, &t->other, why, sizeof why)) {
        fprintf(stderr, "set-up failed: %s\n", why);
        return -1;
    }
    /* the client through SQL: these cases are about the other tables */
    if (admin_query(t->dbname, "INSERT INTO clients (id, name, type, grant_types, "
                               "response_types, redirect_uris, post_logout_redirect_uris, scope, "
                               "token_endpoint_auth_method, access_token_format, created_at, "
                               "updated_at) VALUES ('app', 'app', 'confidential', "
                               "'authorization_code', 'code', 'https://app.example/cb', '', "
                               "'openid', 'client_secret_basic', 'jwt', 100, 100)") != 0 ||
        add_user(t->store, "user-1", "user-1"))
        return -1;
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    struct pg_case *t = *state;
    char sql[128];

    store_close(t->store);
    store_close(t->other);
    snprintf(sql, sizeof sql, "DROP DATABASE %s WITH (FORCE)", t->dbname);
    admin_query(NULL, sql);
    free(t);
    return 0;
}

static long long count(struct pg_case *t, const char *sql)
{
    return admin_query(t->dbname, sql);
}

static struct session make_session(const char *cookie, const char *sid, int64_t expires_at)
{
    struct session se = {0};

    hash_sha256(cookie, strlen(cookie), se.id_hash);
    snprintf(se.sid, sizeof se.sid, "%s", sid);
    se.user_sub = "user-1";
    se.amr = "pwd";
    se.auth_time = 100;
    se.created_at = 100;
    se.expires_at = expires_at;
    return se;
}

static struct auth_code make_code(const char *value)
{
    struct auth_code code = {0};

    hash_sha256(value, strlen(value), code.hash);
    snprintf(code.client_id, sizeof code.client_id, "app");
    code.redirect_uri = "https://app.example/cb";
    code.user_sub = "user-1";
    code.scope = "openid";
    code.nonce = "n-1";
    code.auth_time = 90;
    code.amr = "pwd";
    snprintf(code.sid, sizeof code.sid, "sid-1");
    code.created_at = 100;
    code.expires_at = 700;
    return code;
}

static struct refresh_token make_refresh(const char *value, const char *family)
{
    struct refresh_token rt = {0};

    hash_sha256(value, strlen(value), rt.hash);
    snprintf(rt.family, sizeof rt.family, "%s", family);
    snprintf(rt.client_id, sizeof rt.client_id, "app");
    snprintf(rt.sid, sizeof rt.sid, "sid-1");
    rt.user_sub = "user-1";
    rt.scope = "openid offline_access";
    rt.auth_time = 90;
    rt.issued_at = 200;
    rt.expires_at = 5000;
    return rt;
}

/* Two instances race; `op` is 0 for code_consume, 1 for refresh rotation. */
struct racer {
    struct store *store;
    const unsigned char *hash;
    struct refresh_token next;
    int op;
    pthread_barrier_t *start;
    enum err result;
};

static void *race(void *arg)
{
    struct racer *r = arg;
    struct auth_code got;

    pthread_barrier_wait(r->start);
    if (r->op == 0) {
        r->result = store_code_consume(r->store, r->hash, 200, &got);
        auth_code_clear(&got);
    } else {
        r->result = store_refresh_token_rotate(r->store, r->hash, 300, &r->next);
    }
    return NULL;
}

static void run_race(struct racer *a, struct racer *b)
{
    pthread_t ta, tb;
    pthread_barrier_t start;

    pthread_barrier_init(&start, NULL, 2);
    a->start = b->start = &start;
    assert_int_equal(pthread_create(&ta, NULL, race, a), 0);
    assert_int_equal(pthread_create(&tb, NULL, race, b), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    pthread_barrier_destroy(&start);
    assert_true((a->result == ERR_OK && b->result == ERR_CONFLICT) ||
                (a->result == ERR_CONFLICT && b->result == ERR_OK));
}

static void concurrent_consumes_one_wins(void **state)
{
    struct pg_case *t = *state;
    char value[32];
    int round;

    for (round = 0; round < 30; round++) {
        struct auth_code code;
        struct racer a = {0}, b = {0};

        snprintf(value, sizeof value, "race-%d", round);
        code = make_code(value);
        assert_int_equal(store_code_insert(t->store, &code), ERR_OK);
        a = (struct racer){.store = t->store, .hash = code.hash, .result = ERR_STORE};
        b = a;
        b.store = t->other;
        run_race(&a, &b);
    }
}

/* The same refresh token presented at two instances at once: one rotation
 * wins, the other is reuse and revokes the family, the winner's successor
 * included. */
static void concurrent_rotations_one_wins(void **state)
{
    struct pg_case *t = *state;
    char value[32], family[32];
    int round;

    for (round = 0; round < 30; round++) {
        struct refresh_token rt;
        struct racer a = {0}, b = {0};

        snprintf(value, sizeof value, "rt-race-%d", round);
        snprintf(family, sizeof family, "fam-race-%d", round);
        rt = make_refresh(value, family);
        assert_int_equal(store_refresh_token_insert(t->store, &rt), ERR_OK);
        a = (struct racer){.store = t->store, .hash = rt.hash, .op = 1, .result = ERR_STORE};
        b = a;
        b.store = t->other;
        snprintf(value, sizeof value, "rt-race-%d-a", round);
        a.next = make_refresh(value, family);
        snprintf(a.next.at_jti, sizeof a.next.at_jti, "jti-%d-a", round);
        snprintf(value, sizeof value, "rt-race-%d-b", round);
        b.next = make_refresh(value, family);
        snprintf(b.next.at_jti, sizeof b.next.at_jti, "jti-%d-b", round);
        run_race(&a, &b);
    }
    assert_int_equal(count(t, "SELECT count(*) FROM refresh_tokens"), 0);
    assert_int_equal(count(t, "SELECT count(*) FROM revoked_tokens"), 60);
}

static void sweep_removes_expired(void **state)
{
    struct pg_case *t = *state;
    struct session old = make_session("c-old", "s-old", 500),
                   live = make_session("c-new", "s-new", 5000);
    struct auth_code unused = make_code("unused"), used = make_code("used"), got;
    struct refresh_token rt_old = make_refresh("rt-old", "f-old");
    struct consent cs = {"user-1", "app", "openid", 100, 500, NULL};
    int64_t removed = 0;

    rt_old.expires_at = 500;
    assert_int_equal(store_session_insert(t->store, &old), ERR_OK);
    assert_int_equal(store_session_insert(t->store, &live), ERR_OK);
    assert_int_equal(store_code_insert(t->store, &unused), ERR_OK);
    assert_int_equal(store_code_insert(t->store, &used), ERR_OK);
    assert_int_equal(store_code_consume(t->store, used.hash, 200, &got), ERR_OK);
    auth_code_clear(&got);
    /* the used code stays while its access token lives (until 3800) */
    assert_int_equal(store_code_record_issued(t->store, used.hash, "j", 3800, NULL), ERR_OK);
    assert_int_equal(store_refresh_token_insert(t->store, &rt_old), ERR_OK);
    assert_int_equal(store_consent_put(t->store, &cs), ERR_OK);
    assert_int_equal(store_revocation_add(t->store, "gone", "app", 600), ERR_OK);

    assert_int_equal(store_sweep(t->store, 1000, &removed), ERR_OK);
    /* revocation, session, unused code, refresh token, consent */
    assert_int_equal(removed, 5);
    assert_int_equal(count(t, "SELECT count(*) FROM sessions"), 1);
    assert_int_equal(count(t, "SELECT count(*) FROM auth_codes"), 1);
    assert_int_equal(count(t, "SELECT count(*) FROM consents"), 0);
    assert_int_equal(count(t, "SELECT count(*) FROM refresh_tokens"), 0);
    assert_int_equal(count(t, "SELECT count(*) FROM revoked_tokens"), 0);
    assert_int_equal(store_sweep(t->store, 4000, &removed), ERR_OK);
    assert_int_equal(count(t, "SELECT count(*) FROM auth_codes"), 0);
}

/* Users: case-insensitive usernames (ASCII), paging in that order, the
 * version counter, and a deletion that takes what speaks for the user. */
static void users_round_trip(void **state)
{
    struct pg_case *t = *state;
    struct user u, *list = NULL;
    int64_t v0 = 0, v1 = 0;
    size_t n = 0;

    assert_int_equal(store_users_version(t->store, &v0), ERR_OK);
    assert_int_equal(add_user(t->store, "sub-b", "Bob"), ERR_OK);
    assert_int_equal(store_users_version(t->other, &v1), ERR_OK);
    assert_true(v1 != v0);
    assert_int_equal(add_user(t->store, "sub-b2", "bOB"), ERR_CONFLICT);
    assert_int_equal(add_user(t->store, "sub-b", "other"), ERR_CONFLICT);
    assert_int_equal(add_user(t->store, "sub-a", "alice"), ERR_OK);
    assert_int_equal(add_user(t->store, "sub-c", "Carol"), ERR_OK);
    assert_int_equal(store_user_get_by_username(t->other, "BOB", &u), ERR_OK);
    assert_string_equal(u.sub, "sub-b");
    assert_string_equal(u.username, "Bob");
    assert_string_equal(u.claims, "{}");
    assert_null(u.password_hash);
    assert_true(u.enabled);
    assert_int_equal(u.created_at, 100);
    assert_int_equal(u.updated_at, 100);

    free(u.claims);
    u.claims = strdup("{\"email\":\"bob@example.com\"}");
    snprintf(u.username, sizeof u.username, "ALICE");
    assert_int_equal(store_user_update(t->store, &u), ERR_CONFLICT);
    snprintf(u.username, sizeof u.username, "robert");
    u.enabled = false;
    assert_int_equal(store_user_update(t->store, &u), ERR_OK);
    user_clear(&u);
    assert_int_equal(store_user_get(t->store, "sub-b", &u), ERR_OK);
    assert_string_equal(u.username, "robert");
    assert_string_equal(u.claims, "{\"email\":\"bob@example.com\"}");
    assert_false(u.enabled);
    snprintf(u.sub, sizeof u.sub, "nobody");
    assert_int_equal(store_user_update(t->store, &u), ERR_NOT_FOUND);
    user_clear(&u);

    /* alice, Carol, robert, user-1 */
    assert_int_equal(store_user_list(t->store, NULL, 2, &list, &n), ERR_OK);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].username, "alice");
    assert_string_equal(list[1].username, "Carol");
    user_list_free(list, n);
    assert_int_equal(store_user_list(t->store, "carol", 10, &list, &n), ERR_OK);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].username, "robert");
    assert_string_equal(list[1].username, "user-1");
    user_list_free(list, n);

    assert_int_equal(store_user_delete(t->store, "sub-c"), ERR_OK);
    assert_int_equal(store_user_delete(t->store, "sub-c"), ERR_NOT_FOUND);
    assert_int_equal(store_user_get(t->store, "sub-c", &u), ERR_NOT_FOUND);
}

static void app_wants_backchannel(struct pg_case *t)
{
    assert_int_equal(count(t, "UPDATE clients SET backchannel_logout_uri = "
                              "'https://app.example/bc' WHERE id = 'app'"),
                     0);
}

static void ending_a_session_queues_backchannel_logouts(void **state)
{
    struct pg_case *t = *state;
    struct session se = make_session("c-bc", "sid-1", 5000);
    struct auth_code a = make_code("bc-1"), b = make_code("bc-2");
    struct backchannel_logout *list = NULL;
    size_t n = 0;

    app_wants_backchannel(t);
    assert_int_equal(store_session_insert(t->store, &se), ERR_OK);
    assert_int_equal(store_code_insert(t->store, &a), ERR_OK);
    assert_int_equal(store_code_insert(t->store, &b), ERR_OK); /* the same client again */
    assert_int_equal(store_session_client_add(t->store, "sid-1", "app"), ERR_OK);
    assert_int_equal(count(t, "SELECT count(*) FROM session_clients"), 1);
    assert_int_equal(store_session_delete(t->store, se.id_hash), ERR_OK);
    assert_int_equal(count(t, "SELECT count(*) FROM session_clients"), 0);

    assert_int_equal(store_backchannel_claim(t->store, 100, 200, 16, &list, &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].client_id, "app");
    assert_string_equal(list[0].sub, "user-1");
    assert_string_equal(list[0].sid, "sid-1");
    assert_int_equal(list[0].attempts, 1);
    backchannel_logout_list_free(list, n);
    /* held until 200: not claimed again before, by either instance */
    assert_int_equal(store_backchannel_claim(t->other, 150, 300, 16, &list, &n), ERR_OK);
    assert_int_equal(n, 0);
    backchannel_logout_list_free(list, n);
    assert_int_equal(store_backchannel_claim(t->other, 200, 300, 16, &list, &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_int_equal(list[0].attempts, 2);
    assert_int_equal(store_backchannel_retry(t->store, list[0].id, 400), ERR_OK);
    assert_int_equal(count(t, "SELECT next_at FROM backchannel_logouts"), 400);
    assert_int_equal(store_backchannel_delete(t->store, list[0].id), ERR_OK);
    assert_int_equal(store_backchannel_delete(t->store, list[0].id), ERR_OK);
    backchannel_logout_list_free(list, n);
    assert_int_equal(count(t, "SELECT count(*) FROM backchannel_logouts"), 0);
}

struct claimer {
    struct store *store;
    pthread_barrier_t *start;
    int64_t ids[64];
    size_t n;
};

static void *claim_all(void *arg)
{
    struct claimer *c = arg;
    struct backchannel_logout *list;
    size_t n, i;

    pthread_barrier_wait(c->start);
    for (;;) {
        if (store_backchannel_claim(c->store, 100, 10000, 2, &list, &n) || n == 0)
            break;
        for (i = 0; i < n && c->n < 64; i++)
            c->ids[c->n++] = list[i].id;
        backchannel_logout_list_free(list, n);
    }
    return NULL;
}

/* Two instances claiming from one queue never take the same delivery. */
static void concurrent_claims_never_share(void **state)
{
    struct pg_case *t = *state;
    struct claimer a = {0}, b = {0};
    pthread_barrier_t start;
    pthread_t ta, tb;
    char sid[32], cookie[32];
    size_t i, j;

    app_wants_backchannel(t);
    for (i = 0; i < 40; i++) {
        struct session se;

        snprintf(sid, sizeof sid, "sid-%zu", i);
        snprintf(cookie, sizeof cookie, "cookie-%zu", i);
        se = make_session(cookie, sid, 5000);
        assert_int_equal(store_session_insert(t->store, &se), ERR_OK);
        assert_int_equal(store_session_client_add(t->store, sid, "app"), ERR_OK);
        assert_int_equal(store_session_delete(t->store, se.id_hash), ERR_OK);
    }
    pthread_barrier_init(&start, NULL, 2);
    a.store = t->store;
    b.store = t->other;
    a.start = b.start = &start;
    assert_int_equal(pthread_create(&ta, NULL, claim_all, &a), 0);
    assert_int_equal(pthread_create(&tb, NULL, claim_all, &b), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    pthread_barrier_destroy(&start);
    assert_int_equal(a.n + b.n, 40);
    for (i = 0; i < a.n; i++)
        for (j = 0; j < b.n; j++)
            assert_true(a.ids[i] != b.ids[j]);
}

int main(void)
{
#define CASE(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        CASE(concurrent_consumes_one_wins),
        CASE(concurrent_rotations_one_wins),
        CASE(sweep_removes_expired),
        CASE(users_round_trip),
        CASE(ending_a_session_queues_backchannel_logouts),
        CASE(concurrent_claims_never_share),
    };
#undef CASE

    if (!admin_url()) {
        fprintf(stderr, "OIDCD_TEST_PG_URL is not set: skipped\n");
        return 77; /* ctest's SKIP_RETURN_CODE */
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
