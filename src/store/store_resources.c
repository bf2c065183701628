/* The store interface for resources (RFC 8707) and the recorded token
 * lifetime. */
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "store/store.h"
#include "store/timing.h"

enum err store_resource_get(struct store *s, const char *id, struct resource *out)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->resource_get(s, id, out));
}

enum err store_resource_insert(struct store *s, const struct resource *r)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->resource_insert(s, r));
}

enum err store_resource_update(struct store *s, const struct resource *r)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->resource_update(s, r));
}

enum err store_resource_delete(struct store *s, const char *id)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->resource_delete(s, id));
}

enum err store_resource_list(struct store *s, const char *after, size_t limit,
                             struct resource **out, size_t *n)
{
    double t0 = clock_ms();

    if (limit < 1 || limit > LIMIT_LIST_PAGE)
        return ERR_INVALID_REQUEST;
    return store_timed(t0, s->ops->resource_list(s, after ? after : "", limit, out, n));
}

enum err store_resources_version(struct store *s, int64_t *version)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->resources_version(s, version));
}

enum err store_token_ttl_record(struct store *s, int64_t ttl)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->token_ttl_record(s, ttl));
}

enum err store_token_ttl_max(struct store *s, int64_t *out)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->token_ttl_max(s, out));
}

void resource_clear(struct resource *r)
{
    if (!r)
        return;
    free(r->id);
    free(r->name);
    free(r->scope);
    memset(r, 0, sizeof *r);
}

void resource_list_free(struct resource *list, size_t n)
{
    size_t i;

    for (i = 0; list && i < n; i++)
        resource_clear(&list[i]);
    free(list);
}
