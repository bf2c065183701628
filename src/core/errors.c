#include "core/errors.h"

static const char *const codes[ERR_COUNT] = {
    [ERR_OK] = "ok",
    [ERR_INVALID_REQUEST] = "invalid_request",
    [ERR_INVALID_CLIENT] = "invalid_client",
    [ERR_INVALID_GRANT] = "invalid_grant",
    [ERR_UNAUTHORIZED_CLIENT] = "unauthorized_client",
    [ERR_UNSUPPORTED_GRANT_TYPE] = "unsupported_grant_type",
    [ERR_INVALID_SCOPE] = "invalid_scope",
    [ERR_INVALID_TOKEN] = "invalid_token",
    [ERR_INSUFFICIENT_SCOPE] = "insufficient_scope",
    [ERR_ACCESS_DENIED] = "access_denied",
    [ERR_HTTP_NOT_FOUND] = "not_found",
    [ERR_METHOD_NOT_ALLOWED] = "method_not_allowed",
    [ERR_TOO_LARGE] = "invalid_request",
    [ERR_TEMPORARILY_UNAVAILABLE] = "temporarily_unavailable",
    [ERR_SERVER_ERROR] = "server_error",
    [ERR_UNSUPPORTED_RESPONSE_TYPE] = "unsupported_response_type",
    [ERR_LOGIN_REQUIRED] = "login_required",
    [ERR_CONSENT_REQUIRED] = "consent_required",
    [ERR_INTERACTION_REQUIRED] = "interaction_required",
    [ERR_ACCOUNT_SELECTION_REQUIRED] = "account_selection_required",
    [ERR_REQUEST_NOT_SUPPORTED] = "request_not_supported",
    [ERR_REQUEST_URI_NOT_SUPPORTED] = "request_uri_not_supported",
    [ERR_INVALID_TARGET] = "invalid_target",
    [ERR_THROTTLED] = "invalid_grant",
};

static const char *const names[ERR_COUNT] = {
    [ERR_TOO_LARGE] = "too large",
    [ERR_NOMEM] = "out of memory",
    [ERR_IO] = "i/o error",
    [ERR_CONFIG] = "configuration error",
    [ERR_CRYPTO] = "cryptographic error",
    [ERR_STORE] = "database error",
    [ERR_CONFLICT] = "already exists",
    [ERR_NOT_FOUND] = "not found",
    [ERR_NO_CREDENTIALS] = "no credentials",
    [ERR_THROTTLED] = "throttled",
};

const char *err_code(enum err e)
{
    if (e < 0 || e >= ERR_COUNT || !codes[e])
        return "server_error";
    return codes[e];
}

const char *err_str(enum err e)
{
    if (e >= 0 && e < ERR_COUNT && names[e])
        return names[e];
    return err_code(e);
}
