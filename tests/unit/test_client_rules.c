#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "oauth/client_rules.h"

/* A valid confidential client with the given grant and response types (comma
 * lists) and scope; free with client_clear. */
static void make_client(struct client *c, const char *grants, const char *responses,
                        const char *scope)
{
    memset(c, 0, sizeof *c);
    c->name = strdup("test");
    c->scope = scope ? strdup(scope) : NULL;
    c->type = CLIENT_CONFIDENTIAL;
    c->auth_method = AUTH_CLIENT_SECRET_BASIC;
    c->enabled = true;
    assert_non_null(c->name);
    assert_int_equal(strlist_split(&c->grant_types, grants, ","), ERR_OK);
    assert_int_equal(strlist_split(&c->response_types, responses, ","), ERR_OK);
}

/* client_check's verdict with u as the one redirect URI (kind 0) or the one
 * post-logout redirect URI (kind 1); *why is set either way. */
static enum err check_uri(const char *u, int kind, const char **why)
{
    struct client c;
    enum err rc;

    make_client(&c, "authorization_code", "code", "openid");
    assert_int_equal(
        strlist_add(kind ? &c.post_logout_redirect_uris : &c.redirect_uris, u, strlen(u)), ERR_OK);
    rc = client_check(&c, why);
    client_clear(&c);
    return rc;
}

static const char *const good_uris[] = {
    "https://app.example/cb",
    "http://127.0.0.1:8080/cb",
    "http://localhost",
    "http://[::1]:65535/cb",
    "HTTPS://App.Example:1/cb?x=1&y=%20z",
    "https://app.example/a/b;c=d/~e!$&'()*+,=@:",
    "com.example.app:/callback",
    "com.example.app:/oauth2redirect/example-provider",
    "myapp://callback",
    "urn:ietf:wg:oauth:2.0:oob",
    "a+b-c.d:x",
    NULL,
};

static void accepts_absolute_uris(void **state)
{
    const char *why;
    int i, kind;

    (void)state;
    for (kind = 0; kind < 2; kind++)
        for (i = 0; good_uris[i]; i++) {
            enum err rc = check_uri(good_uris[i], kind, &why);
            if (rc != ERR_OK)
                fail_msg("refused %s: %s", good_uris[i], why);
        }
}

static const char *const bad_uris[] = {
    "",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:text/plain,x",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "http:",
    "http://",
    "http:///cb",
    "https:app.example/cb",
    "http:/app.example",
    "https://?x",
    "foo/bar:baz",
    "1ab://x",
    ":x",
    "-a:x",
    "no-scheme",
    "/relative/path",
    "com.example.app:",
    "https://app.example/cb#frag",
    "https://app.example/cb#",
    "com.example.app:/cb#x",
    "https://app.example/c b",
    " https://app.example/cb",
    "https://app.example/cb ",
    "https://app.example/cb\t",
    "https://app.example/\x01",
    "https://app.example/\x7f",
    "https://app.example/\r\nx",
    "https://\xc3\xa9.example/",
    "https://app.example/\xc2\xa0",
    "https://app.example/<x>",
    "https://app.example/\"",
    "https://app.example/%zz",
    "https://app.example/%2",
    "https://app.example:0/",
    "https://app.example:65536/",
    "https://app.example:99999999999999999999/",
    "https://app.example:/",
    "https://app.example:8a/",
    "https://app.example:-1/",
    "https://user@app.example/",
    "https://user:pw@app.example/",
    "https://app.example@evil.example/",
    "http://[]/",
    "http://[::1/",
    "http://[::1]x/",
    "http://[g::1]/",
    /* brackets only around an IPv6 host */
    "http://[1]/",
    "http://[:]/",
    "http://[..]/",
    "https://app.example/cb[1]",
    "https://app.example/?x=]",
    "myapp:[",
    "com.example.app:/cb[x]",
    NULL,
};

static void refuses_what_is_no_absolute_redirect_uri(void **state)
{
    const char *why;
    int i, kind;

    (void)state;
    for (kind = 0; kind < 2; kind++)
        for (i = 0; bad_uris[i]; i++) {
            if (check_uri(bad_uris[i], kind, &why) != ERR_INVALID_REQUEST)
                fail_msg("accepted %s", bad_uris[i]);
            assert_non_null(why);
            assert_non_null(strstr(why, kind ? "post-logout redirect URI" : "redirect URI"));
            assert_null(strchr(why, '\n'));
        }
}

static void names_the_fault(void **state)
{
    const char *why;

    (void)state;
    check_uri("javascript:alert(1)", 0, &why);
    assert_non_null(strstr(why, "javascript"));
    check_uri("data:text/html,<script>", 0, &why);
    assert_non_null(strstr(why, "javascript, data"));
    check_uri("https://a.example/#x", 1, &why);
    assert_non_null(strstr(why, "fragment"));
    check_uri("http://", 0, &why);
    assert_non_null(strstr(why, "http or https"));
    check_uri("1ab://x", 0, &why);
    assert_non_null(strstr(why, "absolute"));
    check_uri("a b:x", 0, &why);
    assert_non_null(strstr(why, "white space"));
}

static void caps_uri_length_and_count(void **state)
{
    char uri[LIMIT_URI + 2];
    const char *why;
    struct client c;
    int i;

    (void)state;
    memset(uri, 'a', sizeof uri);
    memcpy(uri, "https://a.example/", 18);
    uri[LIMIT_URI] = '\0';
    assert_int_equal(check_uri(uri, 0, &why), ERR_OK);
    uri[LIMIT_URI] = 'a';
    uri[LIMIT_URI + 1] = '\0';
    assert_int_equal(check_uri(uri, 0, &why), ERR_INVALID_REQUEST);

    make_client(&c, "authorization_code", "code", NULL);
    for (i = 0; i < LIMIT_URIS; i++)
        assert_int_equal(strlist_add(&c.redirect_uris, "https://a.example/", 18), ERR_OK);
    assert_int_equal(client_check(&c, &why), ERR_OK);
    assert_int_equal(strlist_add(&c.redirect_uris, "https://a.example/", 18), ERR_OK);
    assert_int_equal(client_check(&c, &why), ERR_INVALID_REQUEST);
    client_clear(&c);
}

/* OpenID Connect Dynamic Client Registration 1.0 §2, grant_types. */
static const struct {
    const char *grants, *responses;
    bool ok;
} type_sets[] = {
    {"authorization_code", "code", true},
    {"authorization_code,refresh_token", "code", true},
    {"implicit", "id_token", true},
    {"implicit", "id_token token", true},
    {"authorization_code,implicit", "code id_token", true},
    {"authorization_code,implicit", "code token", true},
    {"authorization_code,implicit", "code id_token token", true},
    {"authorization_code,implicit", "code,id_token", true},
    {"client_credentials", "", true},
    {"client_credentials,refresh_token,password", "", true},
    {"authorization_code,client_credentials", "code", true},
    {"client_credentials", "code", false},
    {"implicit", "code", false},
    {"authorization_code", "id_token", false},
    {"authorization_code", "code id_token", false},
    {"implicit", "code token", false},
    {"authorization_code", "", false},
    {"implicit", "", false},
    {"authorization_code,implicit", "code", false},
    {"authorization_code,implicit", "id_token", false},
    {"client_credentials", "id_token token", false},
    {"", "", false},
    {"bogus", "", false},
    {"authorization_code", "token", false},
    {"authorization_code", "none", false},
    {"authorization_code", "bogus", false},
    {"authorization_code,authorization_code", "code", false},
    {"authorization_code", "code,code", false},
    {"authorization_code,implicit", "token id_token", false}, /* not normalized */
};

static void grant_and_response_types_fit(void **state)
{
    const char *why;
    struct client c;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof type_sets / sizeof type_sets[0]; i++) {
        enum err rc;
        make_client(&c, type_sets[i].grants, type_sets[i].responses, NULL);
        rc = client_check(&c, &why);
        if ((rc == ERR_OK) != type_sets[i].ok)
            fail_msg("grants [%s] responses [%s]: %s", type_sets[i].grants, type_sets[i].responses,
                     why ? why : "accepted");
        client_clear(&c);
    }
}

static void consistency_errors_say_what_is_needed(void **state)
{
    const char *why;
    struct client c;

    (void)state;
    make_client(&c, "client_credentials", "code", NULL);
    assert_int_equal(client_check(&c, &why), ERR_INVALID_REQUEST);
    assert_string_equal(why, "a response type with code needs the grant type authorization_code");
    client_clear(&c);
    make_client(&c, "implicit", "", NULL);
    assert_int_equal(client_check(&c, &why), ERR_INVALID_REQUEST);
    assert_non_null(strstr(why, "implicit needs a response type"));
    client_clear(&c);
}

static void public_client_credentials_client_is_representable(void **state)
{
    const char *why;
    struct client c;

    (void)state;
    make_client(&c, "client_credentials", "", "read");
    c.type = CLIENT_PUBLIC;
    c.auth_method = AUTH_NONE;
    assert_int_equal(client_check(&c, &why), ERR_OK);
    client_clear(&c);
}

static void public_client_may_not_hold_password(void **state)
{
    const char *why;
    struct client c;

    (void)state;
    make_client(&c, "password,refresh_token", "", "openid");
    assert_int_equal(client_check(&c, &why), ERR_OK);
    c.type = CLIENT_PUBLIC;
    c.auth_method = AUTH_NONE;
    assert_int_equal(client_check(&c, &why), ERR_INVALID_REQUEST);
    assert_non_null(strstr(why, "grant type password"));
    client_clear(&c);
}

static void normalize_sets_the_stored_form(void **state)
{
    const char *why;
    struct client c;
    char *joined;

    (void)state;
    make_client(&c, "implicit,authorization_code,implicit",
                "token id_token, code  id_token ,code,id_token token,id_token", " b  a b\ta ");
    /* a tab is not NQCHAR: scope_parse refuses it, and so does normalize */
    assert_int_equal(client_normalize(&c, &why), ERR_INVALID_REQUEST);
    assert_non_null(strstr(why, "scope"));
    free(c.scope);
    c.scope = strdup(" b  a b a ");
    assert_int_equal(client_normalize(&c, &why), ERR_OK);
    assert_string_equal(c.scope, "b a");
    joined = strlist_join(&c.grant_types, ",");
    assert_string_equal(joined, "implicit,authorization_code");
    free(joined);
    joined = strlist_join(&c.response_types, ",");
    assert_string_equal(joined, "id_token token,code id_token,code,id_token");
    free(joined);
    assert_int_equal(client_check(&c, &why), ERR_OK);
    client_clear(&c);
}

static void normalize_keeps_what_check_refuses(void **state)
{
    const char *why;
    struct client c;

    (void)state;
    make_client(&c, "authorization_code", "code code,token,none", "   ");
    assert_int_equal(client_normalize(&c, &why), ERR_OK);
    assert_string_equal(c.scope, "");
    assert_int_equal(c.response_types.n, 3);
    assert_string_equal(c.response_types.items[0], "code code");
    assert_int_equal(client_check(&c, &why), ERR_INVALID_REQUEST);
    assert_non_null(strstr(why, "unknown response type"));
    client_clear(&c);
}

/* client_check's verdict with u as the back-channel logout URI. */
static enum err check_backchannel(const char *u, const char **why)
{
    struct client c;
    enum err rc;

    make_client(&c, "authorization_code", "code", "openid");
    c.backchannel_logout_uri = strdup(u);
    assert_non_null(c.backchannel_logout_uri);
    rc = client_check(&c, why);
    client_clear(&c);
    return rc;
}

/* OpenID Connect Back-Channel Logout 1.0 §2.2: absolute, no fragment, https
 * (http only on loopback). */
static void backchannel_uri_rules(void **state)
{
    static const char *const good[] = {"https://rp.example/bc", "https://rp.example:8443/b?x=1",
                                       "http://127.0.0.1:9/bc", "http://localhost/bc",
                                       "http://[::1]:80/bc"};
    static const struct {
        const char *uri, *why;
    } bad[] = {
        {"http://rp.example/bc", "https"},        {"http://127.0.0.1.example/bc", "https"},
        {"https://rp.example/bc#x", "fragment"},  {"/bc", "absolute"},
        {"ftp://rp.example/bc", "https"},         {"urn:example:bc", "https"},
        {"https://u@rp.example/bc", "user info"}, {"", "bytes"},
    };
    const char *why;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_int_equal(check_backchannel(good[i], &why), ERR_OK);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(check_backchannel(bad[i].uri, &why), ERR_INVALID_REQUEST);
        assert_non_null(strstr(why, "back-channel logout URI"));
        assert_non_null(strstr(why, bad[i].why));
    }
}

static void check_refuses_a_malformed_scope(void **state)
{
    const char *why;
    struct client c;

    (void)state;
    make_client(&c, "client_credentials", "", "a \"b");
    assert_int_equal(client_check(&c, &why), ERR_INVALID_REQUEST);
    assert_non_null(strstr(why, "scope"));
    client_clear(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accepts_absolute_uris),
        cmocka_unit_test(refuses_what_is_no_absolute_redirect_uri),
        cmocka_unit_test(names_the_fault),
        cmocka_unit_test(caps_uri_length_and_count),
        cmocka_unit_test(grant_and_response_types_fit),
        cmocka_unit_test(consistency_errors_say_what_is_needed),
        cmocka_unit_test(public_client_credentials_client_is_representable),
        cmocka_unit_test(public_client_may_not_hold_password),
        cmocka_unit_test(normalize_sets_the_stored_form),
        cmocka_unit_test(normalize_keeps_what_check_refuses),
        cmocka_unit_test(check_refuses_a_malformed_scope),
        cmocka_unit_test(backchannel_uri_rules),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
