#include "oauth/audit.h"

#include <pwd.h>
#include <stdio.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/log.h"

void audit_record(struct store *s, const char *type, bool ok, const struct audit_who *who,
                  const char *detail)
{
    struct audit_event ev = {
        .at = clock_now(),
        .ok = ok,
        .actor = (char *)who->actor,
        .user_sub = (char *)who->user_sub,
        .client_id = (char *)who->client_id,
        .address = (char *)who->address,
        .detail = (char *)detail,
    };
    enum err rc;

    snprintf(ev.type, sizeof ev.type, "%s", type);
    rc = store_audit_add(s, &ev);
    if (rc)
        log_kv(LOG_ERROR, "could not record an audit event", "type", type, "error", err_str(rc),
               NULL);
}

const char *audit_cli_actor(void)
{
    static char actor[64];
    struct passwd pw, *found = NULL;
    char buf[1024];

    if (getpwuid_r(geteuid(), &pw, buf, sizeof buf, &found) == 0 && found)
        snprintf(actor, sizeof actor, "cli:%s", found->pw_name);
    else
        snprintf(actor, sizeof actor, "cli:uid %u", (unsigned)geteuid());
    return actor;
}
