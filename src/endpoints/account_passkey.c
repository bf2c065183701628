/* POST /account/passkey: the add form of the account page, answered by the
 * browser's authenticator (/static/passkey.js). Its challenge must be the
 * one the page issued to this session, for a registration; the new passkey
 * is verified (oauth/passkey.h), stored, and the browser goes back to
 * /account. Under the account page's rule: a user with a second factor adds
 * one only from a session that showed one. */
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "endpoints/account_passkeys.h"
#include "endpoints/app.h"
#include "endpoints/page.h"
#include "endpoints/signin.h"

#define NOT_ADDED "That passkey could not be added"
#define NOT_VERIFIED                                                                               \
    "Your browser's answer could not be verified, so nothing was added. Go back to your account "  \
    "page, reload it and try again."

/* The fields of a registration, as the form posts them. */
static void read_response(const struct http_request *req, struct passkey_response *r,
                          const char **name)
{
    static const char *const names[] = {"credential_id", "client_data", "attestation_object",
                                        "transports", "name"};
    const char **into[] = {&r->credential_id, &r->client_data, &r->attestation_object,
                           &r->transports, name};
    size_t i;

    memset(r, 0, sizeof *r);
    for (i = 0; i < sizeof names / sizeof names[0]; i++)
        if (params_get_one(&req->form, names[i], into[i]))
            *into[i] = NULL; /* given twice: as good as absent */
}

static void refuse(const struct app *a, const struct http_request *req, struct http_response *resp,
                   const char *sub, const char *why, const char *message)
{
    const char *address = req->client_address[0] ? req->client_address : NULL;

    log_kv(LOG_INFO, "passkey refused", "sub", sub, "reason", why, "address", address, NULL);
    signin_audit(a, req, NULL, false, sub, "passkey.added", false, why);
    resp->error = "invalid_request";
    page_error(a, resp, 400, NOT_ADDED, message);
}

static void failed(const struct app *a, struct http_response *resp, enum err rc)
{
    log_kv(LOG_ERROR, "could not add a passkey", "error", err_str(rc), NULL);
    page_error(a, resp, 500, "Something went wrong", "Please try again in a moment.");
}

/* The challenge the form carried, taken (single use whatever follows) and
 * checked: unexpired, a registration's, issued to this session. */
static enum err take_challenge(const struct app *a, const struct http_request *req,
                               const struct session *se, const char *token,
                               struct passkey_ceremony *c, const char **why)
{
    const char *text = NULL;
    enum err rc;

    if (params_get_one(&req->form, "challenge", &text))
        text = NULL;
    /* a sign-in's challenge, signed for this browser's CSRF cookie, is
     * refused as another ceremony's once taken */
    rc = passkey_challenge_take(&a->oauth, text, page_csrf_posted(a, req), clock_now(), c, why);
    if (rc)
        return rc;
    if (!passkey_challenge_check(c, WEBAUTHN_PURPOSE_REGISTER, token, clock_now(), why))
        return ERR_ACCESS_DENIED;
    if (strcmp(c->stored.user_sub, se->user_sub) != 0) {
        *why = "the challenge was issued for another user";
        return ERR_ACCESS_DENIED;
    }
    return ERR_OK;
}

/* The passkey of the checked challenge c verified and stored. */
static void add(const struct app *a, const struct http_request *req, struct http_response *resp,
                const struct session *se, const struct passkey_ceremony *c)
{
    struct passkey_response r;
    struct passkey pk = {0};
    const char *name = NULL, *why = NULL;
    char clean[LIMIT_PASSKEY_NAME + 1], url[sizeof a->oauth.cfg->issuer + 16];
    enum err rc;

    read_response(req, &r, &name);
    if (!passkey_name_clean(name, clean)) {
        refuse(
            a, req, resp, se->user_sub, "the name is too long or not text",
            "A passkey's name is at most 64 bytes of text. Go back, choose another and try again.");
        return;
    }
    rc = passkey_register(&a->oauth, c, &r, clean, clock_now(), &pk, &why);
    if (rc == ERR_ACCESS_DENIED)
        refuse(a, req, resp, se->user_sub, why, NOT_VERIFIED);
    else if (rc == ERR_CONFLICT)
        refuse(a, req, resp, se->user_sub, "the credential is registered already",
               "This passkey is on an account already. Go back to your account page.");
    else if (rc == ERR_TOO_LARGE)
        refuse(a, req, resp, se->user_sub, "the user has the most passkeys an account may have",
               "Your account has 20 passkeys, the most it may have. Remove one you no longer use "
               "on your account page, then add this one.");
    else if (rc)
        failed(a, resp, rc);
    else {
        log_kv(LOG_INFO, "passkey added", "sub", se->user_sub, "fmt", pk.fmt, NULL);
        signin_audit(a, req, NULL, false, se->user_sub, "passkey.added", true, pk.fmt);
        snprintf(url, sizeof url, "%s/account", a->oauth.cfg->issuer);
        http_response_redirect(resp, 303, url);
    }
    passkey_clear(&pk);
}

/* The session's: its challenge spent, then the account page's rule. */
static void try_add(const struct app *a, const struct http_request *req, struct http_response *resp,
                    const struct session *se, const char *token)
{
    struct passkey_ceremony c;
    const char *why = NULL;
    enum mfa_change may = MFA_CHANGE_NEEDS_FACTOR;
    enum err rc = take_challenge(a, req, se, token, &c, &why);

    if (rc == ERR_ACCESS_DENIED) {
        refuse(a, req, resp, se->user_sub, why, NOT_VERIFIED);
        return;
    }
    if (!rc)
        rc = mfa_factors_may_change(&a->oauth, se, clock_now(), &may);
    if (rc) {
        failed(a, resp, rc);
    } else if (may != MFA_CHANGE_ALLOWED) {
        signin_audit(a, req, NULL, false, se->user_sub, "passkey.added", false,
                     may == MFA_CHANGE_NEEDS_SIGNIN
                         ? "the session's sign-in was too long ago"
                         : "the session was signed in with the password alone");
        resp->error = "access_denied";
        page_error(a, resp, 403, NOT_ADDED, account_change_refused(may));
    } else {
        add(a, req, resp, se, &c);
    }
}

void endpoint_account_passkey(void *app, const struct http_request *req, struct http_response *resp)
{
    const struct app *a = app;
    char token[SESSION_TOKEN_SIZE], url[sizeof a->oauth.cfg->issuer + 16];
    struct session se;
    enum err rc;

    if (!passkey_enabled(a->oauth.cfg)) {
        page_error(a, resp, 404, "Not found", "Passkeys are not offered here.");
        return;
    }
    rc = signin_session_token(a, req, &se, token);
    if (rc == ERR_NOT_FOUND) {
        snprintf(url, sizeof url, "%s/login", a->oauth.cfg->issuer);
        http_response_redirect(resp, 303, url);
    } else if (rc) {
        failed(a, resp, rc);
    } else {
        try_add(a, req, resp, &se, token);
    }
    OPENSSL_cleanse(token, sizeof token);
    session_clear(&se);
}
