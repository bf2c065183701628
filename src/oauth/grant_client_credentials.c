#include "oauth/grant_client_credentials.h"

#include <stdlib.h>
#include <string.h>

#include "oauth/access_token.h"
#include "oauth/scope.h"

/* The scope to grant: the requested subset of the client's scope, or all of
 * it when none was requested. */
static enum err granted_scope(const struct client *client, const char *requested, char **out,
                              const char **why)
{
    struct strlist allowed = {0}, asked = {0};
    enum err rc;

    rc = scope_parse(client->scope, &allowed);
    if (!rc)
        rc = scope_parse(requested && *requested ? requested : client->scope, &asked);
    if (rc == ERR_INVALID_SCOPE)
        *why = "malformed scope";
    if (rc)
        goto out;
    if (asked.n == 0) {
        *why = "the client has no scope to grant";
        rc = ERR_INVALID_SCOPE;
    } else if (!scope_is_subset(&asked, &allowed)) {
        *why = "scope not registered for the client";
        rc = ERR_INVALID_SCOPE;
    } else {
        *out = strlist_join(&asked, " ");
        rc = *out ? ERR_OK : ERR_NOMEM;
    }
out:
    strlist_free(&allowed);
    strlist_free(&asked);
    return rc;
}

enum err grant_client_credentials(const struct oauth_ctx *ctx, const struct client *client,
                                  const char *scope, const char *const *resources, size_t n,
                                  struct token_response *out, const char **why)
{
    struct access_grant g;
    struct token_target target = {0};
    enum err rc;

    memset(out, 0, sizeof *out);
    if (client->type == CLIENT_PUBLIC) {
        *why = "public clients may not use client_credentials";
        return ERR_UNAUTHORIZED_CLIENT;
    }
    if (!strlist_contains(&client->grant_types, "client_credentials")) {
        *why = "client_credentials is not among the client's grant types";
        return ERR_UNAUTHORIZED_CLIENT;
    }
    rc = granted_scope(client, scope, &out->scope, why);
    if (!rc)
        rc = resource_target(ctx, resources, n, out->scope, &target, why);
    if (rc)
        goto out;
    /* the token carries the scope cut to its resources, and says so */
    free(out->scope);
    out->scope = target.scope;
    target.scope = NULL;
    g.client = client;
    g.subject = client->id;
    g.audience = client->id;
    g.scope = out->scope;
    rc = access_token_issue_for(ctx, &g, &target, &out->access_token, &out->expires_in, NULL);
out:
    if (rc)
        token_response_clear(out);
    token_target_clear(&target);
    return rc;
}
