#ifndef OIDCD_ENDPOINTS_SIGNIN_H
#define OIDCD_ENDPOINTS_SIGNIN_H

/* What /authorize, /login and /consent share: the request's live session,
 * the authorization request (from the request itself or from the `next` a
 * page carries), sending the browser to a page with that `next`, and the
 * one way back to the client, a redirect or the form_post page, for codes
 * and errors alike. */

#include "endpoints/app.h"
#include "oauth/authorize_request.h"
#include "oauth/mfa.h"
#include "oauth/session.h"

/* An authorization request and the client it names. */
struct signin {
    struct client client;
    struct authorize_request ar;
};

/* Frees what s holds; s may be NULL. */
void signin_clear(struct signin *s);

/* The live session of req (caller frees *se with session_clear): its cookie
 * names a session that has not expired, of a user who still exists and is
 * enabled. ERR_NOT_FOUND when there is none; ERR_STORE, ERR_NOMEM. */
enum err signin_session(const struct app *app, const struct http_request *req, struct session *se);

/* signin_session, and the session's token into token (the secret a passkey
 * challenge is bound to; the caller wipes it). */
enum err signin_session_token(const struct app *app, const struct http_request *req,
                              struct session *se, char token[SESSION_TOKEN_SIZE]);

/* Reads the authorization request in p (a query or a form): looks its
 * client up and validates it (authorize_request_parse's rules and errors,
 * then authorize_request_check_resources's and
 * authorize_request_check_claims's; *e filled on failure). Caller frees s with signin_clear either
 * way. Sets resp's client_id for the access log. */
enum err signin_parse(const struct app *app, const struct params *p, struct signin *s,
                      struct authorize_error *e, struct http_response *resp);

/* signin_parse of next, a query string as signin_send_to writes it.
 * ERR_INVALID_REQUEST (fatal) when next is NULL or not a query string. */
enum err signin_parse_next(const struct app *app, const char *next, struct signin *s,
                           struct authorize_error *e, struct http_response *resp);

/* Answers an authorization request that failed with e: the error page
 * (status 400, 500 for ERR_NOMEM) when e is fatal, else the error sent to
 * the client (signin_reply). */
void signin_fail(const struct app *app, struct http_response *resp,
                 const struct authorize_request *r, const struct authorize_error *e);

/* Sends the error code (not fatal) with description to the client. */
void signin_reply_error(const struct app *app, struct http_response *resp,
                        const struct authorize_request *r, enum err code, const char *description);

/* Whether the claims parameter of s's request lets the user of se through:
 * true when it names no sub, or the sub s's client sees for that user (its
 * pairwise one, oauth/subject.h). False when that sub cannot be computed. */
bool signin_sub_allowed(const struct app *app, const struct signin *s, const struct session *se);

/* Finishes the authorization for the user of se: issues what the response
 * type asks for (grant_implicit_issue: a code bound to r and se, an access
 * token, an ID token) and sends it to the client, with session_state when
 * session.management is on (from req's browser state, page_browser_state);
 * access_denied instead when the claims parameter asked for another sub than
 * the user's. */
void signin_finish(const struct app *app, const struct http_request *req,
                   struct http_response *resp, const struct signin *s, const struct session *se);

/* Redirects (status 302 or 303) to the page at path ("/login", "/consent",
 * "/authorize") of the issuer with r: "?next=" and r percent-encoded, or,
 * for "/authorize", r itself as the query. With drop_login, prompt loses
 * login. A request too large for the request target becomes invalid_request
 * sent to the client. */
void signin_send_to(const struct app *app, struct http_response *resp, int status, const char *path,
                    const struct authorize_request *r, bool drop_login);

/* The next of the request, "" when absent: the form's on a POST, else the
 * query's. NULL when it is given more than once. */
const char *signin_next_param(const struct http_request *req);

/* The error page for a next that is missing or no longer valid. */
void signin_bad_next(const struct app *app, struct http_response *resp);

/* Reads the next of req (signin_next_param) and, when it is not "", the
 * request it carries into s (*has set). ERR_OK; else the answer (an error
 * page, or the error sent to the client) is in resp. Caller frees s with
 * signin_clear either way. */
enum err signin_read_next(const struct app *app, const struct http_request *req,
                          struct http_response *resp, struct signin *s, const char **next,
                          bool *has);

/* Ends the session the browser had, if any, and deletes its cookie. */
enum err signin_end_session(const struct app *app, const struct http_request *req,
                            struct http_response *resp);

/* The level a sign-in must reach whatever the user has: MFA_LEVEL_MFA for
 * login.require_mfa or, with s (NULL: no request), a client with
 * require_mfa; the level s's acr values ask for when stronger (acr_min);
 * else MFA_LEVEL_PWD. */
enum mfa_level signin_level_needed(const struct app *app, const struct signin *s);

/* Whether a second factor is needed whatever the user has:
 * signin_level_needed is MFA_LEVEL_MFA or above. */
bool signin_mfa_required(const struct app *app, const struct signin *s);

/* Step-up: when s needs a level (signin_level_needed) that the session se
 * has not reached, answers for it — the second-factor page (redirect with
 * status), or interaction_required with prompt=none — and returns true.
 * Every path that issues to a client asks this first. */
bool signin_step_up(const struct app *app, struct http_response *resp, const struct signin *s,
                    const struct session *se, int status);

/* The 403 page for a user without a second factor where one is needed. */
void signin_no_second_factor(const struct app *app, struct http_response *resp);

/* The 403 page for a user without a passkey where the request asks for
 * one (urn:oidcd:acr:phr). */
void signin_no_passkey(const struct app *app, struct http_response *resp);

/* Ends the session the browser had (if any), starts a new one for sub
 * authenticated by amr and sets its cookie: never the old id again (no
 * session fixation). */
enum err signin_start_session(const struct app *app, const struct http_request *req,
                              struct http_response *resp, const char *sub, const char *amr);

/* Signed in: back to /authorize with s's request (has), where the new
 * session now counts, or a page saying so when there is no request. */
void signin_signed_in(const struct app *app, struct http_response *resp, const struct signin *s,
                      bool has);

/* Records the audit event type (ok, detail) of a sign-in step of the user
 * sub (actor and user), with s's client when there is a request (has) and
 * req's address. */
void signin_audit(const struct app *app, const struct http_request *req, const struct signin *s,
                  bool has, const char *sub, const char *type, bool ok, const char *detail);

/* The 429 page of a throttled attempt, with Retry-After. */
void signin_throttled(const struct app *app, struct http_response *resp, long retry_after);

#endif
