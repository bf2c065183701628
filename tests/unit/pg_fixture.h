/* A fresh PostgreSQL database per test, for unit tests of the PostgreSQL
 * backend: CREATE DATABASE with a random name on the server of a given URL,
 * DROP at the end. Header-only: each test program includes it once.
 *
 * The server: OIDCD_TEST_PG_URL, else the first postgresql:// or
 * postgres:// entry of OIDCD_TEST_DATABASE_URLS (separated by spaces or
 * commas). scripts/pg_test_cluster.sh makes one. */
#ifndef OIDCD_TESTS_PG_FIXTURE_H
#define OIDCD_TESTS_PG_FIXTURE_H

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/rand.h>

/* The server URL from the environment into out; 0 when there is one. */
static inline int pg_fixture_server(char *out, size_t n)
{
    const char *one = getenv("OIDCD_TEST_PG_URL"), *all = getenv("OIDCD_TEST_DATABASE_URLS");
    const char *p;
    size_t len;

    if (one && *one) {
        snprintf(out, n, "%s", one);
        return 0;
    }
    for (p = all; p && *p; p += len) {
        p += strspn(p, " ,");
        len = strcspn(p, " ,");
        if (len && len < n &&
            (strncmp(p, "postgresql://", 13) == 0 || strncmp(p, "postgres://", 11) == 0)) {
            memcpy(out, p, len);
            out[len] = '\0';
            return 0;
        }
    }
    return -1;
}

/* Runs one SQL command on the server (as its URL's user); 0 on success. */
static inline int pg_fixture_sql(const char *server, const char *sql)
{
    PGconn *pg = PQconnectdb(server);
    PGresult *r = PQstatus(pg) == CONNECTION_OK ? PQexec(pg, sql) : NULL;
    int ok = r && (PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK);

    if (!ok)
        fprintf(stderr, "pg_fixture: %s: %s", sql, PQerrorMessage(pg));
    PQclear(r);
    PQfinish(pg);
    return ok ? 0 : -1;
}

struct pg_fixture {
    char server[512]; /* the server's URL (its own database) */
    char name[40];    /* the fresh database */
    char url[1024];   /* a key=value string naming it, for store_open */
};

/* The server's connection keywords with dbname replaced, as a key=value
 * string (which also exercises the backend's key=value form). */
static inline int pg_fixture_url(struct pg_fixture *f)
{
    PQconninfoOption *opts = PQconninfoParse(f->server, NULL), *o;
    size_t at = 0;

    if (!opts)
        return -1;
    for (o = opts; o->keyword; o++) {
        if (!o->val || !*o->val || strcmp(o->keyword, "dbname") == 0)
            continue;
        at += (size_t)snprintf(f->url + at, sizeof f->url - at, "%s='%s' ", o->keyword, o->val);
        if (at >= sizeof f->url)
            break;
    }
    PQconninfoFree(opts);
    if (at >= sizeof f->url)
        return -1;
    snprintf(f->url + at, sizeof f->url - at, "dbname=%s", f->name);
    return 0;
}

/* Makes a fresh, empty database; 0 on success, -1 without a server. */
static inline int pg_fixture_create(struct pg_fixture *f)
{
    unsigned char r[8];
    char sql[96];
    size_t i;

    memset(f, 0, sizeof *f);
    if (pg_fixture_server(f->server, sizeof f->server) || RAND_bytes(r, sizeof r) != 1)
        return -1;
    memcpy(f->name, "oidcd_t_", 8);
    for (i = 0; i < sizeof r; i++)
        snprintf(f->name + 8 + 2 * i, 3, "%02x", r[i]);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", f->name);
    if (pg_fixture_sql(f->server, sql) || pg_fixture_url(f))
        return -1;
    return 0;
}

static inline void pg_fixture_drop(struct pg_fixture *f)
{
    char sql[96];

    if (!f->name[0])
        return;
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", f->name);
    pg_fixture_sql(f->server, sql);
}

#endif
