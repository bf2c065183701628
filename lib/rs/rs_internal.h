#ifndef OIDC_RS_INTERNAL_H
#define OIDC_RS_INTERNAL_H

/* What the files of liboidc-rs share. Nothing here is exported: the library
 * is built with -fvisibility=hidden and only the oidc_rs_* functions of
 * <oidc/rs.h> are marked visible. */

#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/errors.h"
#include "core/hash.h"
#include "jose/jwt.h"
#include "oidc/rs.h"

#define RS_JWKS_REFETCH_SECONDS 60 /* at most one unknown-kid refetch per minute */
#define RS_JWKS_MAX_AGE 3600       /* refetch a JWKS this old on the next check */
#define RS_DISCOVERY_MAX 65536     /* bytes of a discovery document */
#define RS_INTROSPECTION_MAX 16384 /* bytes of an introspection response */
#define RS_CACHE_BUCKETS 256       /* introspection cache: buckets × ways entries */
#define RS_CACHE_WAYS 4
#define RS_CURL_POOL 16 /* idle curl handles kept for reuse */
#define RS_DEFAULT_CACHE_SECONDS 30
#define RS_DEFAULT_TIMEOUT_MS 5000
#define RS_DEFAULT_MAX_TOKEN_LIFETIME 86400 /* local mode: exp at most a day ahead */
#define RS_LEEWAY_MAX 3600
#define RS_LIFETIME_MAX (10L * 366 * 86400)
#define RS_NEGATIVE_CACHE_SECONDS 5 /* introspection: "not active" kept this long */

/* -- Authorization header (rs_header.c) -------------------------------- */

enum rs_auth {
    RS_AUTH_NONE,      /* absent, empty, or another scheme */
    RS_AUTH_BEARER,    /* a well-formed Bearer token */
    RS_AUTH_MALFORMED, /* Bearer, but no token, bad characters or too long */
};

/* Finds the token of an "Authorization: Bearer <token68>" value (scheme
 * case-insensitive, one or more spaces, optional trailing spaces, at most
 * LIMIT_JWT bytes of token). *tok points into header (borrowed). */
enum rs_auth rs_header_parse(const char *header, const char **tok, size_t *len);

/* True when every one of the n words in req is one of the space-separated
 * words of scope (NULL scope holds nothing). */
bool rs_scope_has_all(const char *scope, const char *const *req, size_t n);

/* -- WWW-Authenticate (rs_challenge.c) ---------------------------------- */

/* Builds `Bearer realm="R"` and, when error is not NULL,
 * `, error="E", error_description="D", scope="S"` (description and scope only
 * when not NULL). Quotes and backslashes are escaped; control and non-ASCII
 * bytes are dropped, so no value can break the header. Returns a string the
 * caller frees, or NULL when out of memory. */
char *rs_challenge_build(const char *realm, const char *error, const char *description,
                         const char *scope);

/* Joins n scope words with single spaces into a new string (caller frees). */
char *rs_scope_join(const char *const *req, size_t n);

/* -- HTTP client (rs_fetch.c) ------------------------------------------- */

struct rs_http {
    pthread_mutex_t lock;
    CURL *idle[RS_CURL_POOL]; /* handles kept for their connection cache */
    size_t n_idle;
    long timeout_ms;
};

enum err rs_http_init(struct rs_http *h, long timeout_ms);
void rs_http_cleanup(struct rs_http *h);

/* GETs url and returns its 200 body (NUL-terminated, caller frees) of at most
 * max bytes. ERR_TEMPORARILY_UNAVAILABLE when the server cannot be reached or
 * answers 5xx, ERR_TOO_LARGE past max, ERR_INVALID_REQUEST on another
 * status. */
enum err rs_http_get(struct rs_http *h, const char *url, size_t max, char **body, size_t *len);

/* POSTs a form body with HTTP Basic (user and password are form-encoded
 * first, RFC 6749 §2.3.1); same results as rs_http_get. *status gets the
 * HTTP status (so a 401 can be told from other failures). */
enum err rs_http_post_form(struct rs_http *h, const char *url, const char *user, const char *pass,
                           const char *form, size_t max, char **body, size_t *len, long *status);

/* Form-url-encodes s into a new string (caller frees), or NULL. */
char *rs_http_escape(const char *s);

/* -- the context (rs.c, rs_keys.c, rs_introspect.c) ---------------------- */

struct rs_keys {
    struct jwks *set;
    atomic_int refs;
};

struct rs_cache_entry {
    unsigned char key[HASH_LEN]; /* SHA-256 of the token, never the token */
    int64_t until;               /* 0: empty */
    int64_t added;
    char *sub, *client_id, *scope;
    int64_t exp;
    const char *refusal; /* a negative answer: why (static); NULL for an active one */
};

struct oidc_rs {
    char *issuer, *audience, *realm, *client_id, *client_secret;
    char *jwks_uri, *introspection_endpoint;
    int mode, cache_seconds, missing_scope;
    long leeway, max_token_lifetime;
    struct rs_http http;

    pthread_mutex_t keys_lock; /* guards keys, fetched_at, refetched_at, fetching */
    struct rs_keys *keys;
    int64_t fetched_at, refetched_at;
    bool fetching;

    pthread_mutex_t cache_lock;
    struct rs_cache_entry cache[RS_CACHE_BUCKETS][RS_CACHE_WAYS];
};

/* Seconds on a clock that never goes back (for rate limits and ages). */
int64_t rs_monotonic(void);
/* Seconds since the epoch (for exp). */
int64_t rs_now(void);

/* Fetches jwks_uri and installs it. ERR_TEMPORARILY_UNAVAILABLE, or
 * ERR_INVALID_REQUEST when the document has no usable key. */
enum err rs_keys_load(struct oidc_rs *rs);
/* Takes a counted reference to the current keys (never NULL after a
 * successful rs_keys_load); release with rs_keys_put. Refreshes a JWKS older
 * than RS_JWKS_MAX_AGE first, in the caller's thread. */
struct rs_keys *rs_keys_get(struct oidc_rs *rs);
void rs_keys_put(struct rs_keys *k);
/* For an unknown kid: refetches unless one refetch happened in the last
 * RS_JWKS_REFETCH_SECONDS or another thread is fetching. ERR_OK when new
 * keys were installed; ERR_NOT_FOUND when rate-limited. */
enum err rs_keys_refetch(struct oidc_rs *rs);
void rs_keys_free_all(struct oidc_rs *rs);

/* Fills out for a token in introspection mode (rs_introspect.c). */
void rs_introspect_check(struct oidc_rs *rs, const char *tok, size_t len, const char *const *req,
                         size_t n, struct oidc_rs_result *out);
void rs_cache_free_all(struct oidc_rs *rs);

/* Sets the refusal fields of out (status, error, code, description and the
 * challenge); for insufficient_scope the required scopes go in the
 * challenge. (rs.c) */
void rs_result_refuse(const struct oidc_rs *rs, struct oidc_rs_result *out, int error,
                      const char *description, const char *const *req, size_t n);
/* Copies the identity fields into out (NULL strings stay NULL); ERR_NOMEM. */
enum err rs_result_fill(struct oidc_rs_result *out, const char *sub, const char *client_id,
                        const char *scope, int64_t exp);

#endif
