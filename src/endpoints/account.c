/* GET and POST /account: the signed-in user's page. Their claims, the
 * authenticator app (set up with a QR code and confirmed with a code; turned
 * off with a current code or the password), recovery codes (new ones shown
 * once) and sign-out. Every change is a POST with the CSRF token (the
 * route's flags); without a live session the browser goes to /login. */
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base32.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/text.h"
#include "core/user_agent.h"
#include "endpoints/account_passkeys.h"
#include "endpoints/app.h"
#include "endpoints/page.h"
#include "endpoints/signin.h"
#include "oauth/audit.h"
#include "oauth/login_throttle.h"
#include "oauth/mfa.h"
#include "oauth/password.h"
#include "ui/qr_svg.h"

#define ACCOUNT_CLAIMS_MAX 64 /* claims shown */

/* What one request to the page holds, freed by account_clear. */
struct account {
    struct session se;
    char token[SESSION_TOKEN_SIZE]; /* the session's: the add-a-passkey form is bound to it */
    struct user user;
    struct mfa_status st;
    struct ui_field claims[ACCOUNT_CLAIMS_MAX];
    char *claim_values[ACCOUNT_CLAIMS_MAX]; /* owned texts of non-string claims */
    size_t nclaims;
    json_t *claims_json;
    struct qr_svg qr;
    char secret_text[TOTP_SECRET_BASE32_LEN + 1];
    struct recovery_codes codes;
    struct ui_field code_fields[RECOVERY_CODES];
    size_t ncodes;
    struct session *sessions;
    size_t nsessions;
    struct ui_session_item session_items[LIMIT_USER_SESSIONS];
    char started[LIMIT_USER_SESSIONS][40];
    const char *notice, *error;
    char totp_on[128], recovery_summary[160];
    struct account_passkeys pk;
};

static void account_clear(struct account *ac)
{
    size_t i;

    for (i = 0; i < ac->nclaims; i++)
        free(ac->claim_values[i]);
    json_decref(ac->claims_json);
    qr_svg_clear(&ac->qr);
    session_list_free(ac->sessions, ac->nsessions);
    session_clear(&ac->se);
    OPENSSL_cleanse(ac->token, sizeof ac->token);
    account_passkeys_clear(&ac->pk);
    user_clear(&ac->user);
    OPENSSL_cleanse(ac->secret_text, sizeof ac->secret_text);
    OPENSSL_cleanse(&ac->codes, sizeof ac->codes);
}

/* The user's claims as name/value pairs: strings as they are, other values
 * as JSON text. */
static void read_claims(struct account *ac)
{
    const char *name;
    json_t *v;

    ac->claims_json = json_loads(ac->user.claims ? ac->user.claims : "{}", 0, NULL);
    json_object_foreach(ac->claims_json, name, v)
    {
        if (ac->nclaims == ACCOUNT_CLAIMS_MAX)
            break;
        ac->claim_values[ac->nclaims] =
            json_is_string(v) ? NULL : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        ac->claims[ac->nclaims] = (struct ui_field){
            name, json_is_string(v) ? json_string_value(v) : ac->claim_values[ac->nclaims]};
        ac->nclaims++;
    }
}

/* The QR code and key text of the secret being set up, if any. */
static enum err read_enrolment(const struct app *a, struct account *ac)
{
    unsigned char secret[TOTP_SECRET_LEN];
    bool confirmed = false;
    enum mfa_change may;
    struct buf uri;
    enum err rc;

    if (!ac->st.totp || ac->st.totp_confirmed)
        return ERR_OK;
    /* the key only to a session that may finish setting it up */
    rc = mfa_factors_may_change(&a->oauth, &ac->se, clock_now(), &may);
    if (rc || may != MFA_CHANGE_ALLOWED)
        return rc;
    rc = mfa_totp_secret(&a->oauth, ac->user.sub, &confirmed, secret);
    buf_init(&uri, 2048);
    if (!rc)
        rc = mfa_totp_uri(a->oauth.cfg, ac->user.username, secret, &uri);
    if (!rc)
        rc = qr_svg_make(uri.data, uri.len, "QR code of the key for your authenticator app",
                         &ac->qr);
    if (!rc)
        ac->secret_text[base32_encode(secret, TOTP_SECRET_LEN, ac->secret_text)] = '\0';
    OPENSSL_cleanse(secret, sizeof secret);
    if (uri.data)
        OPENSSL_cleanse(uri.data, uri.len);
    buf_free(&uri);
    return rc;
}

/* The user's live sessions for the page, this one marked. */
static enum err read_sessions(const struct app *a, struct account *ac, const char *csrf)
{
    enum err rc = store_sessions_of_user(a->oauth.store, ac->user.sub, clock_now(), &ac->sessions,
                                         &ac->nsessions);
    size_t i;

    for (i = 0; !rc && i < ac->nsessions && i < LIMIT_USER_SESSIONS; i++) {
        const struct session *se = &ac->sessions[i];
        clock_text_utc(se->created_at, ac->started[i], sizeof ac->started[i]);
        bool current = strcmp(se->sid, ac->se.sid) == 0;
        ac->session_items[i] = (struct ui_session_item){
            /* sessions from before labels were kept have none */
            .browser = se->browser ? se->browser : USER_AGENT_UNKNOWN,
            .started = ac->started[i],
            .where = se->address,
            .sid = se->sid,
            .current = current ? "yes" : NULL,
            .other = current ? NULL : "yes",
            .csrf_token = csrf,
        };
    }
    return rc;
}

/* The name a browser shows for the account while adding a passkey: the
 * claim name when the user has one, else the username. */
static const char *display_name(const struct account *ac)
{
    const char *name = json_string_value(json_object_get(ac->claims_json, "name"));

    return name && *name ? name : ac->user.username;
}

static void show(const struct app *a, const struct http_request *req, struct http_response *resp,
                 struct account *ac)
{
    char csrf[PAGE_CSRF_SIZE], at[40] = "";
    struct ui_account_view v = {0};
    const char *totp_off;
    enum err rc = mfa_status_get(&a->oauth, ac->user.sub, &ac->st);

    if (!rc)
        rc = read_enrolment(a, ac);
    if (!rc)
        rc = page_csrf_token(a, req, resp, csrf);
    if (!rc)
        rc = read_sessions(a, ac, csrf);
    if (!rc)
        rc = account_passkeys_read(a, &ac->user, display_name(ac), ac->token, csrf, &ac->pk);
    if (rc) {
        log_kv(LOG_ERROR, "account page failed", "error", err_str(rc), NULL);
        page_error(a, resp, 500, "Something went wrong", "Please try again in a moment.");
        return;
    }
    clock_text_utc(ac->st.totp_created_at, at, sizeof at);
    snprintf(ac->totp_on, sizeof ac->totp_on,
             "On since %s: signing in asks for a code from your app.", at);
    if (ac->st.recovery_total == 0)
        text_copy(ac->recovery_summary, sizeof ac->recovery_summary, "You have no recovery codes.");
    else
        snprintf(ac->recovery_summary, sizeof ac->recovery_summary,
                 "%zu of %zu recovery codes left%s%s.", ac->st.recovery_left, ac->st.recovery_total,
                 ac->st.recovery_last_used_at ? "; one was last used " : "",
                 ac->st.recovery_last_used_at
                     ? (clock_text_utc(ac->st.recovery_last_used_at, at, sizeof at), at)
                     : "");
    if (ac->st.totp_confirmed || ac->qr.svg) /* on, or being set up from this session */
        totp_off = NULL;
    else if (ac->st.totp) /* set up from another session, its key not shown here */
        totp_off = "Being set up. Sign in again to finish setting it up here.";
    else if (mfa_status_has_factor(&ac->st)) /* a passkey or recovery codes */
        totp_off = "Off.";
    else
        totp_off = "Off: signing in needs only your password.";
    v = (struct ui_account_view){ac->user.username,
                                 ac->notice,
                                 ac->error,
                                 ac->claims,
                                 ac->nclaims,
                                 ac->st.totp_confirmed ? ac->totp_on : NULL,
                                 totp_off,
                                 ac->qr.svg ? &ac->qr : NULL,
                                 ac->secret_text,
                                 ac->recovery_summary,
                                 ac->ncodes ? "Keep these codes somewhere safe. Each works once "
                                              "instead of a code from your app, and they are "
                                              "shown only now."
                                            : NULL,
                                 ac->code_fields,
                                 ac->ncodes,
                                 ac->session_items,
                                 ac->nsessions,
                                 ac->nsessions > 1 ? "yes" : NULL,
                                 csrf,
                                 ac->pk.summary,
                                 ac->pk.items,
                                 ac->pk.n,
                                 ac->pk.form.view};
    page_render(a, resp, 200, UI_ACCOUNT, &v);
}

/* Fresh recovery codes, shown on this page only. */
static enum err regenerate(const struct app *a, const struct http_request *req, struct account *ac)
{
    enum err rc = mfa_recovery_regenerate(&a->oauth, ac->user.sub, clock_now(), &ac->codes);
    size_t i;

    if (rc)
        return rc;
    for (i = 0; i < RECOVERY_CODES; i++)
        ac->code_fields[i] = (struct ui_field){ac->codes.text[i], NULL};
    ac->ncodes = RECOVERY_CODES;
    signin_audit(a, req, NULL, false, ac->user.sub, "recovery_codes.regenerated", true, NULL);
    return ERR_OK;
}

/* A code from the app or the password, throttled as sign-in is. */
static enum err proof_ok(const struct app *a, const struct http_request *req, struct account *ac,
                         const char *proof, const char *throttle_key)
{
    const char *address = req->client_address[0] ? req->client_address : NULL;
    size_t len = proof ? strlen(proof) : 0;
    bool rehash = false;
    enum err rc;

    if (login_throttle_begin(a->throttle, throttle_key, address, clock_now()) > 0)
        return ERR_TEMPORARILY_UNAVAILABLE;
    if (len == TOTP_DIGITS && text_is_digits(proof, len))
        rc = mfa_totp_check(&a->oauth, ac->user.sub, proof, len, clock_now(), false);
    else if (ac->user.password_hash && len)
        rc = password_verify(a->passwords, ac->user.password_hash, proof, len, &rehash);
    else
        rc = ERR_ACCESS_DENIED;
    if (rc == ERR_NOT_FOUND || rc == ERR_INVALID_REQUEST)
        rc = ERR_ACCESS_DENIED;
    login_throttle_end(a->throttle, throttle_key, address, clock_now(),
                       rc == ERR_OK              ? LOGIN_SUCCEEDED
                       : rc == ERR_ACCESS_DENIED ? LOGIN_FAILED
                                                 : LOGIN_UNDECIDED);
    return rc;
}

/* Signs out one of the user's sessions (field sid), or every one but this. */
static enum err end_sessions(const struct app *a, const struct http_request *req,
                             struct account *ac, bool others)
{
    const char *sid = NULL;
    enum err rc;

    if (!others && (params_get_one(&req->form, "sid", &sid) || !sid))
        return ERR_INVALID_REQUEST;
    rc =
        store_session_end_for_user(a->oauth.store, ac->user.sub, others ? ac->se.sid : sid, others);
    if (rc == ERR_NOT_FOUND) {
        ac->error = "That session had ended already.";
        return ERR_OK;
    }
    if (!rc) {
        signin_audit(a, req, NULL, false, ac->user.sub, "session.ended", true,
                     others ? "all others" : "one");
        ac->notice = others ? "You are signed out everywhere else." : "That session is signed out.";
    }
    return rc;
}

const char *account_change_refused(enum mfa_change why)
{
    return why == MFA_CHANGE_NEEDS_SIGNIN ? ACCOUNT_SIGN_IN_AGAIN : ACCOUNT_PASSWORD_ALONE;
}

/* mfa_factors_may_change: false, with the page's message set (or *rc an
 * error), when the change is refused. */
static bool factors_may_change(const struct app *a, struct account *ac, enum err *rc)
{
    enum mfa_change may;

    *rc = mfa_factors_may_change(&a->oauth, &ac->se, clock_now(), &may);
    if (!*rc && may != MFA_CHANGE_ALLOWED)
        ac->error = account_change_refused(may);
    return !*rc && may == MFA_CHANGE_ALLOWED;
}

static enum err do_action(const struct app *a, const struct http_request *req, struct account *ac,
                          const char *action)
{
    char key[MFA_THROTTLE_KEY_SIZE];
    const char *field = NULL;
    bool passkey = strncmp(action, "passkey_", 8) == 0;
    enum err rc;

    mfa_throttle_key(ac->user.sub, key);
    if ((strcmp(action, "totp_start") == 0 || strcmp(action, "totp_confirm") == 0 ||
         strcmp(action, "recovery_regenerate") == 0 || passkey) &&
        !factors_may_change(a, ac, &rc))
        return rc;
    if (passkey)
        return passkey_enabled(a->oauth.cfg)
                   ? account_passkeys_change(a, req, ac->user.sub, action, &ac->notice, &ac->error)
                   : ERR_INVALID_REQUEST;
    if (strcmp(action, "totp_start") == 0) {
        unsigned char secret[TOTP_SECRET_LEN];
        struct totp_factor f = {0};
        /* never over a working one: turn that off first; a read that
         * failed is no reason to write */
        rc = store_totp_get(a->oauth.store, ac->user.sub, &f);
        if (rc == ERR_OK && f.confirmed)
            rc = ERR_CONFLICT;
        else if (rc == ERR_OK || rc == ERR_NOT_FOUND)
            rc = mfa_totp_enrol(&a->oauth, ac->user.sub, false, secret);
        totp_factor_clear(&f);
        OPENSSL_cleanse(secret, sizeof secret);
        return rc;
    }
    if (strcmp(action, "totp_confirm") == 0) {
        if (params_get_one(&req->form, "code", &field) || !field)
            field = "";
        rc = mfa_totp_check(&a->oauth, ac->user.sub, field, strlen(field), clock_now(), true);
        if (rc == ERR_ACCESS_DENIED) {
            ac->error = "That code did not work. Check the app shows this account and try again.";
            return ERR_OK;
        }
        if (!rc) {
            signin_audit(a, req, NULL, false, ac->user.sub, "mfa.enrolled", true, "totp");
            ac->notice = "The authenticator app is on. Signing in now asks for a code from it.";
            if (mfa_status_get(&a->oauth, ac->user.sub, &ac->st) == ERR_OK &&
                ac->st.recovery_left == 0)
                rc = regenerate(a, req, ac);
        }
        return rc;
    }
    if (strcmp(action, "totp_remove") == 0) {
        if (params_get_one(&req->form, "proof", &field))
            field = NULL;
        rc = proof_ok(a, req, ac, field, key);
        if (rc == ERR_ACCESS_DENIED || rc == ERR_TEMPORARILY_UNAVAILABLE) {
            ac->error = rc == ERR_ACCESS_DENIED
                            ? "That code or password did not work, so the app is still on."
                            : "Too many failed attempts. Wait a few minutes, then try again.";
            return ERR_OK;
        }
        if (!rc)
            rc = store_totp_delete(a->oauth.store, ac->user.sub);
        if (!rc) {
            signin_audit(a, req, NULL, false, ac->user.sub, "mfa.removed", true, "totp");
            ac->notice = "The authenticator app is off.";
        }
        return rc;
    }
    if (strcmp(action, "recovery_regenerate") == 0)
        return regenerate(a, req, ac);
    if (strcmp(action, "session_end") == 0 || strcmp(action, "sessions_end_others") == 0)
        return end_sessions(a, req, ac, strcmp(action, "sessions_end_others") == 0);
    return ERR_INVALID_REQUEST;
}

void endpoint_account(void *app, const struct http_request *req, struct http_response *resp)
{
    const struct app *a = app;
    struct account ac;
    const char *action = NULL;
    char url[sizeof a->oauth.cfg->issuer + 16];
    enum err rc;

    memset(&ac, 0, sizeof ac);
    rc = signin_session_token(a, req, &ac.se, ac.token);
    if (rc == ERR_NOT_FOUND) {
        snprintf(url, sizeof url, "%s/login", a->oauth.cfg->issuer);
        http_response_redirect(resp, 303, url);
        goto out;
    }
    if (!rc)
        rc = store_user_get(a->oauth.store, ac.se.user_sub, &ac.user);
    if (!rc && req->method == HTTP_POST) {
        if (params_get_one(&req->form, "action", &action) || !action)
            action = "";
        rc = do_action(a, req, &ac, action);
        if (rc == ERR_CONFLICT || rc == ERR_INVALID_REQUEST) {
            ac.error = "That change cannot be made now.";
            rc = ERR_OK;
        }
    }
    if (rc) {
        log_kv(LOG_ERROR, "account page failed", "error", err_str(rc), NULL);
        page_error(a, resp, 500, "Something went wrong", "Please try again in a moment.");
        goto out;
    }
    read_claims(&ac);
    show(a, req, resp, &ac);
out:
    account_clear(&ac);
}
