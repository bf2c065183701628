#ifndef OIDCD_CORE_ERRORS_H
#define OIDCD_CORE_ERRORS_H

/* The one result type. ERR_OK is zero so `if (rc) goto out;` reads naturally.
 * The first group are OAuth/OIDC protocol errors that reach clients; http/
 * maps each to its status and body in one table. */
enum err {
    ERR_OK = 0,
    ERR_INVALID_REQUEST,
    ERR_INVALID_CLIENT,
    ERR_INVALID_GRANT,
    ERR_UNAUTHORIZED_CLIENT,
    ERR_UNSUPPORTED_GRANT_TYPE,
    ERR_INVALID_SCOPE,
    ERR_INVALID_TOKEN,
    ERR_INSUFFICIENT_SCOPE,
    ERR_ACCESS_DENIED,
    ERR_HTTP_NOT_FOUND, /* HTTP 404: no such endpoint or file */
    ERR_METHOD_NOT_ALLOWED,
    ERR_TOO_LARGE,
    ERR_TEMPORARILY_UNAVAILABLE,
    ERR_SERVER_ERROR,
    /* OpenID Connect Core §3.1.2.6 and RFC 6749 §4.1.2.1, for /authorize */
    ERR_UNSUPPORTED_RESPONSE_TYPE,
    ERR_LOGIN_REQUIRED,
    ERR_CONSENT_REQUIRED,
    ERR_INTERACTION_REQUIRED,
    ERR_ACCOUNT_SELECTION_REQUIRED,
    ERR_REQUEST_NOT_SUPPORTED,
    ERR_REQUEST_URI_NOT_SUPPORTED,
    ERR_INVALID_TARGET, /* RFC 8707 §2: an unknown or forbidden resource */
    /* the password grant while its account is locked out: 400 (RFC 6749
     * §5.2 has no other status for a token error; Retry-After says when)
     * and invalid_grant, the one code for refused resource owner credentials */
    ERR_THROTTLED,
    /* internal: never shown to a client as such (they become server_error) */
    ERR_NOMEM,
    ERR_IO,
    ERR_CONFIG,
    ERR_CRYPTO,
    ERR_STORE,
    ERR_CONFLICT,
    ERR_NOT_FOUND,      /* a lookup missed (store row, cookie, key, file) */
    ERR_NO_CREDENTIALS, /* the request carries none of the credentials asked for */
    ERR_COUNT
};

/* The OAuth error code for e ("invalid_request", …); internal errors give
 * "server_error". Never NULL. */
const char *err_code(enum err e);

/* A short human-readable name for any value, for logs and the CLI. */
const char *err_str(enum err e);

#endif
