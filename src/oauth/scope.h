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

/* The scope to grant a client whose registered scope is allowed: the
 * requested tokens (each once, in first-seen order) when all are allowed, or
 * the whole allowed scope when requested is NULL or empty. *out is newly
 * allocated (caller frees). ERR_INVALID_SCOPE with *why (static) for a
 * malformed scope, one outside allowed, or nothing to grant; ERR_NOMEM. */
enum err scope_grant(const char *allowed, const char *requested, char **out, const char **why);

/* True when the scope string s holds the token tok. */
bool scope_has(const char *s, const char *tok);

#endif
