/* Store contract: clients and resources listed a page at a time, and the
 * resources' change counter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_contract.h"

/* (created_at, id) of a before b, ids compared bytewise (strcmp compares
 * unsigned chars). */
static bool client_precedes(const struct client *a, const struct client *b)
{
    return a->created_at < b->created_at ||
           (a->created_at == b->created_at && strcmp(a->id, b->id) < 0);
}

size_t ct_clients_between(const struct ct *t, int64_t from, int64_t to, size_t limit,
                          struct client *out, size_t max)
{
    char after[LIMIT_CLIENT_ID + 1] = "x"; /* any id: every client from `from` on follows */
    struct client_filter f = {from - 1, after, limit};
    struct client *list, last = {0};
    size_t n, i, kept = 0;
    bool more = true;

    while (more) {
        assert_int_equal(store_client_list(t->s, &f, &list, &n), ERR_OK);
        assert_true(n <= limit);
        for (i = 0; i < n; i++) {
            /* in order, and following on from the page before */
            assert_true(client_precedes(i ? &list[i - 1] : &last, &list[i]) ||
                        (i == 0 && !last.id[0]));
            if (list[i].created_at > to)
                more = false;
            else if (strstr(list[i].id, t->tag) && kept < max)
                assert_int_equal(client_copy(&out[kept++], &list[i]), ERR_OK);
        }
        if (n) {
            snprintf(last.id, sizeof last.id, "%s", list[n - 1].id);
            last.created_at = list[n - 1].created_at;
            snprintf(after, sizeof after, "%s", last.id);
            f.after_created_at = last.created_at;
        }
        more = more && n == limit;
        client_list_free(list, n);
    }
    return kept;
}

/* A stretch of created_at values no other case or run uses (the tag is
 * random), so that a case's clients are alone there in a shared database. */
static int64_t own_time(const struct ct *t)
{
    return ((int64_t)1 << 41) + (int64_t)(strtoull(t->tag, NULL, 16) % 1000000000ULL) * 16;
}

/* Pages follow on from the client that ended the one before, oldest first
 * and then by id bytewise ('B' < '_' < 'a', which a locale's collation
 * would order otherwise), even when that client is deleted meanwhile. */
static void client_pages_follow_on(void **state)
{
    struct ct *t = *state;
    static const char *const whats[] = {"c0", "a", "_", "c1", "B"};
    static const int64_t offsets[] = {2, 0, 0, 1, 0};
    static const char *const order[] = {"B", "_", "a", "c1", "c0"};
    char ids[5][CT_NAME_MAX], want[CT_NAME_MAX];
    int64_t base = own_time(t);
    struct client_filter f = {base - 1, "x", 2};
    struct client *list, got[5];
    size_t n, i;

    for (i = 0; i < 5; i++) {
        CT_NAME(t, whats[i], ids[i]);
        assert_int_equal(ct_add_client_at(t, ids[i], NULL, base + offsets[i]), ERR_OK);
    }
    assert_int_equal(ct_clients_between(t, base, base + 2, 2, got, 5), 5);
    for (i = 0; i < 5; i++) {
        CT_NAME(t, order[i], want);
        assert_string_equal(got[i].id, want);
        client_clear(&got[i]);
    }

    /* the first page ends at "_"; deleted, it still marks where the next begins */
    assert_int_equal(store_client_list(t->s, &f, &list, &n), ERR_OK);
    assert_int_equal(n, 2);
    CT_NAME(t, "_", want);
    assert_string_equal(list[1].id, want);
    client_list_free(list, n);
    assert_int_equal(store_client_delete(t->s, want), ERR_OK);
    f.after_id = want;
    f.after_created_at = base;
    assert_int_equal(store_client_list(t->s, &f, &list, &n), ERR_OK);
    assert_int_equal(n, 2);
    CT_NAME(t, "a", want);
    assert_string_equal(list[0].id, want);
    CT_NAME(t, "c1", want);
    assert_string_equal(list[1].id, want);
    client_list_free(list, n);
}

/* A page holds 1 to LIMIT_LIST_PAGE rows; the first page starts at the
 * oldest client. */
static void list_pages_have_bounds(void **state)
{
    struct ct *t = *state;
    struct client_filter f = {0, NULL, 0};
    struct client *clients;
    struct resource *resources;
    size_t n;

    assert_int_equal(store_client_list(t->s, &f, &clients, &n), ERR_INVALID_REQUEST);
    f.limit = LIMIT_LIST_PAGE + 1;
    assert_int_equal(store_client_list(t->s, &f, &clients, &n), ERR_INVALID_REQUEST);
    f.limit = 1;
    f.after_created_at = (int64_t)1 << 50; /* ignored without after_id */
    assert_int_equal(store_client_list(t->s, &f, &clients, &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_true(clients[0].created_at <= 100); /* set-up's client at 100, or an older one */
    client_list_free(clients, n);
    assert_int_equal(store_resource_list(t->s, NULL, 0, &resources, &n), ERR_INVALID_REQUEST);
    assert_int_equal(store_resource_list(t->s, "", LIMIT_LIST_PAGE + 1, &resources, &n),
                     ERR_INVALID_REQUEST);
}

static void add_resource(const struct ct *t, const char *id, const char *what)
{
    char scope[64];
    struct resource r = {(char *)id, (char *)what, scope, false, TOKEN_FORMAT_JWT, 0, 100};

    snprintf(scope, sizeof scope, "%s:%s", t->tag, what);
    assert_int_equal(store_resource_insert(t->s, &r), ERR_OK);
}

/* Resource pages are ordered by id bytewise and follow on from the id that
 * ended the page before, deleted or not. */
static void resource_pages_follow_on(void **state)
{
    struct ct *t = *state;
    static const char *const whats[] = {"c", "a", "_", "B"};
    static const char *const order[] = {"B", "_", "a", "c"};
    char prefix[64], ids[4][96];
    struct resource *list;
    size_t n, i;

    snprintf(prefix, sizeof prefix, "https://p-%s.example/", t->tag);
    for (i = 0; i < 4; i++) {
        snprintf(ids[i], sizeof ids[i], "%s%s", prefix, whats[i]);
        add_resource(t, ids[i], whats[i]);
    }
    /* nothing but this case's ids sorts between the prefix and its last */
    assert_int_equal(store_resource_list(t->s, prefix, 2, &list, &n), ERR_OK);
    assert_int_equal(n, 2);
    for (i = 0; i < 2; i++) {
        assert_true(strncmp(list[i].id, prefix, strlen(prefix)) == 0);
        assert_string_equal(list[i].id + strlen(prefix), order[i]);
    }
    assert_int_equal(list[0].created_at, 100);
    assert_int_equal(store_resource_delete(t->s, list[1].id), ERR_OK);
    snprintf(ids[0], sizeof ids[0], "%s", list[1].id);
    resource_list_free(list, n);
    assert_int_equal(store_resource_list(t->s, ids[0], 2, &list, &n), ERR_OK);
    assert_int_equal(n, 2);
    for (i = 0; i < 2; i++)
        assert_string_equal(list[i].id + strlen(prefix), order[i + 2]);
    assert_true(strstr(list[1].scope, ":c") != NULL);
    resource_list_free(list, n);
}

/* The counter moves with every change to a resource, in any process. */
static void resources_version_moves_with_every_change(void **state)
{
    struct ct *t = *state;
    char id[96], scope[64];
    struct resource r = {id, (char *)"V", scope, false, TOKEN_FORMAT_JWT, 0, 100};
    int64_t v0, v1, v2, v3;

    snprintf(id, sizeof id, "https://v-%s.example/", t->tag);
    snprintf(scope, sizeof scope, "%s:v", t->tag);
    assert_int_equal(store_resources_version(t->s, &v0), ERR_OK);
    assert_int_equal(store_resource_insert(t->s, &r), ERR_OK);
    assert_int_equal(store_resources_version(t->s, &v1), ERR_OK);
    assert_true(v1 != v0);
    snprintf(scope, sizeof scope, "%s:w", t->tag);
    assert_int_equal(store_resource_update(t->s, &r), ERR_OK);
    assert_int_equal(store_resources_version(t->s, &v2), ERR_OK);
    assert_true(v2 != v1);
    assert_int_equal(store_resource_delete(t->s, id), ERR_OK);
    assert_int_equal(store_resources_version(t->s, &v3), ERR_OK);
    assert_true(v3 != v2);
    /* a failed write changes nothing */
    if (t->fresh) {
        assert_int_equal(store_resource_delete(t->s, id), ERR_NOT_FOUND);
        assert_int_equal(store_resources_version(t->s, &v0), ERR_OK);
        assert_int_equal(v0, v3);
    }
}

const struct CMUnitTest ct_lists_tests[] = {
    CT_CASE(client_pages_follow_on),
    CT_CASE(list_pages_have_bounds),
    CT_CASE(resource_pages_follow_on),
    CT_CASE(resources_version_moves_with_every_change),
};
const size_t ct_lists_count = sizeof ct_lists_tests / sizeof ct_lists_tests[0];
