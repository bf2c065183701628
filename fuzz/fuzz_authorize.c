/* libFuzzer target: the authorization request (oauth/authorize_request.c)
 * and core/url.c under it. The first byte picks the client (even: a
 * confidential one, odd: a public one); the rest is the query string.
 * Checked against rules written apart from the code under test:
 * - a request that parses holds a response type the client registered, a
 *   registered redirect URI (or its loopback twin), only scopes the client
 *   holds, prompt none alone, capped strings, openid and a nonce with
 *   id_token, PKCE S256 for the public client's code and no PKCE without a
 *   code, a claims parameter only with openid and within its cap; written out with authorize_request_serialise it parses back to
 *   the same request, and without login when asked; its success Location
 *   starts with the redirect URI and has a fragment exactly in fragment
 *   mode (which code alone may ask for), and query mode never carries a token;
 * - an error names its code and a description of RFC 6749 §4.1.2.1
 *   characters; a redirected one has a registered redirect URI to go to;
 * - url_encode of the whole input decodes back with form_decode; url_parse
 *   of it gives spans inside it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/form.h"
#include "core/url.h"
#include "oauth/authorize_request.h"
#include "oauth/client_rules.h"
#include "oauth/scope.h"

#define CHECK(x)                                                                                   \
    do {                                                                                           \
        if (!(x))                                                                                  \
            abort();                                                                               \
    } while (0)

static const char *const uris[] = {
    "https://rp.example/cb",   "https://rp.example/cb2?tenant=a",
    "http://127.0.0.1/native", "http://[::1]:8080/v6",
    "com.example.app:/cb",
};

static void make_client(struct client *c, bool public)
{
    size_t i;

    memset(c, 0, sizeof *c);
    memcpy(c->id, "rp", 3);
    c->scope = strdup("openid profile email offline_access");
    c->type = public ? CLIENT_PUBLIC : CLIENT_CONFIDENTIAL;
    c->enabled = true;
    CHECK(c->scope);
    CHECK(!strlist_add(&c->grant_types, "authorization_code", 18));
    CHECK(!strlist_add(&c->grant_types, "implicit", 8));
    for (i = 1; i < 8; i++)
        if (client_response_type_name((int)i))
            CHECK(!strlist_add(&c->response_types, client_response_type_name((int)i),
                               strlen(client_response_type_name((int)i))));
    for (i = 0; i < sizeof uris / sizeof uris[0]; i++)
        CHECK(!strlist_add(&c->redirect_uris, uris[i], strlen(uris[i])));
}

/* client_clear lives in store.c, which would pull in every backend. */
static void free_client(struct client *c)
{
    free(c->scope);
    strlist_free(&c->grant_types);
    strlist_free(&c->response_types);
    strlist_free(&c->redirect_uris);
}

static bool registered(const struct client *c, const char *uri)
{
    size_t i;

    for (i = 0; i < c->redirect_uris.n; i++)
        if (authorize_redirect_uri_matches(c->redirect_uris.items[i], uri))
            return true;
    return false;
}

static bool same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool same(const struct authorize_request *a, const struct authorize_request *b)
{
    return same_text(a->response_type, b->response_type) &&
           a->response_words == b->response_words && strcmp(a->client_id, b->client_id) == 0 &&
           same_text(a->redirect_uri, b->redirect_uri) && same_text(a->scope, b->scope) &&
           same_text(a->state, b->state) && same_text(a->nonce, b->nonce) &&
           same_text(a->login_hint, b->login_hint) &&
           same_text(a->id_token_hint, b->id_token_hint) &&
           same_text(a->ui_locales, b->ui_locales) &&
           same_text(a->code_challenge, b->code_challenge) &&
           same_text(a->claims_json, b->claims_json) && a->openid == b->openid &&
           a->prompt == b->prompt && a->max_age == b->max_age &&
           a->code_challenge_method == b->code_challenge_method &&
           a->response_mode == b->response_mode;
}

static bool capped(const char *s, size_t cap)
{
    return !s || strlen(s) <= cap;
}

static void check_valid(const struct authorize_request *r, const struct client *c)
{
    struct strlist held = {0}, got = {0};
    size_t i;

    CHECK(strlist_contains(&c->response_types, r->response_type) &&
          strcmp(r->client_id, "rp") == 0);
    CHECK(strcmp(client_response_type_name(r->response_words), r->response_type) == 0);
    if (r->response_words & RT_ID_TOKEN)
        CHECK(r->openid && r->nonce);
    if (r->response_words != RT_CODE)
        CHECK(r->response_mode != RESPONSE_MODE_QUERY);
    CHECK(registered(c, r->redirect_uri) && !strchr(r->redirect_uri, '#'));
    CHECK(!scope_parse(r->scope, &got) && !scope_parse(c->scope, &held));
    for (i = 0; i < got.n; i++)
        CHECK(strlist_contains(&held, got.items[i]));
    CHECK(r->openid == strlist_contains(&got, "openid"));
    strlist_free(&held);
    strlist_free(&got);
    CHECK(!(r->prompt & PROMPT_NONE) || r->prompt == PROMPT_NONE);
    CHECK(r->max_age >= -1);
    CHECK(capped(r->state, LIMIT_STATE) && capped(r->nonce, LIMIT_NONCE) &&
          capped(r->login_hint, LIMIT_LOGIN_HINT) && capped(r->ui_locales, LIMIT_UI_LOCALES) &&
          capped(r->id_token_hint, LIMIT_ID_TOKEN_HINT));
    CHECK((r->code_challenge == NULL) == (r->code_challenge_method == PKCE_METHOD_NONE));
    CHECK(!r->claims_json || (r->openid && strlen(r->claims_json) <= LIMIT_CLAIMS_PARAM));
    if (r->code_challenge)
        CHECK(strlen(r->code_challenge) >= 43 && strlen(r->code_challenge) <= 128);
    if (!(r->response_words & RT_CODE))
        CHECK(!r->code_challenge);
    else if (c->type == CLIENT_PUBLIC)
        CHECK(r->code_challenge_method == PKCE_METHOD_S256);
}

/* r written out (without login when drop_login) parses back to r. */
static void check_round_trip(const struct authorize_request *r, const struct client *c,
                             bool drop_login)
{
    struct authorize_request back;
    struct authorize_error e;
    struct params p;
    struct buf b;

    buf_init(&b, 1 << 20);
    CHECK(!authorize_request_serialise(r, drop_login, &b));
    CHECK(!form_parse(b.data ? b.data : "", b.len, &p));
    CHECK(!authorize_request_parse(&p, c, &back, &e));
    if (drop_login) {
        CHECK(back.prompt == (r->prompt & ~(unsigned)PROMPT_LOGIN));
        back.prompt = r->prompt;
    }
    CHECK(same(r, &back));
    authorize_request_clear(&back);
    params_free(&p);
    buf_free(&b);
}

static void check_location(const struct authorize_request *r, const struct authorize_response *resp)
{
    struct url_parts parts;
    char *loc = NULL;

    CHECK(!authorize_response_location(r, resp, &loc));
    CHECK(strncmp(loc, r->redirect_uri, strlen(r->redirect_uri)) == 0);
    CHECK(!url_parse(loc, strlen(loc), &parts));
    CHECK((strchr(loc, '#') != NULL) == (r->response_mode == RESPONSE_MODE_FRAGMENT));
    free(loc);
}

static void check_error(enum err rc, const struct authorize_request *r,
                        const struct authorize_error *e, const struct client *c)
{
    struct authorize_response resp;
    const char *d;

    CHECK(e->code == rc && e->description);
    for (d = e->description; *d; d++)
        CHECK(*d >= 0x20 && *d <= 0x7e && *d != '"' && *d != '\\');
    if (e->fatal)
        return;
    CHECK(r->redirect_uri && registered(c, r->redirect_uri));
    CHECK(capped(r->state, LIMIT_STATE));
    authorize_response_error(&resp, r, e, "http://127.0.0.1:8000");
    check_location(r, &resp);
}

static void check_url(const char *s, size_t n)
{
    struct url_parts parts;
    char *out;
    size_t i, len;
    struct buf b;
    bool control = false;

    for (i = 0; i < n; i++)
        control |= (unsigned char)s[i] < 0x20 || s[i] == 0x7f;
    buf_init(&b, 3 * n + 1);
    CHECK(!url_encode(&b, s, n));
    out = malloc(b.len + 1);
    CHECK(out);
    CHECK(form_decode(b.data ? b.data : "", b.len, out, &len) ==
          (control ? ERR_INVALID_REQUEST : ERR_OK));
    CHECK(control || (len == n && memcmp(out, s, n) == 0));
    free(out);
    buf_free(&b);
    if (url_parse(s, n, &parts) == ERR_OK) {
        const struct url_span *all[] = {&parts.scheme, &parts.userinfo, &parts.host,    &parts.port,
                                        &parts.path,   &parts.query,    &parts.fragment};
        for (i = 0; i < sizeof all / sizeof all[0]; i++)
            CHECK(!all[i]->p || (all[i]->p >= s && all[i]->p + all[i]->n <= s + n));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct authorize_request r;
    struct authorize_error e;
    struct authorize_response resp;
    /* what grant_implicit_issue would give for the response type */
    struct authorize_issued issued = {0};
    struct client c;
    struct params p;
    enum err rc;

    if (size == 0 || size > LIMIT_TARGET)
        return 0;
    check_url((const char *)data + 1, size - 1);
    if (form_parse((const char *)data + 1, size - 1, &p))
        return 0;
    make_client(&c, data[0] & 1);
    rc = authorize_request_parse(&p, &c, &r, &e);
    if (rc == ERR_OK) {
        check_valid(&r, &c);
        issued.code = r.response_words & RT_CODE ? "code" : NULL;
        issued.access_token = r.response_words & RT_TOKEN ? "at" : NULL;
        issued.expires_in = "3600";
        issued.scope = r.scope;
        issued.id_token = r.response_words & RT_ID_TOKEN ? "it" : NULL;
        check_round_trip(&r, &c, false);
        check_round_trip(&r, &c, true);
        authorize_response_success(&resp, &r, &issued, "http://127.0.0.1:8000");
        check_location(&r, &resp);
    } else {
        check_error(rc, &r, &e, &c);
    }
    authorize_request_clear(&r);
    params_free(&p);
    free_client(&c);
    return 0;
}
