#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ui/qr_svg.h"
#include "ui/render.h"

/* Renders text as page from view; returns the output (caller frees) or NULL
 * with the parse error in why. */
static char *render(enum ui_page page, const char *text, const void *view, char *why, size_t n)
{
    struct ui_template *t = NULL;
    struct buf b;

    why[0] = '\0';
    if (ui_template_parse(page, "t.html", text, strlen(text), &t, why, n))
        return NULL;
    buf_init(&b, 1 << 20);
    assert_int_equal(ui_template_render(t, "/b", view, &b), ERR_OK);
    buf_append(&b, "", 0);
    ui_template_free(t);
    return buf_take(&b);
}

static void fills_and_escapes(void **state)
{
    struct ui_login_view v = {.client_name = "<b>\"Evil\" & 'co'`=</b>", .next = "a=1&b=2"};
    char why[256], *out;

    (void)state;
    out = render(UI_LOGIN, "<p title=\"{{client_name}}\">{{next}}</p>", &v, why, sizeof why);
    assert_non_null(out);
    assert_string_equal(out, "<p title=\"&lt;b&gt;&quot;Evil&quot; &amp; &#39;co&#39;&#96;&#61;"
                             "&lt;/b&gt;\">a&#61;1&amp;b&#61;2</p>");
    free(out);
    v.client_name = "a\x01\x7f"
                    "b\tc";
    out = render(UI_LOGIN, "{{client_name}}{{username}}", &v, why, sizeof why);
    assert_string_equal(out, "a\xef\xbf\xbd\xef\xbf\xbd"
                             "b\tc");
    free(out);
}

static void conditional_section(void **state)
{
    struct ui_login_view v = {.error = NULL};
    const char *t = "[{{#error}}<p>{{error}}</p>{{/error}}]";
    char why[256], *out;

    (void)state;
    out = render(UI_LOGIN, t, &v, why, sizeof why);
    assert_string_equal(out, "[]");
    free(out);
    v.error = "";
    out = render(UI_LOGIN, t, &v, why, sizeof why);
    assert_string_equal(out, "[]");
    free(out);
    v.error = "Incorrect <x>";
    out = render(UI_LOGIN, t, &v, why, sizeof why);
    assert_string_equal(out, "[<p>Incorrect &lt;x&gt;</p>]");
    free(out);
}

static void list_section(void **state)
{
    const struct ui_scope_item scopes[] = {{"openid", NULL}, {"email", "Your <email>"}};
    struct ui_consent_view v = {.client_name = "App", .scopes = scopes, .nscopes = 2};
    char why[256], *out;

    (void)state;
    out = render(UI_CONSENT,
                 "{{client_name}}:{{#scopes}}({{name}}{{#description}}={{description}}"
                 "{{/description}}){{/scopes}}",
                 &v, why, sizeof why);
    assert_string_equal(out, "App:(openid)(email=Your &lt;email&gt;)");
    free(out);
    v.nscopes = 0;
    out = render(UI_CONSENT, "[{{#scopes}}x{{/scopes}}]", &v, why, sizeof why);
    assert_string_equal(out, "[]");
    free(out);
    /* {{base}} is known on every page and inside lists */
    v.nscopes = 1;
    out =
        render(UI_CONSENT, "{{base}}{{#scopes}}{{base}}/{{name}}{{/scopes}}", &v, why, sizeof why);
    assert_string_equal(out, "/b/b/openid");
    free(out);
}

static void errors_name_file_and_line(void **state)
{
    char why[256];

    (void)state;
    assert_null(render(UI_LOGIN, "a\nb\n{{nope}}", NULL, why, sizeof why));
    assert_string_equal(why, "t.html:3: unknown slot {{nope}}");
    assert_null(render(UI_LOGIN, "a\n{{error\n}}", NULL, why, sizeof why));
    assert_non_null(strstr(why, "t.html:2: unclosed slot"));
    assert_null(render(UI_LOGIN, "x\n{{#error}}\n", NULL, why, sizeof why));
    assert_string_equal(why, "t.html:2: section never closed: {{error}}");
    assert_null(render(UI_LOGIN, "{{/error}}", NULL, why, sizeof why));
    assert_non_null(strstr(why, "not open"));
    assert_null(render(UI_LOGIN, "{{#error}}{{/next}}", NULL, why, sizeof why));
    assert_non_null(strstr(why, "does not match"));
    assert_null(render(UI_LOGIN, "{{ error }}", NULL, why, sizeof why));
    assert_non_null(strstr(why, "t.html:1:"));
    /* inside a list only the item's slots are known */
    assert_null(render(UI_CONSENT, "{{#scopes}}{{client_name}}{{/scopes}}", NULL, why, sizeof why));
    assert_string_equal(why, "t.html:1: unknown slot {{client_name}}");
    assert_null(render(UI_CONSENT, "{{scopes}}", NULL, why, sizeof why));
    /* a slot of another page is unknown here */
    assert_null(render(UI_ERROR, "{{csrf_token}}", NULL, why, sizeof why));
}

static void built_in_pages_parse_and_render(void **state)
{
    struct ui *ui = NULL;
    struct ui_form_post_view fp = {.action = "https://rp.example/cb"};
    const struct ui_field fields[] = {{"code", "c\"ode"}, {"state", "s<"}};
    char why[256] = "", *out;
    size_t len;

    (void)state;
    assert_int_equal(ui_open(NULL, &ui, why, sizeof why), ERR_OK);
    fp.fields = fields;
    fp.nfields = 2;
    assert_int_equal(ui_render(ui, UI_FORM_POST, "/oidc", &fp, &out, &len), ERR_OK);
    assert_int_equal(strlen(out), len);
    assert_non_null(strstr(out, "<html lang=\"en\">"));
    assert_non_null(strstr(out, "action=\"https://rp.example/cb\""));
    assert_non_null(strstr(out, "name=\"code\" value=\"c&quot;ode\""));
    assert_non_null(strstr(out, "src=\"/oidc/static/form_post.js\""));
    assert_null(strstr(out, "<script>"));
    free(out);
    ui_free(ui);
}

/* The passkey forms: only with a challenge, their options as data
 * attributes, the one script from the static route. */
static void passkey_forms(void **state)
{
    struct ui *ui = NULL;
    struct ui_login_view login = {.csrf_token = "c", .next = "n"};
    struct ui_account_view account = {.username = "alice", .csrf_token = "c"};
    const struct ui_passkey_item items[] = {
        {"Laptop<", "then", "never used yet", "yes", "AAEC", "c"}};
    char why[256] = "", *out;
    size_t len;

    (void)state;
    assert_int_equal(ui_open(NULL, &ui, why, sizeof why), ERR_OK);
    assert_int_equal(ui_render(ui, UI_LOGIN, "/oidc", &login, &out, &len), ERR_OK);
    assert_null(strstr(out, "data-passkey"));
    assert_null(strstr(out, "passkey.js"));
    free(out);
    login.passkey = (struct ui_passkey){.challenge = "ch",
                                        .rp_id = "example.com",
                                        .timeout_ms = "300000",
                                        .user_verification = "required",
                                        .credentials = ""};
    assert_int_equal(ui_render(ui, UI_LOGIN, "/oidc", &login, &out, &len), ERR_OK);
    assert_non_null(strstr(out, "action=\"/oidc/login/passkey\" class=\"passkey\" "
                                "data-passkey=\"get\" data-challenge=\"ch\" "
                                "data-rp-id=\"example.com\" data-timeout-ms=\"300000\" "
                                "data-user-verification=\"required\" data-allow=\"\""));
    assert_non_null(strstr(out, "name=\"challenge\" value=\"ch\""));
    assert_non_null(strstr(out, "<script src=\"/oidc/static/passkey.js\"></script>"));
    free(out);
    /* the account page: no section where passkeys are off */
    assert_int_equal(ui_render(ui, UI_ACCOUNT, "", &account, &out, &len), ERR_OK);
    assert_null(strstr(out, "Passkeys"));
    free(out);
    account.passkeys = items;
    account.npasskeys = 1;
    account.passkey = (struct ui_passkey){.challenge = "ch",
                                          .rp_id = "example.com",
                                          .user_id = "dXNlcg",
                                          .algs = "-7 -8 -257",
                                          .credentials = "AAEC"};
    assert_int_equal(ui_render(ui, UI_ACCOUNT, "", &account, &out, &len), ERR_OK);
    assert_non_null(strstr(out, "data-passkey=\"create\""));
    assert_non_null(strstr(out, "data-exclude=\"AAEC\" data-algs=\"-7 -8 -257\""));
    assert_non_null(strstr(out, "<strong>Laptop&lt;</strong>"));
    assert_non_null(strstr(out, "name=\"credential_id\" value=\"AAEC\""));
    assert_null(strstr(out, "<script>"));
    free(out);
    ui_free(ui);
}

static void operator_dir_overrides_one_template(void **state)
{
    char dir[] = "/tmp/oidcd-ui-XXXXXX", path[256], why[256] = "", *out;
    struct ui_error_view ev = {.title = "T", .message = "M"};
    struct ui_logged_out_view lo = {0};
    struct ui *ui = NULL;
    size_t len;
    FILE *f;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/error.html", dir);
    f = fopen(path, "w");
    fputs("custom {{title}}/{{message}}", f);
    fclose(f);
    assert_int_equal(ui_open(dir, &ui, why, sizeof why), ERR_OK);
    assert_int_equal(ui_render(ui, UI_ERROR, "", &ev, &out, &len), ERR_OK);
    assert_string_equal(out, "custom T/M");
    free(out);
    assert_int_equal(ui_render(ui, UI_LOGGED_OUT, "", &lo, &out, &len), ERR_OK);
    assert_non_null(strstr(out, "signed out"));
    free(out);
    ui_free(ui);
    f = fopen(path, "w");
    fputs("ok\n{{bogus}}", f);
    fclose(f);
    assert_int_equal(ui_open(dir, &ui, why, sizeof why), ERR_CONFIG);
    assert_non_null(strstr(why, "/error.html:2: unknown slot {{bogus}}"));
    unlink(path);
    rmdir(dir);
}

static void static_files(void **state)
{
    const char *data, *type;
    size_t len;

    (void)state;
    assert_true(ui_static_get("oidcd.css", &data, &len, &type));
    assert_string_equal(type, "text/css; charset=utf-8");
    assert_int_equal(strlen(data), len);
    assert_true(ui_static_get("form_post.js", &data, &len, &type));
    assert_true(ui_static_get("passkey.js", &data, &len, &type));
    assert_non_null(strstr(data, "navigator.credentials"));
    assert_string_equal(type, "text/javascript; charset=utf-8");
    assert_false(ui_static_get("login.html", &data, &len, &type));
    assert_false(ui_static_get("nope.css", &data, &len, &type));
}

/* The QR slot puts in the SVG qr_svg_make drew, as it is; a text slot of
 * the same page still escapes markup. */
static void qr_slot_is_the_only_markup(void **state)
{
    struct qr_svg qr = {0};
    struct ui_account_view v = {0};
    char why[256], *out;

    (void)state;
    assert_int_equal(qr_svg_make("otpauth://totp/x:y?secret=AAAA", 30, "a QR code", &qr), ERR_OK);
    v.enrol_qr = &qr;
    v.enrol_secret = "<svg onload=x>";
    out = render(UI_ACCOUNT, "{{#enrol_qr}}<div>{{enrol_qr}}</div>{{/enrol_qr}}{{enrol_secret}}",
                 &v, why, sizeof why);
    assert_non_null(out);
    assert_non_null(strstr(out, "<div><svg"));
    assert_non_null(strstr(out, "&lt;svg onload&#61;x&gt;"));
    free(out);
    v.enrol_qr = NULL;
    out = render(UI_ACCOUNT, "{{#enrol_qr}}<div>{{enrol_qr}}</div>{{/enrol_qr}}", &v, why,
                 sizeof why);
    assert_string_equal(out, "");
    free(out);
    qr_svg_clear(&qr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fills_and_escapes),
        cmocka_unit_test(qr_slot_is_the_only_markup),
        cmocka_unit_test(conditional_section),
        cmocka_unit_test(list_section),
        cmocka_unit_test(errors_name_file_and_line),
        cmocka_unit_test(built_in_pages_parse_and_render),
        cmocka_unit_test(passkey_forms),
        cmocka_unit_test(operator_dir_overrides_one_template),
        cmocka_unit_test(static_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
