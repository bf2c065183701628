#ifndef OIDCD_OAUTH_AUDIT_H
#define OIDCD_OAUTH_AUDIT_H

/* Recording security-relevant events (store_audit_add) from anywhere: the
 * server's endpoints and the CLI. A failure to record is logged and never
 * fails what was being done. */

#include <stdbool.h>

#include "store/store.h"

/* Who and what an event concerns; any field may be NULL but actor. */
struct audit_who {
    const char *actor;
    const char *user_sub;
    const char *client_id;
    const char *address;
};

/* Records type (a name such as "client.created") with its outcome and a
 * one-line detail (may be NULL; never a secret) at the current time. Every
 * text is cut to 128 bytes of printable ASCII ('?' for other bytes). */
void audit_record(struct store *s, const char *type, bool ok, const struct audit_who *who,
                  const char *detail);

/* "cli:NAME": the user running the command line, for actor. */
const char *audit_cli_actor(void);

#endif
