#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/config.h"
#include "endpoints/page.h"
#include "http/cookie.h"

static struct config cfg;
static struct app app;

static int setup(void **state)
{
    char why[256];

    (void)state;
    memset(&app, 0, sizeof app);
    app.oauth.cfg = &cfg;
    page_cookies_init(&app.cookies, "http://127.0.0.1:8000");
    return ui_open(NULL, &app.ui, why, sizeof why) ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    ui_free(app.ui);
    return 0;
}

static const char *fake_header(void *ctx, const char *name)
{
    return strcmp(name, "Cookie") == 0 ? ctx : NULL;
}

static struct http_request request(const char *cookie, const char *form)
{
    struct http_request req = {.method = HTTP_POST, .header = fake_header};

    req.header_ctx = (void *)cookie;
    assert_int_equal(form_parse(form, strlen(form), &req.form), ERR_OK);
    return req;
}

static void cookie_names_follow_the_issuer(void **state)
{
    struct page_cookies c;

    (void)state;
    page_cookies_init(&c, "https://id.example.com/oidc");
    assert_string_equal(c.session_name, "__Host-oidcd_session");
    assert_string_equal(c.csrf_name, "__Host-oidcd_csrf");
    assert_true(c.secure);
    page_cookies_init(&c, "http://localhost:8000");
    assert_string_equal(c.session_name, "oidcd_session");
    assert_false(c.secure);
    page_cookies_init(&c, "http://[::1]:8000");
    assert_false(c.secure);
    page_cookies_init(&c, "http://id.example.com");
    assert_string_equal(c.csrf_name, "oidcd_csrf");
    assert_true(c.secure);
    /* loopback is an address in 127.0.0.0/8, not a name that starts with 127. */
    page_cookies_init(&c, "http://127.0.0.2:8000");
    assert_false(c.secure);
    page_cookies_init(&c, "http://127.example.com");
    assert_true(c.secure);
    page_cookies_init(&c, "http://127.0.0.1.example.com");
    assert_true(c.secure);
}

/* A Cookie header over its caps: a clear 400 page on every gated route,
 * not a browser that looks signed out and fails every CSRF check. */
static void cookie_bomb_gets_a_page(void **state)
{
    struct route r = {.path = "/login", .flags = ROUTE_HTML};
    struct http_response resp = {0};
    struct http_request req;
    char *bomb = malloc(LIMIT_COOKIE_HEADER + 64);
    size_t i;

    (void)state;
    assert_non_null(bomb);
    for (i = 0; i + 4 < LIMIT_COOKIE_HEADER + 32; i += 4)
        memcpy(bomb + i, "a=b;", 4);
    bomb[i] = '\0';
    req = request(bomb, "");
    req.method = HTTP_GET;
    assert_false(page_gate(&app, &r, &req, &resp));
    assert_int_equal(resp.status, 400);
    assert_non_null(strstr(resp.body, "Too many cookies"));
    http_response_clear(&resp);
    params_free(&req.form);
    req = request("a=b; oidcd_session=x", "");
    req.method = HTTP_GET;
    assert_true(page_gate(&app, &r, &req, &resp));
    params_free(&req.form);
    free(bomb);
}

static void session_cookie(void **state)
{
    static const char tok[] = "0123456789abcdefghijABCDEFGHIJ-_0123456789a";
    char cookie[128], got[SESSION_TOKEN_SIZE];
    struct http_request req;
    struct http_response resp = {0};

    (void)state;
    assert_int_equal(sizeof tok - 1, SESSION_TOKEN_LEN);
    snprintf(cookie, sizeof cookie, "x=1; oidcd_session=%s", tok);
    req = request(cookie, "");
    assert_int_equal(page_session_get(&app, &req, got), ERR_OK);
    assert_string_equal(got, tok);
    assert_int_equal(page_session_set(&app, &resp, "new", 86400), ERR_OK);
    assert_int_equal(page_session_clear(&app, &resp), ERR_OK);
    assert_string_equal(resp.headers[0].value,
                        "oidcd_session=new; Max-Age=86400; Path=/; HttpOnly; SameSite=Lax");
    assert_string_equal(resp.headers[1].value,
                        "oidcd_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax");
    params_free(&req.form);
    http_response_clear(&resp);
    /* empty, or a length no token has: none */
    req = request("oidcd_session=", "");
    assert_int_equal(page_session_get(&app, &req, got), ERR_NOT_FOUND);
    params_free(&req.form);
    req = request("oidcd_session=abc", "");
    assert_int_equal(page_session_get(&app, &req, got), ERR_NOT_FOUND);
    params_free(&req.form);
}

static void csrf_token_issued_once(void **state)
{
    struct http_request req = request("", "");
    struct http_response resp = {0};
    char tok[PAGE_CSRF_SIZE], cookie[128];

    (void)state;
    assert_int_equal(page_csrf_token(&app, &req, &resp, tok), ERR_OK);
    assert_int_equal(strlen(tok), PAGE_CSRF_SIZE - 1);
    assert_int_equal(resp.nheaders, 1);
    assert_non_null(strstr(resp.headers[0].value, "oidcd_csrf="));
    assert_non_null(strstr(resp.headers[0].value, tok));
    http_response_clear(&resp);
    params_free(&req.form);
    /* a cookie already there is reused, and nothing is set */
    snprintf(cookie, sizeof cookie, "oidcd_csrf=%s", tok);
    req = request(cookie, "");
    memset(tok, 0, sizeof tok);
    assert_int_equal(page_csrf_token(&app, &req, &resp, tok), ERR_OK);
    assert_string_equal(tok, cookie + strlen("oidcd_csrf="));
    assert_int_equal(resp.nheaders, 0);
    params_free(&req.form);
}

static void csrf_gate(void **state)
{
    const char *tok = "0123456789abcdefghijABCDEFGHIJ0123456789abc";
    const struct route r = {.path = "/login", .flags = ROUTE_CSRF | ROUTE_HTML};
    struct http_response resp = {0};
    struct http_request req;
    char cookie[128], form[128];

    (void)state;
    snprintf(cookie, sizeof cookie, "oidcd_csrf=%s", tok);
    snprintf(form, sizeof form, "csrf_token=%s&x=1", tok);
    req = request(cookie, form);
    assert_true(page_csrf_ok(&app, &req));
    assert_true(page_gate(&app, &r, &req, &resp));
    params_free(&req.form);
    /* wrong, missing field, missing cookie, short cookie */
    form[12] = form[12] == 'A' ? 'B' : 'A';
    req = request(cookie, form);
    assert_false(page_csrf_ok(&app, &req));
    assert_false(page_gate(&app, &r, &req, &resp));
    assert_int_equal(resp.status, 403);
    assert_string_equal(resp.content_type, "text/html; charset=utf-8");
    assert_non_null(strstr(resp.body, "This form has expired"));
    http_response_clear(&resp);
    params_free(&req.form);
    req = request(cookie, "x=1");
    assert_false(page_csrf_ok(&app, &req));
    params_free(&req.form);
    snprintf(form, sizeof form, "csrf_token=%s", tok);
    req = request("", form);
    assert_false(page_csrf_ok(&app, &req));
    params_free(&req.form);
    req = request("oidcd_csrf=", "csrf_token=");
    assert_false(page_csrf_ok(&app, &req));
    /* a GET, or a route without the flag, passes */
    req.method = HTTP_GET;
    assert_true(page_gate(&app, &r, &req, &resp));
    params_free(&req.form);
}

static void renders_pages(void **state)
{
    struct http_response resp = {0};
    struct ui_login_view v = {.client_name = "Books", .error = "Incorrect username or password."};

    (void)state;
    cfg.issuer_path[0] = '\0';
    page_render(&app, &resp, 200, UI_LOGIN, &v);
    assert_int_equal(resp.status, 200);
    assert_int_equal(strlen(resp.body), resp.body_len);
    assert_non_null(strstr(resp.body, "Incorrect username or password."));
    assert_non_null(strstr(resp.body, "autocomplete=\"current-password\""));
    assert_non_null(strstr(resp.body, "href=\"/static/oidcd.css\""));
    http_response_clear(&resp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cookie_names_follow_the_issuer), cmocka_unit_test(session_cookie),
        cmocka_unit_test(csrf_token_issued_once),         cmocka_unit_test(csrf_gate),
        cmocka_unit_test(cookie_bomb_gets_a_page),        cmocka_unit_test(renders_pages),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
