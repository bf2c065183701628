#ifndef OIDCD_CORE_STRLIST_H
#define OIDCD_CORE_STRLIST_H

#include <stdbool.h>
#include <stddef.h>

#include "core/errors.h"

/* An owned list of owned strings. */
struct strlist {
    char **items;
    size_t n;
};

/* Appends a copy of the n bytes at s. ERR_NOMEM. */
enum err strlist_add(struct strlist *l, const char *s, size_t n);

/* Splits s on any of the bytes in seps, trimming spaces around each item and
 * skipping empty ones, appending to l. */
enum err strlist_split(struct strlist *l, const char *s, const char *seps);

bool strlist_contains(const struct strlist *l, const char *s);

/* Sorts the items (bytewise) and drops repeats. */
void strlist_sort_unique(struct strlist *l);

/* The items joined by sep, newly allocated (caller frees); NULL on ENOMEM. */
char *strlist_join(const struct strlist *l, const char *sep);

void strlist_free(struct strlist *l);

#endif
