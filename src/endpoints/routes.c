#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "endpoints/app.h"

#define WELL_KNOWN_AS "/.well-known/oauth-authorization-server"

/* path is relative to the issuer, except where absolute is set. */
static const struct {
    const char *path;
    bool absolute;
    struct route route;
} table[] = {
    {"/token",
     false,
     {.methods = HTTP_POST,
      .body = BODY_FORM,
      .max_body = LIMIT_FORM_BODY,
      .flags = ROUTE_NO_STORE | ROUTE_CLIENT_AUTH,
      .handler = endpoint_token}},
    {"/introspect",
     false,
     {.methods = HTTP_POST,
      .body = BODY_FORM,
      .max_body = LIMIT_FORM_BODY,
      .flags = ROUTE_NO_STORE | ROUTE_CLIENT_AUTH,
      .handler = endpoint_introspect}},
    {"/revoke",
     false,
     {.methods = HTTP_POST,
      .body = BODY_FORM,
      .max_body = LIMIT_FORM_BODY,
      .flags = ROUTE_NO_STORE | ROUTE_CLIENT_AUTH,
      .handler = endpoint_revoke}},
    {"/userinfo",
     false,
     {.methods = HTTP_GET | HTTP_POST | HTTP_OPTIONS,
      .body = BODY_FORM,
      .max_body = LIMIT_FORM_BODY,
      .flags = ROUTE_NO_STORE | ROUTE_CORS,
      .handler = endpoint_userinfo}},
    {"/gate", false, {.methods = HTTP_GET, .flags = ROUTE_NO_STORE, .handler = endpoint_gate}},
    {"/jwks",
     false,
     {.methods = HTTP_GET, .cache_control = "public, max-age=60", .handler = endpoint_jwks}},
    {"/.well-known/openid-configuration",
     false,
     {.methods = HTTP_GET, .cache_control = "public, max-age=60", .handler = endpoint_discovery}},
    {WELL_KNOWN_AS,
     false,
     {.methods = HTTP_GET, .cache_control = "public, max-age=60", .handler = endpoint_discovery}},
    /* RFC 8414 §3: for an issuer with a path the well-known part comes first */
    {WELL_KNOWN_AS,
     true,
     {.methods = HTTP_GET, .cache_control = "public, max-age=60", .handler = endpoint_discovery}},
    {"/static/",
     false,
     {.methods = HTTP_GET,
      .flags = ROUTE_PREFIX,
      .cache_control = "public, max-age=86400",
      .handler = endpoint_static}},
    {"/authorize",
     false,
     {.methods = HTTP_GET | HTTP_POST,
      .body = BODY_FORM,
      .max_body = LIMIT_FORM_BODY,
      .flags = ROUTE_HTML | ROUTE_SESSION,
      .handler = endpoint_authorize}},
    {"/login",
     false,
     {.methods = HTTP_GET | HTTP_POST,
      .body = BODY_FORM,
      .max_body = LIMIT_FORM_BODY,
      .flags = ROUTE_HTML | ROUTE_SESSION | ROUTE_CSRF,
      .handler = endpoint_login}},
    {"/account",
     false,
     {.methods = HTTP_GET | HTTP_POST,
      .body = BODY_FORM,
      .max_body = LIMIT_FORM_BODY,
      .flags = ROUTE_HTML | ROUTE_SESSION | ROUTE_CSRF,
      .handler = endpoint_account}},
    {"/login/mfa",
     false,
     {.methods = HTTP_GET | HTTP_POST,
      .body = BODY_FORM,
      .max_body = LIMIT_FORM_BODY,
      .flags = ROUTE_HTML | ROUTE_SESSION | ROUTE_CSRF,
      .handler = endpoint_login_mfa}},
    {"/login/passkey",
     false,
     {.methods = HTTP_POST,
      .body = BODY_FORM,
      .max_body = LIMIT_PASSKEY_FORM_BODY,
      .flags = ROUTE_HTML | ROUTE_SESSION | ROUTE_CSRF,
      .handler = endpoint_login_passkey}},
    {"/account/passkey",
     false,
     {.methods = HTTP_POST,
      .body = BODY_FORM,
      .max_body = LIMIT_PASSKEY_FORM_BODY,
      .flags = ROUTE_HTML | ROUTE_SESSION | ROUTE_CSRF,
      .handler = endpoint_account_passkey}},
    {"/consent",
     false,
     {.methods = HTTP_GET | HTTP_POST,
      .body = BODY_FORM,
      .max_body = LIMIT_FORM_BODY,
      .flags = ROUTE_HTML | ROUTE_SESSION | ROUTE_CSRF,
      .handler = endpoint_consent}},
    {"/logout",
     false,
     {.methods = HTTP_GET | HTTP_POST,
      .body = BODY_FORM,
      .max_body = LIMIT_FORM_BODY,
      .flags = ROUTE_HTML | ROUTE_SESSION | ROUTE_CSRF,
      .handler = endpoint_logout}},
    /* no CSRF flag: the application's own form may post here; a session
     * ends at once only for a hint of its user, else the user is asked */
    {"/end-session",
     false,
     {.methods = HTTP_GET | HTTP_POST,
      .body = BODY_FORM,
      .max_body = LIMIT_FORM_BODY,
      .flags = ROUTE_HTML | ROUTE_SESSION,
      .handler = endpoint_end_session}},
    /* Session Management §3.3: relying parties' pages frame it, from
     * whatever origin they are registered at */
    {"/check-session",
     false,
     {.methods = HTTP_GET,
      .flags = ROUTE_HTML | ROUTE_FRAMEABLE,
      .handler = endpoint_check_session}},
    {"/healthz", false, {.methods = HTTP_GET, .flags = ROUTE_NO_STORE, .handler = endpoint_health}},
};

#define NTABLE (sizeof table / sizeof table[0])

const struct route route_metrics = {
    .path = "/metrics", .methods = HTTP_GET, .flags = ROUTE_NO_STORE, .handler = endpoint_metrics};

enum err routes_build(const struct config *cfg, struct route **out, size_t *n)
{
    struct route *routes = calloc(NTABLE, sizeof *routes);
    size_t i, count = 0;
    char path[2048];

    if (!routes)
        return ERR_NOMEM;
    for (i = 0; i < NTABLE; i++) {
        if (table[i].absolute && !cfg->issuer_path[0])
            continue;
        if (table[i].absolute)
            snprintf(path, sizeof path, "%s%s", table[i].path, cfg->issuer_path);
        else
            snprintf(path, sizeof path, "%s%s", cfg->issuer_path, table[i].path);
        routes[count] = table[i].route;
        routes[count].path = strdup(path);
        if (!routes[count].path) {
            routes_free(routes, count);
            return ERR_NOMEM;
        }
        count++;
    }
    *out = routes;
    *n = count;
    return ERR_OK;
}

void routes_free(struct route *routes, size_t n)
{
    size_t i;

    for (i = 0; routes && i < n; i++)
        free((char *)routes[i].path);
    free(routes);
}
