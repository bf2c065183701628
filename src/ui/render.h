#ifndef OIDCD_UI_RENDER_H
#define OIDCD_UI_RENDER_H

/* The pages: templates with {{name}} slots filled from a typed view, every
 * value HTML-escaped (text and quoted-attribute context alike). Sections:
 * {{#list}}…{{/list}} repeats for each item of a list (inside it, only the
 * item's slots are known); {{#text}}…{{/text}} is shown only when that text
 * slot is non-empty. Templates are parsed once (ui_open); a slot the page
 * does not have, or one left open, is an error naming the file and line. */

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/errors.h"

enum ui_page {
    UI_LOGIN,
    UI_CONSENT,
    UI_ERROR,
    UI_LOGOUT,
    UI_LOGGED_OUT,
    UI_FORM_POST,
    UI_CHECK_SESSION,
    UI_MFA,
    UI_ACCOUNT,
    UI_PAGES
};

/* A passkey form, which /static/passkey.js hands to the browser's WebAuthn
 * API: its options as data attributes, slots passkey_<field> of the page
 * that has one. challenge NULL or "": no form. */
struct ui_passkey {
    const char *challenge; /* base64url; the form also posts it back */
    const char *rp_id;
    const char *timeout_ms;
    const char *user_verification; /* "required" or "preferred" */
    /* space-separated base64url credential ids: a sign-in's allowCredentials
     * ("" for any passkey of this site), a registration's excludeCredentials */
    const char *credentials;
    /* a registration's only */
    const char *rp_name;
    const char *user_id; /* base64url of the user handle */
    const char *user_name;
    const char *user_display_name;
    const char *algs;        /* COSE algorithms, space-separated, preferred first */
    const char *attestation; /* "none" or "direct" */
};

/* One view per page; every page also knows {{base}}, the issuer's path (""
 * or "/oidc"), for the stylesheet ({{base}}/static/oidcd.css) and form
 * actions. A NULL string renders as "". All strings are borrowed. */
struct ui_login_view {
    const char *client_name; /* may be NULL: no client named */
    const char *username;    /* prefill */
    const char *error;       /* shown when non-empty */
    const char *csrf_token;
    const char *next;
    struct ui_passkey passkey; /* a username-less sign-in */
};

/* The second step of sign-in: a TOTP code or a recovery code, a passkey. */
struct ui_mfa_view {
    const char *client_name; /* may be NULL: no client named */
    const char *error;       /* shown when non-empty */
    const char *csrf_token;
    const char *next;
    const char *code_form;     /* non-empty: the form for a code shows */
    struct ui_passkey passkey; /* the user's passkeys */
};

struct qr_svg;

/* One of the user's sessions on the account page. */
struct ui_session_item {
    const char *browser;    /* what it was started in ("Firefox on Linux") */
    const char *started;    /* when, as text */
    const char *where;      /* the address it was started from */
    const char *sid;        /* what the sign-out form names it by */
    const char *current;    /* non-empty: the session showing the page … */
    const char *other;      /* … else this (the sign-out button shows only here) */
    const char *csrf_token; /* the page's (a list item knows only its own slots) */
};

/* One of the user's passkeys on the account page. */
struct ui_passkey_item {
    const char *name;
    const char *created;       /* when, as text */
    const char *last_used;     /* as a phrase: "last used …" or "never used" */
    const char *synced;        /* non-empty: backed up to the user's other devices */
    const char *credential_id; /* base64url: what the rename and remove forms name */
    const char *csrf_token;    /* the page's */
};

/* The account page. Lists use struct ui_field (below): claims as name and
 * value, codes (recovery codes shown once) as name. */
struct ui_account_view {
    const char *username;
    const char *notice; /* what the last change did; shown when non-empty */
    const char *error;
    const struct ui_field *claims;
    size_t nclaims;
    const char *totp_on;  /* non-empty: a confirmed TOTP secret (its text says since when) */
    const char *totp_off; /* non-empty: none, and none being set up */
    const struct qr_svg *enrol_qr; /* a secret being set up: its QR code; NULL: none */
    const char *enrol_secret;      /* … and its base32 text */
    const char *recovery_summary;
    const char *codes_note;       /* non-empty with fresh codes: how to keep them */
    const struct ui_field *codes; /* fresh recovery codes, shown once */
    size_t ncodes;
    const struct ui_session_item *sessions;
    size_t nsessions;
    const char *others; /* non-empty: there are sessions besides this one */
    const char *csrf_token;
    const char *passkeys_summary;
    const struct ui_passkey_item *passkeys;
    size_t npasskeys;
    struct ui_passkey passkey; /* the form that adds one */
};

struct ui_scope_item {
    const char *name;
    const char *description; /* may be NULL */
};

struct ui_consent_view {
    const char *client_name;
    const struct ui_scope_item *scopes;
    size_t nscopes;
    /* claims the request names beyond what its scopes release (the claims
     * request parameter, OpenID Connect Core §5.5); description NULL */
    const struct ui_scope_item *claims;
    size_t nclaims;
    const char *csrf_token;
    const char *next;
};

struct ui_error_view {
    const char *title;   /* what happened, short */
    const char *message; /* what happened and what to do */
};

/* The sign-out question, of /logout and of an RP-initiated logout
 * (/end-session) that needs asking; the form posts to /logout. */
struct ui_logout_view {
    const char *csrf_token;
    const char *client_name; /* the application that asks; may be NULL */
    /* what the application asked for, carried to /logout; NULL: none */
    const char *client_id;
    const char *post_logout_redirect_uri;
    const char *state;
};

struct ui_logged_out_view {
    int unused; /* the page has no slot of its own */
};

struct ui_field {
    const char *name;
    const char *value;
};

struct ui_form_post_view {
    const char *action; /* the client's registered redirect_uri, checked by the caller */
    const struct ui_field *fields;
    size_t nfields;
};

/* The check-session page: its script reads the cookie named here. */
struct ui_check_session_view {
    const char *cookie_name;
};

/* The file name of a page's template ("login.html"). */
const char *ui_page_file(enum ui_page page);

struct ui;

/* Parses every page's template: dir/<file> when dir is not empty and that file
 * exists, else the built-in one. ERR_CONFIG with "path:line: reason" in why
 * for a template that does not parse or cannot be read; ERR_NOMEM. Caller
 * frees with ui_free. */
enum err ui_open(const char *dir, struct ui **out, char *why, size_t whylen);
void ui_free(struct ui *ui);

/* Renders page from view, which points at the page's view struct, into a
 * new NUL-terminated string *out of *len bytes (caller frees). ERR_TOO_LARGE
 * past LIMIT_PAGE; ERR_NOMEM. */
enum err ui_render(const struct ui *ui, enum ui_page page, const char *base, const void *view,
                   char **out, size_t *len);

/* One template, for tests and the fuzzer. file names it in errors. */
struct ui_template;
enum err ui_template_parse(enum ui_page page, const char *file, const char *text, size_t len,
                           struct ui_template **out, char *why, size_t whylen);
enum err ui_template_render(const struct ui_template *t, const char *base, const void *view,
                            struct buf *out);
void ui_template_free(struct ui_template *t);

/* Appends s HTML-escaped: & < > " ' ` = become character references, and a
 * control byte other than tab and newline becomes U+FFFD. */
enum err ui_escape(struct buf *out, const char *s);

/* A fixed page for when a template cannot be rendered (out of memory): no
 * slot, nothing to escape. Static. */
const char *ui_fallback_page(void);

/* A built-in static file by name ("oidcd.css"): false when there is none. */

bool ui_static_get(const char *name, const char **data, size_t *len, const char **content_type);

#endif
