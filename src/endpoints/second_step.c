#include "endpoints/second_step.h"

#include <openssl/crypto.h>
#include <string.h>

#include "endpoints/page.h"

enum err second_step_get(const struct app *a, const struct http_request *req, enum mfa_level need,
                         struct second_step *b)
{
    enum err rc;

    memset(b, 0, sizeof *b);
    if (!page_pending_get(a, req, b->token)) {
        rc = session_pending_lookup(&a->oauth, b->token, &b->se);
        b->pending = !rc;
        if (rc != ERR_NOT_FOUND)
            return rc;
    }
    rc = signin_session_token(a, req, &b->se, b->token);
    if (!rc && mfa_level_of_amr(b->se.amr) >= (need > MFA_LEVEL_MFA ? need : MFA_LEVEL_MFA))
        rc = ERR_NOT_FOUND; /* nothing to step up to */
    return rc;
}

void second_step_clear(struct second_step *b)
{
    session_clear(&b->se);
    OPENSSL_cleanse(b->token, sizeof b->token);
}

enum err second_step_finish(const struct app *a, const struct http_request *req,
                            struct http_response *resp, struct second_step *b, const char *amr)
{
    enum err rc = ERR_OK;

    if (b->pending) {
        rc = session_pending_take(&a->oauth, b->token);
        if (!rc)
            rc = page_pending_set(a, resp, "", 0);
    }
    return rc ? rc : signin_start_session(a, req, resp, b->se.user_sub, amr);
}

void second_step_expired(const struct app *a, struct http_response *resp, const struct signin *s,
                         bool has)
{
    if (has) {
        signin_send_to(a, resp, 303, "/login", &s->ar, false);
        return;
    }
    resp->error = "invalid_request";
    page_error(a, resp, 400, "Your sign-in has expired",
               "Too much time passed since you entered your password. Go back to the "
               "application you were using and sign in again.");
}
