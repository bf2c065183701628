#ifndef OIDCD_CORE_FORM_H
#define OIDCD_CORE_FORM_H

#include <stddef.h>

#include "core/errors.h"
#include "core/limits.h"

struct param {
    const char *name;  /* decoded, NUL-terminated, points into params.arena */
    const char *value; /* decoded, NUL-terminated */
};

/* Parsed parameters of a query string or an application/x-www-form-urlencoded
 * body, in the order they came, duplicates kept. */
struct params {
    struct param items[LIMIT_PARAMS];
    size_t n;
    char *arena;
};

/* Parses `len` bytes of a form-encoded string (no leading '?'). Empty pairs
 * ("a=1&&b=2") are skipped. ERR_INVALID_REQUEST for bad percent-encoding, a
 * NUL or control byte in a name or value, or more than LIMIT_PARAMS pairs;
 * ERR_NOMEM. On success the caller frees with params_free. */
enum err form_parse(const char *buf, size_t len, struct params *out);

void params_free(struct params *p);

/* The value of the single parameter called name: ERR_OK with *value set (NULL
 * when absent), or ERR_INVALID_REQUEST when it is given more than once. A
 * parameter sent without a value counts as omitted (RFC 6749 §3.1). */
enum err params_get_one(const struct params *p, const char *name, const char **value);

/* Decodes form-encoding ('+' is space, %XX) of len bytes into out (which must
 * hold len + 1 bytes), NUL-terminated. ERR_INVALID_REQUEST for a bad escape
 * or a decoded NUL or control byte. */
enum err form_decode(const char *in, size_t len, char *out, size_t *outlen);

#endif
