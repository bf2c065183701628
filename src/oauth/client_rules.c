#include "oauth/client_rules.h"

#include <string.h>

#include "core/rand.h"
#include "oauth/scope.h"

#define ID_BYTES 18
#define SECRET_BYTES 32

static const char *const grant_types[] = {
    "authorization_code", "implicit", "refresh_token", "client_credentials", "password", NULL,
};

static const char *const response_types[] = {
    "code", "id_token", "id_token token", "code id_token", "code token", "code id_token token",
    NULL,
};

static bool in_set(const char *s, const char *const *set)
{
    for (; *set; set++)
        if (strcmp(s, *set) == 0)
            return true;
    return false;
}

static bool all_in_set(const struct strlist *l, const char *const *set)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        if (!in_set(l->items[i], set))
            return false;
    return true;
}

/* An absolute URI with a scheme, no fragment, no white space or controls. */
static bool uri_ok(const char *u)
{
    const char *colon = strchr(u, ':');
    size_t i;

    if (!colon || colon == u || strlen(u) > LIMIT_URI || strchr(u, '#'))
        return false;
    for (i = 0; u[i]; i++)
        if ((unsigned char)u[i] <= ' ' || u[i] == 0x7f)
            return false;
    return true;
}

static bool uris_ok(const struct strlist *l)
{
    size_t i;

    if (l->n > LIMIT_URIS)
        return false;
    for (i = 0; i < l->n; i++)
        if (!uri_ok(l->items[i]))
            return false;
    return true;
}

enum err client_check(const struct client *c, const char **why)
{
    struct strlist scope = {0};
    enum err rc;

    *why = NULL;
    if (!c->name || !*c->name || strlen(c->name) > LIMIT_NAME)
        *why = "a name of 1 to 256 bytes is required";
    else if (!all_in_set(&c->grant_types, grant_types))
        *why = "unknown grant type";
    else if (!all_in_set(&c->response_types, response_types))
        *why = "unknown response type";
    else if (!uris_ok(&c->redirect_uris) || !uris_ok(&c->post_logout_redirect_uris))
        *why = "redirect URIs must be absolute, without fragment or white space";
    else if (c->type == CLIENT_PUBLIC && c->auth_method != AUTH_NONE)
        *why = "a public client authenticates with method none";
    else if (c->type == CLIENT_CONFIDENTIAL && c->auth_method == AUTH_NONE)
        *why = "a confidential client authenticates with a secret";
    if (*why)
        return ERR_INVALID_REQUEST;
    rc = scope_parse(c->scope ? c->scope : "", &scope);
    strlist_free(&scope);
    if (rc == ERR_INVALID_SCOPE) {
        *why = "malformed scope";
        return ERR_INVALID_REQUEST;
    }
    return rc;
}

enum err client_new_id(struct client *c)
{
    enum err rc;
    int tries;

    /* an id that starts with '-' would read as an option on a command line */
    for (tries = 0; tries < 64; tries++) {
        rc = rand_token(c->id, ID_BYTES);
        if (rc || (c->id[0] != '-' && c->id[0] != '_'))
            return rc;
    }
    return ERR_CRYPTO;
}

enum err client_new_secret(struct client *c, char secret[CLIENT_SECRET_TEXT])
{
    enum err rc = rand_token(secret, SECRET_BYTES);

    if (rc)
        return rc;
    hash_sha256(secret, strlen(secret), c->secret_hash);
    c->has_secret = true;
    return ERR_OK;
}
