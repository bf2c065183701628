/* PostgreSQL backend: statement parameters in, column values out. Results
 * come in text format; bytea as PostgreSQL writes it (hex, or the old escape
 * format a server may be set to), read back by PQunescapeBytea. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/postgres_internal.h"

static int param_slot(struct pg_params *p)
{
    if (p->n >= PG_MAX_PARAMS) {
        p->overflow = true;
        return -1;
    }
    return p->n++;
}

void store_pg_text(struct pg_params *p, const char *s)
{
    int i = param_slot(p);

    if (i < 0)
        return;
    p->values[i] = s;
    p->lengths[i] = 0;
    p->formats[i] = 0;
}

void store_pg_int(struct pg_params *p, int64_t v)
{
    int i = param_slot(p);

    if (i < 0)
        return;
    snprintf(p->numbers[i], sizeof p->numbers[i], "%" PRId64, v);
    p->values[i] = p->numbers[i];
    p->formats[i] = 0;
}

void store_pg_int_or_null(struct pg_params *p, int64_t v)
{
    if (v)
        store_pg_int(p, v);
    else
        store_pg_text(p, NULL);
}

void store_pg_bool(struct pg_params *p, bool v)
{
    store_pg_text(p, v ? "true" : "false");
}

void store_pg_bytes(struct pg_params *p, const void *b, size_t n)
{
    int i = param_slot(p);

    if (i < 0)
        return;
    if (n > INT32_MAX) {
        p->overflow = true;
        return;
    }
    /* libpq sends a NULL value as SQL NULL whatever the length */
    p->values[i] = b ? (const char *)b : NULL;
    p->lengths[i] = (int)n;
    p->formats[i] = 1;
}

bool store_pg_is_null(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) != 0;
}

int64_t store_pg_get_int(const PGresult *r, int row, int col)
{
    const char *v = PQgetvalue(r, row, col);
    char *end;
    long long n;

    if (store_pg_is_null(r, row, col))
        return 0;
    n = strtoll(v, &end, 10);
    return end == v ? 0 : (int64_t)n;
}

bool store_pg_get_bool(const PGresult *r, int row, int col)
{
    return !store_pg_is_null(r, row, col) && PQgetvalue(r, row, col)[0] == 't';
}

char *store_pg_get_text(const PGresult *r, int row, int col)
{
    return strdup(PQgetvalue(r, row, col)); /* "" for NULL */
}

char *store_pg_get_text_or_null(const PGresult *r, int row, int col, enum err *e)
{
    char *v;

    if (store_pg_is_null(r, row, col))
        return NULL;
    v = strdup(PQgetvalue(r, row, col));
    if (!v)
        *e = ERR_NOMEM;
    return v;
}

enum err store_pg_get_text_into(const PGresult *r, int row, int col, char *dst, size_t n)
{
    size_t len = (size_t)PQgetlength(r, row, col);

    if (len >= n) {
        dst[0] = '\0';
        return ERR_STORE;
    }
    memcpy(dst, PQgetvalue(r, row, col), len);
    dst[len] = '\0';
    return ERR_OK;
}

enum err store_pg_get_bytes(const PGresult *r, int row, int col, unsigned char **out, size_t *len)
{
    unsigned char *raw;
    size_t n = 0;

    *out = NULL;
    *len = 0;
    if (store_pg_is_null(r, row, col))
        return ERR_OK;
    raw = PQunescapeBytea((const unsigned char *)PQgetvalue(r, row, col), &n);
    if (!raw)
        return ERR_NOMEM;
    *out = malloc(n ? n : 1);
    if (*out) {
        memcpy(*out, raw, n);
        *len = n;
    }
    PQfreemem(raw);
    return *out ? ERR_OK : ERR_NOMEM;
}

enum err store_pg_get_bytes_into(const PGresult *r, int row, int col, unsigned char *dst, size_t n)
{
    unsigned char *raw;
    size_t len = 0;
    enum err e = ERR_OK;

    if (store_pg_is_null(r, row, col))
        return ERR_STORE;
    raw = PQunescapeBytea((const unsigned char *)PQgetvalue(r, row, col), &len);
    if (!raw)
        return ERR_NOMEM;
    if (len == n)
        memcpy(dst, raw, n);
    else
        e = ERR_STORE;
    PQfreemem(raw);
    return e;
}

enum err store_pg_collect(const PGresult *r, size_t size,
                          enum err (*fill)(const PGresult *r, int row, void *item), void **out,
                          size_t *n)
{
    int rows = PQntuples(r), i;
    char *items = NULL;
    enum err e = ERR_OK;

    *out = NULL;
    *n = 0;
    if (rows == 0)
        return ERR_OK;
    items = calloc((size_t)rows, size);
    if (!items)
        return ERR_NOMEM;
    *out = items;
    for (i = 0; i < rows && !e; i++) {
        e = fill(r, i, items + (size_t)i * size);
        /* a half-filled element is freed by the caller's list_free too */
        *n = (size_t)i + 1;
    }
    return e;
}
