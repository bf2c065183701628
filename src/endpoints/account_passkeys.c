#include "endpoints/account_passkeys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/b64url.h"
#include "core/clock.h"
#include "core/log.h"
#include "endpoints/signin.h"

static void item(struct account_passkeys *p, size_t i, const char *csrf)
{
    const struct passkey *k = &p->list[i];
    char at[CLOCK_TEXT_SIZE];

    b64url_encode(k->cred_id, k->cred_id_len, p->ids[i]);
    clock_text_utc(k->created_at, p->created[i], sizeof p->created[i]);
    if (k->last_used_at) {
        clock_text_utc(k->last_used_at, at, sizeof at);
        snprintf(p->last_used[i], sizeof p->last_used[i], "last used %s", at);
    } else {
        snprintf(p->last_used[i], sizeof p->last_used[i], "never used yet");
    }
    p->items[i] = (struct ui_passkey_item){
        k->name, p->created[i], p->last_used[i], k->backed_up ? "yes" : NULL, p->ids[i], csrf};
}

enum err account_passkeys_read(const struct app *a, const struct user *u, const char *display_name,
                               const char *secret, const char *csrf, struct account_passkeys *out)
{
    enum err rc;
    size_t i;

    memset(out, 0, sizeof *out);
    rc = passkey_form_create(a, secret, u, display_name, &out->form);
    if (rc || !out->form.view.challenge)
        return rc;
    rc = store_passkeys_of_user(a->oauth.store, u->sub, &out->list, &out->n);
    if (!rc && out->n > LIMIT_USER_PASSKEYS)
        out->n = LIMIT_USER_PASSKEYS; /* never more: the store counts them in */
    if (!rc && out->n && !(out->ids = calloc(out->n, sizeof *out->ids)))
        rc = ERR_NOMEM;
    for (i = 0; !rc && i < out->n; i++)
        item(out, i, csrf);
    if (!rc && !out->n)
        snprintf(out->summary, sizeof out->summary,
                 "You have no passkey. With one you sign in without typing anything.");
    else if (!rc)
        snprintf(out->summary, sizeof out->summary,
                 "You have %zu passkey%s: each signs you in without a password.", out->n,
                 out->n == 1 ? "" : "s");
    return rc;
}

void account_passkeys_clear(struct account_passkeys *p)
{
    passkey_list_free(p->list, p->n);
    free(p->ids);
    passkey_form_clear(&p->form);
    memset(p, 0, sizeof *p);
}

enum err account_passkeys_change(const struct app *a, const struct http_request *req,
                                 const char *sub, const char *action, const char **notice,
                                 const char **error)
{
    bool rename = strcmp(action, "passkey_rename") == 0;
    const char *id = NULL, *typed = NULL;
    char name[LIMIT_PASSKEY_NAME + 1];
    enum err rc;

    if (!rename && strcmp(action, "passkey_remove") != 0)
        return ERR_INVALID_REQUEST;
    if (params_get_one(&req->form, "credential_id", &id) ||
        (rename && params_get_one(&req->form, "name", &typed)))
        return ERR_INVALID_REQUEST;
    if (rename && !passkey_name_clean(typed, name)) {
        *error = "That name cannot be used: a passkey's name is at most 64 bytes of text.";
        return ERR_OK;
    }
    rc = rename ? passkey_rename(&a->oauth, sub, id, name) : passkey_remove(&a->oauth, sub, id);
    if (rc == ERR_NOT_FOUND) {
        *error = "That passkey is not on your account (removed meanwhile?).";
        return ERR_OK;
    }
    if (rc)
        return rc;
    signin_audit(a, req, NULL, false, sub, rename ? "passkey.renamed" : "passkey.removed", true,
                 NULL);
    log_kv(LOG_INFO, rename ? "passkey renamed" : "passkey removed", "sub", sub, NULL);
    *notice = rename ? "The passkey is renamed." : "The passkey is removed: it signs in no more.";
    return ERR_OK;
}
