#include "oauth/user_claims.h"

#include "oauth/claims.h"

enum err user_claims_get(const struct oauth_ctx *ctx, const char *sub, const char *scope,
                         const char *names, json_t **out)
{
    struct user u = {0};
    enum err rc;

    *out = NULL;
    rc = store_user_get(ctx->store, sub, &u);
    if (!rc && !u.enabled)
        rc = ERR_NOT_FOUND;
    if (!rc)
        rc = claims_release(ctx->cfg, scope, names, u.sub, u.claims, out);
    user_clear(&u);
    return rc;
}
