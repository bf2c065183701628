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
    {"/token", false, {NULL, HTTP_POST, BODY_FORM, LIMIT_FORM_BODY, true, NULL, endpoint_token}},
    {"/introspect",
     false,
     {NULL, HTTP_POST, BODY_FORM, LIMIT_FORM_BODY, true, NULL, endpoint_introspect}},
    {"/revoke", false, {NULL, HTTP_POST, BODY_FORM, LIMIT_FORM_BODY, true, NULL, endpoint_revoke}},
    {"/gate", false, {NULL, HTTP_GET, BODY_NONE, 0, true, NULL, endpoint_gate}},
    {"/jwks", false, {NULL, HTTP_GET, BODY_NONE, 0, false, "public, max-age=60", endpoint_jwks}},
    {"/.well-known/openid-configuration",
     false,
     {NULL, HTTP_GET, BODY_NONE, 0, false, "public, max-age=60", endpoint_discovery}},
    {WELL_KNOWN_AS,
     false,
     {NULL, HTTP_GET, BODY_NONE, 0, false, "public, max-age=60", endpoint_discovery}},
    /* RFC 8414 §3: for an issuer with a path the well-known part comes first */
    {WELL_KNOWN_AS,
     true,
     {NULL, HTTP_GET, BODY_NONE, 0, false, "public, max-age=60", endpoint_discovery}},
    {"/healthz", false, {NULL, HTTP_GET, BODY_NONE, 0, true, NULL, endpoint_health}},
};

#define NTABLE (sizeof table / sizeof table[0])

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
