/* The PostgreSQL backend against a real server (pg_fixture.h): a fresh
 * database per test. The connection core (reconnection, timeouts, errors),
 * migrations (idempotent, two instances at once), and the ops of clients,
 * keys, secrets and resources. Without a server every test is skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <pthread.h>
#include <time.h>

#include "core/clock.h"
#include "core/hash.h"
#include "pg_fixture.h"
#include "store/postgres_internal.h"
#include "store/store.h"

struct fx {
    struct pg_fixture db;
    struct store *store;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    char why[512] = "";

    if (!f)
        return -1;
    *state = f;
    if (pg_fixture_create(&f->db))
        return 0; /* no server: the test skips */
    if (store_open(f->db.url, &f->store, why, sizeof why)) {
        fprintf(stderr, "store_open: %s\n", why);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    store_close(f->store);
    pg_fixture_drop(&f->db);
    free(f);
    return 0;
}

#define NEED_SERVER(f)                                                                             \
    do {                                                                                           \
        if (!(f)->store)                                                                           \
            skip();                                                                                \
    } while (0)

/* One integer that an SQL query on the database of url answers. */
static long long scalar_at(const char *url, const char *sql)
{
    PGconn *pg = PQconnectdb(url);
    PGresult *r = PQexec(pg, sql);
    long long v = -1;

    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    PQfinish(pg);
    return v;
}

static long long scalar(struct fx *f, const char *sql)
{
    return scalar_at(f->db.url, sql);
}

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000 + (double)ts.tv_nsec / 1e6;
}

/* ---- the connection core ---- */

static void urls_are_checked_without_connecting(void **state)
{
    char why[256] = "";

    (void)state;
    assert_string_equal(store_backend_name("postgresql://db/x"), "postgresql");
    assert_string_equal(store_backend_name("postgres://db/x"), "postgresql");
    assert_string_equal(store_backend_name("host=db dbname=x"), "postgresql");
    assert_string_equal(store_backend_name(" host = db"), "postgresql");
    assert_string_equal(store_backend_name("sqlite:x.db"), "sqlite");
    assert_null(store_backend_name("sqlite"));
    assert_null(store_backend_name("mysql://x"));
    assert_int_equal(store_url_check("postgresql://u@db:5432/x?sslmode=require", why, sizeof why),
                     ERR_OK);
    assert_int_equal(store_url_check("host=db dbname", why, sizeof why), ERR_CONFIG);
    assert_non_null(strstr(why, "database.url"));
    /* a password is never in the message */
    assert_int_equal(
        store_url_check("postgresql://u:s3cret@db:99999999999/x?bogus=1", why, sizeof why),
        ERR_CONFIG);
    assert_null(strstr(why, "s3cret"));
    assert_non_null(strstr(why, "****"));
}

static void an_unreachable_server_fails_fast_and_temporarily(void **state)
{
    struct store *s = NULL;
    struct store_settings set = {500};
    char why[512] = "";
    double t0 = now_ms();

    (void)state;
    /* nothing listens on port 1 of loopback: refused at once */
    assert_int_equal(
        store_open_with("postgresql://u:s3cret@127.0.0.1:1/x", &set, &s, why, sizeof why),
        ERR_TEMPORARILY_UNAVAILABLE);
    assert_null(s);
    assert_true(now_ms() - t0 < 3000);
    assert_non_null(strstr(why, "cannot open database"));
    assert_null(strstr(why, "s3cret"));
}

static int64_t backend_pid(struct store *s)
{
    enum err e;
    struct pg_conn *c = store_pg_conn(s, &e);

    return c ? PQbackendPID(c->pg) : -1;
}

/* Ends the backend pid from another connection and waits until it is gone. */
static void terminate(struct fx *f, int64_t pid)
{
    char sql[128];
    int i;

    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%lld)::int", (long long)pid);
    assert_int_equal(scalar_at(f->db.server, sql), 1);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM pg_stat_activity WHERE pid = %lld",
             (long long)pid);
    for (i = 0; i < 100 && scalar_at(f->db.server, sql) != 0; i++)
        usleep(20000);
}

static void a_terminated_connection_is_made_anew(void **state)
{
    struct fx *f = *state;
    struct client got;
    int64_t pid, version = -1;

    NEED_SERVER(f);
    assert_int_equal(store_keys_version(f->store, &version), ERR_OK);
    pid = backend_pid(f->store);
    assert_true(pid > 0);
    terminate(f, pid);
    /* the next op finds the connection gone before it sends, and reconnects */
    assert_int_equal(store_client_get(f->store, "nobody", &got), ERR_NOT_FOUND);
    assert_true(backend_pid(f->store) != pid);
    assert_int_equal(store_keys_version(f->store, &version), ERR_OK);
}

static void while_the_database_refuses_ops_fail_temporarily_then_recover(void **state)
{
    struct fx *f = *state;
    char sql[128];
    struct client got;

    NEED_SERVER(f);
    snprintf(sql, sizeof sql, "ALTER DATABASE %s ALLOW_CONNECTIONS false", f->db.name);
    assert_int_equal(pg_fixture_sql(f->db.server, sql), 0);
    terminate(f, backend_pid(f->store));
    assert_int_equal(store_client_get(f->store, "nobody", &got), ERR_TEMPORARILY_UNAVAILABLE);
    assert_int_equal(store_client_get(f->store, "nobody", &got), ERR_TEMPORARILY_UNAVAILABLE);
    snprintf(sql, sizeof sql, "ALTER DATABASE %s ALLOW_CONNECTIONS true", f->db.name);
    assert_int_equal(pg_fixture_sql(f->db.server, sql), 0);
    assert_int_equal(store_client_get(f->store, "nobody", &got), ERR_NOT_FOUND);
}

static void a_statement_never_waits_past_the_timeout(void **state)
{
    struct fx *f = *state;
    struct store *s = NULL;
    struct store_settings set = {300};
    char why[512] = "";
    struct client got;
    PGconn *locker;
    PGresult *r;
    double t0;

    NEED_SERVER(f);
    assert_int_equal(store_open_with(f->db.url, &set, &s, why, sizeof why), ERR_OK);
    locker = PQconnectdb(f->db.url);
    r = PQexec(locker, "BEGIN; LOCK TABLE clients IN ACCESS EXCLUSIVE MODE");
    assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
    PQclear(r);
    t0 = now_ms();
    assert_int_equal(store_client_get(s, "nobody", &got), ERR_TEMPORARILY_UNAVAILABLE);
    assert_true(now_ms() - t0 < 2000);
    PQclear(PQexec(locker, "ROLLBACK"));
    PQfinish(locker);
    /* the connection is still good afterwards */
    assert_int_equal(store_client_get(s, "nobody", &got), ERR_NOT_FOUND);
    store_close(s);
}

/* ---- migrations ---- */

static void migrating_again_changes_nothing(void **state)
{
    struct fx *f = *state;
    struct store *again = NULL;
    char why[512];
    long long versions;

    NEED_SERVER(f);
    versions = scalar(f, "SELECT count(*) FROM schema_version");
    assert_true(versions >= 1);
    assert_int_equal(scalar(f, "SELECT max(version) FROM schema_version"), versions);
    assert_int_equal(store_migrate(f->store), ERR_OK);
    assert_int_equal(store_open(f->db.url, &again, why, sizeof why), ERR_OK);
    assert_int_equal(store_migrate(again), ERR_OK);
    store_close(again);
    assert_int_equal(scalar(f, "SELECT count(*) FROM schema_version"), versions);
}

struct opener {
    const char *url;
    pthread_barrier_t *start;
    enum err result;
    char why[512];
};

static void *open_at_once(void *arg)
{
    struct opener *o = arg;
    struct store *s = NULL;

    pthread_barrier_wait(o->start);
    o->result = store_open(o->url, &s, o->why, sizeof o->why);
    store_close(s);
    return NULL;
}

static void instances_starting_at_once_on_an_empty_database_both_open(void **state)
{
    struct pg_fixture empty;
    struct opener o[4];
    pthread_t th[4];
    pthread_barrier_t start;
    size_t i;
    struct fx probe = {0};

    (void)state;
    if (pg_fixture_create(&empty))
        skip();
    pthread_barrier_init(&start, NULL, 4);
    for (i = 0; i < 4; i++) {
        o[i] = (struct opener){.url = empty.url, .start = &start};
        assert_int_equal(pthread_create(&th[i], NULL, open_at_once, &o[i]), 0);
    }
    for (i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        if (o[i].result)
            fprintf(stderr, "open %zu: %s\n", i, o[i].why);
        assert_int_equal(o[i].result, ERR_OK);
    }
    pthread_barrier_destroy(&start);
    probe.db = empty;
    /* each migration recorded once */
    assert_int_equal(scalar(&probe, "SELECT count(*) FROM schema_version"),
                     scalar(&probe, "SELECT count(DISTINCT version) FROM schema_version"));
    assert_int_equal(scalar(&probe, "SELECT count(*) FROM meta WHERE name = 'keys_version'"), 1);
    pg_fixture_drop(&empty);
}

struct slow_open {
    const char *url;
    enum err result;
    double took;
};

static void *open_with_short_timeout(void *arg)
{
    struct slow_open *o = arg;
    struct store_settings set = {300};
    struct store *s = NULL;
    char why[512];
    double t0 = now_ms();

    o->result = store_open_with(o->url, &set, &s, why, sizeof why);
    o->took = now_ms() - t0;
    store_close(s);
    return NULL;
}

static void a_migration_waits_for_another_past_the_timeout(void **state)
{
    struct pg_fixture empty;
    struct slow_open o = {0};
    PGconn *other;
    PGresult *r;
    pthread_t th;

    (void)state;
    if (pg_fixture_create(&empty))
        skip();
    /* another instance migrating: it holds the migration lock for a second */
    other = PQconnectdb(empty.url);
    r = PQexec(other, "SELECT pg_advisory_lock(478560838500)");
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    PQclear(r);
    o.url = empty.url;
    assert_int_equal(pthread_create(&th, NULL, open_with_short_timeout, &o), 0);
    usleep(1000 * 1000);
    PQclear(PQexec(other, "SELECT pg_advisory_unlock(478560838500)"));
    pthread_join(th, NULL);
    PQfinish(other);
    assert_int_equal(o.result, ERR_OK);
    assert_true(o.took > 900);
    pg_fixture_drop(&empty);
}

/* ---- clients ---- */

static void make_client(struct client *c, const char *id, int64_t created_at)
{
    memset(c, 0, sizeof *c);
    snprintf(c->id, sizeof c->id, "%s", id);
    c->name = strdup("App");
    c->scope = strdup("openid profile");
    c->type = CLIENT_CONFIDENTIAL;
    c->auth_method = AUTH_CLIENT_SECRET_POST;
    c->token_format = TOKEN_FORMAT_OPAQUE;
    c->has_secret = true;
    hash_sha256("secret", 6, c->secret_hash);
    c->enabled = true;
    c->require_consent = true;
    c->created_at = created_at;
    assert_int_equal(strlist_split(&c->grant_types, "authorization_code refresh_token", " "), 0);
    assert_int_equal(strlist_split(&c->response_types, "code,code id_token", ","), 0);
    assert_int_equal(strlist_split(&c->redirect_uris, "https://a.example/cb https://b/cb", " "), 0);
}

static void client_round_trip(void **state)
{
    struct fx *f = *state;
    struct client c, got;
    unsigned char sealed[5] = {1, 0, 2, 0, 3};

    NEED_SERVER(f);
    make_client(&c, "app-1", 1000);
    c.backchannel_logout_uri = strdup("https://a.example/logout");
    c.backchannel_session_required = true;
    c.subject_type = SUBJECT_PAIRWISE;
    c.sector = strdup("a.example");
    snprintf(c.id_token_alg, sizeof c.id_token_alg, "HS256");
    c.secret_sealed = malloc(sizeof sealed);
    memcpy(c.secret_sealed, sealed, sizeof sealed);
    c.secret_sealed_len = sizeof sealed;
    assert_int_equal(store_client_insert(f->store, &c), ERR_OK);
    assert_int_equal(store_client_insert(f->store, &c), ERR_CONFLICT);
    assert_int_equal(store_client_get(f->store, "app-1", &got), ERR_OK);
    assert_string_equal(got.name, "App");
    assert_string_equal(got.scope, "openid profile");
    assert_int_equal(got.type, CLIENT_CONFIDENTIAL);
    assert_int_equal(got.auth_method, AUTH_CLIENT_SECRET_POST);
    assert_int_equal(got.token_format, TOKEN_FORMAT_OPAQUE);
    assert_true(got.has_secret);
    assert_memory_equal(got.secret_hash, c.secret_hash, HASH_LEN);
    assert_int_equal(got.grant_types.n, 2);
    assert_int_equal(got.response_types.n, 2);
    assert_string_equal(got.response_types.items[1], "code id_token");
    assert_int_equal(got.redirect_uris.n, 2);
    assert_int_equal(got.post_logout_redirect_uris.n, 0);
    assert_true(got.enabled && got.require_consent && !got.reuse_consent);
    assert_int_equal(got.created_at, 1000);
    assert_string_equal(got.backchannel_logout_uri, "https://a.example/logout");
    assert_true(got.backchannel_session_required);
    assert_int_equal(got.subject_type, SUBJECT_PAIRWISE);
    assert_null(got.sector_identifier_uri);
    assert_string_equal(got.sector, "a.example");
    assert_string_equal(got.id_token_alg, "HS256");
    assert_int_equal(got.secret_sealed_len, sizeof sealed);
    assert_memory_equal(got.secret_sealed, sealed, sizeof sealed);
    client_clear(&got);
    client_clear(&c);
}

static void client_update_and_delete(void **state)
{
    struct fx *f = *state;
    struct client c, got;

    NEED_SERVER(f);
    make_client(&c, "app-2", 1000);
    assert_int_equal(store_client_update(f->store, &c), ERR_NOT_FOUND);
    assert_int_equal(store_client_insert(f->store, &c), ERR_OK);
    c.enabled = false;
    c.has_secret = false;
    c.type = CLIENT_PUBLIC;
    c.auth_method = AUTH_NONE;
    c.created_at = 5; /* an update keeps the stored one */
    assert_int_equal(store_client_update(f->store, &c), ERR_OK);
    assert_int_equal(store_client_get(f->store, "app-2", &got), ERR_OK);
    assert_false(got.enabled);
    assert_false(got.has_secret);
    assert_int_equal(got.type, CLIENT_PUBLIC);
    assert_int_equal(got.created_at, 1000);
    assert_string_equal(got.id_token_alg, "RS256");
    assert_null(got.secret_sealed);
    client_clear(&got);
    assert_int_equal(store_client_delete(f->store, "app-2"), ERR_OK);
    assert_int_equal(store_client_delete(f->store, "app-2"), ERR_NOT_FOUND);
    assert_int_equal(store_client_get(f->store, "app-2", &got), ERR_NOT_FOUND);
    client_clear(&c);
}

static void clients_list_oldest_first_with_their_algorithms(void **state)
{
    struct fx *f = *state;
    static const char *const ids[] = {"zeta", "alpha", "Mid"};
    static const char *const sorted[] = {"Mid", "alpha", "zeta"}; /* bytewise */
    struct client_filter first = {.limit = LIMIT_LIST_PAGE};
    struct client c, *list = NULL;
    struct strlist algs = {0};
    size_t n = 0, i;

    NEED_SERVER(f);
    for (i = 0; i < 3; i++) {
        make_client(&c, ids[i], 500); /* the same second: by id, bytewise */
        if (i == 1)
            snprintf(c.id_token_alg, sizeof c.id_token_alg, "ES256");
        assert_int_equal(store_client_insert(f->store, &c), ERR_OK);
        client_clear(&c);
    }
    assert_int_equal(store_client_list(f->store, &first, &list, &n), ERR_OK);
    assert_int_equal(n, 3);
    for (i = 0; i < 3; i++)
        assert_string_equal(list[i].id, sorted[i]);
    client_list_free(list, n);
    assert_int_equal(store_client_id_token_algs(f->store, &algs), ERR_OK);
    assert_int_equal(algs.n, 2);
    assert_true(strlist_contains(&algs, "RS256") && strlist_contains(&algs, "ES256"));
    strlist_free(&algs);
}

/* ---- keys and secrets ---- */

static void add_key(struct fx *f, const char *kid, const char *alg, int64_t at, int64_t retire)
{
    struct signing_key k = {0};
    unsigned char enc[3] = {9, 0, 9};

    snprintf(k.kid, sizeof k.kid, "%s", kid);
    snprintf(k.alg, sizeof k.alg, "%s", alg);
    k.private_enc = enc;
    k.private_enc_len = sizeof enc;
    k.public_jwk = (char *)"{\"kty\":\"RSA\"}";
    k.created_at = at;
    k.not_before = at + 10;
    assert_int_equal(store_key_add(f->store, &k, retire), ERR_OK);
}

static void keys_rotate_per_algorithm_and_bump_the_version(void **state)
{
    struct fx *f = *state;
    struct signing_key *list = NULL;
    int64_t v0 = -1, v1 = -1;
    size_t n = 0;

    NEED_SERVER(f);
    assert_int_equal(store_keys_version(f->store, &v0), ERR_OK);
    add_key(f, "k1", "RS256", 100, 0);
    add_key(f, "e1", "ES256", 100, 0);
    add_key(f, "k2", "RS256", 200, 900);
    assert_int_equal(store_keys_version(f->store, &v1), ERR_OK);
    assert_true(v1 > v0);
    assert_int_equal(store_key_list(f->store, &list, &n), ERR_OK);
    assert_int_equal(n, 3);
    assert_string_equal(list[0].kid, "k1");
    assert_int_equal(list[0].retire_after, 900); /* superseded by k2 */
    assert_string_equal(list[1].kid, "e1");
    assert_int_equal(list[1].retire_after, 0); /* another algorithm */
    assert_string_equal(list[2].kid, "k2");
    assert_int_equal(list[2].retire_after, 0);
    assert_int_equal(list[2].not_before, 210);
    assert_int_equal(list[2].private_enc_len, 3);
    assert_int_equal(list[2].private_enc[1], 0);
    assert_string_equal(list[2].public_jwk, "{\"kty\":\"RSA\"}");
    signing_key_list_free(list, n);
    /* a kid used twice: nothing changes */
    {
        struct signing_key dup = {.kid = "k1", .alg = "RS256"};
        unsigned char enc = 1;
        dup.private_enc = &enc;
        dup.private_enc_len = 1;
        dup.public_jwk = (char *)"{}";
        assert_int_equal(store_key_add(f->store, &dup, 5), ERR_CONFLICT);
    }
}

static void the_first_secret_stored_wins(void **state)
{
    struct fx *f = *state;
    unsigned char a[4] = {1, 2, 3, 4}, b[2] = {7, 7}, *out = NULL;
    size_t n = 0;

    NEED_SERVER(f);
    assert_int_equal(store_secret_get_or_add(f->store, "pairwise", a, sizeof a, &out, &n), ERR_OK);
    assert_int_equal(n, 4);
    assert_memory_equal(out, a, 4);
    free(out);
    assert_int_equal(store_secret_get_or_add(f->store, "pairwise", b, sizeof b, &out, &n), ERR_OK);
    assert_int_equal(n, 4);
    assert_memory_equal(out, a, 4);
    free(out);
}

/* ---- resources ---- */

static void resource_scopes_belong_to_one_resource(void **state)
{
    struct fx *f = *state;
    struct resource r = {.id = (char *)"https://books.example",
                         .name = (char *)"Books",
                         .scope = (char *)"read_books write_books",
                         .created_at = 50};
    struct resource other = {.id = (char *)"https://films.example",
                             .name = (char *)"Films",
                             .scope = (char *)"read_films write_books",
                             .created_at = 60};
    struct resource got, *list = NULL;
    size_t n = 0;

    NEED_SERVER(f);
    assert_int_equal(store_resource_update(f->store, &r), ERR_NOT_FOUND);
    assert_int_equal(store_resource_insert(f->store, &r), ERR_OK);
    assert_int_equal(store_resource_insert(f->store, &r), ERR_CONFLICT);
    /* write_books is taken: nothing of the other is stored */
    assert_int_equal(store_resource_insert(f->store, &other), ERR_CONFLICT);
    assert_int_equal(store_resource_get(f->store, other.id, &got), ERR_NOT_FOUND);
    other.scope = (char *)"read_films";
    assert_int_equal(store_resource_insert(f->store, &other), ERR_OK);
    /* an update replaces the scopes; a clash rolls the whole back */
    r.scope = (char *)"read_books read_films";
    assert_int_equal(store_resource_update(f->store, &r), ERR_CONFLICT);
    r.scope = (char *)"read_books";
    r.has_format = true;
    r.token_format = TOKEN_FORMAT_OPAQUE;
    r.access_token_ttl = 300;
    assert_int_equal(store_resource_update(f->store, &r), ERR_OK);
    assert_int_equal(store_resource_get(f->store, r.id, &got), ERR_OK);
    assert_string_equal(got.scope, "read_books");
    assert_true(got.has_format);
    assert_int_equal(got.token_format, TOKEN_FORMAT_OPAQUE);
    assert_int_equal(got.access_token_ttl, 300);
    assert_int_equal(got.created_at, 50);
    resource_clear(&got);
    /* write_books is free again */
    other.scope = (char *)"read_films write_books";
    assert_int_equal(store_resource_update(f->store, &other), ERR_OK);
    assert_int_equal(store_resource_list(f->store, NULL, LIMIT_LIST_PAGE, &list, &n), ERR_OK);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].id, "https://books.example");
    assert_false(list[1].has_format);
    resource_list_free(list, n);
    assert_int_equal(store_resource_delete(f->store, r.id), ERR_OK);
    assert_int_equal(store_resource_delete(f->store, r.id), ERR_NOT_FOUND);
}

static void the_longest_token_lifetime_is_kept(void **state)
{
    struct fx *f = *state;
    int64_t max = -1;

    NEED_SERVER(f);
    assert_int_equal(store_token_ttl_max(f->store, &max), ERR_OK);
    assert_int_equal(max, 0);
    assert_int_equal(store_token_ttl_record(f->store, 600), ERR_OK);
    assert_int_equal(store_token_ttl_record(f->store, 300), ERR_OK);
    assert_int_equal(store_token_ttl_max(f->store, &max), ERR_OK);
    assert_int_equal(max, 600);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(urls_are_checked_without_connecting),
        cmocka_unit_test(an_unreachable_server_fails_fast_and_temporarily),
        cmocka_unit_test_setup_teardown(a_terminated_connection_is_made_anew, setup, teardown),
        cmocka_unit_test_setup_teardown(
            while_the_database_refuses_ops_fail_temporarily_then_recover, setup, teardown),
        cmocka_unit_test_setup_teardown(a_statement_never_waits_past_the_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(migrating_again_changes_nothing, setup, teardown),
        cmocka_unit_test(instances_starting_at_once_on_an_empty_database_both_open),
        cmocka_unit_test(a_migration_waits_for_another_past_the_timeout),
        cmocka_unit_test_setup_teardown(client_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(client_update_and_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(clients_list_oldest_first_with_their_algorithms, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(keys_rotate_per_algorithm_and_bump_the_version, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(the_first_secret_stored_wins, setup, teardown),
        cmocka_unit_test_setup_teardown(resource_scopes_belong_to_one_resource, setup, teardown),
        cmocka_unit_test_setup_teardown(the_longest_token_lifetime_is_kept, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
