#include "endpoints/login_event.h"

#include <stdio.h>

#include "core/log.h"
#include "endpoints/metrics.h"
#include "oauth/audit.h"

void login_event(const struct app *a, const struct login_event *e)
{
    struct audit_who who = {e->username ? e->username : "", e->user_sub, e->client_id, e->address};
    bool ok = e->outcome == LOGIN_OK;

    metrics_login(ok, e->via);
    if (ok)
        log_kv(LOG_INFO, "login", "username", e->username, "client_id", e->client_id, "grant_type",
               e->grant_type, "address", e->address, NULL);
    else
        log_kv(LOG_INFO, "login failed", "username", e->username ? e->username : "", "reason",
               e->reason, "client_id", e->client_id, "grant_type", e->grant_type, "address",
               e->address, NULL);
    if (e->outcome == LOGIN_LOCKED)
        return;
    audit_record(a->oauth.store, "login", ok, &who, ok ? e->via : e->reason);
    if (e->locked_for > 0) {
        char detail[64];
        snprintf(detail, sizeof detail, "locked for %ld s", e->locked_for);
        audit_record(a->oauth.store, "login.locked", false, &who, detail);
    }
}
