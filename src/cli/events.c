/* oidcd events: the audit events, newest first, a page at a time. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "store/store.h"

#define PAGE_DEFAULT 50
#define PAGE_MAX 1000

static const char usage[] = "usage: oidcd events [--since WHEN] [--type TYPE] "
                            "[--user USERNAME|SUB] [--client ID] [--limit N] [--before ID] "
                            "[--json]";

/* WHEN: a time ago (30m, 24h, 7d) or a UTC date (2026-12-01, or
 * 2026-12-01T08:30:00Z). */
static int parse_since(const char *v, int64_t now, int64_t *out)
{
    struct tm tm = {0};
    char *end;
    long n;

    n = strtol(v, &end, 10);
    if (end != v && n >= 0 && end[0] && !end[1] && strchr("mhd", end[0])) {
        *out = now - n * (end[0] == 'm' ? 60 : end[0] == 'h' ? 3600 : 86400);
        return 0;
    }
    end = strptime(v, "%Y-%m-%d", &tm);
    if (end && *end == 'T')
        end = strptime(end, "T%H:%M:%SZ", &tm);
    if (!end || *end)
        return -1;
    *out = (int64_t)timegm(&tm);
    return 0;
}

static int parse_count(const char *v, long lo, long hi, long *out)
{
    char *end;

    *out = strtol(v, &end, 10);
    return end == v || *end || *out < lo || *out > hi ? -1 : 0;
}

struct query {
    struct audit_filter f;
    const char *user;
    bool json;
};

static int parse(int argc, char **argv, struct query *q)
{
    const char *v;
    long n;
    int a, m;

    q->f.limit = PAGE_DEFAULT;
    for (a = 0; a < argc; a++) {
        if ((m = args_flag(argc, argv, &a, "--since", &v)) != 0) {
            if (m < 0 || parse_since(v, clock_now(), &q->f.since))
                return cli_fail(EXIT_USAGE, "--since takes 30m, 24h, 7d or a UTC date "
                                            "(2026-12-01 or 2026-12-01T08:30:00Z)");
        } else if ((m = args_flag(argc, argv, &a, "--type", &q->f.type)) != 0) {
            if (m < 0 || !*q->f.type)
                return cli_fail(EXIT_USAGE, "--type needs an event type (login, client, …)");
        } else if ((m = args_flag(argc, argv, &a, "--user", &q->user)) != 0) {
            if (m < 0 || !*q->user)
                return cli_fail(EXIT_USAGE, "--user needs a username or sub");
        } else if ((m = args_flag(argc, argv, &a, "--client", &q->f.client_id)) != 0) {
            if (m < 0 || !*q->f.client_id)
                return cli_fail(EXIT_USAGE, "--client needs a client id");
        } else if ((m = args_flag(argc, argv, &a, "--limit", &v)) != 0) {
            if (m < 0 || parse_count(v, 1, PAGE_MAX, &n))
                return cli_fail(EXIT_USAGE, "--limit takes 1 to %d", PAGE_MAX);
            q->f.limit = (size_t)n;
        } else if ((m = args_flag(argc, argv, &a, "--before", &v)) != 0) {
            if (m < 0 || parse_count(v, 1, 0x7fffffffffffffffL, &n))
                return cli_fail(EXIT_USAGE, "--before takes an event id");
            q->f.before_id = n;
        } else if (args_flag(argc, argv, &a, "--json", NULL) == 1) {
            q->json = true;
        } else {
            return cli_fail(EXIT_USAGE, "unknown argument %s (%s)", argv[a], usage);
        }
    }
    return EXIT_OK;
}

static void print_text(const struct audit_event *list, size_t n, bool more)
{
    char at[CLI_TIME_SIZE];
    size_t i;

    for (i = 0; i < n; i++) {
        const struct audit_event *e = &list[i];
        cli_time_text(e->at, at);
        printf("%s  #%lld  %-22s %-7s actor=%s", at, (long long)e->id, e->type,
               e->ok ? "ok" : "refused", e->actor);
        if (e->user_sub)
            printf(" user=%s", e->user_sub);
        if (e->client_id)
            printf(" client=%s", e->client_id);
        if (e->address)
            printf(" address=%s", e->address);
        if (e->detail)
            printf("  %s", e->detail);
        putchar('\n');
    }
    if (more)
        printf("(more: add --before %lld)\n", (long long)list[n - 1].id);
}

static int print_json(const struct audit_event *list, size_t n, bool more)
{
    json_t *events = json_array(), *doc;
    char at[CLI_TIME_SIZE];
    size_t i;

    for (i = 0; events && i < n; i++) {
        const struct audit_event *e = &list[i];
        cli_time_text(e->at, at);
        json_array_append_new(
            events, json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?}", "id",
                              (json_int_t)e->id, "time", at, "at", (json_int_t)e->at, "type",
                              e->type, "outcome", e->ok ? "ok" : "refused", "actor", e->actor,
                              "user_sub", e->user_sub, "client_id", e->client_id, "address",
                              e->address, "detail", e->detail));
    }
    doc = json_pack("{s:o?, s:o}", "events", events, "next_before",
                    more ? json_integer((json_int_t)list[n - 1].id) : json_null());
    if (!doc || json_dumpf(doc, stdout, JSON_INDENT(2)) != 0)
        return cli_fail(EXIT_FAIL, "out of memory");
    putchar('\n');
    json_decref(doc);
    return EXIT_OK;
}

int cli_events(int argc, char **argv, const struct config *cfg)
{
    struct query q = {0};
    struct store *s = NULL;
    struct audit_event *list = NULL;
    struct user u = {0};
    size_t n = 0;
    int status = parse(argc, argv, &q);
    enum err rc = ERR_OK;

    if (status == EXIT_OK)
        status = cli_open_store(cfg, &s);
    if (status == EXIT_OK && q.user) {
        /* a username, else a sub (a deleted user's events keep theirs) */
        rc = store_user_get_by_username(s, q.user, &u);
        q.f.user_sub = rc == ERR_OK ? u.sub : q.user;
        rc = rc == ERR_NOT_FOUND ? ERR_OK : rc;
    }
    if (status == EXIT_OK && !rc)
        rc = store_audit_list(s, &q.f, &list, &n);
    if (status == EXIT_OK && rc)
        status = cli_fail(EXIT_FAIL, "cannot read events: %s", err_str(rc));
    if (status == EXIT_OK && q.json)
        status = print_json(list, n, n > 0 && n == q.f.limit);
    else if (status == EXIT_OK)
        print_text(list, n, n > 0 && n == q.f.limit);
    audit_event_list_free(list, n);
    user_clear(&u);
    store_close(s);
    return status;
}
