#include "core/strlist.h"

#include <stdlib.h>
#include <string.h>

enum err strlist_add(struct strlist *l, const char *s, size_t n)
{
    char **items;
    char *copy;

    copy = malloc(n + 1);
    if (!copy)
        return ERR_NOMEM;
    memcpy(copy, s, n);
    copy[n] = '\0';
    items = realloc(l->items, (l->n + 1) * sizeof *items);
    if (!items) {
        free(copy);
        return ERR_NOMEM;
    }
    items[l->n++] = copy;
    l->items = items;
    return ERR_OK;
}

enum err strlist_split(struct strlist *l, const char *s, const char *seps)
{
    while (*s) {
        size_t n = strcspn(s, seps);
        size_t a = 0, b = n;
        enum err rc;

        while (a < b && s[a] == ' ')
            a++;
        while (b > a && s[b - 1] == ' ')
            b--;
        if (b > a) {
            rc = strlist_add(l, s + a, b - a);
            if (rc)
                return rc;
        }
        s += n;
        if (*s)
            s++;
    }
    return ERR_OK;
}

bool strlist_contains(const struct strlist *l, const char *s)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        if (strcmp(l->items[i], s) == 0)
            return true;
    return false;
}

static int compare_items(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void strlist_sort_unique(struct strlist *l)
{
    size_t i, kept = 0;

    if (l->n == 0)
        return;
    qsort(l->items, l->n, sizeof *l->items, compare_items);
    for (i = 1; i < l->n; i++) {
        if (strcmp(l->items[i], l->items[kept]) == 0)
            free(l->items[i]);
        else
            l->items[++kept] = l->items[i];
    }
    l->n = kept + 1;
}

char *strlist_join(const struct strlist *l, const char *sep)
{
    size_t i, len = 1, seplen = strlen(sep), at = 0;
    char *out;

    for (i = 0; i < l->n; i++)
        len += strlen(l->items[i]) + seplen;
    out = malloc(len);
    if (!out)
        return NULL;
    for (i = 0; i < l->n; i++) {
        size_t n = strlen(l->items[i]);
        if (i) {
            memcpy(out + at, sep, seplen);
            at += seplen;
        }
        memcpy(out + at, l->items[i], n);
        at += n;
    }
    out[at] = '\0';
    return out;
}

void strlist_free(struct strlist *l)
{
    size_t i;

    if (!l)
        return;
    for (i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}
