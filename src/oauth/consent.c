#include "oauth/consent.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "oauth/claims.h"
#include "oauth/scope.h"

#define DAY 86400

/* What a live consent allowed: its scopes, the claim names it allowed by
 * name, and the names its scopes release. */
struct allowed {
    struct strlist scope, names, released;
};

static void allowed_free(struct allowed *a)
{
    strlist_free(&a->scope);
    strlist_free(&a->names);
    strlist_free(&a->released);
}

/* user_sub's live consent to client_id into *a (empty when there is none). */
static enum err live_consent(const struct oauth_ctx *ctx, const char *user_sub,
                             const char *client_id, int64_t now, struct allowed *a)
{
    struct consent c;
    enum err rc;

    rc = store_consent_get(ctx->store, user_sub, client_id, &c);
    if (rc == ERR_NOT_FOUND)
        return ERR_OK;
    if (!rc && c.expires_at > now)
        rc = scope_parse(c.scope, &a->scope);
    if (!rc && c.expires_at > now)
        rc = strlist_split(&a->names, c.claims ? c.claims : "", " ");
    if (!rc && c.expires_at > now)
        rc = claims_released_names(ctx->cfg, c.scope, &a->released);
    consent_clear(&c);
    /* a stored scope that no longer parses is no consent */
    return rc == ERR_INVALID_SCOPE ? ERR_OK : rc;
}

/* Whether a allowed every name of claims. */
static bool names_allowed(const struct allowed *a, const struct strlist *claims)
{
    size_t i;

    for (i = 0; claims && i < claims->n; i++)
        if (!strlist_contains(&a->names, claims->items[i]) &&
            !strlist_contains(&a->released, claims->items[i]))
            return false;
    return true;
}

enum err consent_needed(const struct oauth_ctx *ctx, const struct consent_policy *policy,
                        const char *user_sub, const char *client_id, const char *scope,
                        const struct strlist *claims, bool *needed)
{
    struct strlist asked = {0};
    struct allowed allowed = {0};
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
    if (!rc && allowed.scope.n > 0)
        *needed = !scope_is_subset(&asked, &allowed.scope) || !names_allowed(&allowed, claims);
out:
    strlist_free(&asked);
    allowed_free(&allowed);
    return rc;
}

/* The union of l and add into l. */
static enum err merge(struct strlist *l, const struct strlist *add)
{
    enum err rc = ERR_OK;
    size_t i;

    for (i = 0; !rc && add && i < add->n; i++)
        if (!strlist_contains(l, add->items[i]))
            rc = strlist_add(l, add->items[i], strlen(add->items[i]));
    return rc;
}

enum err consent_remember(const struct oauth_ctx *ctx, const struct consent_policy *policy,
                          const char *user_sub, const char *client_id, const char *scope,
                          const struct strlist *claims)
{
    struct strlist asked = {0};
    struct allowed all = {0};
    struct consent c = {0};
    int64_t now = clock_now();
    enum err rc;

    if (!policy->reuse_consent || ctx->cfg->consent_remember_days <= 0)
        return ERR_OK;
    if (strlen(client_id) > LIMIT_CLIENT_ID)
        return ERR_INVALID_REQUEST;
    rc = live_consent(ctx, user_sub, client_id, now, &all);
    if (!rc)
        rc = scope_parse(scope, &asked);
    if (!rc)
        rc = merge(&all.scope, &asked);
    if (!rc)
        rc = merge(&all.names, claims);
    if (rc)
        goto out;
    c.scope = strlist_join(&all.scope, " ");
    c.claims = all.names.n ? strlist_join(&all.names, " ") : NULL;
    if (!c.scope || (all.names.n && !c.claims)) {
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
    free(c.claims);
    allowed_free(&all);
    strlist_free(&asked);
    return rc;
}
