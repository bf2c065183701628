#ifndef OIDCD_CORE_HTTP_POST_H
#define OIDCD_CORE_HTTP_POST_H

/* Outgoing HTTP calls the server makes on its own (back-channel logout) and
 * the CLI's GET of a client's sector_identifier_uri, through libcurl. Call
 * http_post_global_init once before any thread uses it, and
 * http_post_global_cleanup after the last (a single-threaded program may
 * leave that to libcurl). */

#include <stdatomic.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/errors.h"

enum err http_post_global_init(void);
void http_post_global_cleanup(void);

/* POSTs body as application/x-www-form-urlencoded to url (http or https
 * only; redirects are not followed) and waits at most timeout_ms for the
 * whole exchange, less when *cancel turns true (cancel may be NULL). The
 * response body is read and dropped. ERR_OK with the status in *status
 * when a response came; else ERR_TEMPORARILY_UNAVAILABLE with a static
 * reason in *why. */
enum err http_post_form(const char *url, const char *body, long timeout_ms,
                        const atomic_bool *cancel, long *status, const char **why);

/* GETs url (as http_post_form: http or https, no redirects, within
 * timeout_ms) and appends the response body to out, whose max bounds it.
 * ERR_OK with the status in *status when a response came; ERR_TOO_LARGE
 * when the body passed out's max; else ERR_TEMPORARILY_UNAVAILABLE with a
 * static reason in *why. */
enum err http_get(const char *url, long timeout_ms, struct buf *out, long *status,
                  const char **why);

#endif
