#include "endpoints/passkey_form.h"

#include <string.h>

#include "core/b64url.h"
#include "core/clock.h"

/* The parts both kinds share: the challenge issued (purpose, secret, sub),
 * the RP, the timeout, and the credential ids the user has (none for a
 * username-less sign-in). False: passkeys are off, nothing filled. */
static enum err common(const struct app *a, enum webauthn_purpose purpose, const char *secret,
                       const char *sub, struct passkey_form *f, bool *on)
{
    const struct config *cfg = a->oauth.cfg;
    size_t n = 0;
    enum err rc;

    memset(f, 0, sizeof *f);
    buf_init(&f->credentials, LIMIT_USER_PASSKEYS * PASSKEY_ID_TEXT_SIZE);
    *on = config_webauthn_rp_id(cfg, f->rp_id);
    if (!*on)
        return ERR_OK;
    rc = purpose == WEBAUTHN_PURPOSE_SIGNIN
             ? buf_append(&f->credentials, "", 0)
             : passkey_ids_of_user(&a->oauth, sub, &f->credentials, &n);
    if (!rc)
        rc = passkey_challenge_issue(&a->oauth, purpose, secret, sub, clock_now(), f->challenge);
    if (rc)
        return rc;
    text_int(f->timeout_ms, (int64_t)cfg->webauthn_timeout_seconds * 1000);
    f->view.rp_id = f->rp_id;
    f->view.timeout_ms = f->timeout_ms;
    f->view.credentials = f->credentials.data;
    return ERR_OK;
}

enum err passkey_form_get(const struct app *a, enum webauthn_purpose purpose, const char *secret,
                          const char *sub, struct passkey_form *f)
{
    bool on;
    enum err rc = common(a, purpose, secret, purpose == WEBAUTHN_PURPOSE_SIGNIN ? "" : sub, f, &on);

    if (rc || !on)
        return rc;
    /* without a password first, the authenticator's PIN or biometric is the
     * second factor */
    f->view.user_verification = purpose == WEBAUTHN_PURPOSE_SIGNIN ? "required" : "preferred";
    f->view.challenge = f->challenge;
    return ERR_OK;
}

enum err passkey_form_create(const struct app *a, const char *secret, const struct user *u,
                             const char *display_name, struct passkey_form *f)
{
    bool on;
    enum err rc = common(a, WEBAUTHN_PURPOSE_REGISTER, secret, u->sub, f, &on);

    if (rc || !on)
        return rc;
    /* the user handle is the sub: random, nothing personal */
    b64url_encode(u->sub, strlen(u->sub), f->user_id);
    f->view.rp_name = f->rp_id;
    f->view.user_id = f->user_id;
    f->view.user_name = u->username;
    f->view.user_display_name = display_name && *display_name ? display_name : u->username;
    f->view.algs = PASSKEY_ALGS;
    f->view.attestation = a->oauth.cfg->webauthn_attestation;
    /* a security key without a PIN may still be a second factor */
    f->view.user_verification = "preferred";
    f->view.challenge = f->challenge;
    return ERR_OK;
}

void passkey_form_clear(struct passkey_form *f)
{
    buf_free(&f->credentials);
}
