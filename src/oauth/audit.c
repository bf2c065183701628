#include "oauth/audit.h"

#include <pwd.h>
#include <stdio.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/log.h"

/* What an event keeps of a text that may come from anyone (a username as
 * typed, a token_type_hint): at most AUDIT_TEXT_MAX bytes of printable ASCII,
 * '?' for any other byte, so that neither a terminal nor a JSON reader of
 * `oidcd events` meets a control byte or invalid UTF-8, and no row grows
 * large. NULL stays NULL. */
#define AUDIT_TEXT_MAX 128
static char *clean(const char *in, char out[AUDIT_TEXT_MAX + 1])
{
    size_t i;

    if (!in)
        return NULL;
    for (i = 0; in[i] && i < AUDIT_TEXT_MAX; i++)
        out[i] = in[i] >= 0x20 && in[i] < 0x7f ? in[i] : '?';
    out[i] = '\0';
    return out;
}

void audit_record(struct store *s, const char *type, bool ok, const struct audit_who *who,
                  const char *detail)
{
    char actor[AUDIT_TEXT_MAX + 1], sub[AUDIT_TEXT_MAX + 1], client[AUDIT_TEXT_MAX + 1],
        address[AUDIT_TEXT_MAX + 1], text[AUDIT_TEXT_MAX + 1];
    struct audit_event ev = {
        .at = clock_now(),
        .ok = ok,
        .actor = clean(who->actor, actor),
        .user_sub = clean(who->user_sub, sub),
        .client_id = clean(who->client_id, client),
        .address = clean(who->address, address),
        .detail = clean(detail, text),
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
