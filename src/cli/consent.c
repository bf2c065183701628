/* oidcd consent list|revoke: what users allowed clients, and taking it back. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/text.h"
#include "store/store.h"

#define PAGE_DEFAULT 100
#define PAGE_MAX 1000

static const char usage[] = "usage: oidcd consent list [--user USERNAME|SUB] [--client ID] "
                            "[--limit N] [--after CURSOR] [--json]\n"
                            "       oidcd consent revoke --user USERNAME|SUB [--client ID]";

struct query {
    const char *user, *client, *after;
    long limit;
    bool json;
};

static int parse_limit(const char *v, long *out)
{
    char *end;

    *out = strtol(v, &end, 10);
    return end == v || *end || *out < 1 || *out > PAGE_MAX ? -1 : 0;
}

/* --NAME VALUE into *value, once, not empty. */
static int take(int argc, char **argv, int *a, const char *name, const char **value, int *status)
{
    const char *v = NULL;
    int m = args_flag(argc, argv, a, name, &v);

    if (m == 0)
        return 0;
    if (m < 0 || !*v)
        *status = cli_fail(EXIT_USAGE, "%s needs a value (%s)", name, usage);
    else if (*value)
        *status = cli_fail(EXIT_USAGE, "%s given twice", name);
    else
        *value = v;
    return 1;
}

static int parse(int argc, char **argv, bool listing, struct query *q)
{
    const char *limit = NULL;
    int a, status = EXIT_OK;

    for (a = 0; a < argc && status == EXIT_OK; a++) {
        if (take(argc, argv, &a, "--user", &q->user, &status) ||
            take(argc, argv, &a, "--client", &q->client, &status))
            continue;
        if (listing && (take(argc, argv, &a, "--after", &q->after, &status) ||
                        take(argc, argv, &a, "--limit", &limit, &status)))
            continue;
        if (listing && args_flag(argc, argv, &a, "--json", NULL) == 1)
            q->json = true;
        else
            status = cli_fail(EXIT_USAGE, "unknown argument %s (%s)", argv[a], usage);
    }
    q->limit = PAGE_DEFAULT;
    if (status == EXIT_OK && limit && parse_limit(limit, &q->limit))
        status = cli_fail(EXIT_USAGE, "--limit takes 1 to %d", PAGE_MAX);
    if (status == EXIT_OK && q->after && !strchr(q->after, ' '))
        status =
            cli_fail(EXIT_USAGE, "--after takes the cursor a page ended with (\"SUB CLIENT\")");
    return status;
}

static json_t *consent_json(const struct consent *c)
{
    return json_pack("{s:s, s:s, s:s, s:s?, s:I, s:I}", "user_sub", c->user_sub, "client_id",
                     c->client_id, "scope", c->scope, "claims", c->claims, "created_at",
                     (json_int_t)c->created_at, "expires_at", (json_int_t)c->expires_at);
}

static int print_page(const struct consent *list, size_t n, bool more, bool json)
{
    char until[CLI_TIME_SIZE], cursor[512] = "";
    json_t *arr = json ? json_array() : NULL, *doc;
    size_t i;

    if (more)
        snprintf(cursor, sizeof cursor, "%s %s", list[n - 1].user_sub, list[n - 1].client_id);
    for (i = 0; i < n; i++) {
        if (arr) {
            json_array_append_new(arr, consent_json(&list[i]));
            continue;
        }
        cli_time_text(list[i].expires_at, until);
        printf("%s  %s  until %s  %s\n", list[i].user_sub, list[i].client_id, until, list[i].scope);
    }
    if (!json) {
        if (more)
            printf("(more: add --after '%s')\n", cursor);
        return EXIT_OK;
    }
    doc = json_pack("{s:o?, s:s?}", "consents", arr, "next_after", more ? cursor : NULL);
    if (!doc || json_dumpf(doc, stdout, JSON_INDENT(2)) != 0) {
        json_decref(doc);
        return cli_fail(EXIT_FAIL, "out of memory");
    }
    putchar('\n');
    json_decref(doc);
    return EXIT_OK;
}

static int cmd_list(struct store *s, const struct query *q)
{
    char after[512] = "";
    struct consent_filter f = {.client_id = q->client, .limit = (size_t)q->limit};
    struct consent *list = NULL;
    struct user u = {0};
    size_t n = 0;
    char *space;
    int status = q->user ? cli_user_load(s, q->user, &u) : EXIT_OK;
    enum err rc;

    if (status == EXIT_OK && q->after && !text_copy(after, sizeof after, q->after))
        status = cli_fail(EXIT_USAGE, "--after: not a cursor a page ended with");
    if (status == EXIT_OK && q->after) {
        space = strchr(after, ' '); /* parse made sure of it */
        *space = '\0';
        f.after_user_sub = after;
        f.after_client_id = space + 1;
    }
    f.user_sub = q->user ? u.sub : NULL;
    if (status == EXIT_OK && (rc = store_consent_list(s, &f, &list, &n)))
        status = cli_fail(EXIT_FAIL, "cannot list consents: %s", err_str(rc));
    if (status == EXIT_OK)
        status = print_page(list, n, n > 0 && n == f.limit, q->json);
    consent_list_free(list, n);
    user_clear(&u);
    return status;
}

static int cmd_revoke(struct store *s, const struct query *q)
{
    struct consent *list = NULL;
    struct user u = {0};
    struct client c = {0};
    size_t i, n = 0;
    int status = q->user ? cli_user_load(s, q->user, &u)
                         : cli_fail(EXIT_USAGE, "revoke needs --user (%s)", usage);
    enum err rc = ERR_OK;

    if (status == EXIT_OK && q->client) {
        status = cli_client_load(s, q->client, &c);
        client_clear(&c);
    }
    if (status == EXIT_OK)
        rc = store_consent_revoke(s, u.sub, q->client, &list, &n);
    if (status == EXIT_OK && rc == ERR_NOT_FOUND)
        status = q->client ? cli_fail(EXIT_FAIL, "no consent of %s to %s", q->user, q->client)
                           : cli_fail(EXIT_FAIL, "no consent of %s", q->user);
    else if (status == EXIT_OK && rc)
        status = cli_fail(EXIT_FAIL, "cannot revoke: %s", err_str(rc));
    for (i = 0; status == EXIT_OK && i < n; i++) {
        cli_audit(s, "consent.revoked", u.sub, list[i].client_id, list[i].scope);
        printf("revoked the consent of %s to %s (%s)\n", u.username, list[i].client_id,
               list[i].scope);
    }
    if (status == EXIT_OK && n == 0) {
        /* the client kept no consent, yet held tokens for the user */
        cli_audit(s, "consent.revoked", u.sub, q->client, NULL);
        printf("revoked what %s held for %s (no remembered consent)\n", q->client, u.username);
    }
    consent_list_free(list, n);
    user_clear(&u);
    return status;
}

int cli_consent(int argc, char **argv, const struct config *cfg)
{
    struct query q = {0};
    struct store *s = NULL;
    const char *sub = argc > 0 ? argv[0] : "";
    bool listing = strcmp(sub, "list") == 0;
    int status;

    if (!listing && strcmp(sub, "revoke") != 0)
        return cli_fail(EXIT_USAGE, "%s", usage);
    status = parse(argc - 1, argv + 1, listing, &q);
    if (status == EXIT_OK)
        status = cli_open_store(cfg, &s);
    if (status == EXIT_OK)
        status = listing ? cmd_list(s, &q) : cmd_revoke(s, &q);
    store_close(s);
    return status;
}
