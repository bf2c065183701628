#ifndef OIDCD_OAUTH_CONSENT_H
#define OIDCD_OAUTH_CONSENT_H

/* Whether a user must be asked before a client gets a set of scopes and
 * the claims the claims request parameter names, and remembering the answer
 * (consent.remember_days). */

#include <stdbool.h>

#include "core/strlist.h"
#include "oauth/oauth.h"

/* How a client is registered (its require_consent and reuse_consent). */
struct consent_policy {
    bool require_consent; /* false: never ask */
    bool reuse_consent;   /* an earlier allow is remembered */
};

/* Sets *needed: false when the policy does not require consent, or when it
 * reuses consent and user_sub allowed client_id, in a consent that has not
 * expired, every token of scope (space-separated) and every claim name of
 * claims (those the claims request parameter asks for; may be NULL), each by
 * name or through a scope that releases it; true otherwise, so a request
 * for more than was allowed asks again. ERR_INVALID_SCOPE for a malformed
 * scope. */
enum err consent_needed(const struct oauth_ctx *ctx, const struct consent_policy *policy,
                        const char *user_sub, const char *client_id, const char *scope,
                        const struct strlist *claims, bool *needed);

/* Remembers that user_sub allowed client_id scope and the claim names of
 * claims (may be NULL), for consent.remember_days from now, together with
 * what a live earlier consent allowed. Does nothing when the policy does not
 * reuse consent or remember_days is 0. */
enum err consent_remember(const struct oauth_ctx *ctx, const struct consent_policy *policy,
                          const char *user_sub, const char *client_id, const char *scope,
                          const struct strlist *claims);

#endif
