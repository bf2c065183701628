#include "endpoints/logout_request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/url.h"
#include "endpoints/page.h"
#include "oauth/client_cache.h"

static void server_error_page(const struct app *app, struct http_response *resp)
{
    page_error(app, resp, 500, "Something went wrong",
               "You could not be signed out. Please try again in a moment.");
}

/* The page for a request that cannot be used: it says why, and never
 * sends the user anywhere. */
static enum err bad_request(const struct app *app, struct http_response *resp, const char *why)
{
    char message[512];

    resp->error = "invalid_request";
    snprintf(message, sizeof message,
             "The application that sent you here asked to sign you out in a way that cannot be "
             "used (%s), so nothing was done. Go back to the application and sign out from "
             "there again; if it keeps happening, tell the application's owner.",
             why);
    page_error(app, resp, 400, "This sign-out link does not work", message);
    return ERR_INVALID_REQUEST;
}

/* The single parameter name of p, at most max bytes; an empty one is absent. */
static bool take(const struct params *p, const char *name, size_t max, const char **out)
{
    *out = NULL;
    if (params_get_one(p, name, out))
        return false;
    if (*out && !**out)
        *out = NULL;
    return !*out || strlen(*out) <= max;
}

static enum err read_params(const struct app *app, const struct params *p,
                            struct http_response *resp, struct logout_request *r)
{
    if (!take(p, "id_token_hint", LIMIT_ID_TOKEN_HINT, &r->id_token_hint))
        return bad_request(app, resp, "id_token_hint is repeated or too long");
    if (!take(p, "post_logout_redirect_uri", LIMIT_URI, &r->redirect))
        return bad_request(app, resp, "post_logout_redirect_uri is repeated or too long");
    if (!take(p, "state", LIMIT_STATE, &r->state))
        return bad_request(app, resp, "state is repeated or too long");
    if (!take(p, "client_id", LIMIT_CLIENT_ID, &r->client_id))
        return bad_request(app, resp, "client_id is repeated or too long");
    if (!take(p, "logout_hint", LIMIT_LOGIN_HINT, &r->logout_hint))
        return bad_request(app, resp, "logout_hint is repeated or too long");
    if (!take(p, "ui_locales", LIMIT_UI_LOCALES, &r->ui_locales))
        return bad_request(app, resp, "ui_locales is repeated or too long");
    return ERR_OK;
}

/* Verifies the hint, if any; one that fails is logged and set aside. */
static void read_hint(const struct app *app, struct logout_request *r)
{
    const char *why = NULL;
    enum err rc;

    if (!r->id_token_hint)
        return;
    rc =
        logout_hint_verify(&app->oauth, r->id_token_hint, strlen(r->id_token_hint), &r->hint, &why);
    r->hint_ok = rc == ERR_OK;
    if (rc)
        log_kv(LOG_INFO, "id_token_hint refused", "reason", why ? why : err_str(rc), NULL);
}

/* The client the request is for: the hint's audience, or client_id, which
 * must agree with it. */
static enum err read_client(const struct app *app, struct http_response *resp,
                            struct logout_request *r)
{
    const char *id = r->hint_ok ? r->hint.client_id : r->client_id;
    enum err rc;

    if (r->hint_ok && r->client_id && strcmp(r->client_id, r->hint.client_id) != 0)
        return bad_request(app, resp, "client_id is not the client of id_token_hint");
    if (!id)
        return ERR_OK;
    rc = client_cache_get(app->oauth.store, app->oauth.keys, id, &r->client);
    if (rc == ERR_NOT_FOUND)
        return r->redirect ? bad_request(app, resp, "the client is unknown") : ERR_OK;
    if (rc) {
        server_error_page(app, resp);
        return rc;
    }
    r->has_client = true;
    memcpy(resp->client_id, r->client.id, sizeof resp->client_id);
    return ERR_OK;
}

enum err logout_request_read(const struct app *app, const struct params *p,
                             struct http_response *resp, struct logout_request *r)
{
    enum err rc;

    memset(r, 0, sizeof *r);
    rc = read_params(app, p, resp, r);
    if (rc)
        return rc;
    read_hint(app, r);
    rc = read_client(app, resp, r);
    if (rc || !r->redirect)
        return rc;
    /* §3: a redirect only for a request whose every check passed */
    if (r->id_token_hint && !r->hint_ok)
        return bad_request(app, resp, "id_token_hint was not issued here");
    if (!r->has_client)
        return bad_request(app, resp, "post_logout_redirect_uri needs id_token_hint or client_id");
    if (!logout_redirect_registered(&r->client, r->redirect))
        return bad_request(app, resp,
                           "post_logout_redirect_uri is not registered for the application");
    return ERR_OK;
}

void logout_request_clear(struct logout_request *r)
{
    if (!r)
        return;
    logout_hint_clear(&r->hint);
    client_clear(&r->client);
    memset(r, 0, sizeof *r);
}

void logout_request_ask(const struct app *app, const struct http_request *req,
                        struct http_response *resp, const struct logout_request *r)
{
    char csrf[PAGE_CSRF_SIZE];
    const struct client *c = r->has_client ? &r->client : NULL;
    struct ui_logout_view v = {csrf, c ? (c->name ? c->name : c->id) : NULL, c ? c->id : NULL,
                               r->redirect, r->state};

    /* the form posts here, and its answer leads on to the client */
    if (page_csrf_token(app, req, resp, csrf) ||
        (r->redirect && http_response_allow_form_action(resp, r->redirect))) {
        server_error_page(app, resp);
        return;
    }
    page_render(app, resp, 200, UI_LOGOUT, &v);
}

static void redirect(const struct app *app, struct http_response *resp,
                     const struct logout_request *r)
{
    struct url_param state = {"state", r->state};
    struct buf loc;

    buf_init(&loc, LIMIT_URI + 3 * LIMIT_STATE + 16);
    if (url_add_params(&loc, r->redirect, &state, 1, URL_QUERY))
        server_error_page(app, resp);
    else
        http_response_redirect(resp, 302, loc.data);
    buf_free(&loc);
}

void logout_request_finish(const struct app *app, const struct http_request *req,
                           struct http_response *resp, const struct logout_request *r)
{
    struct ui_logged_out_view done = {0};

    if (page_session_end(app, req, resp)) {
        server_error_page(app, resp);
        return;
    }
    if (r->redirect)
        redirect(app, resp, r);
    else
        page_render(app, resp, 200, UI_LOGGED_OUT, &done);
}
