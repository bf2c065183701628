#ifndef OIDCD_CORE_HTTP_POST_H
#define OIDCD_CORE_HTTP_POST_H

/* Outgoing HTTP calls the server makes on its own (back-channel logout),
 * through libcurl. Call http_post_global_init once before any thread uses
 * it, and http_post_global_cleanup after the last. */

#include <stdatomic.h>
#include <stddef.h>

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

#endif
