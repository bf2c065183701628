#ifndef OIDCD_CORE_JSON_WRITER_H
#define OIDCD_CORE_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* Writes one flat JSON object (RFC 8259) straight into a buffer, for the
 * small objects made on every request (token responses, token claims,
 * introspection answers, errors) where building a tree first is the larger
 * cost. Keys and string values are escaped; a byte that does not belong to
 * valid UTF-8 is written as U+FFFD, so the output is always valid JSON. The
 * first failure (out of memory, past max bytes, a NULL string value) sticks,
 * and json_writer_finish then returns NULL.
 *
 *   struct json_writer w;
 *   json_writer_begin(&w, 4096);
 *   json_writer_string(&w, "token_type", "Bearer");
 *   json_writer_int(&w, "expires_in", 3600);
 *   text = json_writer_finish(&w, &len);      → {"token_type":"Bearer",…} */
struct json_writer {
    struct buf b;
    enum err rc;
    bool any; /* a member has been written */
};

void json_writer_begin(struct json_writer *w, size_t max);
void json_writer_string(struct json_writer *w, const char *key, const char *value);
/* An array of n strings (none may be NULL). */
void json_writer_strings(struct json_writer *w, const char *key, const char *const *values,
                         size_t n);
void json_writer_int(struct json_writer *w, const char *key, int64_t value);
void json_writer_bool(struct json_writer *w, const char *key, bool value);
/* A member whose value (len bytes) is already JSON text, written as it is:
 * the caller vouches for it (say, one that jansson serialized). */
void json_writer_raw(struct json_writer *w, const char *key, const char *json, size_t len);

/* Closes the object and hands it over (NUL-terminated, the caller frees it;
 * *len without the NUL), or NULL after a failure. w is empty afterwards. */
char *json_writer_finish(struct json_writer *w, size_t *len);

#endif
