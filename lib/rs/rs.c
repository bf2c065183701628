/* liboidc-rs: the context, discovery, and the local (JWT) check. */

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/limits.h"
#include "rs_internal.h"

#define WELL_KNOWN "/.well-known/openid-configuration"

int64_t rs_monotonic(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec;
}

int64_t rs_now(void)
{
    struct timespec ts;

    /* not time(NULL): on Linux it reads the coarse clock, which lags this one
     * by up to a tick, so that a token issued at the turn of a second on the
     * same host would look issued in the future to a check without leeway */
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec;
}

static int fail(char *err, size_t errlen, int code, const char *what)
{
    if (err && errlen > 0)
        snprintf(err, errlen, "%s: %s", oidc_rs_strerror(code), what);
    return code;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* Copies the strings of opts; -1 when out of memory. */
static int copy_options(struct oidc_rs *rs, const struct oidc_rs_options *o)
{
    rs->issuer = strdup(o->issuer);
    rs->audience = dup_or_null(o->audience);
    rs->realm = strdup(o->realm ? o->realm : "api");
    rs->client_id = dup_or_null(o->client_id);
    rs->client_secret = dup_or_null(o->client_secret);
    rs->mode = o->mode;
    rs->cache_seconds = o->cache_seconds == 0 ? RS_DEFAULT_CACHE_SECONDS : o->cache_seconds;
    rs->missing_scope = o->missing_scope;
    rs->leeway = o->leeway;
    rs->max_token_lifetime =
        o->max_token_lifetime ? o->max_token_lifetime : RS_DEFAULT_MAX_TOKEN_LIFETIME;
    if (!rs->issuer || !rs->realm || (o->audience && !rs->audience) ||
        (o->client_id && !rs->client_id) || (o->client_secret && !rs->client_secret))
        return -1;
    return 0;
}

static const char *check_options(const struct oidc_rs_options *o)
{
    if (!o->issuer || !*o->issuer || strlen(o->issuer) > LIMIT_URI)
        return "issuer is required";
    if ((!o->audience || !*o->audience) && !o->allow_any_audience)
        return "audience is required: name this API's resource URI (or set allow_any_audience "
               "to accept tokens meant for any API)";
    if (o->audience && o->allow_any_audience)
        return "audience and allow_any_audience contradict each other";
    if (o->mode != OIDC_RS_LOCAL && o->mode != OIDC_RS_INTROSPECT)
        return "mode must be OIDC_RS_LOCAL or OIDC_RS_INTROSPECT";
    if (o->mode == OIDC_RS_INTROSPECT && (!o->client_id || !o->client_secret))
        return "introspection needs client_id and client_secret";
    if (o->missing_scope != OIDC_RS_MISSING_SCOPE_FORBIDDEN &&
        o->missing_scope != OIDC_RS_MISSING_SCOPE_ERROR)
        return "missing_scope must be an enum oidc_rs_missing_scope";
    if (o->leeway < 0 || o->timeout_ms < 0 || o->max_token_lifetime < 0)
        return "leeway, timeout_ms and max_token_lifetime must not be negative";
    /* bounded, so that no time arithmetic with them can overflow */
    if (o->leeway > RS_LEEWAY_MAX || o->max_token_lifetime > RS_LIFETIME_MAX)
        return "leeway is at most 3600 s and max_token_lifetime at most 10 years";
    return NULL;
}

/* A copy of the string member name of doc, or NULL. */
static char *json_str_dup(json_t *doc, const char *name)
{
    const char *v = json_string_value(json_object_get(doc, name));

    return v && *v ? strdup(v) : NULL;
}

/* Fetches the discovery document, checks its issuer and takes the
 * endpoints this mode needs. Returns 0 or an OIDC_RS_E_* code. */
static int discover(struct oidc_rs *rs, char *err, size_t errlen)
{
    char url[LIMIT_URI + sizeof WELL_KNOWN];
    json_t *doc = NULL;
    char *body = NULL;
    size_t len = 0, n;
    int code = 0;

    n = strlen(rs->issuer);
    /* An issuer with a trailing slash is used as given (OIDC Discovery §4). */
    snprintf(url, sizeof url, "%.*s%s", (int)(n && rs->issuer[n - 1] == '/' ? n - 1 : n),
             rs->issuer, WELL_KNOWN);
    if (rs_http_get(&rs->http, url, RS_DISCOVERY_MAX, &body, &len) != ERR_OK) {
        code = fail(err, errlen, OIDC_RS_E_UNREACHABLE, url);
        goto out;
    }
    doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(doc)) {
        code = fail(err, errlen, OIDC_RS_E_DISCOVERY, "not a JSON object");
        goto out;
    }
    if (!json_string_value(json_object_get(doc, "issuer")) ||
        strcmp(json_string_value(json_object_get(doc, "issuer")), rs->issuer) != 0) {
        code = fail(err, errlen, OIDC_RS_E_DISCOVERY, "its issuer is not the configured one");
        goto out;
    }
    rs->jwks_uri = json_str_dup(doc, "jwks_uri");
    rs->introspection_endpoint = json_str_dup(doc, "introspection_endpoint");
    if (rs->mode == OIDC_RS_LOCAL && !rs->jwks_uri)
        code = fail(err, errlen, OIDC_RS_E_DISCOVERY, "no jwks_uri");
    else if (rs->mode == OIDC_RS_INTROSPECT && !rs->introspection_endpoint)
        code = fail(err, errlen, OIDC_RS_E_DISCOVERY, "no introspection_endpoint");
out:
    json_decref(doc);
    free(body);
    return code;
}

static int load_keys(struct oidc_rs *rs, char *err, size_t errlen)
{
    enum err rc = rs_keys_load(rs);

    if (rc == ERR_TEMPORARILY_UNAVAILABLE)
        return fail(err, errlen, OIDC_RS_E_UNREACHABLE, rs->jwks_uri);
    if (rc == ERR_NOMEM)
        return fail(err, errlen, OIDC_RS_E_NOMEM, "loading the JWKS");
    if (rc)
        return fail(err, errlen, OIDC_RS_E_JWKS, rs->jwks_uri);
    return 0;
}

/* The caller's options as this library's struct: what its header did not
 * have is zero. NULL when size is not set. */
static const char *take_options(const struct oidc_rs_options *in, struct oidc_rs_options *o)
{
    memset(o, 0, sizeof *o);
    if (!in || in->size < offsetof(struct oidc_rs_options, allow_any_audience))
        return "options.size is not set (use OIDC_RS_OPTIONS_INIT)";
    memcpy(o, in, in->size < sizeof *o ? in->size : sizeof *o);
    return check_options(o);
}

OIDC_RS_API int oidc_rs_new(const struct oidc_rs_options *in, struct oidc_rs **out, char *err,
                            size_t errlen)
{
    struct oidc_rs_options given, *opts = &given;
    struct oidc_rs *rs = NULL;
    const char *bad;
    int code = 0;

    *out = NULL;
    if (err && errlen > 0)
        err[0] = '\0';
    bad = take_options(in, &given);
    if (bad)
        return fail(err, errlen, OIDC_RS_E_OPTIONS, bad);
    rs = calloc(1, sizeof *rs);
    if (!rs)
        return fail(err, errlen, OIDC_RS_E_NOMEM, "context");
    pthread_mutex_init(&rs->keys_lock, NULL);
    pthread_mutex_init(&rs->cache_lock, NULL);
    if (rs_http_init(&rs->http, opts->timeout_ms ? opts->timeout_ms : RS_DEFAULT_TIMEOUT_MS)) {
        code = fail(err, errlen, OIDC_RS_E_NOMEM, "libcurl");
        goto out;
    }
    if (copy_options(rs, opts) != 0) {
        code = fail(err, errlen, OIDC_RS_E_NOMEM, "options");
        goto out;
    }
    code = discover(rs, err, errlen);
    if (!code && rs->mode == OIDC_RS_LOCAL)
        code = load_keys(rs, err, errlen);
out:
    if (code) {
        oidc_rs_free(rs);
        return code;
    }
    *out = rs;
    return 0;
}

static void free_secret(char *s)
{
    if (s) {
        memset(s, 0, strlen(s));
        free(s);
    }
}

OIDC_RS_API void oidc_rs_free(struct oidc_rs *rs)
{
    if (!rs)
        return;
    rs_keys_free_all(rs);
    rs_cache_free_all(rs);
    rs_http_cleanup(&rs->http);
    pthread_mutex_destroy(&rs->keys_lock);
    pthread_mutex_destroy(&rs->cache_lock);
    free(rs->issuer);
    free(rs->audience);
    free(rs->realm);
    free(rs->client_id);
    free_secret(rs->client_secret);
    free(rs->jwks_uri);
    free(rs->introspection_endpoint);
    free(rs);
}
