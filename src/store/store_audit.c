/* The store interface for audit events. */
#include <stdlib.h>

#include "core/clock.h"
#include "store/store.h"
#include "store/timing.h"

enum err store_audit_add(struct store *s, const struct audit_event *ev)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->audit_add(s, ev));
}

enum err store_audit_list(struct store *s, const struct audit_filter *f, struct audit_event **out,
                          size_t *n)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->audit_list(s, f, out, n));
}

enum err store_audit_sweep(struct store *s, int64_t before, int64_t *removed)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->audit_sweep(s, before, removed));
}

void audit_event_clear(struct audit_event *ev)
{
    free(ev->actor);
    free(ev->user_sub);
    free(ev->client_id);
    free(ev->address);
    free(ev->detail);
    ev->actor = ev->user_sub = ev->client_id = ev->address = ev->detail = NULL;
}

void audit_event_list_free(struct audit_event *list, size_t n)
{
    size_t i;

    for (i = 0; list && i < n; i++)
        audit_event_clear(&list[i]);
    free(list);
}
