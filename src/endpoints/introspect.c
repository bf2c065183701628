/* POST /introspect (RFC 7662), with the audience rule of DESIGN.md §6: a
 * caller sees a token as active only when its scope holds
 * token_introspection and, while introspection.validate_audience_scope is
 * on, the token's audience too. */
#include <string.h>

#include "core/json_writer.h"
#include "core/strlist.h"
#include "endpoints/app.h"
#include "oauth/mfa.h"
#include "oauth/scope.h"
#include "oauth/token_inspect.h"

/* Every member is bounded (ids, issuer, scope of LIMIT_SCOPE), far below. */
#define BODY_MAX (64 * 1024)

/* aud as the token has it: one string, or an array for several. */
static void write_aud(struct json_writer *w, const char *words)
{
    struct strlist aud = {0};

    if (strlist_split(&aud, words, " ") || aud.n <= 1)
        json_writer_string(w, "aud", words);
    else
        json_writer_strings(w, "aud", (const char *const *)aud.items, aud.n);
    strlist_free(&aud);
}

/* The audience rule: one of the token's audiences is in the caller's scope. */
static bool caller_is_audience(const char *caller_scope, const char *words)
{
    struct strlist aud = {0};
    bool found = false;
    size_t i;

    if (strlist_split(&aud, words, " "))
        return false;
    for (i = 0; i < aud.n && !found; i++)
        found = scope_has(caller_scope, aud.items[i]);
    strlist_free(&aud);
    return found;
}

/* The sign-in a user's token comes from: auth_time, acr, amr. */
static void write_sign_in(struct json_writer *w, const struct token_info *t)
{
    struct strlist methods = {0};

    if (strlist_split(&methods, t->amr, " "))
        return;
    json_writer_int(w, "auth_time", t->auth_time);
    json_writer_string(w, "acr", mfa_acr(mfa_level_of_amr(t->amr)));
    json_writer_strings(w, "amr", (const char *const *)methods.items, methods.n);
    strlist_free(&methods);
}

static void send_active(struct http_response *resp, const struct config *cfg,
                        const struct token_info *t)
{
    struct json_writer w;
    size_t len = 0;
    char *text;

    json_writer_begin(&w, BODY_MAX);
    json_writer_bool(&w, "active", true);
    json_writer_string(&w, "client_id", t->client_id);
    json_writer_string(&w, "sub", t->subject);
    write_aud(&w, t->audience);
    json_writer_string(&w, "iss", cfg->issuer);
    json_writer_int(&w, "exp", t->expires_at);
    json_writer_int(&w, "iat", t->issued_at);
    json_writer_string(&w, "token_type", t->is_refresh ? "refresh_token" : "Bearer");
    if (t->amr && *t->amr)
        write_sign_in(&w, t);
    /* a refresh token is only ever shown to its own client */
    if (cfg->introspection_response_scope || t->is_refresh)
        json_writer_string(&w, "scope", t->scope);
    text = json_writer_finish(&w, &len);
    http_response_json_text(resp, 200, text, len);
}

static void send_inactive(struct http_response *resp)
{
    static const char body[] = "{\"active\":false}";

    http_response_body(resp, 200, "application/json", body, sizeof body - 1);
}

void endpoint_introspect(void *app, const struct http_request *req, struct http_response *resp)
{
    struct app *a = app;
    struct client caller = {0};
    struct token_info t = {0};
    const char *token, *hint, *why = NULL;
    enum err rc;

    rc = endpoint_authenticate(a, req, resp, &caller, &why);
    if (!rc && caller.type == CLIENT_PUBLIC) {
        rc = ERR_INVALID_CLIENT; /* RFC 7662 §2.1: the caller must authenticate */
        why = "a public client cannot introspect: it has no credentials";
    }
    if (!rc && !scope_has(caller.scope, "token_introspection")) {
        rc = ERR_INSUFFICIENT_SCOPE;
        why = "the caller's scope lacks token_introspection";
    }
    if (!rc && (params_get_one(&req->form, "token", &token) ||
                params_get_one(&req->form, "token_type_hint", &hint) || !token)) {
        rc = ERR_INVALID_REQUEST;
        why = "exactly one token parameter is required";
    }
    if (rc) {
        http_response_error(resp, rc, why);
        goto out;
    }
    /* token_type_hint only says where to look first; both kinds are searched */
    rc = token_introspect(&a->oauth, token, strlen(token), &t, &why);
    /* a refresh token is shown to the client it was issued to and no one
     * else (RFC 7662 §2.2 lets the answer depend on the caller): a resource
     * server checking only active and scope would take it for an access
     * token, one that lives for weeks */
    if (!rc && t.is_refresh)
        rc = strcmp(caller.id, t.client_id) == 0 ? ERR_OK : ERR_INVALID_TOKEN;
    else if (!rc && a->oauth.cfg->introspection_validate_audience_scope &&
             !caller_is_audience(caller.scope, t.audience))
        rc = ERR_INVALID_TOKEN;
    if (rc == ERR_OK)
        send_active(resp, a->oauth.cfg, &t);
    else if (rc == ERR_INVALID_TOKEN)
        send_inactive(resp);
    else
        http_response_error(resp, rc, NULL);
out:
    token_info_clear(&t);
    client_clear(&caller);
}
