#ifndef OIDCD_ENDPOINTS_SECOND_STEP_H
#define OIDCD_ENDPOINTS_SECOND_STEP_H

/* What /login/mfa and a passkey as the second factor (/login/passkey) share:
 * where the second step of sign-in starts from — a pending sign-in (a
 * correct password, its own cookie) or, for step-up, a live session short
 * of the level needed — and how it ends: the pending sign-in taken once, a
 * new session (never the old id again). */

#include <stdbool.h>

#include "endpoints/signin.h"

struct second_step {
    struct session se; /* the user and what they proved */
    bool pending;      /* a pending sign-in, not a session */
    /* the pending sign-in's token, or the session's: the browser's secret a
     * passkey challenge of this step is bound to */
    char token[SESSION_TOKEN_SIZE];
};

/* The pending sign-in of req, else its live session when that is short of
 * need (at least MFA_LEVEL_MFA: a second factor). ERR_NOT_FOUND when there
 * is neither (nothing to step up to); ERR_STORE, ERR_NOMEM. Caller frees
 * *out with second_step_clear either way. */
enum err second_step_get(const struct app *app, const struct http_request *req, enum mfa_level need,
                         struct second_step *out);

void second_step_clear(struct second_step *b);

/* The second factor was right: the pending sign-in (taken once: ERR_NOT_FOUND
 * when a racing request took it first) or the old session gives way to a
 * new session of amr, its cookie set on resp. */
enum err second_step_finish(const struct app *app, const struct http_request *req,
                            struct http_response *resp, struct second_step *b, const char *amr);

/* No pending sign-in and nothing to step up (or it was taken meanwhile):
 * back to the login page with the request (has), else a page saying the
 * sign-in expired. */
void second_step_expired(const struct app *app, struct http_response *resp, const struct signin *s,
                         bool has);

#endif
