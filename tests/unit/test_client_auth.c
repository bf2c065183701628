#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "oauth/client_auth.h"
#include "oauth/client_cache.h"
#include "store_fixture.h"

static enum err parse(const char *header, struct client_credentials *c)
{
    return client_auth_parse_basic(header, strlen(header), c);
}

static void parses_basic(void **state)
{
    struct client_credentials c;

    (void)state;
    /* "books-cli:s3cr3t" */
    assert_int_equal(parse("Basic Ym9va3MtY2xpOnMzY3IzdA==", &c), ERR_OK);
    assert_string_equal(c.id, "books-cli");
    assert_string_equal(c.secret, "s3cr3t");
    assert_int_equal(c.method, CRED_BASIC);
    assert_true(c.has_secret);
}

static void scheme_is_case_insensitive(void **state)
{
    struct client_credentials c;

    (void)state;
    assert_int_equal(parse("basic Ym9va3MtY2xpOnMzY3IzdA==", &c), ERR_OK);
    assert_int_equal(parse("BASIC Ym9va3MtY2xpOnMzY3IzdA==", &c), ERR_OK);
}

/* RFC 9110 §5.5: white space around a field value is not part of it. */
static void white_space_around_the_value_is_ignored(void **state)
{
    struct client_credentials c;

    (void)state;
    assert_int_equal(parse("Basic Ym9va3MtY2xpOnMzY3IzdA==  ", &c), ERR_OK);
    assert_string_equal(c.secret, "s3cr3t");
    assert_int_equal(parse("\tBasic Ym9va3MtY2xpOnMzY3IzdA==\t ", &c), ERR_OK);
    assert_string_equal(c.secret, "s3cr3t");
    assert_int_equal(parse("Basic Ym9va3MtY2xpOnMzY3IzdA==\n", &c), ERR_INVALID_CLIENT);
}

/* RFC 6749 §2.3.1: id and secret are form-url-encoded before base64. */
static void form_decodes_parts(void **state)
{
    struct client_credentials c;

    (void)state;
    /* "a%3Ab:p%2Bq+r" → id "a:b", secret "p+q r" */
    assert_int_equal(parse("Basic YSUzQWI6cCUyQnErcg==", &c), ERR_OK);
    assert_string_equal(c.id, "a:b");
    assert_string_equal(c.secret, "p+q r");
}

static void secret_may_hold_colons(void **state)
{
    struct client_credentials c;

    (void)state;
    /* "id:a:b" */
    assert_int_equal(parse("Basic aWQ6YTpi", &c), ERR_OK);
    assert_string_equal(c.id, "id");
    assert_string_equal(c.secret, "a:b");
}

static void refuses_malformed(void **state)
{
    static const char *const bad[] = {
        "Bearer abc",         /* other scheme */
        "Basic",              /* nothing */
        "Basic !!!!",         /* not base64 */
        "Basic bm9jb2xvbg==", /* "nocolon" */
        "Basic OnNlY3JldA==", /* ":secret", empty id */
        "Basic aWQ6JQ==",     /* "id:%" bad escape */
        "Basic aWQ6YQBi",     /* "id:a\0b" */
    };
    struct client_credentials c;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(parse(bad[i], &c), ERR_INVALID_CLIENT);
}

static void refuses_oversized(void **state)
{
    char header[LIMIT_AUTH_HEADER + 16];
    struct client_credentials c;

    (void)state;
    memcpy(header, "Basic ", 6);
    memset(header + 6, 'Q', sizeof header - 7);
    header[sizeof header - 1] = '\0';
    assert_int_equal(parse(header, &c), ERR_INVALID_REQUEST);
}

static void collect_refuses_two_methods(void **state)
{
    const char body[] = "grant_type=client_credentials&client_id=x&client_secret=y";
    struct client_credentials c;
    struct params p;
    const char *why = NULL;

    (void)state;
    assert_int_equal(form_parse(body, strlen(body), &p), ERR_OK);
    assert_int_equal(client_auth_collect("Basic eDp5", &p, &c, &why), ERR_INVALID_REQUEST);
    assert_non_null(why);
    assert_int_equal(client_auth_collect(NULL, &p, &c, &why), ERR_OK);
    assert_int_equal(c.method, CRED_POST);
    assert_string_equal(c.id, "x");
    assert_string_equal(c.secret, "y");
    params_free(&p);
}

/* RFC 6749 §3.1: an empty client_id or client_secret beside Basic is omitted. */
static void collect_ignores_empty_body_credentials(void **state)
{
    const char body[] = "grant_type=client_credentials&client_id=&client_secret=";
    struct client_credentials c;
    struct params p;
    const char *why = NULL;

    (void)state;
    assert_int_equal(form_parse(body, strlen(body), &p), ERR_OK);
    assert_int_equal(client_auth_collect("Basic eDp5", &p, &c, &why), ERR_OK);
    assert_int_equal(c.method, CRED_BASIC);
    assert_string_equal(c.id, "x");
    assert_string_equal(c.secret, "y");
    assert_int_equal(client_auth_collect(NULL, &p, &c, &why), ERR_INVALID_CLIENT);
    params_free(&p);
}

static void collect_public_client_by_id(void **state)
{
    const char body[] = "client_id=pub";
    struct client_credentials c;
    struct params p;
    const char *why = NULL;

    (void)state;
    assert_int_equal(form_parse(body, strlen(body), &p), ERR_OK);
    assert_int_equal(client_auth_collect(NULL, &p, &c, &why), ERR_OK);
    assert_int_equal(c.method, CRED_NONE);
    assert_false(c.has_secret);
    params_free(&p);
}

/* An unknown id is remembered as unknown for as long as a known client is
 * remembered as it was: neither costs a store read that the other does not,
 * so the time client authentication takes tells no one which ids exist. */
static void unknown_id_is_cached_like_a_known_one(void **state)
{
    struct temp_store t;
    struct client c = {0};

    (void)state;
    assert_int_equal(temp_store_open(&t), 0);
    assert_int_equal(temp_store_client(&t, "known", false, "client_credentials", "a"), ERR_OK);
    assert_int_equal(client_cache_get(t.store, NULL, "known", &c), ERR_OK);
    client_clear(&c);
    assert_int_equal(client_cache_get(t.store, NULL, "ghost", &c), ERR_NOT_FOUND);
    /* both change in the store; within the second the cache answers for both */
    assert_int_equal(store_client_delete(t.store, "known"), ERR_OK);
    assert_int_equal(temp_store_client(&t, "ghost", false, "client_credentials", "a"), ERR_OK);
    assert_int_equal(client_cache_get(t.store, NULL, "known", &c), ERR_OK);
    client_clear(&c);
    assert_int_equal(client_cache_get(t.store, NULL, "ghost", &c), ERR_NOT_FOUND);
    /* once forgotten, the store's answer shows for both */
    client_cache_clear();
    assert_int_equal(client_cache_get(t.store, NULL, "known", &c), ERR_NOT_FOUND);
    assert_int_equal(client_cache_get(t.store, NULL, "ghost", &c), ERR_OK);
    client_clear(&c);
    client_cache_clear();
    temp_store_close(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_basic),
        cmocka_unit_test(unknown_id_is_cached_like_a_known_one),
        cmocka_unit_test(scheme_is_case_insensitive),
        cmocka_unit_test(white_space_around_the_value_is_ignored),
        cmocka_unit_test(form_decodes_parts),
        cmocka_unit_test(secret_may_hold_colons),
        cmocka_unit_test(refuses_malformed),
        cmocka_unit_test(refuses_oversized),
        cmocka_unit_test(collect_refuses_two_methods),
        cmocka_unit_test(collect_ignores_empty_body_credentials),
        cmocka_unit_test(collect_public_client_by_id),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
