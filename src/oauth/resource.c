#include "oauth/resource.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/url.h"
#include "oauth/scope.h"

#define TTL_MS 1000.0

/* The resources, read again only when store_resources_version has moved
 * since (checked at most once a second): a token request costs no read of
 * them, and an idle cache one small read a second. */
static struct {
    pthread_mutex_t lock;
    struct resource *list;
    size_t n;
    bool loaded;
    int64_t version; /* the version read before the list */
    double checked_ms;
} cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* Every resource, a page at a time, into *out (caller frees with
 * resource_list_free). */
static enum err read_all(struct store *s, struct resource **out, size_t *n)
{
    struct resource *all = NULL, *page = NULL, *grown;
    size_t got = 0;
    enum err rc;

    *n = 0;
    do {
        rc = store_resource_list(s, *n ? all[*n - 1].id : NULL, LIMIT_LIST_PAGE, &page, &got);
        if (rc)
            break;
        if (got == 0) {
            resource_list_free(page, got);
            break;
        }
        grown = realloc(all, (*n + got) * sizeof *all);
        if (!grown) {
            resource_list_free(page, got);
            rc = ERR_NOMEM;
            break;
        }
        all = grown;
        memcpy(all + *n, page, got * sizeof *page); /* all owns the page's strings now */
        *n += got;
        free(page);
    } while (got == LIMIT_LIST_PAGE);
    if (rc) {
        resource_list_free(all, *n);
        *n = 0;
        all = NULL;
    }
    *out = all;
    return rc;
}

/* Reads the resources again when they changed; call with the lock held. */
static enum err refresh(struct store *s)
{
    struct resource *list = NULL;
    size_t n = 0;
    double asked_ms = clock_ms();
    int64_t version;
    enum err rc;

    if (cache.loaded && asked_ms - cache.checked_ms < TTL_MS)
        return ERR_OK;
    /* read before the rows: a change after it moves the version past this */
    rc = store_resources_version(s, &version);
    if (rc)
        return rc;
    if (!cache.loaded || version != cache.version) {
        rc = read_all(s, &list, &n);
        if (rc)
            return rc;
        resource_list_free(cache.list, cache.n);
        cache.list = list;
        cache.n = n;
        cache.version = version;
        cache.loaded = true;
    }
    cache.checked_ms = asked_ms;
    return ERR_OK;
}

static const struct resource *find(const char *id)
{
    size_t i;

    for (i = 0; i < cache.n; i++)
        if (strcmp(cache.list[i].id, id) == 0)
            return &cache.list[i];
    return NULL;
}

/* True when resource r owns one of the words of granted. */
static bool owns_any(const struct resource *r, const struct strlist *granted)
{
    size_t i;

    for (i = 0; i < granted->n; i++)
        if (scope_has(r->scope, granted->items[i]))
            return true;
    return false;
}

/* Adds r to the audience and folds its token settings into t. */
static enum err aim_at(struct token_target *t, const struct resource *r)
{
    if (strlist_contains(&t->audience, r->id))
        return ERR_OK;
    if (r->has_format && (!t->has_format || r->token_format == TOKEN_FORMAT_OPAQUE)) {
        t->has_format = true;
        t->format = r->token_format;
    }
    if (r->access_token_ttl > 0 && (t->ttl == 0 || r->access_token_ttl < t->ttl))
        t->ttl = r->access_token_ttl;
    return strlist_add(&t->audience, r->id, strlen(r->id));
}

/* The requested resources: each registered and owning a granted scope. */
static enum err aim_requested(struct token_target *t, const char *const *requested, size_t n,
                              const struct strlist *granted, const char **why)
{
    const struct resource *r;
    enum err rc = ERR_OK;
    size_t i;

    for (i = 0; !rc && i < n; i++) {
        r = find(requested[i]);
        if (!r) {
            *why = "resource is not a registered resource";
            return ERR_INVALID_TARGET;
        }
        if (!owns_any(r, granted)) {
            *why = "the client may not be granted any scope of this resource";
            return ERR_INVALID_TARGET;
        }
        rc = aim_at(t, r);
    }
    return rc;
}

/* The granted scope words that one of the audience's resources owns. */
static char *cut_scope(const struct token_target *t, const struct strlist *granted)
{
    struct strlist kept = {0};
    const struct resource *r;
    char *joined = NULL;
    size_t i, j;

    for (i = 0; i < granted->n; i++) {
        for (j = 0; j < t->audience.n; j++) {
            r = find(t->audience.items[j]);
            if (r && scope_has(r->scope, granted->items[i]))
                break;
        }
        if (j < t->audience.n && strlist_add(&kept, granted->items[i], strlen(granted->items[i])))
            goto out;
    }
    joined = strlist_join(&kept, " ");
out:
    strlist_free(&kept);
    return joined;
}

static enum err decide(struct token_target *t, const char *const *requested, size_t n,
                       const struct strlist *granted, const char *scope, const char **why)
{
    enum err rc = ERR_OK;
    size_t i;

    if (n > 0) {
        rc = aim_requested(t, requested, n, granted, why);
        if (!rc)
            t->scope = cut_scope(t, granted);
    } else {
        for (i = 0; !rc && i < cache.n; i++)
            if (owns_any(&cache.list[i], granted))
                rc = aim_at(t, &cache.list[i]);
        if (!rc)
            t->scope = strdup(scope);
    }
    return rc ? rc : t->scope ? ERR_OK : ERR_NOMEM;
}

/* A grant bound to the resources named (RFC 8707 §2.2): those requested
 * must be among them; none requested, the token is for the named resources
 * that own one of its scopes, and there must be one. */
static enum err decide_named(struct token_target *t, const struct strlist *named,
                             const char *const *requested, size_t n, const struct strlist *granted,
                             const char **why)
{
    const struct resource *r;
    enum err rc = ERR_OK;
    size_t i;

    for (i = 0; i < n; i++)
        if (!strlist_contains(named, requested[i])) {
            *why = "resource was not named in the authorization request";
            return ERR_INVALID_TARGET;
        }
    if (n > 0)
        return decide(t, requested, n, granted, "", why);
    for (i = 0; !rc && i < named->n; i++)
        if ((r = find(named->items[i])) && owns_any(r, granted))
            rc = aim_at(t, r);
    if (!rc && t->audience.n == 0) {
        *why = "the scope holds none of the scopes of the resources the authorization request "
               "named";
        return ERR_INVALID_TARGET;
    }
    if (!rc && !(t->scope = cut_scope(t, granted)))
        rc = ERR_NOMEM;
    return rc;
}

enum err resource_target_granted(const struct oauth_ctx *ctx, const char *named,
                                 const char *const *requested, size_t n, const char *scope,
                                 struct token_target *out, const char **why)
{
    struct strlist granted = {0}, names = {0};
    enum err rc;

    memset(out, 0, sizeof *out);
    rc = strlist_split(&granted, scope ? scope : "", " ");
    if (!rc)
        rc = strlist_split(&names, named ? named : "", " ");
    if (rc)
        goto out;
    pthread_mutex_lock(&cache.lock);
    rc = refresh(ctx->store);
    if (!rc && names.n > 0)
        rc = decide_named(out, &names, requested, n, &granted, why);
    else if (!rc)
        rc = decide(out, requested, n, &granted, scope ? scope : "", why);
    pthread_mutex_unlock(&cache.lock);
out:
    strlist_free(&granted);
    strlist_free(&names);
    return rc;
}

enum err resource_target(const struct oauth_ctx *ctx, const char *const *requested, size_t n,
                         const char *scope, struct token_target *out, const char **why)
{
    return resource_target_granted(ctx, NULL, requested, n, scope, out, why);
}

enum err resource_check(const struct oauth_ctx *ctx, const struct strlist *requested,
                        const char *scope, const char **why)
{
    struct token_target t;
    enum err rc;

    if (requested->n == 0)
        return ERR_OK;
    rc = resource_target(ctx, (const char *const *)requested->items, requested->n, scope, &t, why);
    token_target_clear(&t);
    return rc;
}

enum err resource_params_collect(const struct params *p, const char *out[LIMIT_PARAMS], size_t *n,
                                 const char **why)
{
    size_t i;

    *n = 0;
    for (i = 0; i < p->n; i++) {
        const char *v = p->items[i].value;
        if (strcmp(p->items[i].name, "resource") != 0 || !v || !*v)
            continue;
        if (url_absolute_problem(v)) {
            *why = "resource must be an absolute URI without a fragment";
            return ERR_INVALID_TARGET;
        }
        out[(*n)++] = v;
    }
    return ERR_OK;
}

void token_target_clear(struct token_target *t)
{
    if (!t)
        return;
    strlist_free(&t->audience);
    free(t->scope);
    memset(t, 0, sizeof *t);
}

enum err resource_all_scopes(struct store *s, struct strlist *out)
{
    enum err rc;
    size_t i;

    pthread_mutex_lock(&cache.lock);
    rc = refresh(s);
    for (i = 0; !rc && i < cache.n; i++)
        rc = strlist_split(out, cache.list[i].scope, " ");
    pthread_mutex_unlock(&cache.lock);
    return rc;
}

void resource_cache_clear(void)
{
    pthread_mutex_lock(&cache.lock);
    resource_list_free(cache.list, cache.n);
    cache.list = NULL;
    cache.n = 0;
    cache.loaded = false;
    pthread_mutex_unlock(&cache.lock);
}
