#ifndef OIDCD_OAUTH_AUTHORIZE_REQUEST_H
#define OIDCD_OAUTH_AUTHORIZE_REQUEST_H

/* The authorization request (RFC 6749 §4.1.1, OpenID Connect Core §3.1.2.1)
 * as protocol logic without HTTP: its parameters validated against the
 * client, the response sent back to the client, and the request written out
 * again for the login and consent pages to carry in `next`. */

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/form.h"
#include "core/url.h"
#include "oauth/claims_request.h"
#include "oauth/oauth.h"
#include "oauth/pkce.h"
#include "store/store.h"

/* prompt values (OpenID Connect Core §3.1.2.1), as bits */
enum {
    PROMPT_NONE = 1,
    PROMPT_LOGIN = 2,
    PROMPT_CONSENT = 4,
    PROMPT_SELECT_ACCOUNT = 8,
};

/* How the response goes back (OAuth 2.0 Multiple Response Type Encoding
 * Practices §2, OAuth 2.0 Form Post Response Mode): query for code alone,
 * fragment by default for every response type that returns a token. */
enum response_mode { RESPONSE_MODE_QUERY, RESPONSE_MODE_FORM_POST, RESPONSE_MODE_FRAGMENT };

/* A validated request. Strings are owned (authorize_request_clear frees
 * them); an optional parameter that was absent is NULL (max_age: -1). */
struct authorize_request {
    char *response_type; /* as the client stores it: "code", "code id_token", … */
    int response_words;  /* its RT_* bits (oauth/client_rules.h) */
    char client_id[LIMIT_CLIENT_ID + 1];
    char *redirect_uri; /* as sent: one the client registered, or its loopback twin */
    char *scope;        /* the requested scopes the client holds, in request order, "" for none */
    bool openid;        /* scope holds openid: an OpenID Connect request, else plain OAuth */
    char *state;
    char *nonce;
    unsigned prompt; /* PROMPT_* bits; none is never combined with another */
    int64_t max_age;
    int acr_min; /* the weakest enum mfa_level acr_values or an essential acr
                    accepts; 0 (password) when the request names none */
    char *login_hint;
    char *acr_values;    /* as sent; acr_min is what it asks */
    char *id_token_hint; /* accepted, not checked */
    char *ui_locales;
    char *code_challenge;
    enum pkce_method code_challenge_method; /* NONE exactly when code_challenge is NULL */
    enum response_mode response_mode;
    struct strlist resources;     /* RFC 8707 §2: the resource ids, in request order */
    char *claims_json;            /* the claims parameter as sent (Core §5.5); NULL: none */
    struct claims_request claims; /* what it asks for: names of user claims the client's
                                     scope releases (authorize_request_check_claims) */
};

/* Why a request failed. A fatal error is shown to the user on an error page
 * and never redirected (RFC 6749 §4.1.2.1: the client or the redirect URI
 * cannot be trusted); any other goes back to the client's redirect_uri. */
struct authorize_error {
    enum err code;           /* ERR_INVALID_REQUEST, ERR_UNAUTHORIZED_CLIENT, … */
    const char *description; /* static, one line, no '"' or '\\' (RFC 6749 §4.1.2.1) */
    bool fatal;
};

/* Validates the request parameters p against c, the client the request's
 * client_id names, as looked up by the caller (client_cache_get); NULL when
 * client_id is absent or repeated or names no client.
 *
 * ERR_OK: *out holds the validated request. Else the error's code, with *e
 * filled; when !e->fatal, out->redirect_uri, out->state (NULL when state
 * itself was bad) and out->response_mode are set, for the error response.
 * ERR_NOMEM is returned as it is (e->fatal set). Either way the caller calls
 * authorize_request_clear.
 *
 * Fatal: client_id missing or repeated, or c NULL, not that client, or
 * disabled; redirect_uri missing, repeated, or not one the client registered
 * (byte for byte, but for the port of an http loopback URI, RFC 8252 §7.3).
 * Redirected: any repeated parameter; request (request_not_supported),
 * request_uri (request_uri_not_supported); response_type missing
 * (invalid_request), not code, id_token, "id_token token", "code id_token",
 * "code token" or "code id_token token" in any order of its words
 * (unsupported_response_type), or not registered for the client, or one
 * with code and the client without the grant authorization_code, or one
 * with id_token or token and the client without the grant implicit
 * (unauthorized_client); a malformed scope (invalid_scope); response_mode
 * not query, fragment or form_post, fragment for code alone, or query for a
 * response type that returns a token; prompt with an unknown value or none
 * with another; max_age not a number; state, nonce, login_hint,
 * id_token_hint, ui_locales or code_challenge over its cap in
 * core/limits.h; a response type with id_token without nonce or without the
 * scope openid; a code_challenge not of 43-128 unreserved characters, a
 * code_challenge_method without code_challenge or not S256 or plain; a public
 * client asking for a code without a code_challenge or with method plain
 * (all invalid_request); a resource that is not an absolute URI without a
 * fragment (invalid_target; whether it is registered, and one the client may
 * ask for, is authorize_request_check_resources's to say); claims over
 * LIMIT_CLAIMS_PARAM bytes or not as claims_request_parse reads it
 * (invalid_request; without openid it is ignored). PKCE binds codes
 * only: for a response type without code the PKCE parameters are ignored. */
enum err authorize_request_parse(const struct params *p, const struct client *c,
                                 struct authorize_request *out, struct authorize_error *e);

/* Whether the client may ask for r's resources with r's scope
 * (resource_check, oauth/resource.h): ERR_OK, or ERR_INVALID_TARGET with *e
 * filled, sent to the client; another error (the store) with *e fatal. */
enum err authorize_request_check_resources(const struct oauth_ctx *ctx,
                                           const struct authorize_request *r,
                                           struct authorize_error *e);

/* Keeps of the names r's claims parameter asks for those the scope the
 * client is registered for releases (claims_keep_released): other names are
 * unknown to it and ignored (Core §5.5). ERR_ACCESS_DENIED with *e filled,
 * sent to the client, when it asks for acr as essential with values: this
 * server asserts no acr, so none can be met (Core §5.5.1.1: a failed
 * authentication); ERR_NOMEM (*e fatal). */
enum err authorize_request_check_claims(const struct oauth_ctx *ctx, const struct client *c,
                                        struct authorize_request *r, struct authorize_error *e);

/* Frees what r holds and empties it; r may be NULL. */
void authorize_request_clear(struct authorize_request *r);

/* True when requested is a redirect URI the client registered as registered:
 * the same bytes, or, when registered is an http URI on the loopback address
 * 127.0.0.1 or [::1], the same bytes but for any port (RFC 8252 §7.3). */
bool authorize_redirect_uri_matches(const char *registered, const char *requested);

/* Appends r to out as an application/x-www-form-urlencoded query string
 * without '?', which authorize_request_parse reads back to the same request:
 * what /login?next= and /consent?next= carry. With drop_login, prompt loses
 * login and select_account (so that the request after a fresh login does
 * not ask for another).
 * ERR_TOO_LARGE past out's max (the caller picks it), ERR_NOMEM. */
enum err authorize_request_serialise(const struct authorize_request *r, bool drop_login,
                                     struct buf *out);

/* -- the response to the client ------------------------------------------- */

#define AUTHORIZE_RESPONSE_FIELDS 9

/* The fields of an authorization response, borrowed from what built them. */
struct authorize_response {
    struct url_param fields[AUTHORIZE_RESPONSE_FIELDS];
    size_t n;
};

/* What /authorize issued for a request, as its response carries it; NULL
 * (and expires_in "") for what the response type does not ask for. */
struct authorize_issued {
    const char *code;
    const char *access_token;
    const char *expires_in; /* decimal seconds */
    const char *scope;      /* granted, with an access token */
    const char *id_token;
    const char *session_state; /* session.management's (oauth/session_state.h) */
};

/* A success (RFC 6749 §4.1.2 and §4.2.2, OpenID Connect Core §3.3.2.5,
 * RFC 9207): code, access_token with token_type Bearer, expires_in and
 * scope, id_token, each when issued; session_state when given (OpenID
 * Connect Session Management 1.0 §3); state when r has one; iss. */
void authorize_response_success(struct authorize_response *out, const struct authorize_request *r,
                                const struct authorize_issued *issued, const char *issuer);

/* An error (RFC 6749 §4.1.2.1, RFC 9207): error (err_code(e->code)),
 * error_description, state when r has one, iss. e must not be fatal. */
void authorize_response_error(struct authorize_response *out, const struct authorize_request *r,
                              const struct authorize_error *e, const char *issuer);

/* The Location of a response in query or fragment mode: r->redirect_uri with
 * the fields added (url_add_params) to its query or as its fragment, at most LIMIT_TARGET +
 * LIMIT_URI bytes, into *location (the caller frees). In form_post mode the fields are instead the
 * form's, posted to r->redirect_uri. ERR_INVALID_REQUEST, ERR_TOO_LARGE,
 * ERR_NOMEM. */
enum err authorize_response_location(const struct authorize_request *r,
                                     const struct authorize_response *resp, char **location);

#endif
