#ifndef OIDCD_ENDPOINTS_PASSKEY_FORM_H
#define OIDCD_ENDPOINTS_PASSKEY_FORM_H

/* The passkey forms of the pages (struct ui_passkey): a fresh challenge
 * bound to the browser's secret, and the options /static/passkey.js hands
 * to the browser. Nothing when passkeys are off. */

#include "core/buf.h"
#include "core/text.h"
#include "endpoints/app.h"
#include "oauth/passkey.h"
#include "ui/render.h"

/* What one form carries; view points into the rest. */
struct passkey_form {
    struct ui_passkey view;
    char challenge[PASSKEY_CHALLENGE_TEXT_SIZE];
    char rp_id[CONFIG_RP_ID_MAX + 1];
    char timeout_ms[TEXT_INT_SIZE];
    char user_id[(LIMIT_SUB * 4 + 2) / 3 + 1]; /* base64url of the sub */
    struct buf credentials;
};

/* A sign-in form into f: WEBAUTHN_PURPOSE_SIGNIN (username-less: any
 * passkey of the site, user verification required) or
 * WEBAUTHN_PURPOSE_SECOND_FACTOR (sub's passkeys, user verification
 * preferred), its challenge bound to secret. Passkeys off: f->view stays
 * empty (no form). ERR_CRYPTO, ERR_STORE, ERR_NOMEM. Caller frees f with
 * passkey_form_clear either way. */
enum err passkey_form_get(const struct app *app, enum webauthn_purpose purpose, const char *secret,
                          const char *sub, struct passkey_form *f);

/* The form that registers a passkey for user u (its display name
 * display_name), bound to secret, excluding the passkeys u has. As
 * passkey_form_get otherwise. */
enum err passkey_form_create(const struct app *app, const char *secret, const struct user *u,
                             const char *display_name, struct passkey_form *f);

void passkey_form_clear(struct passkey_form *f);

#endif
