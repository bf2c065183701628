/* GET and POST /login/mfa: the second step of sign-in, a TOTP code or a
 * recovery code, or a passkey (its form posts to /login/passkey). It starts
 * from a pending sign-in or, for step-up, from a live session short of the
 * level needed (endpoints/second_step.h); success starts a new session
 * (never the old id again) and leads back to /authorize with the request
 * the page carried. A request that asks for a passkey (acr phr) gets only
 * the passkey form: a code does not reach that level. */
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/text.h"
#include "endpoints/app.h"
#include "endpoints/page.h"
#include "endpoints/passkey_form.h"
#include "endpoints/second_step.h"
#include "endpoints/signin.h"
#include "oauth/login_throttle.h"
#include "oauth/mfa.h"

#define MFA_ERROR "That code did not work. Check it and try again."
#define MFA_PASSKEY_ONLY                                                                           \
    "The application you came from asks for a passkey: a code does not do here. Use your passkey."

/* One request to the page: where it starts from, what the user has. */
struct mfa_page {
    struct second_step step;
    struct mfa_status st;
    bool codes; /* a code may be typed: the user has one and it meets the level needed */
};

/* The page: the form for a code and a passkey form, each when it may serve
 * (the passkey's bound to the pending sign-in or the session stepped up). */
static void show_form(const struct app *a, const struct http_request *req,
                      struct http_response *resp, const struct signin *s, bool has,
                      const char *next, const struct mfa_page *p, const char *error)
{
    char csrf[PAGE_CSRF_SIZE];
    struct passkey_form pk = {0};
    struct ui_mfa_view v = {has ? (s->client.name ? s->client.name : s->client.id) : NULL,
                            error,
                            csrf,
                            next,
                            p->codes ? "yes" : NULL,
                            {0}};
    enum err rc = page_csrf_token(a, req, resp, csrf);

    if (!rc && has)
        rc = http_response_allow_form_action(resp, s->ar.redirect_uri);
    if (!rc && p->st.passkeys)
        rc = passkey_form_get(a, WEBAUTHN_PURPOSE_SECOND_FACTOR, p->step.token, p->step.se.user_sub,
                              &pk);
    if (rc) {
        log_kv(LOG_ERROR, "second-factor page failed", "error", err_str(rc), NULL);
        page_error(a, resp, 500, "Something went wrong", "Please try again in a moment.");
    } else {
        v.passkey = pk.view;
        page_render(a, resp, 200, UI_MFA, &v);
    }
    passkey_form_clear(&pk);
}

/* Checks the typed code: six digits are a TOTP code, anything else a
 * recovery code. *kind names which, for the audit trail. */
static enum err check_code(const struct app *a, const char *sub, const char *code,
                           const char **kind)
{
    size_t len = code ? strlen(code) : 0;
    int64_t now = clock_now();

    if (len == TOTP_DIGITS && text_is_digits(code, len)) {
        enum err rc = mfa_totp_check(&a->oauth, sub, code, len, now, false);
        *kind = "totp";
        return rc == ERR_NOT_FOUND ? ERR_ACCESS_DENIED : rc;
    }
    *kind = "recovery_code";
    return len ? mfa_recovery_use(&a->oauth, sub, code, len, now) : ERR_ACCESS_DENIED;
}

static void try_code(const struct app *a, const struct http_request *req,
                     struct http_response *resp, const struct signin *s, bool has, const char *next,
                     struct mfa_page *p)
{
    const char *address = req->client_address[0] ? req->client_address : NULL;
    const char *code = NULL, *kind = "totp", *sub = p->step.se.user_sub;
    char key[MFA_THROTTLE_KEY_SIZE];
    long retry_after;
    enum err rc;

    /* not even checked: it must not be spent where it cannot serve */
    if (!p->codes) {
        show_form(a, req, resp, s, has, next, p, MFA_PASSKEY_ONLY);
        return;
    }
    mfa_throttle_key(sub, key);
    retry_after = login_throttle_begin(a->throttle, key, address, clock_now());
    if (retry_after > 0) {
        log_kv(LOG_INFO, "second factor throttled", "address", address, NULL);
        signin_throttled(a, resp, retry_after);
        return;
    }
    if (params_get_one(&req->form, "code", &code))
        code = NULL;
    rc = check_code(a, sub, code, &kind);
    login_throttle_end(a->throttle, key, address, clock_now(),
                       rc == ERR_OK              ? LOGIN_SUCCEEDED
                       : rc == ERR_ACCESS_DENIED ? LOGIN_FAILED
                                                 : LOGIN_UNDECIDED);
    if (rc == ERR_ACCESS_DENIED) {
        log_kv(LOG_INFO, "second factor refused", "kind", kind, "address", address, NULL);
        signin_audit(a, req, s, has, sub, "login.second_factor", false, kind);
        show_form(a, req, resp, s, has, next, p, MFA_ERROR);
        return;
    }
    if (!rc)
        rc = second_step_finish(a, req, resp, &p->step, MFA_AMR_PWD_OTP);
    if (rc) {
        /* ERR_NOT_FOUND: a racing request took the pending sign-in first */
        if (rc == ERR_NOT_FOUND)
            second_step_expired(a, resp, s, has);
        else
            page_error(a, resp, 500, "Something went wrong", "Please try again in a moment.");
        return;
    }
    log_kv(LOG_INFO, "second factor", "kind", kind, "address", address, NULL);
    signin_audit(a, req, s, has, sub, "login.second_factor", true, kind);
    if (strcmp(kind, "recovery_code") == 0)
        signin_audit(a, req, s, has, sub, "recovery_code.used", true, NULL);
    signin_signed_in(a, resp, s, has);
}

/* Where the page starts from and what the user has; need is the level the
 * request asks for. */
static enum err page_get(const struct app *a, const struct http_request *req, enum mfa_level need,
                         struct mfa_page *p)
{
    enum err rc = second_step_get(a, req, need, &p->step);

    if (!rc)
        rc = mfa_status_get(&a->oauth, p->step.se.user_sub, &p->st);
    p->codes = !rc && (p->st.totp_confirmed || p->st.recovery_left > 0) && need < MFA_LEVEL_PHR;
    return rc;
}

void endpoint_login_mfa(void *app, const struct http_request *req, struct http_response *resp)
{
    const struct app *a = app;
    struct mfa_page p = {0};
    struct signin s;
    const char *next;
    enum mfa_level need;
    bool has;
    enum err rc;

    if (signin_read_next(a, req, resp, &s, &next, &has))
        goto out;
    need = signin_level_needed(a, has ? &s : NULL);
    rc = page_get(a, req, need, &p);
    if (!rc && !p.codes && !p.st.passkeys) {
        if (mfa_status_has_factor(&p.st))
            signin_no_passkey(a, resp);
        else
            signin_no_second_factor(a, resp);
    } else if (rc == ERR_NOT_FOUND) {
        second_step_expired(a, resp, &s, has);
    } else if (rc) {
        page_error(a, resp, 500, "Something went wrong", "Please try again in a moment.");
    } else if (req->method == HTTP_POST) {
        try_code(a, req, resp, &s, has, next, &p);
    } else {
        show_form(a, req, resp, &s, has, next, &p, NULL);
    }
out:
    second_step_clear(&p.step);
    signin_clear(&s);
}
