/* POST /login/passkey: a passkey form answered by the browser's
 * authenticator (/static/passkey.js). The challenge says which ceremony:
 * a username-less sign-in from /login (bound to the browser's CSRF cookie)
 * or the second factor of /login/mfa (bound to the pending sign-in, or to
 * the session stepped up). The assertion is checked (oauth/passkey.h), a
 * new session starts, and the browser goes back to /authorize with the
 * request the form carried. Every refusal is one page, a log line with the
 * reason and an audit event, and counts against the throttle as a wrong
 * password does. */
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "endpoints/app.h"
#include "endpoints/metrics.h"
#include "endpoints/page.h"
#include "endpoints/second_step.h"
#include "endpoints/signin.h"
#include "oauth/login_throttle.h"
#include "oauth/passkey.h"

/* One request: what was posted, the passkey it names, the challenge. */
struct attempt {
    struct passkey_response r;
    struct passkey pk;         /* the one r names; pk.user_sub "" when none */
    struct passkey_ceremony c; /* the challenge, once taken */
    struct second_step step;   /* a second factor's: where it started from */
    const char *address;       /* NULL when unknown */
    const char *why;           /* why it was refused, for the log */
};

static void read_response(const struct http_request *req, struct passkey_response *r)
{
    static const char *const names[] = {"credential_id", "client_data", "authenticator_data",
                                        "signature", "user_handle"};
    const char **into[] = {&r->credential_id, &r->client_data, &r->authenticator_data,
                           &r->signature, &r->user_handle};
    size_t i;

    memset(r, 0, sizeof *r);
    for (i = 0; i < sizeof names / sizeof names[0]; i++)
        if (params_get_one(&req->form, names[i], into[i]))
            *into[i] = NULL; /* given twice: as good as absent */
}

static const char *purpose_name(const struct attempt *t)
{
    return t->c.stored.purpose == WEBAUTHN_PURPOSE_SECOND_FACTOR ? "second_factor" : "signin";
}

/* The challenge the form carried, taken (single use whatever follows) and
 * checked: unexpired, a sign-in's bound to this browser's CSRF cookie, a
 * second factor's to the pending sign-in or session it was offered to. */
static enum err take_challenge(const struct app *a, const struct http_request *req,
                               enum mfa_level need, struct attempt *t)
{
    const char *text = NULL, *csrf = page_csrf_posted(a, req);
    enum err rc;

    if (params_get_one(&req->form, "challenge", &text))
        text = NULL;
    rc = passkey_challenge_take(&a->oauth, text, csrf, clock_now(), &t->c, &t->why);
    if (rc)
        return rc;
    if (t->c.stored.purpose == WEBAUTHN_PURPOSE_SECOND_FACTOR) {
        rc = second_step_get(a, req, need, &t->step);
        if (rc)
            return rc; /* ERR_NOT_FOUND: nothing left to finish */
        return passkey_challenge_check(&t->c, WEBAUTHN_PURPOSE_SECOND_FACTOR, t->step.token,
                                       clock_now(), &t->why)
                   ? ERR_OK
                   : ERR_ACCESS_DENIED;
    }
    return passkey_challenge_check(&t->c, WEBAUTHN_PURPOSE_SIGNIN, csrf, clock_now(), &t->why)
               ? ERR_OK
               : ERR_ACCESS_DENIED;
}

/* Checks everything (found: whether the passkey was, else t->why says why
 * not); ERR_OK with the session's amr in *amr. The challenge is spent
 * whatever the outcome. */
static enum err check(const struct app *a, const struct http_request *req, enum mfa_level need,
                      bool found, struct attempt *t, const char **amr)
{
    struct passkey_signin out;
    const char *unknown = t->why;
    enum err rc = take_challenge(a, req, need, t);

    if (!found) {
        t->why = unknown;
        return rc == ERR_NOT_FOUND ? rc : ERR_ACCESS_DENIED;
    }
    if (!rc)
        rc = passkey_assert(&a->oauth, &t->c, &t->pk, &t->r, clock_now(), &out, &t->why);
    if (rc)
        return rc;
    if (out.counter_backwards)
        log_kv(LOG_WARN,
               "passkey counter did not advance (a cloned authenticator?): let through by "
               "webauthn.counter_policy = log",
               "sub", t->pk.user_sub, "address", t->address, NULL);
    *amr = out.amr;
    return ERR_OK;
}

static void refused(const struct app *a, const struct http_request *req, struct http_response *resp,
                    const struct signin *s, bool has, const struct attempt *t)
{
    const char *sub = t->pk.user_sub[0] ? t->pk.user_sub : NULL;

    log_kv(LOG_INFO, "passkey refused", "reason", t->why, "sub", sub, "address", t->address, NULL);
    metrics_login(false, "passkey");
    signin_audit(a, req, s, has, sub ? sub : "", "login.passkey", false, t->why);
    resp->error = "access_denied";
    page_error(a, resp, 400, "That passkey could not be used",
               "That passkey could not be used to sign you in, and nothing was changed. Go back, "
               "reload the page and try again, or sign in another way.");
}

/* Checked: a new session (the second factor's ends its pending sign-in). */
static void signed_in(const struct app *a, const struct http_request *req,
                      struct http_response *resp, const struct signin *s, bool has,
                      struct attempt *t, const char *amr)
{
    enum err rc = t->c.stored.purpose == WEBAUTHN_PURPOSE_SECOND_FACTOR
                      ? second_step_finish(a, req, resp, &t->step, amr)
                      : signin_start_session(a, req, resp, t->pk.user_sub, amr);

    if (rc == ERR_NOT_FOUND) { /* a racing request took the pending sign-in */
        second_step_expired(a, resp, s, has);
        return;
    }
    if (rc) {
        log_kv(LOG_ERROR, "could not start a session", "error", err_str(rc), NULL);
        page_error(a, resp, 500, "Something went wrong", "Please try again in a moment.");
        return;
    }
    log_kv(LOG_INFO, "login", "via", "passkey", "sub", t->pk.user_sub, "amr", amr, "client_id",
           has ? s->ar.client_id : NULL, "address", t->address, NULL);
    metrics_login(true, "passkey");
    signin_audit(a, req, s, has, t->pk.user_sub, "login.passkey", true, purpose_name(t));
    signin_signed_in(a, resp, s, has);
}

static void try_passkey(const struct app *a, const struct http_request *req,
                        struct http_response *resp, const struct signin *s, bool has,
                        struct attempt *t)
{
    char key[MFA_THROTTLE_KEY_SIZE];
    const char *amr = NULL;
    long retry_after;
    bool found;
    enum err rc;

    read_response(req, &t->r);
    /* the passkey first: its user's account is throttled too */
    rc = passkey_lookup(&a->oauth, &t->r, &t->pk, &t->why);
    if (rc && rc != ERR_ACCESS_DENIED)
        goto out;
    found = !rc;
    mfa_throttle_key(t->pk.user_sub, key);
    retry_after = login_throttle_begin(a->throttle, found ? key : NULL, t->address, clock_now());
    if (retry_after > 0) {
        log_kv(LOG_INFO, "passkey throttled", "address", t->address, NULL);
        signin_throttled(a, resp, retry_after);
        return;
    }
    rc = check(a, req, signin_level_needed(a, has ? s : NULL), found, t, &amr);
    login_throttle_end(a->throttle, found ? key : NULL, t->address, clock_now(),
                       rc == ERR_OK              ? LOGIN_SUCCEEDED
                       : rc == ERR_ACCESS_DENIED ? LOGIN_FAILED
                                                 : LOGIN_UNDECIDED);
out:
    if (rc == ERR_ACCESS_DENIED)
        refused(a, req, resp, s, has, t);
    else if (rc == ERR_NOT_FOUND)
        second_step_expired(a, resp, s, has);
    else if (rc) {
        log_kv(LOG_ERROR, "passkey sign-in could not go on", "error", err_str(rc), NULL);
        page_error(a, resp, 500, "Something went wrong", "Please try again in a moment.");
    } else
        signed_in(a, req, resp, s, has, t, amr);
}

void endpoint_login_passkey(void *app, const struct http_request *req, struct http_response *resp)
{
    const struct app *a = app;
    struct attempt t;
    struct signin s;
    const char *next;
    bool has;

    memset(&t, 0, sizeof t);
    t.address = req->client_address[0] ? req->client_address : NULL;
    if (!passkey_enabled(a->oauth.cfg)) {
        page_error(a, resp, 404, "Not found", "Passkeys are not offered here.");
        return;
    }
    if (!signin_read_next(a, req, resp, &s, &next, &has))
        try_passkey(a, req, resp, &s, has, &t);
    passkey_clear(&t.pk);
    second_step_clear(&t.step);
    signin_clear(&s);
}
