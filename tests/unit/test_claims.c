#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "oauth/claims.h"
#include "oauth/claims_request.h"

static struct config cfg;

static int setup(void **state)
{
    (void)state;
    memset(&cfg, 0, sizeof cfg);
    snprintf(cfg.claims_extra, sizeof cfg.claims_extra, "groups https://example.com/roles");
    snprintf(cfg.scopes[0].name, sizeof cfg.scopes[0].name, "library");
    snprintf(cfg.scopes[0].claims, sizeof cfg.scopes[0].claims, "library_card name");
    snprintf(cfg.scopes[0].description, sizeof cfg.scopes[0].description, "Your library card");
    snprintf(cfg.scopes[1].name, sizeof cfg.scopes[1].name, "api");
    cfg.nscopes = 2;
    return 0;
}

/* Checks name = json (text); expects ok or not. */
static void check(const char *name, const char *text, bool ok)
{
    json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
    const char *why = NULL;
    enum err rc;

    assert_non_null(v);
    rc = claims_check_one(&cfg, name, v, &why);
    if (ok && rc)
        fail_msg("%s = %s refused: %s", name, text, why);
    if (!ok && !rc)
        fail_msg("%s = %s accepted", name, text);
    if (!ok)
        assert_non_null(why);
    json_decref(v);
}

static void standard_claims_are_typed(void **state)
{
    (void)state;
    check("email", "\"a@example.com\"", true);
    check("email", "\"example.com\"", false);
    check("email", "\"@example.com\"", false);
    check("email", "\"a@\"", false);
    check("email", "\"a b@example.com\"", false);
    check("email", "12", false);
    check("email_verified", "true", true);
    check("email_verified", "false", true);
    check("email_verified", "\"true\"", false);
    check("phone_number_verified", "1", false);
    check("updated_at", "1700000000", true);
    check("updated_at", "\"1700000000\"", false);
    check("updated_at", "1.5", false);
    check("updated_at", "-1", false);
    check("address", "{\"locality\": \"Oslo\", \"country\": \"NO\"}", true);
    check("address", "{}", true);
    check("address", "\"Oslo\"", false);
    check("address", "{\"locality\": 12}", false);
    check("address", "{\"planet\": \"Earth\"}", false);
    check("birthdate", "\"1990\"", true);
    check("birthdate", "\"1990-02-28\"", true);
    check("birthdate", "\"0000-12-24\"", true);
    check("birthdate", "\"1990-13-01\"", false);
    check("birthdate", "\"1990-02-30\"", false);
    check("birthdate", "\"90-01-01\"", false);
    check("birthdate", "\"1990/01/01\"", false);
    check("zoneinfo", "\"Europe/Paris\"", true);
    check("zoneinfo", "\"America/Argentina/Buenos_Aires\"", true);
    check("zoneinfo", "\"UTC\"", true);
    check("zoneinfo", "\"Paris\"", false);
    check("zoneinfo", "\"Europe/<b>\"", false);
    check("locale", "\"en-US\"", true);
    check("locale", "\"fr_CA\"", true);
    check("locale", "\"de\"", true);
    check("locale", "\"english\"", false);
    check("locale", "\"en-\"", false);
    check("phone_number", "\"+1 (425) 555-1212\"", true);
    check("phone_number", "\"+47 22 00 00 00;ext=12\"", true);
    check("phone_number", "\"425 555 1212\"", false);
    check("phone_number", "\"+1 call me\"", false);
    check("picture", "\"https://example.com/me.png\"", true);
    check("website", "\"http://example.com\"", true);
    check("profile", "\"javascript:alert(1)\"", false);
    check("profile", "\"/relative\"", false);
    check("website", "\"https://\"", false);
    check("name", "\"Ada Lovelace\"", true);
    check("name", "\"\"", false);
    check("name", "42", false);
    check("gender", "\"female\"", true);
}

static void names_must_be_declared(void **state)
{
    (void)state;
    check("sub", "\"x\"", false);
    check("groups", "[\"staff\"]", true);
    check("https://example.com/roles", "{\"a\": 1}", true);
    check("library_card", "\"1234\"", true); /* from [scope.library] */
    check("shoe_size", "42", false);
    check("a=b", "1", false);
}

static void whole_objects(void **state)
{
    json_t *ok = json_loads("{\"email\": \"a@b\", \"groups\": []}", 0, NULL);
    json_t *bad = json_loads("{\"email\": \"a@b\", \"shoe_size\": 42}", 0, NULL);
    const char *why = NULL, *name = NULL;

    (void)state;
    assert_int_equal(claims_check(&cfg, ok, &why, &name), ERR_OK);
    assert_int_equal(claims_check(&cfg, bad, &why, &name), ERR_INVALID_REQUEST);
    assert_string_equal(name, "shoe_size");
    json_decref(ok);
    json_decref(bad);
}

static const char user_claims[] =
    "{\"name\": \"Ada\", \"nickname\": \"\", \"email\": \"ada@example.com\", "
    "\"email_verified\": true, \"phone_number\": \"+4722000000\", \"address\": {}, "
    "\"library_card\": \"1234\", \"groups\": [\"staff\"], \"updated_at\": 1700000000}";

static char *release(const char *scope)
{
    json_t *o = NULL;
    char *text;

    assert_int_equal(claims_release(&cfg, scope, NULL, "SUB1", user_claims, &o), ERR_OK);
    text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    return text;
}

static void release_follows_scopes(void **state)
{
    char *t;
    json_t *o = NULL;

    (void)state;
    t = release("openid");
    assert_string_equal(t, "{\"sub\":\"SUB1\"}");
    free(t);
    /* empty ones (nickname "") are left out */
    t = release("openid profile");
    assert_string_equal(t, "{\"name\":\"Ada\",\"sub\":\"SUB1\",\"updated_at\":1700000000}");
    free(t);
    t = release("openid email");
    assert_string_equal(t,
                        "{\"email\":\"ada@example.com\",\"email_verified\":true,\"sub\":\"SUB1\"}");
    free(t);
    /* address {} is empty; phone */
    t = release("address  phone");
    assert_string_equal(t, "{\"phone_number\":\"+4722000000\",\"sub\":\"SUB1\"}");
    free(t);
    /* a configured scope releases its claims; extra claims only through one */
    t = release("openid library unknown");
    assert_string_equal(t, "{\"library_card\":\"1234\",\"name\":\"Ada\",\"sub\":\"SUB1\"}");
    free(t);
    assert_int_equal(claims_release(&cfg, "openid", NULL, "S", "[1]", &o), ERR_STORE);
}

static void supported_names(void **state)
{
    struct strlist l = {0};
    size_t i;

    (void)state;
    assert_int_equal(claims_supported(&cfg, &l), ERR_OK);
    assert_true(strlist_contains(&l, "sub"));
    assert_true(strlist_contains(&l, "email_verified"));
    assert_true(strlist_contains(&l, "address"));
    assert_true(strlist_contains(&l, "groups"));
    assert_true(strlist_contains(&l, "library_card"));
    assert_true(strlist_contains(&l, "https://example.com/roles"));
    for (i = 1; i < l.n; i++)
        assert_true(strcmp(l.items[i - 1], l.items[i]) < 0); /* sorted, once ("name" twice) */
    assert_int_equal(l.n, 1 + 19 + 2 + 1);
    strlist_free(&l);
}

static void descriptions(void **state)
{
    (void)state;
    assert_non_null(strstr(claims_scope_description(&cfg, "email"), "email"));
    assert_non_null(claims_scope_description(&cfg, "openid"));
    assert_non_null(claims_scope_description(&cfg, "profile"));
    assert_string_equal(claims_scope_description(&cfg, "library"), "Your library card");
    assert_null(claims_scope_description(&cfg, "api"));
    assert_null(claims_scope_description(&cfg, "nothing"));
}

/* The names a claims request parameter asks for, released after the
 * scope's, once each. */
static void release_adds_named_claims(void **state)
{
    json_t *o = NULL;
    char *t;

    (void)state;
    assert_int_equal(
        claims_release(&cfg, "openid email", " name email  library_card ", "S", user_claims, &o),
        ERR_OK);
    t = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal(t, "{\"email\":\"ada@example.com\",\"email_verified\":true,"
                           "\"library_card\":\"1234\",\"name\":\"Ada\",\"sub\":\"S\"}");
    free(t);
    json_decref(o);
}

static void keep_released_drops_what_the_scope_does_not_release(void **state)
{
    struct strlist names = {0};

    (void)state;
    assert_int_equal(strlist_split(&names, "email groups library_card phone_number nope", " "),
                     ERR_OK);
    assert_int_equal(claims_keep_released(&cfg, "openid email library", &names), ERR_OK);
    assert_int_equal(names.n, 2);
    assert_string_equal(names.items[0], "email");
    assert_string_equal(names.items[1], "library_card");
    strlist_free(&names);
}

static enum err parse(const char *json, struct claims_request *r)
{
    const char *why = NULL;
    enum err rc = claims_request_parse(json, strlen(json), r, &why);

    if (rc)
        assert_non_null(why);
    return rc;
}

static void request_parameter_is_read(void **state)
{
    struct claims_request r;

    (void)state;
    assert_int_equal(parse("{\"userinfo\": {\"email\": null, \"name\": {\"essential\": true}},"
                           " \"id_token\": {\"email\": {\"value\": \"x\"}, \"auth_time\": "
                           "null, \"acr\": {\"values\": [\"a\"]}}, \"other\": 1}",
                           &r),
                     ERR_OK);
    assert_int_equal(r.userinfo.n, 2);
    assert_string_equal(r.userinfo.items[0], "email");
    assert_string_equal(r.userinfo.items[1], "name");
    assert_int_equal(r.id_token.n, 2); /* acr is never a name */
    assert_false(r.acr_essential);
    assert_false(r.sub_fixed);
    assert_true(claims_request_sub_ok(&r, "anyone"));
    claims_request_clear(&r);
    assert_int_equal(parse("{\"id_token\": {\"acr\": {\"essential\": true, \"value\": "
                           "\"a\"}}}",
                           &r),
                     ERR_OK);
    assert_true(r.acr_essential);
    claims_request_clear(&r);
    assert_int_equal(parse("{}", &r), ERR_OK);
    assert_int_equal(r.userinfo.n + r.id_token.n, 0);
    claims_request_clear(&r);
}

static void sub_values_narrow(void **state)
{
    struct claims_request r;

    (void)state;
    assert_int_equal(parse("{\"userinfo\": {\"sub\": {\"values\": [\"a\", \"b\", 3]}}, "
                           "\"id_token\": {\"sub\": {\"value\": \"b\"}}}",
                           &r),
                     ERR_OK);
    assert_true(claims_request_sub_ok(&r, "b"));
    assert_false(claims_request_sub_ok(&r, "a"));
    assert_int_equal(r.userinfo.n + r.id_token.n, 0);
    claims_request_clear(&r);
    /* values that no sub can meet */
    assert_int_equal(parse("{\"userinfo\": {\"sub\": {\"value\": \"a\"}}, "
                           "\"id_token\": {\"sub\": {\"value\": \"b\"}}}",
                           &r),
                     ERR_OK);
    assert_false(claims_request_sub_ok(&r, "a"));
    assert_false(claims_request_sub_ok(&r, "b"));
    claims_request_clear(&r);
    /* sub without value: any */
    assert_int_equal(parse("{\"id_token\": {\"sub\": {\"essential\": true}}}", &r), ERR_OK);
    assert_true(claims_request_sub_ok(&r, "a"));
    claims_request_clear(&r);
}

static void malformed_requests_are_refused(void **state)
{
    static const char *const bad[] = {
        "",
        "nope",
        "[]",
        "null",
        "{\"userinfo\": 1}",
        "{\"id_token\": []}",
        "{\"id_token\": {\"email\": true}}",
        "{\"id_token\": {\"email\": {\"essential\": 1}}}",
        "{\"id_token\": {\"email\": {\"values\": {}}}}",
        "{\"userinfo\": {\"email\": null, \"email\": null}}",
        "{\"userinfo\": {}} trailing",
    };
    struct claims_request r;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (parse(bad[i], &r) != ERR_INVALID_REQUEST)
            fail_msg("accepted: %s", bad[i]);
        claims_request_clear(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(standard_claims_are_typed),
        cmocka_unit_test(names_must_be_declared),
        cmocka_unit_test(whole_objects),
        cmocka_unit_test(release_follows_scopes),
        cmocka_unit_test(supported_names),
        cmocka_unit_test(descriptions),
        cmocka_unit_test(release_adds_named_claims),
        cmocka_unit_test(keep_released_drops_what_the_scope_does_not_release),
        cmocka_unit_test(request_parameter_is_read),
        cmocka_unit_test(sub_values_narrow),
        cmocka_unit_test(malformed_requests_are_refused),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
