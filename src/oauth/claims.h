#ifndef OIDCD_OAUTH_CLAIMS_H
#define OIDCD_OAUTH_CLAIMS_H

/* A user's claims: which names may be stored and in what form (the standard
 * claims of OpenID Connect Core §5.1, checked by type and format; other names
 * only when declared in claims.extra or a [scope.NAME] section), and which of
 * them a set of granted scopes releases (Core §5.4 plus [scope.NAME]). */

#include <jansson.h>
#include <stdbool.h>

#include "core/config.h"
#include "core/errors.h"
#include "core/strlist.h"

/* Whether value may be stored as the user's claim name. ERR_OK, or
 * ERR_INVALID_REQUEST with *why set to a static one-line reason: "sub"
 * (the server's own), an undeclared name, or a standard claim of the wrong
 * type or format (email without @, *_verified not a boolean, updated_at not
 * an integer, address not an object of string members, birthdate not YYYY or
 * YYYY-MM-DD, zoneinfo/locale implausible, phone_number not starting with +,
 * profile/picture/website not absolute http(s) URLs). */
enum err claims_check_one(const struct config *cfg, const char *name, const json_t *value,
                          const char **why);

/* claims_check_one for every member of the object claims. *bad_name (may be
 * NULL) points at the first refused name (borrowed from claims). */
enum err claims_check(const struct config *cfg, const json_t *claims, const char **why,
                      const char **bad_name);

/* The claims scope (space-separated granted scopes) releases from the user's
 * claims_json (a JSON object as stored), and those names (space-separated,
 * as the claims request parameter asked for them; NULL for none) names, as a
 * new object (*out, caller json_decref) holding "sub": sub first, then each
 * released claim that is not empty (null, "", {} or [] are left out).
 * Unknown scopes release nothing. ERR_NOMEM; ERR_STORE when claims_json is
 * not a JSON object. */
enum err claims_release(const struct config *cfg, const char *scope, const char *names,
                        const char *sub, const char *claims_json, json_t **out);

/* Whether a claim's value counts as absent: null, "", {} or []. */
bool claims_value_empty(const json_t *v);

/* Calls each(name, arg) for every claim name (never "sub") the granted scope
 * (space-separated) releases, in the scopes' order; a name two scopes release
 * comes twice. Stops at, and returns, the first error each returns. */
typedef enum err claims_each_fn(const char *name, void *arg);
enum err claims_each_released(const struct config *cfg, const char *scope, claims_each_fn *each,
                              void *arg);

/* Calls each(name, arg) for every name (never "sub") of the space-separated
 * names (NULL for none), in order. Stops at, and returns, the first error
 * each returns. */
enum err claims_each_named(const char *names, claims_each_fn *each, void *arg);

/* Appends to out each claim name (never "sub") the scope (space-separated)
 * releases that out does not hold yet. ERR_NOMEM. */
enum err claims_released_names(const struct config *cfg, const char *scope, struct strlist *out);

/* Drops from names those the scope (space-separated) does not release: a
 * client asks with the claims request parameter only for claims of the
 * scopes it is registered for. ERR_NOMEM. */
enum err claims_keep_released(const struct config *cfg, const char *scope, struct strlist *names);

/* claims_keep_released of the space-separated names (NULL for none), as a
 * new space-separated string *out (caller frees; NULL when none is kept).
 * ERR_NOMEM. */
enum err claims_keep_released_text(const struct config *cfg, const char *scope, const char *names,
                                   char **out);

/* Every claim name a user may hold and a scope may release: sub, the
 * standard claims, claims.extra and the [scope.NAME] claims, sorted, each once
 * (discovery's claims_supported). Appended to out. ERR_NOMEM. */
enum err claims_supported(const struct config *cfg, struct strlist *out);

/* The consent page's text for scope: English for the OpenID Connect scopes,
 * the [scope.NAME] description for the others; NULL when there is none (the
 * page then shows the scope's name). Borrowed, static or from cfg. */
const char *claims_scope_description(const struct config *cfg, const char *scope);

#endif
