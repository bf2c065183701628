#ifndef OIDCD_OAUTH_SCOPE_H
#define OIDCD_OAUTH_SCOPE_H

#include <stdbool.h>

#include "core/errors.h"
#include "core/strlist.h"

/* Parses a space-separated scope string (RFC 6749 §3.3) into a set, keeping
 * first-seen order and dropping repeats. ERR_INVALID_SCOPE for a character
 * outside NQCHAR or more than LIMIT_SCOPE_TOKENS tokens; ERR_NOMEM. */
enum err scope_parse(const char *s, struct strlist *out);

/* True when every token of a is in b. */
bool scope_is_subset(const struct strlist *a, const struct strlist *b);

/* True when the scope string s holds the token tok. */
bool scope_has(const char *s, const char *tok);

#endif
