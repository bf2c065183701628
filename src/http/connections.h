#ifndef OIDCD_HTTP_CONNECTIONS_H
#define OIDCD_HTTP_CONNECTIONS_H

/* Every open connection and when it last made progress, so that a client that
 * trickles its request (slowloris) or sits idle is closed after a deadline.
 * libmicrohttpd's own timeout only fires when a connection goes quiet; this
 * one counts from the connection's start, or the end of its last response,
 * to the moment its next response is queued. */

#include <stdbool.h>

#include "core/errors.h"

struct conn_table;
struct conn_state;

/* Starts the table and its reaper thread, which shuts down connections that
 * have not had a response queued within timeout_s seconds of their start or
 * of their last response. */
enum err conns_start(unsigned timeout_s, struct conn_table **out);

/* Stops the reaper and frees the table (after the server has stopped). */
void conns_stop(struct conn_table *t);

/* A new connection on socket fd; NULL when out of memory (then untracked). */
struct conn_state *conns_add(struct conn_table *t, int fd);

/* The connection closed; cs is freed. NULL is fine. */
void conns_remove(struct conn_table *t, struct conn_state *cs);

/* A response was queued (busy) or finished sending (not busy: the clock of
 * the next request starts). NULL is fine. */
void conns_set_busy(struct conn_state *cs, bool busy);

#endif
