/* GET and POST /login/mfa: the second step of sign-in, a TOTP code or a
 * recovery code. It starts from a pending sign-in (a correct password, its
 * own cookie) or, for step-up, from a live session signed in with the
 * password alone; success starts a new session (never the old id again)
 * and leads back to /authorize with the request the page carried. */
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/text.h"
#include "endpoints/app.h"
#include "endpoints/page.h"
#include "endpoints/signin.h"
#include "oauth/audit.h"
#include "oauth/login_throttle.h"
#include "oauth/mfa.h"
#include "oauth/session.h"

#define MFA_ERROR "That code did not work. Check it and try again."

/* Where the second step starts from. */
struct base {
    struct session se; /* the user and what they proved */
    bool pending;      /* a pending sign-in, not a session */
    char pending_token[SESSION_TOKEN_SIZE];
};

static void base_clear(struct base *b)
{
    session_clear(&b->se);
    OPENSSL_cleanse(b->pending_token, sizeof b->pending_token);
}

/* The pending sign-in of req, else its live password-only session. */
static enum err base_get(const struct app *a, const struct http_request *req, struct base *b)
{
    enum err rc;

    memset(b, 0, sizeof *b);
    if (!page_pending_get(a, req, b->pending_token)) {
        rc = session_pending_lookup(&a->oauth, b->pending_token, &b->se);
        b->pending = !rc;
        if (rc != ERR_NOT_FOUND)
            return rc;
    }
    rc = signin_session(a, req, &b->se);
    if (!rc && mfa_level_of_amr(b->se.amr) >= MFA_LEVEL_MFA)
        rc = ERR_NOT_FOUND; /* nothing to step up to */
    return rc;
}

static void show_form(const struct app *a, const struct http_request *req,
                      struct http_response *resp, const struct signin *s, bool has,
                      const char *next, const char *error)
{
    char csrf[PAGE_CSRF_SIZE];
    struct ui_mfa_view v = {has ? (s->client.name ? s->client.name : s->client.id) : NULL, error,
                            csrf, next};

    if (page_csrf_token(a, req, resp, csrf) ||
        (has && http_response_allow_form_action(resp, s->ar.redirect_uri))) {
        page_error(a, resp, 500, "Something went wrong", "Please try again in a moment.");
        return;
    }
    page_render(a, resp, 200, UI_MFA, &v);
}

/* No pending sign-in and nothing to step up: sign in from the start. */
static void start_again(const struct app *a, struct http_response *resp, const struct signin *s,
                        bool has)
{
    if (has) {
        signin_send_to(a, resp, 303, "/login", &s->ar, false);
        return;
    }
    resp->error = "invalid_request";
    page_error(a, resp, 400, "Your sign-in has expired",
               "Too much time passed since you entered your password. Go back to the "
               "application you were using and sign in again.");
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

/* The code was right: the pending sign-in (taken once) or the old session
 * gives way to a session of both factors. */
static enum err finish(const struct app *a, const struct http_request *req,
                       struct http_response *resp, struct base *b)
{
    enum err rc = ERR_OK;

    if (b->pending) {
        rc = session_pending_take(&a->oauth, b->pending_token);
        if (!rc)
            rc = page_pending_set(a, resp, "", 0);
    }
    return rc ? rc : signin_start_session(a, req, resp, b->se.user_sub, MFA_AMR_PWD_OTP);
}

static void audit(const struct app *a, const struct http_request *req, const struct signin *s,
                  bool has, const char *sub, const char *type, bool ok, const char *detail)
{
    struct audit_who who = {sub, sub, has ? s->ar.client_id : NULL,
                            req->client_address[0] ? req->client_address : NULL};

    audit_record(a->oauth.store, type, ok, &who, detail);
}

/* The throttle's account for a user's second factor: apart from the
 * password's counter, limited alike. */
static void throttle_key(const char *sub, char out[LIMIT_SUB + 8])
{
    snprintf(out, LIMIT_SUB + 8, "mfa:%s", sub);
}

static void try_code(const struct app *a, const struct http_request *req,
                     struct http_response *resp, const struct signin *s, bool has, const char *next,
                     struct base *b)
{
    const char *address = req->client_address[0] ? req->client_address : NULL;
    const char *code = NULL, *kind = "totp";
    char key[LIMIT_SUB + 8];
    long retry_after;
    enum err rc;

    throttle_key(b->se.user_sub, key);
    retry_after = login_throttle_begin(a->throttle, key, address, clock_now());
    if (retry_after > 0) {
        log_kv(LOG_INFO, "second factor throttled", "address", address, NULL);
        signin_throttled(a, resp, retry_after);
        return;
    }
    if (params_get_one(&req->form, "code", &code))
        code = NULL;
    rc = check_code(a, b->se.user_sub, code, &kind);
    login_throttle_end(a->throttle, key, address, clock_now(),
                       rc == ERR_OK              ? LOGIN_SUCCEEDED
                       : rc == ERR_ACCESS_DENIED ? LOGIN_FAILED
                                                 : LOGIN_UNDECIDED);
    if (rc == ERR_ACCESS_DENIED) {
        log_kv(LOG_INFO, "second factor refused", "kind", kind, "address", address, NULL);
        audit(a, req, s, has, b->se.user_sub, "login.second_factor", false, kind);
        show_form(a, req, resp, s, has, next, MFA_ERROR);
        return;
    }
    if (!rc)
        rc = finish(a, req, resp, b);
    if (rc) {
        /* ERR_NOT_FOUND: a racing request took the pending sign-in first */
        if (rc == ERR_NOT_FOUND)
            start_again(a, resp, s, has);
        else
            page_error(a, resp, 500, "Something went wrong", "Please try again in a moment.");
        return;
    }
    log_kv(LOG_INFO, "second factor", "kind", kind, "address", address, NULL);
    audit(a, req, s, has, b->se.user_sub, "login.second_factor", true, kind);
    if (strcmp(kind, "recovery_code") == 0)
        audit(a, req, s, has, b->se.user_sub, "recovery_code.used", true, NULL);
    signin_signed_in(a, resp, s, has);
}

static enum err has_factor(const struct app *a, const char *sub, bool *out)
{
    struct mfa_status st;
    enum err rc = mfa_status_get(&a->oauth, sub, &st);

    *out = !rc && mfa_status_has_factor(&st);
    return rc;
}

void endpoint_login_mfa(void *app, const struct http_request *req, struct http_response *resp)
{
    const struct app *a = app;
    struct signin s;
    struct base b;
    const char *next;
    bool has, factor = false;
    enum err rc;

    memset(&b, 0, sizeof b);
    if (signin_read_next(a, req, resp, &s, &next, &has))
        goto out;
    rc = base_get(a, req, &b);
    if (!rc)
        rc = has_factor(a, b.se.user_sub, &factor);
    if (!rc && !factor)
        signin_no_second_factor(a, resp);
    else if (rc == ERR_NOT_FOUND)
        start_again(a, resp, &s, has);
    else if (rc)
        page_error(a, resp, 500, "Something went wrong", "Please try again in a moment.");
    else if (req->method == HTTP_POST)
        try_code(a, req, resp, &s, has, next, &b);
    else
        show_form(a, req, resp, &s, has, next, NULL);
out:
    base_clear(&b);
    signin_clear(&s);
}
