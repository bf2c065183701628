#include "http/connections.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "core/clock.h"
#include "core/log.h"

#define TICK_MS 250

/* busy and since_ms change twice a request on the connection's own thread:
 * atomics, so that needs no lock; the list itself is under the table's. */
struct conn_state {
    int fd;
    _Atomic double since_ms; /* start, or end of the last response */
    _Atomic bool busy;       /* a response is queued or being sent */
    bool cut;                /* already shut down by the reaper */
    struct conn_state *prev, *next;
};

struct conn_table {
    pthread_mutex_t lock; /* guards the list and stop */
    pthread_cond_t wake;
    struct conn_state *head;
    double timeout_ms;
    bool stop;
    pthread_t reaper;
};

/* Shuts down, never closes: the fd stays libmicrohttpd's, which sees the
 * shutdown, closes the connection and tells us (conns_remove) before it
 * closes the fd. */
static void reap(struct conn_table *t, double now)
{
    struct conn_state *cs;

    for (cs = t->head; cs; cs = cs->next) {
        if (cs->busy || cs->cut || now - cs->since_ms < t->timeout_ms)
            continue;
        shutdown(cs->fd, SHUT_RDWR);
        cs->cut = true;
        log_kv(LOG_INFO, "closed a connection that sent no complete request in time", NULL);
    }
}

static void *reaper_run(void *arg)
{
    struct conn_table *t = arg;
    struct timespec until;

    pthread_mutex_lock(&t->lock);
    while (!t->stop) {
        reap(t, clock_ms());
        until = clock_deadline_in(TICK_MS);
        pthread_cond_timedwait(&t->wake, &t->lock, &until);
    }
    pthread_mutex_unlock(&t->lock);
    return NULL;
}

enum err conns_start(unsigned timeout_s, struct conn_table **out)
{
    struct conn_table *t = calloc(1, sizeof *t);

    if (!t)
        return ERR_NOMEM;
    pthread_mutex_init(&t->lock, NULL);
    clock_cond_init(&t->wake);
    t->timeout_ms = timeout_s * 1000.0;
    if (pthread_create(&t->reaper, NULL, reaper_run, t)) {
        free(t);
        return ERR_NOMEM;
    }
    *out = t;
    return ERR_OK;
}

void conns_stop(struct conn_table *t)
{
    struct conn_state *cs, *next;

    if (!t)
        return;
    pthread_mutex_lock(&t->lock);
    t->stop = true;
    pthread_cond_signal(&t->wake);
    pthread_mutex_unlock(&t->lock);
    pthread_join(t->reaper, NULL);
    for (cs = t->head; cs; cs = next) {
        next = cs->next;
        free(cs);
    }
    pthread_mutex_destroy(&t->lock);
    pthread_cond_destroy(&t->wake);
    free(t);
}

struct conn_state *conns_add(struct conn_table *t, int fd)
{
    struct conn_state *cs = calloc(1, sizeof *cs);

    if (!cs)
        return NULL;
    cs->fd = fd;
    cs->since_ms = clock_ms();
    pthread_mutex_lock(&t->lock);
    cs->next = t->head;
    if (t->head)
        t->head->prev = cs;
    t->head = cs;
    pthread_mutex_unlock(&t->lock);
    return cs;
}

void conns_remove(struct conn_table *t, struct conn_state *cs)
{
    if (!cs)
        return;
    pthread_mutex_lock(&t->lock);
    if (cs->prev)
        cs->prev->next = cs->next;
    else
        t->head = cs->next;
    if (cs->next)
        cs->next->prev = cs->prev;
    pthread_mutex_unlock(&t->lock);
    free(cs);
}

void conns_set_busy(struct conn_state *cs, bool busy)
{
    if (!cs)
        return;
    /* the new start first: the reaper never sees "idle" with an old one */
    if (!busy)
        cs->since_ms = clock_ms();
    cs->busy = busy;
}
