/* oidc_rs_check: the Authorization header, then a local JWT check or an
 * introspection call, then the scopes; and the result it fills. */

#include <stdlib.h>
#include <string.h>

#include "rs_internal.h"

static const struct {
    int status;
    const char *code;
} refusals[] = {
    [OIDC_RS_ERROR_NONE] = {200, NULL},
    [OIDC_RS_ERROR_NO_CREDENTIALS] = {401, NULL},
    [OIDC_RS_ERROR_INVALID_REQUEST] = {400, "invalid_request"},
    [OIDC_RS_ERROR_INVALID_TOKEN] = {401, "invalid_token"},
    [OIDC_RS_ERROR_INSUFFICIENT_SCOPE] = {403, "insufficient_scope"},
    [OIDC_RS_ERROR_SERVER] = {500, "server_error"},
    [OIDC_RS_ERROR_UNAVAILABLE] = {503, "temporarily_unavailable"},
};

void rs_result_refuse(const struct oidc_rs *rs, struct oidc_rs_result *out, int error,
                      const char *description, const char *const *req, size_t n)
{
    char *scope = NULL;

    out->status = refusals[error].status;
    out->error = error;
    out->error_code = refusals[error].code;
    out->description = description;
    free(out->www_authenticate);
    out->www_authenticate = NULL;
    /* RFC 6750 §3: a challenge goes with 400/401/403 only; none for an
     * internal failure, which is no fault of the client's credentials. */
    if (out->status >= 500)
        return;
    if (error == OIDC_RS_ERROR_INSUFFICIENT_SCOPE)
        scope = rs_scope_join(req, n);
    out->www_authenticate = rs_challenge_build(rs->realm, out->error_code, description, scope);
    free(scope);
    if (!out->www_authenticate) {
        out->status = 500;
        out->error = OIDC_RS_ERROR_SERVER;
        out->error_code = refusals[OIDC_RS_ERROR_SERVER].code;
        out->description = "out of memory";
    }
}

static enum err replace(char **dst, const char *src)
{
    free(*dst);
    *dst = NULL;
    if (src && !(*dst = strdup(src)))
        return ERR_NOMEM;
    return ERR_OK;
}

enum err rs_result_fill(struct oidc_rs_result *out, const char *sub, const char *client_id,
                        const char *scope, int64_t exp)
{
    out->exp = (long long)exp;
    if (replace(&out->sub, sub) || replace(&out->client_id, client_id) ||
        replace(&out->scope, scope))
        return ERR_NOMEM;
    return ERR_OK;
}

/* RFC 9068 §2.2: sub, iat, jti and client_id are required; iat may not lie
 * in the future, nor exp further ahead than max_token_lifetime. (leeway and
 * max_token_lifetime are bounded, and exp was checked not to be past.) */
static enum err check_rfc9068(const struct oidc_rs *rs, const struct jwt *t, int64_t now,
                              const char **why)
{
    json_t *iat = json_object_get(t->claims, "iat");

    if (!jwt_claim_str(t, "sub") || !jwt_claim_str(t, "jti") || !jwt_claim_str(t, "client_id") ||
        !json_is_integer(iat))
        *why = "the token lacks sub, iat, jti or client_id (RFC 9068)";
    else if (json_integer_value(iat) > now + rs->leeway)
        *why = "the token was issued in the future";
    else if (jwt_claim_int(t, "exp") - now - rs->leeway > rs->max_token_lifetime)
        *why = "the token's expiry is too far in the future";
    else
        return ERR_OK;
    return ERR_INVALID_TOKEN;
}

/* Verifies signature and claims; refetches the JWKS once on an unknown kid.
 * Returns OIDC_RS_ERROR_NONE with t filled, or the refusal and *why. */
static int verify_local(struct oidc_rs *rs, const char *tok, size_t len, struct jwt *t,
                        const char **why)
{
    struct jwt_expect e = {.issuer = rs->issuer,
                           .typ = "at+jwt",
                           .audience = rs->audience,
                           .now = rs_now(),
                           .leeway = rs->leeway};
    struct rs_keys *k;
    enum err rc;

    k = rs_keys_get(rs);
    rc = jwt_verify(tok, len, k->set, t, why);
    rs_keys_put(k);
    if (rc == ERR_NOT_FOUND) {
        rc = rs_keys_refetch(rs);
        if (rc == ERR_TEMPORARILY_UNAVAILABLE) {
            *why = "the issuer's keys could not be fetched";
            return OIDC_RS_ERROR_UNAVAILABLE;
        }
        k = rs_keys_get(rs);
        rc = jwt_verify(tok, len, k->set, t, why);
        rs_keys_put(k);
        if (rc == ERR_NOT_FOUND)
            *why = "the token's key is not one of the issuer's";
    }
    if (!rc)
        rc = jwt_check(t, &e, why);
    if (!rc)
        rc = check_rfc9068(rs, t, e.now, why);
    return rc ? OIDC_RS_ERROR_INVALID_TOKEN : OIDC_RS_ERROR_NONE;
}

static void check_local(struct oidc_rs *rs, const char *tok, size_t len, const char *const *req,
                        size_t n, struct oidc_rs_result *out)
{
    struct jwt t = {0};
    const char *why = NULL;
    const char *scope;
    int error;

    error = verify_local(rs, tok, len, &t, &why);
    if (error) {
        rs_result_refuse(rs, out, error, why, req, n);
        goto out;
    }
    scope = jwt_claim_str(&t, "scope");
    if (rs_result_fill(out, jwt_claim_str(&t, "sub"), jwt_claim_str(&t, "client_id"), scope,
                       jwt_claim_int(&t, "exp"))) {
        rs_result_refuse(rs, out, OIDC_RS_ERROR_SERVER, "out of memory", req, n);
        goto out;
    }
    if (!rs_scope_has_all(scope, req, n)) {
        rs_result_refuse(rs, out, OIDC_RS_ERROR_INSUFFICIENT_SCOPE,
                         "the token lacks a required scope", req, n);
        goto out;
    }
    out->status = 200;
out:
    jwt_clear(&t);
}

OIDC_RS_API int oidc_rs_check(struct oidc_rs *rs, const char *authorization,
                              const char *const *required_scopes, size_t n,
                              struct oidc_rs_result *out)
{
    const char *tok = NULL;
    size_t len = 0;

    oidc_rs_result_clear(out);
    switch (rs_header_parse(authorization, &tok, &len)) {
    case RS_AUTH_NONE:
        rs_result_refuse(rs, out, OIDC_RS_ERROR_NO_CREDENTIALS, NULL, NULL, 0);
        return out->status;
    case RS_AUTH_MALFORMED:
        rs_result_refuse(rs, out, OIDC_RS_ERROR_INVALID_REQUEST,
                         "malformed Bearer authorization header", NULL, 0);
        return out->status;
    case RS_AUTH_BEARER:
        break;
    }
    if (rs->mode == OIDC_RS_INTROSPECT)
        rs_introspect_check(rs, tok, len, required_scopes, n, out);
    else
        check_local(rs, tok, len, required_scopes, n, out);
    return out->status;
}

OIDC_RS_API void oidc_rs_result_clear(struct oidc_rs_result *r)
{
    if (!r)
        return;
    free(r->www_authenticate);
    free(r->sub);
    free(r->client_id);
    free(r->scope);
    memset(r, 0, sizeof *r);
}

OIDC_RS_API const char *oidc_rs_strerror(int code)
{
    switch (code) {
    case 0:
        return "success";
    case OIDC_RS_E_OPTIONS:
        return "bad options";
    case OIDC_RS_E_UNREACHABLE:
        return "issuer unreachable";
    case OIDC_RS_E_DISCOVERY:
        return "bad discovery document";
    case OIDC_RS_E_JWKS:
        return "bad JWKS";
    case OIDC_RS_E_NOMEM:
        return "out of memory";
    default:
        return "unknown error";
    }
}

OIDC_RS_API const char *oidc_rs_version(void)
{
    return OIDC_RS_VERSION;
}
