/* oidcd serve: open everything, serve until SIGTERM or SIGINT, then drain;
 * SIGHUP reloads the configuration (cli/reload.c). */
#include <openssl/crypto.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/reload.h"
#include "core/addr_set.h"
#include "core/clock.h"
#include "core/log.h"
#include "endpoints/app.h"
#include "endpoints/page.h"
#include "http/server.h"
#include "jose/keys.h"
#include "oauth/backchannel.h"
#include "oauth/client_cache.h"
#include "oauth/login_throttle.h"
#include "oauth/password.h"
#include "oauth/signin_challenge.h"
#include "oauth/token_cache.h"
#include "oauth/user_cache.h"
#include "store/store.h"
#include "ui/render.h"

#define SWEEP_EVERY_S 60
#define DRAIN_MS 10000

/* Background upkeep: notice key changes made elsewhere within a second, and
 * delete what has expired. */
struct upkeep {
    struct app *app;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stop;
};

static void *upkeep_run(void *arg)
{
    struct upkeep *u = arg;
    double last_sweep = -1e18; /* monotonic ms: a clock set back delays nothing */
    int64_t removed;
    struct timespec until;

    pthread_mutex_lock(&u->lock);
    while (!u->stop) {
        pthread_mutex_unlock(&u->lock);
        keystore_refresh(u->app->oauth.keys);
        if (clock_ms() - last_sweep >= SWEEP_EVERY_S * 1000.0) {
            last_sweep = clock_ms();
            if (store_sweep(u->app->oauth.store, clock_now(), &removed) == ERR_OK && removed)
                log_kv(LOG_INFO, "swept expired rows", NULL);
            if (store_audit_sweep(u->app->oauth.store,
                                  clock_now() - app_cfg_now(u->app)->audit_retention_days * 86400,
                                  &removed) == ERR_OK &&
                removed)
                log_kv(LOG_INFO, "swept audit events past audit.retention_days", NULL);
        }
        until = clock_deadline_in(500);
        pthread_mutex_lock(&u->lock);
        if (!u->stop)
            pthread_cond_timedwait(&u->wake, &u->lock, &until);
    }
    pthread_mutex_unlock(&u->lock);
    return NULL;
}

static void upkeep_stop(struct upkeep *u, pthread_t thread)
{
    pthread_mutex_lock(&u->lock);
    u->stop = true;
    pthread_cond_signal(&u->wake);
    pthread_mutex_unlock(&u->lock);
    pthread_join(thread, NULL);
}

/* A plain-http issuer works, but only loopback is fit for it: say so once. */
/* Opens the store and the keys, making the first key when there is none. */
/* A key for keys.algorithm (access tokens, and ID tokens of clients that
 * name none) and one for every algorithm a client's ID tokens use, so a
 * database restored or moved under another keys.algorithm still signs
 * them all. HS256 needs no key: each such client's secret is its key. */
static enum err ensure_keys(const struct config *cfg, struct store *s, struct keystore *keys)
{
    struct strlist algs = {0};
    enum err rc = keystore_ensure(keys, cfg->key_algorithm);
    size_t i;

    if (!rc)
        rc = store_client_id_token_algs(s, &algs);
    for (i = 0; !rc && i < algs.n; i++)
        if (strcmp(algs.items[i], "HS256") != 0)
            rc = keystore_ensure(keys, algs.items[i]);
    strlist_free(&algs);
    return rc;
}

static int open_state(const struct config *cfg, struct store **s, struct keystore **keys)
{
    char why[512] = "";
    enum err rc;

    if (cli_open_store(cfg, s))
        return EXIT_FAIL;
    rc = keystore_open_kek_file(*s, cfg->encryption_key_file, keys, why, sizeof why);
    if (rc)
        return cli_fail(EXIT_FAIL, "%s", why[0] ? why : err_str(rc));
    rc = ensure_keys(cfg, *s, *keys);
    if (rc)
        return cli_fail(EXIT_FAIL, "cannot create the first signing key: %s", err_str(rc));
    /* `key rotate` keeps a superseded key published this long at least; a
     * read-only database still serves (rotation needs a writable one anyway) */
    rc = store_token_ttl_record(*s, config_max_token_ttl(cfg));
    if (rc)
        log_kv(LOG_WARN, "could not record the token lifetime for key rotation", "error",
               err_str(rc), NULL);
    return EXIT_OK;
}

/* Password hashing, at most one per worker thread at once so argon2's memory
 * stays bounded, and the failed-login counters. */
static int open_signin(const struct config *cfg, struct app *app)
{
    enum err rc = password_policy_new(cfg, (unsigned)cfg->threads, &app->passwords);

    if (!rc)
        rc = login_throttle_new(cfg->login_max_failures, cfg->login_lockout_seconds,
                                LIMIT_LOGIN_COUNTERS, &app->throttle);
    if (rc)
        return cli_fail(EXIT_FAIL, "cannot set up password logins: %s", err_str(rc));
    return EXIT_OK;
}

static void serve_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGHUP);
}

/* Reloads on every SIGHUP; returns the signal that stops the server. */
static int wait_for_stop(struct app *app)
{
    sigset_t set;
    int sig = 0;

    serve_signals(&set);
    for (;;) {
        if (sigwait(&set, &sig) != 0)
            continue;
        if (sig != SIGHUP)
            return sig;
        serve_reload(app);
    }
}

/* GET /metrics on its own address, one thread: kept off the public port. */
static enum err start_metrics(const struct config *cfg, struct app *app, struct http_server **out,
                              char *why, size_t whylen)
{
    struct http_server_options opts = {
        .host = cfg->metrics.host,
        .port = cfg->metrics.port,
        .threads = 1,
        .connection_timeout = (unsigned)cfg->connection_timeout,
        .routes = &route_metrics,
        .nroutes = 1,
        .app = app,
        .around = app_around,
    };

    return http_server_start(&opts, out, why, whylen);
}

static int run(const struct config *cfg, struct app *app)
{
    struct http_server_options opts = {0};
    struct http_server *srv = NULL, *metrics = NULL;
    struct addr_set proxies;
    const char *hint;
    struct upkeep u = {.app = app, .lock = PTHREAD_MUTEX_INITIALIZER};
    struct route *routes = NULL;
    struct backchannel *bc = NULL;
    pthread_t thread;
    char why[512] = "";
    int sig;

    if (routes_build(cfg, &routes, &opts.nroutes))
        return cli_fail(EXIT_FAIL, "out of memory");
    opts.host = cfg->listen.host;
    opts.port = cfg->listen.port;
    opts.threads = (unsigned)cfg->threads;
    opts.connection_timeout = (unsigned)cfg->connection_timeout;
    /* the loader checked it */
    opts.trusted_proxies = addr_set_parse(cfg->trusted_proxies, &proxies, &hint) ? NULL : &proxies;
    opts.routes = routes;
    opts.app = app;
    opts.around = app_around;
    opts.gate = page_gate;
    opts.gate_flags = ROUTE_HTML | ROUTE_SESSION | ROUTE_CSRF;
    /* set before any request: each copies app (app_around) */
    app->server = &srv;
    if (http_server_start(&opts, &srv, why, sizeof why)) {
        routes_free(routes, opts.nroutes);
        return cli_fail(EXIT_FAIL, "%s", why);
    }
    if (cfg->metrics.port && start_metrics(cfg, app, &metrics, why, sizeof why)) {
        http_server_stop(srv, 0);
        routes_free(routes, opts.nroutes);
        return cli_fail(EXIT_FAIL, "metrics.listen: %s", why);
    }
    clock_cond_init(&u.wake);
    pthread_create(&thread, NULL, upkeep_run, &u);
    if (backchannel_start(&app->oauth, &bc))
        log_kv(LOG_ERROR, "could not start the back-channel logout worker", NULL);
    if (!log_batch_start(cfg->log_flush_interval_ms))
        log_kv(LOG_WARN, "could not start the log flusher: every line is written at once", NULL);
    log_kv(LOG_INFO, "serving", "issuer", cfg->issuer, "listen", cfg->listen.host, NULL);
    cli_warn_config(cfg);
    /* systemd (Type=notify) learns that the port is open; elsewhere a no-op */
    sd_notifyf(0, "READY=1\nSTATUS=serving %s", cfg->issuer);
    sig = wait_for_stop(app);
    sd_notify(0, "STOPPING=1");
    log_kv(LOG_INFO, "shutting down", "signal", sig == SIGINT ? "SIGINT" : "SIGTERM", NULL);
    http_server_stop(metrics, 0);
    http_server_stop(srv, DRAIN_MS);
    upkeep_stop(&u, thread);
    backchannel_stop(bc);
    pthread_cond_destroy(&u.wake);
    routes_free(routes, opts.nroutes);
    log_kv(LOG_INFO, "stopped", NULL);
    log_batch_stop();
    return EXIT_OK;
}

int cli_serve(int argc, char **argv, const struct config *cfg)
{
    struct store *s = NULL;
    struct keystore *keys = NULL;
    struct app app = {0};
    struct signin_challenge_key signin_key;
    char why[512] = "";
    sigset_t set;
    int status;

    (void)argv;
    if (argc > 0)
        return cli_fail(EXIT_USAGE, "usage: oidcd serve [--config FILE]");
    /* every thread made from here on leaves these signals to sigwait */
    serve_signals(&set);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* templates first: a broken one is named before anything is opened */
    if (ui_open(cfg->templates_dir, &app.ui, why, sizeof why))
        return cli_fail(EXIT_FAIL, "%s", why[0] ? why : "cannot load the page templates");
    page_cookies_init(&app.cookies, cfg->issuer);
    status = open_signin(cfg, &app);
    if (status == EXIT_OK)
        status = open_state(cfg, &s, &keys);
    /* shared by every instance on the database: read once, used per page */
    if (status == EXIT_OK && signin_challenge_key_load(keys, &signin_key))
        status = cli_fail(EXIT_FAIL, "cannot read or make the passkey sign-in key");
    if (status == EXIT_OK && app_gens_open(&app, cfg))
        status = cli_fail(EXIT_FAIL, "out of memory");
    if (status == EXIT_OK) {
        /* cfg, as it was at start-up, for what only a restart changes (the
         * back-channel worker); requests see the current generation */
        app.oauth.cfg = cfg;
        app.oauth.store = s;
        app.oauth.keys = keys;
        app.oauth.signin_key = &signin_key;
        status = run(cfg, &app);
    }
    token_cache_clear();
    client_cache_clear();
    user_cache_clear();
    OPENSSL_cleanse(&signin_key, sizeof signin_key);
    keystore_free(keys);
    store_close(s);
    ui_free(app.ui);
    app_gens_free(app.gens);
    login_throttle_free(app.throttle);
    password_policy_free(app.passwords);
    return status;
}
