#ifndef OIDCD_OAUTH_CLAIMS_REQUEST_H
#define OIDCD_OAUTH_CLAIMS_REQUEST_H

/* The claims request parameter (OpenID Connect Core §5.5): a JSON object
 * whose members userinfo and id_token each ask for claims by name, with
 * null or {essential, value, values}. What the server acts on: the names
 * (value and values of other claims are hints; the user's real value is
 * released), a value the user's sub must take, and an essential acr with
 * values, which this server, asserting no acr, cannot satisfy. */

#include <stdbool.h>
#include <stddef.h>

#include "core/errors.h"
#include "core/strlist.h"

struct claims_request {
    struct strlist userinfo;   /* names asked for /userinfo, each once, "sub" left out */
    struct strlist id_token;   /* names asked for the ID token, each once, "sub" left out */
    bool sub_fixed;            /* sub was asked with value or values … */
    struct strlist sub_values; /* … and must be one of these (empty: none can match) */
    bool acr_essential;        /* acr asked for the ID token as essential with value(s) … */
    struct strlist acr_values; /* … these (value and values alike), each once */
};

/* Parses json (len bytes, at most LIMIT_CLAIMS_PARAM, checked by the caller)
 * into *out (caller frees with claims_request_clear, either way). Members
 * other than userinfo and id_token are ignored, as are names longer than a
 * claim name may be. ERR_INVALID_REQUEST with *why (static, one line) when
 * json is not a JSON object, userinfo or id_token is not an object, a
 * claim's request is neither null nor an object, essential is not a
 * boolean, or values is not an array; ERR_NOMEM. */
enum err claims_request_parse(const char *json, size_t len, struct claims_request *out,
                              const char **why);

/* Whether sub satisfies the sub value the request asked for (true when it
 * asked for none). */
bool claims_request_sub_ok(const struct claims_request *r, const char *sub);

/* The names of both members, each once, appended to out. ERR_NOMEM. */
enum err claims_request_names(const struct claims_request *r, struct strlist *out);

/* The names of l joined by spaces into *out (caller frees), NULL when l is
 * empty. ERR_NOMEM. */
enum err claims_request_join(const struct strlist *l, char **out);

/* Frees what r holds and empties it; r may be NULL. */
void claims_request_clear(struct claims_request *r);

#endif
