/* libFuzzer target: ui/render.c ui_template_parse and ui_template_render on
 * arbitrary template text, as each page. Besides crashes it checks that a
 * template that parses renders, and that no view value reaches the output
 * unescaped: every view string holds <"'&, so a raw one shows as "<x". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ui/embedded.h"
#include "ui/render.h"

/* the built-in files are not linked here */
bool ui_embedded_get(const char *name, const char **data, size_t *len)
{
    (void)name;
    (void)data;
    (void)len;
    return false;
}

#define V "<x\"'&"

static const struct ui_scope_item scopes[] = {{V, V}, {V, NULL}};
static const struct ui_field fields[] = {{V, V}, {V, ""}};
#define PASSKEY {V, V, V, V, V, V, V, V, V, V, V}
static const struct ui_session_item sessions[] = {{V, V, V, V, NULL, V}};
static const struct ui_passkey_item passkeys[] = {{V, V, V, V, V, V}, {V, V, V, NULL, V, V}};
static const struct ui_login_view login = {V, V, V, V, V, PASSKEY};
static const struct ui_mfa_view mfa = {V, V, V, V, V, PASSKEY};
static const struct ui_account_view account = {
    V, V, V, fields, 2, V, V, NULL, V, V, V, fields, 2, sessions, 1, V, V, V, passkeys, 2,
    PASSKEY};
static const struct ui_consent_view consent = {V, scopes, 2, scopes, 2, V, V};
static const struct ui_error_view error = {V, V};
static const struct ui_logout_view logout = {V, V, V, V, V};
static const struct ui_logged_out_view logged_out = {0};
static const struct ui_form_post_view form_post = {V, fields, 2};
static const struct ui_check_session_view check_session = {V};

static const void *const views[UI_PAGES] = {
    [UI_LOGIN] = &login,
    [UI_CONSENT] = &consent,
    [UI_ERROR] = &error,
    [UI_LOGOUT] = &logout,
    [UI_LOGGED_OUT] = &logged_out,
    [UI_FORM_POST] = &form_post,
    [UI_CHECK_SESSION] = &check_session,
    [UI_MFA] = &mfa,
    [UI_ACCOUNT] = &account,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum ui_page page;
    struct ui_template *t = NULL;
    struct buf out;
    char why[256];

    if (size < 1)
        return 0;
    page = (enum ui_page)(data[0] % UI_PAGES);
    if (ui_template_parse(page, "f.html", (const char *)data + 1, size - 1, &t, why, sizeof why))
        return 0;
    buf_init(&out, 1 << 24);
    if (ui_template_render(t, V, views[page], &out))
        abort();
    /* the template itself holds no "<x" when every "<x" comes from a value */
    if (out.data && strstr(out.data, "<x") && !memmem(data + 1, size - 1, "<x", 2))
        abort();
    buf_free(&out);
    ui_template_free(t);
    return 0;
}
