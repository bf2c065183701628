#ifndef OIDCD_ENDPOINTS_APP_H
#define OIDCD_ENDPOINTS_APP_H

#include <stdatomic.h>

#include "http/http.h"
#include "oauth/oauth.h"

/* The running server as handlers see it (the `app` of every handler). */
/* The browser cookies' names and whether they are Secure, for the issuer
 * (endpoints/page.c page_cookies_init). */
struct page_cookies {
    char session_name[32];
    char csrf_name[32];
    char browser_state_name[32]; /* session.management's, read by script */
    char pending_name[32];       /* a pending sign-in's (second factor) */
    bool secure;
};

struct ui;
struct password_policy;
struct login_throttle;

struct http_server;

/* What a reload (SIGHUP) may change, one generation of it: a new one is made
 * whole and then swapped in, and none is freed before the server stops, so a
 * request that took the previous one still reads valid memory. */
struct app_live {
    struct config cfg;
    struct ui *ui;             /* the parsed page templates of cfg.templates_dir */
    struct app_live *replaced; /* the generation this one replaced; NULL for the first */
};

/* The current generation, shared by every request. */
struct app_gens {
    _Atomic(struct app_live *) current;
};

struct app {
    struct oauth_ctx oauth;
    /* the one serving the endpoints, for /metrics: where serve keeps it, set
     * before the metrics listener starts */
    struct http_server *const *server;
    struct ui *ui; /* the parsed page templates */
    struct page_cookies cookies;
    struct password_policy *passwords; /* at most server.threads hashes at once */
    struct login_throttle *throttle;   /* failed logins per account and address */
    struct app_gens *gens;             /* NULL: oauth.cfg and ui never change */
};

/* The http_server_options `around` of oidcd: runs the request with a copy of
 * app whose oauth.cfg and ui are the current generation's (one atomic load
 * per request). */
void app_around(void *app, void (*run)(void *request_app, void *ctx), void *ctx);

/* The current generation's settings: for threads outside requests. */
const struct config *app_cfg_now(const struct app *app);

/* Makes the first generation from cfg (copied) and app->ui (taken over:
 * app->ui becomes NULL). ERR_NOMEM. */
enum err app_gens_open(struct app *app, const struct config *cfg);

/* Makes g the current generation; the caller gives it up. */
void app_gens_swap(struct app *app, struct app_live *g);

/* Frees every generation, when no request runs any more. NULL is fine. */
void app_gens_free(struct app_gens *gens);

void endpoint_token(void *app, const struct http_request *req, struct http_response *resp);
void endpoint_introspect(void *app, const struct http_request *req, struct http_response *resp);
void endpoint_revoke(void *app, const struct http_request *req, struct http_response *resp);
void endpoint_gate(void *app, const struct http_request *req, struct http_response *resp);
/* GET|POST /userinfo (OpenID Connect Core §5.3); OPTIONS is the server's. */
void endpoint_userinfo(void *app, const struct http_request *req, struct http_response *resp);

/* Refuses a bearer-token request as RFC 6750 §3 says: e is ERR_NO_CREDENTIALS
 * (401, a bare challenge without an error code), ERR_INVALID_TOKEN (401),
 * ERR_INSUFFICIENT_SCOPE (403, naming scope when not NULL) or
 * ERR_INVALID_REQUEST (400); why becomes error_description. */
void endpoint_bearer_deny(struct http_response *resp, enum err e, const char *why,
                          const char *scope);

/* Authenticates the client calling a back-channel endpoint (token,
 * introspection, revocation) by Basic or body credentials, as it is
 * registered; fills *client (caller frees with client_clear) and records its
 * id for the access log. */
enum err endpoint_authenticate(struct app *app, const struct http_request *req,
                               struct http_response *resp, struct client *client, const char **why);
void endpoint_jwks(void *app, const struct http_request *req, struct http_response *resp);
void endpoint_discovery(void *app, const struct http_request *req, struct http_response *resp);
/* /static/NAME: the built-in stylesheet and script (ui/static). */
void endpoint_static(void *app, const struct http_request *req, struct http_response *resp);
void endpoint_health(void *app, const struct http_request *req, struct http_response *resp);
/* GET /metrics, served on metrics.listen only (route_metrics). */
void endpoint_metrics(void *app, const struct http_request *req, struct http_response *resp);
extern const struct route route_metrics;

/* The pages a person sees: /authorize, /login, /consent, /logout. */
void endpoint_authorize(void *app, const struct http_request *req, struct http_response *resp);
void endpoint_login(void *app, const struct http_request *req, struct http_response *resp);
void endpoint_account(void *app, const struct http_request *req, struct http_response *resp);
void endpoint_login_mfa(void *app, const struct http_request *req, struct http_response *resp);
/* POST /login/passkey and /account/passkey: passkey forms answered (404
 * where passkeys are off). */
void endpoint_login_passkey(void *app, const struct http_request *req, struct http_response *resp);
void endpoint_account_passkey(void *app, const struct http_request *req,
                              struct http_response *resp);
void endpoint_consent(void *app, const struct http_request *req, struct http_response *resp);
void endpoint_logout(void *app, const struct http_request *req, struct http_response *resp);
/* RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0). */
void endpoint_end_session(void *app, const struct http_request *req, struct http_response *resp);
/* The check-session page (OpenID Connect Session Management 1.0 §3.3);
 * 404 unless session.management is on. */
void endpoint_check_session(void *app, const struct http_request *req, struct http_response *resp);

/* The route table for cfg: every path under the issuer's path. Caller frees
 * with routes_free. */
enum err routes_build(const struct config *cfg, struct route **out, size_t *n);
void routes_free(struct route *routes, size_t n);

#endif
