/* GET /.well-known/openid-configuration and /.well-known/oauth-authorization-server
 * (OpenID Connect Discovery 1.0 §3, RFC 8414 §2): only what works. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/strlist.h"
#include "endpoints/app.h"

static json_t *string_array(const struct strlist *l)
{
    json_t *arr = json_array();
    size_t i;

    for (i = 0; arr && i < l->n; i++)
        json_array_append_new(arr, json_string(l->items[i]));
    return arr;
}

/* Every scope some enabled client may be granted, sorted, each once. (Not
 * through scope_parse: its cap is for one request, not for all clients.) */
static enum err all_scopes(struct store *s, struct strlist *out)
{
    struct client *clients = NULL;
    size_t n = 0, i;
    enum err rc = store_client_list(s, &clients, &n);

    for (i = 0; !rc && i < n; i++)
        if (clients[i].enabled)
            rc = strlist_split(out, clients[i].scope, " ");
    client_list_free(clients, n);
    if (!rc)
        strlist_sort_unique(out);
    return rc;
}

/* How clients authenticate at the back-channel endpoints. */
static json_t *secret_methods(void)
{
    return json_pack("[ss]", "client_secret_basic", "client_secret_post");
}

/* RFC 7009 §2.1: a public client revokes its tokens with its client_id alone. */
static json_t *revocation_methods(void)
{
    return json_pack("[sss]", "client_secret_basic", "client_secret_post", "none");
}

static json_t *endpoint_url(const struct config *cfg, const char *path)
{
    char url[2048];

    snprintf(url, sizeof url, "%s%s", cfg->issuer, path);
    return json_string(url);
}

void endpoint_discovery(void *app, const struct http_request *req, struct http_response *resp)
{
    const struct oauth_ctx *o = &((struct app *)app)->oauth;
    struct strlist algs = {0}, scopes = {0};
    json_t *doc;
    enum err rc;

    (void)req;
    rc = keystore_algs(o->keys, &algs);
    if (!rc)
        rc = all_scopes(o->store, &scopes);
    if (rc) {
        http_response_error(resp, rc, NULL);
        goto out;
    }
    doc = json_pack("{s:s, s:o, s:o, s:o, s:o, s:[s], s:o, s:o, s:o, s:[], s:[s], s:o, s:o}",
                    "issuer", o->cfg->issuer, "token_endpoint", endpoint_url(o->cfg, "/token"),
                    "jwks_uri", endpoint_url(o->cfg, "/jwks"), "introspection_endpoint",
                    endpoint_url(o->cfg, "/introspect"), "revocation_endpoint",
                    endpoint_url(o->cfg, "/revoke"), "grant_types_supported", "client_credentials",
                    "token_endpoint_auth_methods_supported", secret_methods(),
                    "introspection_endpoint_auth_methods_supported", secret_methods(),
                    "revocation_endpoint_auth_methods_supported", revocation_methods(),
                    "response_types_supported", "subject_types_supported", "public",
                    "id_token_signing_alg_values_supported", string_array(&algs),
                    "scopes_supported", string_array(&scopes));
    http_response_json(resp, doc ? 200 : 500, doc);
out:
    strlist_free(&algs);
    strlist_free(&scopes);
}
