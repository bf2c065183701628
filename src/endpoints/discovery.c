/* GET /.well-known/openid-configuration and /.well-known/oauth-authorization-server
 * (OpenID Connect Discovery 1.0 §3, RFC 8414 §2): only what works. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strlist.h"
#include "endpoints/app.h"
#include "oauth/claims.h"
#include "oauth/mfa.h"
#include "oauth/resource.h"

static json_t *string_array(const struct strlist *l)
{
    json_t *arr = json_array();
    size_t i;

    for (i = 0; arr && i < l->n; i++)
        json_array_append_new(arr, json_string(l->items[i]));
    return arr;
}

/* The declared scopes: the OpenID Connect ones, the [scope.NAME] sections
 * and the registered resources' (from their cache, so an unauthenticated
 * request never reads the clients table), sorted, each once. Clients' scopes
 * are not published: they hold client ids (the introspection audience
 * rule). */
static enum err all_scopes(const struct config *cfg, struct store *s, struct strlist *out)
{
    enum err rc = strlist_split(out, "openid profile email phone address offline_access", " ");
    size_t i;

    for (i = 0; !rc && i < cfg->nscopes; i++)
        rc = strlist_split(out, cfg->scopes[i].name, " ");
    if (!rc)
        rc = resource_all_scopes(s, out);
    if (!rc)
        strlist_sort_unique(out);
    return rc;
}

/* How clients authenticate at the token endpoint: a public client sends its
 * client_id alone ("none"). */
static json_t *token_methods(void)
{
    return json_pack("[sss]", "client_secret_basic", "client_secret_post", "none");
}

/* At introspection only confidential clients (RFC 7662 §2.1). */
static json_t *secret_methods(void)
{
    return json_pack("[ss]", "client_secret_basic", "client_secret_post");
}

/* The ID token algorithms: those of the published keys (the access tokens'
 * too), and each one a client may be given, whose key (ES256, RS256) the
 * server makes when the first such client is registered. */
static enum err id_token_algs(const struct oauth_ctx *o, struct strlist *out)
{
    static const char *const choices[] = {"RS256", "ES256", "HS256"};
    enum err rc = keystore_algs(o->keys, out);
    size_t i;

    for (i = 0; !rc && i < sizeof choices / sizeof choices[0]; i++)
        if (!strlist_contains(out, choices[i]))
            rc = strlist_add(out, choices[i], strlen(choices[i]));
    return rc;
}

static json_t *endpoint_url(const struct config *cfg, const char *path)
{
    char url[2048];

    snprintf(url, sizeof url, "%s%s", cfg->issuer, path);
    return json_string(url);
}

/* Where things are and how clients authenticate there. */
static json_t *endpoints(const struct config *cfg)
{
    return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "issuer",
                     cfg->issuer, "authorization_endpoint", endpoint_url(cfg, "/authorize"),
                     "token_endpoint", endpoint_url(cfg, "/token"), "userinfo_endpoint",
                     endpoint_url(cfg, "/userinfo"), "jwks_uri", endpoint_url(cfg, "/jwks"),
                     "introspection_endpoint", endpoint_url(cfg, "/introspect"),
                     "revocation_endpoint", endpoint_url(cfg, "/revoke"), "end_session_endpoint",
                     endpoint_url(cfg, "/end-session"), "token_endpoint_auth_methods_supported",
                     token_methods(), "introspection_endpoint_auth_methods_supported",
                     secret_methods(),
                     /* RFC 7009 §2.1: a public client revokes with its client_id alone */
                     "revocation_endpoint_auth_methods_supported", token_methods());
}

/* The authorization code, implicit and hybrid flows as /authorize and
 * /token serve them, with the refresh_token grant, and the password grant
 * when it is on. */
static json_t *sign_in(const struct config *cfg, const struct strlist *algs,
                       const struct strlist *claims)
{
    char rp_id[CONFIG_RP_ID_MAX + 1];
    json_t *doc = json_pack(
        "{s:[ssss], s:[ssssss], s:[sss], s:[ss], s:[ssss], s:b, s:b, s:b, s:b, s:[ss], s:o, "
        "s:o, s:b, s:b, s:[ss]}",
        "grant_types_supported", "authorization_code", "implicit", "client_credentials",
        "refresh_token", "response_types_supported", "code", "id_token", "id_token token",
        "code id_token", "code token", "code id_token token", "response_modes_supported", "query",
        "fragment", "form_post", "code_challenge_methods_supported", "S256", "plain",
        "prompt_values_supported", "none", "login", "consent", "select_account",
        "authorization_response_iss_parameter_supported", 1, "claims_parameter_supported", 1,
        "request_parameter_supported", 0, "request_uri_parameter_supported", 0,
        "subject_types_supported", "public", "pairwise", "id_token_signing_alg_values_supported",
        string_array(algs), "claims_supported", string_array(claims),
        "backchannel_logout_supported", 1, "backchannel_logout_session_supported", 1,
        /* the levels a sign-in reaches (and urn:oidcd:acr:phr, below, where passkeys are on) */
        "acr_values_supported", MFA_ACR_PWD, MFA_ACR_MFA);

    if (doc && config_webauthn_rp_id(cfg, rp_id) &&
        json_array_append_new(json_object_get(doc, "acr_values_supported"),
                              json_string(MFA_ACR_PHR))) {
        json_decref(doc);
        doc = NULL;
    }
    /* Session Management §2.1: only when the iframe is served */
    if (doc && cfg->session_management &&
        json_object_set_new(doc, "check_session_iframe", endpoint_url(cfg, "/check-session"))) {
        json_decref(doc);
        doc = NULL;
    }
    if (doc && cfg->grants_password &&
        json_array_append_new(json_object_get(doc, "grant_types_supported"),
                              json_string("password"))) {
        json_decref(doc);
        doc = NULL;
    }
    return doc;
}

void endpoint_discovery(void *app, const struct http_request *req, struct http_response *resp)
{
    const struct oauth_ctx *o = &((struct app *)app)->oauth;
    struct strlist algs = {0}, scopes = {0}, claims = {0};
    json_t *doc = NULL, *more = NULL;
    enum err rc;

    (void)req;
    rc = id_token_algs(o, &algs);
    if (!rc)
        rc = all_scopes(o->cfg, o->store, &scopes);
    if (!rc)
        rc = claims_supported(o->cfg, &claims);
    if (rc) {
        http_response_error(resp, rc, NULL);
        goto out;
    }
    doc = endpoints(o->cfg);
    more = sign_in(o->cfg, &algs, &claims);
    if (!doc || !more || json_object_update(doc, more) ||
        json_object_set_new(doc, "scopes_supported", string_array(&scopes))) {
        json_decref(doc);
        doc = NULL;
    }
    http_response_json(resp, doc ? 200 : 500, doc); /* steals doc */
out:
    json_decref(more);
    strlist_free(&algs);
    strlist_free(&scopes);
    strlist_free(&claims);
}
