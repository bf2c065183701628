#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "oauth/authorize_request.h"

#define CHALLENGE "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM" /* RFC 7636 App. B */
#define RP "https://rp.example/cb"
#define ENC_RP "https%3A%2F%2Frp.example%2Fcb"
#define BASE "response_type=code&client_id=rp&redirect_uri=" ENC_RP
#define ISSUER "http://127.0.0.1:8000"

static struct client confidential, public_client;

/* A client as the store would give it: grants and response types as comma
 * lists, redirect URIs as a space list. */
static void make_client(struct client *c, const char *id, enum client_type type, const char *grants,
                        const char *responses, const char *scope, const char *uris)
{
    memset(c, 0, sizeof *c);
    assert_true(strlen(id) < sizeof c->id);
    memcpy(c->id, id, strlen(id) + 1);
    c->name = strdup("Relying Party");
    c->scope = strdup(scope);
    c->type = type;
    c->auth_method = type == CLIENT_PUBLIC ? AUTH_NONE : AUTH_CLIENT_SECRET_BASIC;
    c->enabled = true;
    assert_int_equal(strlist_split(&c->grant_types, grants, ","), ERR_OK);
    assert_int_equal(strlist_split(&c->response_types, responses, ","), ERR_OK);
    assert_int_equal(strlist_split(&c->redirect_uris, uris, " "), ERR_OK);
}

static int setup(void **state)
{
    (void)state;
    make_client(&confidential, "rp", CLIENT_CONFIDENTIAL, "authorization_code,refresh_token",
                "code", "openid profile email offline_access",
                RP " https://rp.example/cb2?tenant=a http://127.0.0.1/native "
                   "http://[::1]:8080/v6 http://localhost/cb com.example.app:/cb");
    make_client(&public_client, "spa", CLIENT_PUBLIC, "authorization_code", "code",
                "openid profile", "https://spa.example/cb");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    client_clear(&confidential);
    client_clear(&public_client);
    return 0;
}

/* Parses the query q against c into *r (cleared by the caller) and *e. */
static enum err parse(const char *q, const struct client *c, struct authorize_request *r,
                      struct authorize_error *e)
{
    struct params p;
    enum err rc;

    assert_int_equal(form_parse(q, strlen(q), &p), ERR_OK);
    rc = authorize_request_parse(&p, c, r, e);
    params_free(&p);
    return rc;
}

static void parses_a_full_request(void **state)
{
    struct authorize_request r;
    struct authorize_error e;

    (void)state;
    assert_int_equal(parse(BASE "&scope=openid+email+admin+profile&state=s%20t&nonce=n-0S6"
                                "&prompt=login%20consent&max_age=3600&login_hint=ann%40x"
                                "&id_token_hint=a.b.c&ui_locales=nb+en&code_challenge=" CHALLENGE
                                "&code_challenge_method=S256&response_mode=form_post&display=page",
                           &confidential, &r, &e),
                     ERR_OK);
    assert_string_equal(r.response_type, "code");
    assert_string_equal(r.client_id, "rp");
    assert_string_equal(r.redirect_uri, RP);
    assert_string_equal(r.scope, "openid email profile");
    assert_true(r.openid);
    assert_string_equal(r.state, "s t");
    assert_string_equal(r.nonce, "n-0S6");
    assert_int_equal(r.prompt, PROMPT_LOGIN | PROMPT_CONSENT);
    assert_int_equal(r.max_age, 3600);
    assert_string_equal(r.login_hint, "ann@x");
    assert_string_equal(r.id_token_hint, "a.b.c");
    assert_string_equal(r.ui_locales, "nb en");
    assert_string_equal(r.code_challenge, CHALLENGE);
    assert_int_equal(r.code_challenge_method, PKCE_METHOD_S256);
    assert_int_equal(r.response_mode, RESPONSE_MODE_FORM_POST);
    authorize_request_clear(&r);
}

static void minimal_request_is_plain_oauth(void **state)
{
    struct authorize_request r;
    struct authorize_error e;

    (void)state;
    assert_int_equal(parse(BASE, &confidential, &r, &e), ERR_OK);
    assert_string_equal(r.scope, "");
    assert_false(r.openid);
    assert_null(r.state);
    assert_null(r.nonce);
    assert_int_equal(r.prompt, 0);
    assert_int_equal(r.max_age, -1);
    assert_null(r.code_challenge);
    assert_int_equal(r.code_challenge_method, PKCE_METHOD_NONE);
    assert_int_equal(r.response_mode, RESPONSE_MODE_QUERY);
    authorize_request_clear(&r);
    /* scopes the client does not hold are dropped, openid among them */
    assert_int_equal(parse(BASE "&scope=admin+profile+profile", &confidential, &r, &e), ERR_OK);
    assert_string_equal(r.scope, "profile");
    assert_false(r.openid);
    authorize_request_clear(&r);
}

/* q against c fails with code, fatally or not; for a redirected error the
 * request keeps redirect_uri and the state "xyz" when keeps_state. */
static void expect(const char *q, const struct client *c, enum err code, bool fatal,
                   bool keeps_state)
{
    struct authorize_request r;
    struct authorize_error e;
    enum err rc = parse(q, c, &r, &e);

    if (rc != code || e.code != code || e.fatal != fatal)
        fail_msg("%s: got %s (fatal %d), want %s", q, err_code(rc), e.fatal, err_code(code));
    assert_non_null(e.description);
    /* RFC 6749 §4.1.2.1: %x20-21 / %x23-5B / %x5D-7E */
    for (const char *d = e.description; *d; d++)
        if (*d < 0x20 || *d > 0x7e || *d == '"' || *d == '\\')
            fail_msg("bad byte in description %s", e.description);
    if (!fatal) {
        assert_non_null(r.redirect_uri);
        if (keeps_state)
            assert_string_equal(r.state, "xyz");
        else
            assert_null(r.state);
    }
    authorize_request_clear(&r);
}

static void client_and_redirect_errors_are_fatal(void **state)
{
    struct client disabled;

    (void)state;
    expect("response_type=code&redirect_uri=" ENC_RP, &confidential, ERR_INVALID_REQUEST, true,
           false);
    expect(BASE "&client_id=rp", &confidential, ERR_INVALID_REQUEST, true, false);
    expect(BASE, NULL, ERR_INVALID_CLIENT, true, false);
    expect(BASE, &public_client, ERR_INVALID_CLIENT, true, false);
    expect("response_type=code&client_id=rp", &confidential, ERR_INVALID_REQUEST, true, false);
    expect(BASE "&redirect_uri=" ENC_RP, &confidential, ERR_INVALID_REQUEST, true, false);
    expect("client_id=rp&redirect_uri=https://rp.example/cb/", &confidential, ERR_INVALID_REQUEST,
           true, false);
    expect("client_id=rp&redirect_uri=https://rp.example/c", &confidential, ERR_INVALID_REQUEST,
           true, false);
    expect("client_id=rp&redirect_uri=https://RP.example/cb", &confidential, ERR_INVALID_REQUEST,
           true, false);
    expect("client_id=rp&redirect_uri=https://rp.example/cb%3Fx=1", &confidential,
           ERR_INVALID_REQUEST, true, false);
    expect("client_id=rp&redirect_uri=https://rp.example/cb%23x", &confidential,
           ERR_INVALID_REQUEST, true, false);
    expect("client_id=rp&redirect_uri=https://rp.example/cb2", &confidential, ERR_INVALID_REQUEST,
           true, false);
    /* even a bad response_type is not redirected to an unregistered URI */
    expect("response_type=token&client_id=rp&redirect_uri=https://evil.example/cb&state=xyz",
           &confidential, ERR_INVALID_REQUEST, true, false);
    make_client(&disabled, "rp", CLIENT_CONFIDENTIAL, "authorization_code", "code", "openid", RP);
    disabled.enabled = false;
    expect(BASE, &disabled, ERR_INVALID_CLIENT, true, false);
    client_clear(&disabled);
}

static void loopback_port_is_the_only_exception(void **state)
{
    static const char *const good[] = {
        "http://127.0.0.1/native",   "http://127.0.0.1:51004/native",
        "http://127.0.0.1:1/native", "http://[::1]:8080/v6",
        "http://[::1]/v6",           "http://[::1]:65535/v6",
    };
    static const char *const bad[] = {
        "http://127.0.0.1:0/native",
        "http://127.0.0.1:65536/native",
        "http://127.0.0.1:51004/native/",
        "http://127.0.0.1:51004/native?x",
        "https://127.0.0.1:51004/native",
        "http://127.0.0.2:51004/native",
        "http://[::1]:5/v6/x",
        "http://[0::1]:5/v6",
        "http://localhost:5/cb",
        "http://127.0.0.1:5x/native",
        "http://127.0.0.1:51004/native#f",
        "http://u@127.0.0.1:5/native",
        "https://rp.example:443/cb",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof good / sizeof good[0]; i++)
        if (!authorize_redirect_uri_matches(
                i < 3 ? "http://127.0.0.1/native" : "http://[::1]:8080/v6", good[i]))
            fail_msg("refused %s", good[i]);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t j;
        for (j = 0; j < confidential.redirect_uris.n; j++)
            if (authorize_redirect_uri_matches(confidential.redirect_uris.items[j], bad[i]))
                fail_msg("%s matched %s", bad[i], confidential.redirect_uris.items[j]);
    }
    assert_true(authorize_redirect_uri_matches("com.example.app:/cb", "com.example.app:/cb"));
}

static void other_errors_go_to_the_client(void **state)
{
    (void)state;
#define R(q, code) expect(BASE "&state=xyz&" q, &confidential, code, false, true)
    R("nonce=a&nonce=b", ERR_INVALID_REQUEST);
    R("scope=openid&scope=email", ERR_INVALID_REQUEST);
    R("code_challenge=" CHALLENGE "&code_challenge=" CHALLENGE, ERR_INVALID_REQUEST);
    R("response_type=code", ERR_INVALID_REQUEST);
    R("request=eyJ.e30.", ERR_REQUEST_NOT_SUPPORTED);
    R("request_uri=https%3A%2F%2Frp%2Fr", ERR_REQUEST_URI_NOT_SUPPORTED);
    R("scope=op%22enid", ERR_INVALID_SCOPE);
    R("response_mode=jwt", ERR_INVALID_REQUEST);
    R("response_mode=query&response_mode=query", ERR_INVALID_REQUEST);
    R("prompt=none+login", ERR_INVALID_REQUEST);
    R("prompt=consent+none", ERR_INVALID_REQUEST);
    R("prompt=maybe", ERR_INVALID_REQUEST);
    R("prompt=loginx", ERR_INVALID_REQUEST);
    R("max_age=-1", ERR_INVALID_REQUEST);
    R("max_age=1h", ERR_INVALID_REQUEST);
    R("max_age=12345678901", ERR_INVALID_REQUEST);
    R("code_challenge_method=S256", ERR_INVALID_REQUEST);
    R("code_challenge=short&code_challenge_method=S256", ERR_INVALID_REQUEST);
    R("code_challenge=" CHALLENGE "%2B&code_challenge_method=S256", ERR_INVALID_REQUEST);
    R("code_challenge=" CHALLENGE "&code_challenge_method=s256", ERR_INVALID_REQUEST);
#undef R
    expect("client_id=rp&redirect_uri=" ENC_RP "&state=xyz", &confidential, ERR_INVALID_REQUEST,
           false, true);
    expect("response_type=token&client_id=rp&redirect_uri=" ENC_RP "&state=xyz", &confidential,
           ERR_UNSUPPORTED_RESPONSE_TYPE, false, true);
    expect("response_type=code+id_token&client_id=rp&redirect_uri=" ENC_RP "&state=xyz",
           &confidential, ERR_UNAUTHORIZED_CLIENT, false, true);
    expect("response_type=code+code&client_id=rp&redirect_uri=" ENC_RP "&state=xyz", &confidential,
           ERR_UNSUPPORTED_RESPONSE_TYPE, false, true);
    /* a repeated or oversized state cannot be sent back */
    expect(BASE "&state=xyz&state=xyz", &confidential, ERR_INVALID_REQUEST, false, false);
}

static void caps_are_enforced(void **state)
{
    static const struct {
        const char *name;
        size_t cap;
    } caps[] = {
        {"state", LIMIT_STATE},
        {"nonce", LIMIT_NONCE},
        {"login_hint", LIMIT_LOGIN_HINT},
        {"ui_locales", LIMIT_UI_LOCALES},
        {"id_token_hint", LIMIT_ID_TOKEN_HINT},
        {"code_challenge", LIMIT_CODE_CHALLENGE},
        {"scope", LIMIT_SCOPE},
    };
    char q[LIMIT_ID_TOKEN_HINT + 256];
    struct authorize_request r;
    struct authorize_error e;
    size_t i, n;

    (void)state;
    for (i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        for (n = caps[i].cap; n <= caps[i].cap + 1; n++) {
            int at = snprintf(q, sizeof q, "%s&%s=", BASE, caps[i].name);
            enum err rc;
            memset(q + at, 'a', n);
            q[at + (int)n] = '\0';
            rc = parse(q, &confidential, &r, &e);
            if (n == caps[i].cap && rc != ERR_OK)
                fail_msg("%s of %zu refused: %s", caps[i].name, n, e.description);
            if (n > caps[i].cap && (rc == ERR_OK || e.fatal))
                fail_msg("%s of %zu accepted", caps[i].name, n);
            authorize_request_clear(&r);
        }
    }
}

static void response_type_and_grant_must_be_registered(void **state)
{
    struct client c;

    (void)state;
    make_client(&c, "rp", CLIENT_CONFIDENTIAL, "implicit", "id_token", "openid", RP);
    expect(BASE "&state=xyz", &c, ERR_UNAUTHORIZED_CLIENT, false, true);
    client_clear(&c);
    make_client(&c, "rp", CLIENT_CONFIDENTIAL, "client_credentials", "code", "openid", RP);
    expect(BASE "&state=xyz", &c, ERR_UNAUTHORIZED_CLIENT, false, true);
    client_clear(&c);
}

#define SPA "response_type=code&client_id=spa&redirect_uri=https%3A%2F%2Fspa.example%2Fcb"

static void pkce_rules(void **state)
{
    struct authorize_request r;
    struct authorize_error e;

    (void)state;
    expect(SPA "&state=xyz", &public_client, ERR_INVALID_REQUEST, false, true);
    expect(SPA "&state=xyz&code_challenge=" CHALLENGE, &public_client, ERR_INVALID_REQUEST, false,
           true);
    expect(SPA "&state=xyz&code_challenge=" CHALLENGE "&code_challenge_method=plain",
           &public_client, ERR_INVALID_REQUEST, false, true);
    assert_int_equal(parse(SPA "&code_challenge=" CHALLENGE "&code_challenge_method=S256",
                           &public_client, &r, &e),
                     ERR_OK);
    assert_int_equal(r.code_challenge_method, PKCE_METHOD_S256);
    authorize_request_clear(&r);
    /* a confidential client may use plain, the default method */
    assert_int_equal(parse(BASE "&code_challenge=" CHALLENGE, &confidential, &r, &e), ERR_OK);
    assert_int_equal(r.code_challenge_method, PKCE_METHOD_PLAIN);
    assert_string_equal(r.code_challenge, CHALLENGE);
    authorize_request_clear(&r);
}

static void prompt_values(void **state)
{
    struct authorize_request r;
    struct authorize_error e;

    (void)state;
    assert_int_equal(parse(BASE "&prompt=+select_account++login+login", &confidential, &r, &e),
                     ERR_OK);
    assert_int_equal(r.prompt, PROMPT_SELECT_ACCOUNT | PROMPT_LOGIN);
    authorize_request_clear(&r);
    assert_int_equal(parse(BASE "&prompt=none", &confidential, &r, &e), ERR_OK);
    assert_int_equal(r.prompt, PROMPT_NONE);
    authorize_request_clear(&r);
}

/* Fields of a and b the same. */
static void assert_same(const struct authorize_request *a, const struct authorize_request *b)
{
#define SAME(f)                                                                                    \
    do {                                                                                           \
        if (a->f || b->f) {                                                                        \
            assert_non_null(a->f);                                                                 \
            assert_non_null(b->f);                                                                 \
            assert_string_equal(a->f, b->f);                                                       \
        }                                                                                          \
    } while (0)
    SAME(response_type);
    SAME(redirect_uri);
    SAME(scope);
    SAME(state);
    SAME(nonce);
    SAME(login_hint);
    SAME(id_token_hint);
    SAME(ui_locales);
    SAME(code_challenge);
    SAME(claims_json);
#undef SAME
    assert_string_equal(a->client_id, b->client_id);
    assert_int_equal(a->openid, b->openid);
    assert_int_equal(a->prompt, b->prompt);
    assert_int_equal(a->max_age, b->max_age);
    assert_int_equal(a->code_challenge_method, b->code_challenge_method);
    assert_int_equal(a->response_mode, b->response_mode);
    assert_int_equal(a->resources.n, b->resources.n);
    for (size_t i = 0; i < a->resources.n; i++)
        assert_string_equal(a->resources.items[i], b->resources.items[i]);
}

static void serialise_round_trips(void **state)
{
    static const char *const queries[] = {
        BASE,
        BASE "&scope=openid+profile&state=%E2%82%AC+%26%3D%2B%25&nonce=n&prompt=consent+login"
             "&max_age=0&login_hint=a%40b&id_token_hint=x.y.z&ui_locales=fr-CA+fr"
             "&code_challenge=" CHALLENGE "&code_challenge_method=S256&response_mode=form_post",
        "response_type=code&client_id=rp&redirect_uri=https%3A%2F%2Frp.example%2Fcb2%3Ftenant%3Da"
        "&prompt=none&code_challenge=" CHALLENGE,
        "response_type=code&client_id=rp&redirect_uri=http://127.0.0.1:4242/native&prompt=login",
        BASE "&prompt=select_account+consent",
        BASE "&resource=https%3A%2F%2Fbooks.example.com&state=s&resource=urn:films:api",
        BASE "&response_mode=fragment", /* allowed for code (Multiple Response Types §2.1) */
        BASE "&scope=openid&claims=%7B%22userinfo%22%3A%7B%22email%22%3Anull%7D%2C%22id_token%22"
             "%3A%7B%22name%22%3A%7B%22essential%22%3Atrue%7D%7D%7D&state=%26",
    };
    struct authorize_request a, b;
    struct authorize_error e;
    struct buf s;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        assert_int_equal(parse(queries[i], &confidential, &a, &e), ERR_OK);
        buf_init(&s, LIMIT_TARGET);
        assert_int_equal(authorize_request_serialise(&a, false, &s), ERR_OK);
        assert_int_equal(parse(s.data, &confidential, &b, &e), ERR_OK);
        assert_same(&a, &b);
        authorize_request_clear(&b);
        buf_free(&s);
        /* without login, and nothing else changed */
        buf_init(&s, LIMIT_TARGET);
        assert_int_equal(authorize_request_serialise(&a, true, &s), ERR_OK);
        assert_int_equal(parse(s.data, &confidential, &b, &e), ERR_OK);
        assert_int_equal(b.prompt, a.prompt & ~(unsigned)(PROMPT_LOGIN | PROMPT_SELECT_ACCOUNT));
        b.prompt = a.prompt;
        assert_same(&a, &b);
        authorize_request_clear(&b);
        buf_free(&s);
        authorize_request_clear(&a);
    }
}

/* RFC 8707 §2: repeatable, each an absolute URI without a fragment; a
 * repeat of one id counts once. */
static void resources_are_read(void **state)
{
    static const char *const bad[] = {"books", "https://books.example.com/%23x", "%3Ax",
                                      "https://books.example.com/a%20b"};
    struct authorize_request r;
    struct authorize_error e;
    char q[256];
    size_t i;

    (void)state;
    assert_int_equal(parse(BASE "&resource=https://b.example&resource=&resource=urn:x"
                                "&resource=https://b.example&state=s",
                           &confidential, &r, &e),
                     ERR_OK);
    assert_int_equal(r.resources.n, 2);
    assert_string_equal(r.resources.items[0], "https://b.example");
    assert_string_equal(r.resources.items[1], "urn:x");
    authorize_request_clear(&r);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(q, sizeof q, "%s&state=s&resource=%s", BASE, bad[i]);
        assert_int_equal(parse(q, &confidential, &r, &e), ERR_INVALID_TARGET);
        assert_false(e.fatal);
        assert_string_equal(r.state, "s");
        authorize_request_clear(&r);
    }
}

/* OpenID Connect Core §5.5: read for an OpenID Connect request, capped,
 * its errors sent to the client with state. */
static void claims_parameter_is_read(void **state)
{
    struct authorize_request r;
    struct authorize_error e;
    char q[LIMIT_CLAIMS_PARAM + 256];
    int n;

    (void)state;
    assert_int_equal(
        parse(BASE "&scope=openid&claims={\"userinfo\":{\"email\":null}}", &confidential, &r, &e),
        ERR_OK);
    assert_string_equal(r.claims_json, "{\"userinfo\":{\"email\":null}}");
    assert_int_equal(r.claims.userinfo.n, 1);
    authorize_request_clear(&r);
    /* plain OAuth: ignored, even malformed */
    assert_int_equal(parse(BASE "&claims=nope", &confidential, &r, &e), ERR_OK);
    assert_null(r.claims_json);
    authorize_request_clear(&r);
    assert_int_equal(parse(BASE "&scope=openid&state=s&claims=[]", &confidential, &r, &e),
                     ERR_INVALID_REQUEST);
    assert_false(e.fatal);
    assert_string_equal(r.state, "s");
    authorize_request_clear(&r);
    n = snprintf(q, sizeof q, "%s&scope=openid&state=s&claims={\"x\":\"%0*d\"}", BASE,
                 LIMIT_CLAIMS_PARAM, 0);
    assert_true(n > 0 && (size_t)n < sizeof q);
    assert_int_equal(parse(q, &confidential, &r, &e), ERR_INVALID_REQUEST);
    assert_false(e.fatal);
    authorize_request_clear(&r);
}

static void serialise_is_bounded(void **state)
{
    struct authorize_request a;
    struct authorize_error e;
    struct buf s;

    (void)state;
    assert_int_equal(parse(BASE "&state=abc", &confidential, &a, &e), ERR_OK);
    buf_init(&s, 40);
    assert_int_equal(authorize_request_serialise(&a, false, &s), ERR_TOO_LARGE);
    buf_free(&s);
    authorize_request_clear(&a);
}

static void responses_in_query_mode(void **state)
{
    struct authorize_request r;
    struct authorize_error e;
    struct authorize_response resp;
    char *loc;

    (void)state;
    assert_int_equal(parse("response_type=code&client_id=rp&redirect_uri="
                           "https%3A%2F%2Frp.example%2Fcb2%3Ftenant%3Da&state=a+b%26c",
                           &confidential, &r, &e),
                     ERR_OK);
    authorize_response_success(&resp, &r, &(struct authorize_issued){.code = "C0de_-"}, ISSUER);
    assert_int_equal(authorize_response_location(&r, &resp, &loc), ERR_OK);
    assert_string_equal(loc, "https://rp.example/cb2?tenant=a&code=C0de_-&state=a%20b%26c"
                             "&iss=http%3A%2F%2F127.0.0.1%3A8000");
    free(loc);
    authorize_request_clear(&r);

    assert_int_equal(
        parse(BASE "&prompt=none+login&response_mode=form_post", &confidential, &r, &e),
        ERR_INVALID_REQUEST);
    authorize_response_error(&resp, &r, &e, ISSUER);
    assert_int_equal(resp.n, 3); /* no state */
    assert_string_equal(resp.fields[0].name, "error");
    assert_string_equal(resp.fields[0].value, "invalid_request");
    assert_string_equal(resp.fields[1].name, "error_description");
    assert_string_equal(resp.fields[2].name, "iss");
    assert_string_equal(resp.fields[2].value, ISSUER);
    assert_int_equal(r.response_mode, RESPONSE_MODE_FORM_POST);
    assert_int_equal(authorize_response_location(&r, &resp, &loc), ERR_OK);
    assert_string_equal(loc, RP "?error=invalid_request&error_description=prompt%20none%20must%20"
                                "not%20be%20combined%20with%20another%20value"
                                "&iss=http%3A%2F%2F127.0.0.1%3A8000");
    free(loc);
    authorize_request_clear(&r);
}

#define HYBRID_RP "https://hybrid.example/cb"
#define HYBRID                                                                                     \
    "client_id=hy&redirect_uri=https%3A%2F%2Fhybrid.example%2Fcb&scope=openid+email&state=s"

static void hybrid_client(struct client *c, enum client_type type)
{
    make_client(c, "hy", type, "authorization_code,implicit",
                "code,id_token,id_token token,code id_token,code token,code id_token token",
                "openid email", HYBRID_RP);
}

static void implicit_and_hybrid_types_parse(void **state)
{
    static const struct {
        const char *type;
        const char *stored;
    } types[] = {
        {"id_token", "id_token"},
        {"token+id_token", "id_token token"},
        {"id_token+code", "code id_token"},
        {"token+code", "code token"},
        {"token+id_token+code", "code id_token token"},
    };
    struct authorize_request r, back;
    struct authorize_error e;
    struct client c;
    struct buf b;
    char q[512];
    size_t i;

    (void)state;
    hybrid_client(&c, CLIENT_PUBLIC);
    for (i = 0; i < sizeof types / sizeof types[0]; i++) {
        snprintf(q, sizeof q,
                 "%s&nonce=n&code_challenge=%s&code_challenge_method=S256"
                 "&response_type=%s",
                 HYBRID, CHALLENGE, types[i].type);
        assert_int_equal(parse(q, &c, &r, &e), ERR_OK);
        assert_string_equal(r.response_type, types[i].stored);
        assert_int_equal(r.response_mode, RESPONSE_MODE_FRAGMENT);
        /* what the login page carries reads back to the same request */
        buf_init(&b, LIMIT_TARGET);
        assert_int_equal(authorize_request_serialise(&r, false, &b), ERR_OK);
        assert_int_equal(parse(b.data, &c, &back, &e), ERR_OK);
        assert_string_equal(back.response_type, r.response_type);
        assert_int_equal(back.response_mode, RESPONSE_MODE_FRAGMENT);
        buf_free(&b);
        authorize_request_clear(&back);
        authorize_request_clear(&r);
    }
    /* no code, no PKCE: a public client's implicit request needs none */
    assert_int_equal(parse(HYBRID "&nonce=n&response_type=id_token", &c, &r, &e), ERR_OK);
    assert_null(r.code_challenge);
    authorize_request_clear(&r);
    client_clear(&c);
}

static void implicit_and_hybrid_errors_go_by_fragment(void **state)
{
    struct authorize_request r;
    struct authorize_error e;
    struct client c;

    (void)state;
    hybrid_client(&c, CLIENT_CONFIDENTIAL);
#define F(q, code)                                                                                 \
    do {                                                                                           \
        assert_int_equal(parse(HYBRID "&" q, &c, &r, &e), code);                                   \
        assert_false(e.fatal);                                                                     \
        assert_int_equal(r.response_mode, RESPONSE_MODE_FRAGMENT);                                 \
        assert_string_equal(r.state, "s");                                                         \
        authorize_request_clear(&r);                                                               \
    } while (0)
    F("response_type=id_token", ERR_INVALID_REQUEST);      /* no nonce */
    F("response_type=code+id_token", ERR_INVALID_REQUEST); /* no nonce */
    F("response_type=id_token&nonce=n&response_mode=query", ERR_INVALID_REQUEST);
    F("response_type=code+token&response_mode=query", ERR_INVALID_REQUEST);
    F("response_type=id_token&nonce=n&prompt=never", ERR_INVALID_REQUEST);
    /* unsupported, but naming a token: RFC 6749 §4.2.2.1 */
    F("response_type=token", ERR_UNSUPPORTED_RESPONSE_TYPE);
    F("response_type=id_token+id_token", ERR_UNSUPPORTED_RESPONSE_TYPE);
    F("response_type=device+token", ERR_UNSUPPORTED_RESPONSE_TYPE);
#undef F
    /* code token needs no nonce: it returns no ID token from /authorize */
    assert_int_equal(parse(HYBRID "&response_type=code+token", &c, &r, &e), ERR_OK);
    authorize_request_clear(&r);
    /* id_token without openid */
    assert_int_equal(parse("client_id=hy&redirect_uri=https%3A%2F%2Fhybrid.example%2Fcb"
                           "&scope=email&nonce=n&response_type=id_token",
                           &c, &r, &e),
                     ERR_INVALID_REQUEST);
    authorize_request_clear(&r);
    client_clear(&c);
    /* registered for code alone */
    make_client(&c, "hy", CLIENT_CONFIDENTIAL, "authorization_code,implicit", "code,id_token",
                "openid", HYBRID_RP);
    assert_int_equal(parse(HYBRID "&nonce=n&response_type=id_token+token", &c, &r, &e),
                     ERR_UNAUTHORIZED_CLIENT);
    assert_int_equal(r.response_mode, RESPONSE_MODE_FRAGMENT);
    authorize_request_clear(&r);
    client_clear(&c);
}

static void responses_in_fragment_mode(void **state)
{
    struct authorize_request r;
    struct authorize_error e;
    struct authorize_response resp;
    struct authorize_issued issued = {.code = "C",
                                      .access_token = "AT",
                                      .expires_in = "3600",
                                      .scope = "openid email",
                                      .id_token = "IT"};
    struct client c;
    char *loc;

    (void)state;
    hybrid_client(&c, CLIENT_CONFIDENTIAL);
    assert_int_equal(parse(HYBRID "&nonce=n&response_type=code+id_token+token", &c, &r, &e),
                     ERR_OK);
    authorize_response_success(&resp, &r, &issued, ISSUER);
    assert_int_equal(resp.n, 8);
    assert_int_equal(authorize_response_location(&r, &resp, &loc), ERR_OK);
    assert_string_equal(loc, HYBRID_RP "#code=C&access_token=AT&token_type=Bearer&expires_in=3600"
                                       "&scope=openid%20email&id_token=IT&state=s"
                                       "&iss=http%3A%2F%2F127.0.0.1%3A8000");
    free(loc);
    authorize_request_clear(&r);
    client_clear(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_a_full_request),
        cmocka_unit_test(implicit_and_hybrid_types_parse),
        cmocka_unit_test(implicit_and_hybrid_errors_go_by_fragment),
        cmocka_unit_test(responses_in_fragment_mode),
        cmocka_unit_test(minimal_request_is_plain_oauth),
        cmocka_unit_test(client_and_redirect_errors_are_fatal),
        cmocka_unit_test(loopback_port_is_the_only_exception),
        cmocka_unit_test(other_errors_go_to_the_client),
        cmocka_unit_test(caps_are_enforced),
        cmocka_unit_test(response_type_and_grant_must_be_registered),
        cmocka_unit_test(pkce_rules),
        cmocka_unit_test(prompt_values),
        cmocka_unit_test(serialise_round_trips),
        cmocka_unit_test(resources_are_read),
        cmocka_unit_test(claims_parameter_is_read),
        cmocka_unit_test(serialise_is_bounded),
        cmocka_unit_test(responses_in_query_mode),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
