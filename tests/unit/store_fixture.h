/* A fresh SQLite store in a temporary directory, for unit tests of store/ and
 * of the oauth/ modules that use it. Header-only: each test program includes
 * it once. */
#ifndef OIDCD_TESTS_STORE_FIXTURE_H
#define OIDCD_TESTS_STORE_FIXTURE_H

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

struct temp_store {
    char dir[64];
    char path[128];
    struct store *store;
};

static inline int temp_store_open(struct temp_store *t)
{
    char url[160], why[256];

    snprintf(t->dir, sizeof t->dir, "/tmp/oidcd-test-XXXXXX");
    if (!mkdtemp(t->dir))
        return -1;
    snprintf(t->path, sizeof t->path, "%s/db", t->dir);
    snprintf(url, sizeof url, "sqlite:%s", t->path);
    return store_open(url, &t->store, why, sizeof why) == ERR_OK ? 0 : -1;
}

static inline void temp_store_close(struct temp_store *t)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", ".kek"};
    char p[160];
    size_t i;

    store_close(t->store);
    for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        snprintf(p, sizeof p, "%s%s", t->path, suffixes[i]);
        unlink(p);
    }
    rmdir(t->dir);
}

/* cmocka set-up and tear-down of a struct temp_store in *state. */
static inline int temp_store_setup(void **state)
{
    struct temp_store *t = calloc(1, sizeof *t);

    if (!t || temp_store_open(t) != 0) {
        free(t);
        return -1;
    }
    *state = t;
    return 0;
}

static inline int temp_store_teardown(void **state)
{
    temp_store_close(*state);
    free(*state);
    return 0;
}

/* The integer the query sql answers, read through a connection of its own
 * (what the store committed); -1 when it gives none. */
static inline int temp_store_count(struct temp_store *t, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int n = -1;

    if (sqlite3_open(t->path, &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* Adds the enabled user sub (username the same), without a password. */
static inline enum err temp_store_user(struct temp_store *t, const char *sub)
{
    struct user u = {0};

    snprintf(u.sub, sizeof u.sub, "%s", sub);
    snprintf(u.username, sizeof u.username, "%s", sub);
    u.claims = (char *)"{}";
    u.enabled = true;
    u.created_at = 100;
    return store_user_insert(t->store, &u);
}

/* Registers a client: public (auth none) or confidential (secret_basic), with
 * the given space-separated grant types and scope, and one redirect URI. */
static inline enum err temp_store_client(struct temp_store *t, const char *id, bool public_client,
                                         const char *grants, const char *scope)
{
    struct client c = {0};
    enum err rc;

    snprintf(c.id, sizeof c.id, "%s", id);
    c.name = strdup(id);
    c.scope = strdup(scope);
    c.type = public_client ? CLIENT_PUBLIC : CLIENT_CONFIDENTIAL;
    c.auth_method = public_client ? AUTH_NONE : AUTH_CLIENT_SECRET_BASIC;
    c.has_secret = !public_client;
    c.enabled = true;
    rc = strlist_split(&c.grant_types, grants, " ");
    if (!rc)
        rc = strlist_split(&c.redirect_uris, "https://app.example/cb", " ");
    if (!rc)
        rc = store_client_insert(t->store, &c);
    client_clear(&c);
    return rc;
}

#endif
