#include "oauth/grant_client_credentials.h"

#include <stdlib.h>
#include <string.h>

#include "oauth/access_token.h"
#include "oauth/scope.h"

enum err grant_client_credentials(const struct oauth_ctx *ctx, const struct client *client,
                                  const char *scope, const char *const *resources, size_t n,
                                  struct token_response *out, const char **why)
{
    struct access_grant g = {0};
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
    rc = scope_grant(client->scope, scope, &out->scope, why);
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
    g.subject_is_client = true;
    g.audience = client->id;
    g.scope = out->scope;
    rc = access_token_issue_for(ctx, &g, &target, &out->access_token, &out->expires_in, NULL);
out:
    if (rc)
        token_response_clear(out);
    token_target_clear(&target);
    return rc;
}
