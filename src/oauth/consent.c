#include "oauth/consent.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "oauth/scope.h"

#define DAY 86400

/* The scope of user_sub's live consent to client_id into *allowed (empty
 * when there is none). */
static enum err live_consent(const struct oauth_ctx *ctx, const char *user_sub,
                             const char *client_id, int64_t now, struct strlist *allowed)
{
    struct consent c;
    enum err rc;

    rc = store_consent_get(ctx->store, user_sub, client_id, &c);
    if (rc == ERR_NOT_FOUND)
        return ERR_OK;
    if (!rc && c.expires_at > now)
        rc = scope_parse(c.scope, allowed);
    consent_clear(&c);
    /* a stored scope that no longer parses is no consent */
    return rc == ERR_INVALID_SCOPE ? ERR_OK : rc;
}

enum err consent_needed(const struct oauth_ctx *ctx, const struct consent_policy *policy,
                        const char *user_sub, const char *client_id, const char *scope,
                        bool *needed)
{
    struct strlist asked = {0}, allowed = {0};
    enum err rc;

    *needed = true;
    rc = scope_parse(scope, &asked);
    if (rc)
        goto out;
    if (!policy->require_consent) {
        *needed = false;
        goto out;
    }
    if (!policy->reuse_consent)
        goto out;
    rc = live_consent(ctx, user_sub, client_id, clock_now(), &allowed);
    if (!rc && allowed.n > 0)
        *needed = !scope_is_subset(&asked, &allowed);
out:
    strlist_free(&asked);
    strlist_free(&allowed);
    return rc;
}

enum err consent_remember(const struct oauth_ctx *ctx, const struct consent_policy *policy,
                          const char *user_sub, const char *client_id, const char *scope)
{
    struct strlist all = {0}, asked = {0};
    struct consent c = {0};
    int64_t now = clock_now();
    enum err rc;
    size_t i;

    if (!policy->reuse_consent || ctx->cfg->consent_remember_days <= 0)
        return ERR_OK;
    if (strlen(client_id) > LIMIT_CLIENT_ID)
        return ERR_INVALID_REQUEST;
    rc = live_consent(ctx, user_sub, client_id, now, &all);
    if (!rc)
        rc = scope_parse(scope, &asked);
    for (i = 0; !rc && i < asked.n; i++)
        if (!strlist_contains(&all, asked.items[i]))
            rc = strlist_add(&all, asked.items[i], strlen(asked.items[i]));
    if (rc)
        goto out;
    c.scope = strlist_join(&all, " ");
    if (!c.scope) {
        rc = ERR_NOMEM;
        goto out;
    }
    c.user_sub = (char *)user_sub;
    memcpy(c.client_id, client_id, strlen(client_id) + 1);
    c.created_at = now;
    c.expires_at = now + ctx->cfg->consent_remember_days * DAY;
    rc = store_consent_put(ctx->store, &c);
out:
    free(c.scope);
    strlist_free(&all);
    strlist_free(&asked);
    return rc;
}
