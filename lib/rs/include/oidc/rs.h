#ifndef OIDC_RS_H
#define OIDC_RS_H

/* liboidc-rs: protect the HTTP resources of a C program with OAuth 2.0
 * bearer tokens from one OpenID Connect issuer.
 *
 * One context (struct oidc_rs) per issuer, made once at start-up and shared
 * by every thread; one call (oidc_rs_check) per request. Two modes:
 *
 *   OIDC_RS_LOCAL       access tokens are RFC 9068 JWTs ("at+jwt"), verified
 *                       here with the issuer's published JWKS (cached;
 *                       refetched on an unknown kid, at most once a minute).
 *   OIDC_RS_INTROSPECT  every token (JWT or opaque) is sent to the issuer's
 *                       RFC 7662 introspection endpoint; positive answers are
 *                       cached for a bounded time, keyed by a hash of the
 *                       token. Scope checks need the issuer to return
 *                       "scope" (oidcd: [introspection] response_scope =
 *                       true); when it does not, a required scope cannot be
 *                       confirmed and the check fails closed.
 *
 * Everything the library allocates for the caller is freed by the matching
 * _free/_clear function. All functions are thread-safe on a shared context
 * except oidc_rs_free. */

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define OIDC_RS_API __attribute__((visibility("default")))

#define OIDC_RS_VERSION "0.2.0"

/* A context for one issuer; opaque. */
struct oidc_rs;

enum oidc_rs_mode {
    OIDC_RS_LOCAL = 0,
    OIDC_RS_INTROSPECT = 1,
};

/* What oidc_rs_check does when a scope is required but the introspection
 * response carries no "scope" member. Both choices refuse the request. */
enum oidc_rs_missing_scope {
    OIDC_RS_MISSING_SCOPE_FORBIDDEN = 0, /* 403 insufficient_scope (default) */
    OIDC_RS_MISSING_SCOPE_ERROR = 1,     /* 500: the issuer is misconfigured */
};

/* The options of oidc_rs_new. The struct grows at its end only: size says
 * how much of it the program knows (set it with OIDC_RS_OPTIONS_INIT or to
 * sizeof(struct oidc_rs_options)), and members past it count as zero, so a
 * program built against an older header keeps working with a newer library.
 *
 *   struct oidc_rs_options o = OIDC_RS_OPTIONS_INIT;
 *   o.issuer = "https://id.example.com";
 *   o.audience = "https://books.example.com";
 */
struct oidc_rs_options {
    size_t size;               /* sizeof(struct oidc_rs_options) of the caller's header */
    const char *issuer;        /* required; must equal the discovery "issuer" exactly */
    const char *audience;      /* required (unless allow_any_audience): the token's aud
                                  must be or contain it, e.g. this API's resource URI */
    int mode;                  /* enum oidc_rs_mode */
    const char *client_id;     /* introspection: this resource server's client */
    const char *client_secret; /* introspection: its secret */
    int cache_seconds;         /* introspection: cache positive answers this long;
                                  0: 30 s; negative: no cache */
    int missing_scope;         /* introspection: enum oidc_rs_missing_scope */
    long leeway;               /* seconds of clock skew allowed on exp/nbf/iat; 0: none */
    const char *realm;         /* realm of the WWW-Authenticate challenge; NULL: "api" */
    long timeout_ms;           /* for each HTTP call to the issuer; 0: 5000 */
    /* since 0.2.0 */
    int allow_any_audience;  /* 1: accept a token for any audience (audience NULL); a
                                token for one API is then accepted by this one too */
    long max_token_lifetime; /* local mode: refuse a token whose exp lies further
                                ahead than this many seconds; 0: 86400 */
};

#define OIDC_RS_OPTIONS_INIT                                                                       \
    {                                                                                              \
        .size = sizeof(struct oidc_rs_options)                                                     \
    }

/* Error codes of oidc_rs_new (negative). */
enum oidc_rs_new_error {
    OIDC_RS_E_OPTIONS = -1,     /* options missing or inconsistent (no audience, …) */
    OIDC_RS_E_UNREACHABLE = -2, /* discovery or JWKS could not be fetched */
    OIDC_RS_E_DISCOVERY = -3,   /* discovery malformed, or its issuer differs */
    OIDC_RS_E_JWKS = -4,        /* JWKS malformed or without a usable key */
    OIDC_RS_E_NOMEM = -5,
};

/* Why oidc_rs_check refused, besides the HTTP status. */
enum oidc_rs_error {
    OIDC_RS_ERROR_NONE = 0,           /* 200: allowed */
    OIDC_RS_ERROR_NO_CREDENTIALS,     /* 401: no Authorization: Bearer header */
    OIDC_RS_ERROR_INVALID_REQUEST,    /* 400: a malformed Bearer header */
    OIDC_RS_ERROR_INVALID_TOKEN,      /* 401: bad, expired, foreign or revoked token */
    OIDC_RS_ERROR_INSUFFICIENT_SCOPE, /* 403: valid token lacking a required scope */
    OIDC_RS_ERROR_SERVER,             /* 500: internal error or misconfiguration */
    OIDC_RS_ERROR_UNAVAILABLE,        /* 503: the issuer could not be reached */
};

/* The outcome of one check. Zero it before the first use; strings are owned
 * by the result and freed by oidc_rs_result_clear (which also re-zeroes it,
 * so one result may be reused). */
struct oidc_rs_result {
    int status;              /* HTTP status to answer with: 200, 400, 401, 403, 500, 503 */
    int error;               /* enum oidc_rs_error */
    const char *error_code;  /* "invalid_token", …; NULL when allowed; static */
    const char *description; /* human-readable reason; static; never contains a secret */
    char *www_authenticate;  /* the WWW-Authenticate value for 400/401/403, else NULL */
    char *sub;               /* on 200 (and 403): the token's subject, or NULL */
    char *client_id;         /* the client the token was issued to, or NULL */
    char *scope;             /* space-separated scopes of the token, or NULL */
    long long exp;           /* expiry, seconds since the epoch; 0 when unknown */
};

/* Makes a context: fetches {issuer}/.well-known/openid-configuration, checks
 * its "issuer" equals opts->issuer byte for byte, and (local mode) fetches and
 * parses jwks_uri; (introspection mode) requires introspection_endpoint.
 * opts and its strings are copied. Returns 0 and sets *out (free with
 * oidc_rs_free), or a negative enum oidc_rs_new_error with a message in err
 * (errlen bytes, always NUL-terminated when errlen > 0; err may be NULL). */
OIDC_RS_API int oidc_rs_new(const struct oidc_rs_options *opts, struct oidc_rs **out, char *err,
                            size_t errlen);

/* Frees a context; NULL is fine. No check may be running on it. */
OIDC_RS_API void oidc_rs_free(struct oidc_rs *rs);

/* Checks one request: authorization is the raw Authorization header value
 * (NULL or "" when absent); every one of the n required_scopes must be
 * granted to the token. Fills *out (clear it with oidc_rs_result_clear) and
 * returns out->status. A header with another scheme (Basic, …) counts as no
 * credentials, per RFC 6750 §3.1. May block on an HTTP call to the issuer
 * (an unknown kid in local mode, a cache miss in introspection mode). */
OIDC_RS_API int oidc_rs_check(struct oidc_rs *rs, const char *authorization,
                              const char *const *required_scopes, size_t n,
                              struct oidc_rs_result *out);

/* Frees the strings of r and zeroes it; NULL is fine. */
OIDC_RS_API void oidc_rs_result_clear(struct oidc_rs_result *r);

/* A static message for an oidc_rs_new error code. */
OIDC_RS_API const char *oidc_rs_strerror(int code);

/* OIDC_RS_VERSION of the library actually loaded. */
OIDC_RS_API const char *oidc_rs_version(void);

#ifdef __cplusplus
}
#endif

#endif
