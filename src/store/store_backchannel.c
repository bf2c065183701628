/* The store interface for back-channel logout deliveries. */
#include <stdlib.h>

#include "core/clock.h"
#include "store/store.h"
#include "store/timing.h"

enum err store_backchannel_claim(struct store *s, int64_t now, int64_t until, size_t max,
                                 struct backchannel_logout **out, size_t *n)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->backchannel_claim(s, now, until, max, out, n));
}

enum err store_session_client_add(struct store *s, const char *sid, const char *client_id)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->session_client_add(s, sid, client_id));
}

enum err store_backchannel_delete(struct store *s, int64_t id)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->backchannel_delete(s, id));
}

enum err store_backchannel_retry(struct store *s, int64_t id, int64_t next_at)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->backchannel_retry(s, id, next_at));
}

enum err store_secret_get_or_add(struct store *s, const char *name, const unsigned char *sealed,
                                 size_t n, unsigned char **out, size_t *outlen)
{
    double t0 = clock_ms();

    return store_timed(t0, s->ops->secret_get_or_add(s, name, sealed, n, out, outlen));
}

void backchannel_logout_list_free(struct backchannel_logout *list, size_t n)
{
    size_t i;

    for (i = 0; list && i < n; i++)
        free(list[i].sub);
    free(list);
}
