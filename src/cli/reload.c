/* oidcd serve, on SIGHUP: the settings that can change live do. */
#include "cli/reload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <time.h>

#include "core/log.h"
#include "oauth/login_throttle.h"
#include "store/store.h"
#include "ui/render.h"

/* Read once at start-up into what cannot be swapped under running threads:
 * the sockets and their threads, the database connections, the keys, the
 * cookie names (the issuer's), the password hashing slots, the log flusher
 * and the back-channel worker. */
static const char *const restart_only[] = {
    "server.issuer",
    "server.listen",
    "server.threads",
    "server.connection_timeout",
    "database.url",
    "database.timeout_ms",
    "keys.encryption_key_file",
    "keys.algorithm",
    "log.flush_interval_ms",
    "passwords.argon2_memory_kib",
    "passwords.argon2_iterations",
    "passwords.argon2_parallelism",
    "backchannel.timeout_ms",
    "backchannel.retries",
    "metrics.listen",
    "webauthn.rp_id", /* follows the issuer; every passkey is bound to it */
};

bool reload_needs_restart(const char *section, const char *key)
{
    size_t i, n = strlen(section);

    for (i = 0; i < sizeof restart_only / sizeof restart_only[0]; i++)
        if (strncmp(restart_only[i], section, n) == 0 && restart_only[i][n] == '.' &&
            strcmp(restart_only[i] + n + 1, key) == 0)
            return true;
    return false;
}

struct changes {
    char names[1024]; /* the live settings that changed, space-separated */
    size_t len;
};

static bool on_change(const char *section, const char *key, void *arg)
{
    struct changes *ch = arg;
    char name[96];
    int n;

    snprintf(name, sizeof name, "%s.%s", section, key);
    if (reload_needs_restart(section, key)) {
        log_kv(LOG_WARN, "setting changed but takes effect only at a restart: the old value stays",
               "setting", name, NULL);
        return true;
    }
    n = snprintf(ch->names + ch->len, sizeof ch->names - ch->len, "%s%s", ch->len ? " " : "", name);
    if (n > 0 && (size_t)n < sizeof ch->names - ch->len)
        ch->len += (size_t)n;
    return false;
}

/* What start-up copied out of the configuration into running parts. */
static void apply(struct app *app, const struct config *c, const struct config *old)
{
    enum err rc;

    login_throttle_set_limits(app->throttle, c->login_max_failures, c->login_lockout_seconds);
    if (config_max_token_ttl(c) != config_max_token_ttl(old)) {
        rc = store_token_ttl_record(app->oauth.store, config_max_token_ttl(c));
        if (rc)
            log_kv(LOG_WARN, "could not record the token lifetime for key rotation", "error",
                   err_str(rc), NULL);
    }
    log_set_format(strcmp(c->log_format, "json") == 0 ? LOG_JSON : LOG_LOGFMT);
    log_set_level(log_level_named(c->log_level));
}

static void notify_reloading(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu",
               (unsigned long long)ts.tv_sec * 1000000ULL + (unsigned long long)ts.tv_nsec / 1000);
}

void serve_reload(struct app *app)
{
    const struct config *old = app_cfg_now(app);
    struct app_live *g = calloc(1, sizeof *g);
    struct changes ch = {.len = 0};
    char why[1024] = "";
    enum err rc = ERR_NOMEM;
    bool quieter;

    notify_reloading();
    if (g)
        rc = config_load(&g->cfg, old->path[0] ? old->path : NULL, why, sizeof why);
    if (!rc)
        rc = ui_open(g->cfg.templates_dir, &g->ui, why, sizeof why);
    if (rc) {
        log_kv(LOG_ERROR, "reload refused: the running configuration stays", "error",
               why[0] ? why : err_str(rc), NULL);
        goto out;
    }
    config_each_change(&g->cfg, old, on_change, &ch);
    /* said at the more verbose of the two log levels */
    quieter = log_level_named(g->cfg.log_level) > log_level_named(old->log_level);
    if (quieter)
        log_kv(LOG_INFO, "config reloaded", "changed", ch.len ? ch.names : "none", NULL);
    apply(app, &g->cfg, old);
    if (!quieter)
        log_kv(LOG_INFO, "config reloaded", "changed", ch.len ? ch.names : "none", NULL);
    app_gens_swap(app, g);
    g = NULL;
out:
    if (g) {
        ui_free(g->ui);
        free(g);
    }
    sd_notify(0, "READY=1");
}
