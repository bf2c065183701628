/* oidcd resource create|list|show|update|delete: APIs as registered
 * resources (RFC 8707), each owning its scopes. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "core/url.h"
#include "oauth/scope.h"
#include "store/store.h"

#define TTL_MAX (366L * 24 * 3600) /* a year: past it, a typo */

/* The scopes of OpenID Connect belong to the userinfo endpoint, not to an
 * API; token_introspection is the introspection caller's. */
static const char *const reserved_scopes[] = {
    "openid", "profile", "email", "phone", "address", "offline_access", "token_introspection",
};

struct resource_flags {
    const char *id, *name, *scope, *format, *ttl;
    bool json;
};

/* Reads the flags from argv[start] on; `writes` allows the ones that change
 * a resource, `with_id` allows --id. EXIT_OK or a usage error. */
static int parse_flags(int argc, char **argv, int start, bool writes, bool with_id,
                       struct resource_flags *f)
{
    static const char *const names[] = {"--id", "--name", "--scope", "--access-token-format",
                                        "--access-token-ttl"};
    const char **slots[] = {&f->id, &f->name, &f->scope, &f->format, &f->ttl};
    const char *v = NULL;
    int i, k, m;

    for (i = start; i < argc; i++) {
        if ((m = args_flag(argc, argv, &i, "--json", NULL)) != 0) {
            if (m < 0 || f->json)
                return cli_fail(EXIT_USAGE, "--json takes no value and is given once");
            f->json = true;
            continue;
        }
        for (k = writes ? (with_id ? 0 : 1) : 5; k < 5; k++)
            if ((m = args_flag(argc, argv, &i, names[k], &v)) != 0)
                break;
        if (k == 5)
            return cli_fail(EXIT_USAGE, "unknown argument %s", argv[i]);
        if (m < 0)
            return cli_fail(EXIT_USAGE, "missing value for %s", names[k]);
        if (*slots[k])
            return cli_fail(EXIT_USAGE, "%s given twice", names[k]);
        *slots[k] = v;
    }
    return EXIT_OK;
}

/* RFC 8707 §2: an absolute URI (a scheme, then more) without a fragment. */
static int check_id(const char *id)
{
    const char *problem = url_absolute_problem(id);

    return problem ? cli_fail(EXIT_USAGE, "--id %s", problem) : EXIT_OK;
}

static int check_scope(const char *scope, char **out)
{
    struct strlist words = {0};
    size_t i, k;
    int status = EXIT_OK;

    if (scope_parse(scope, &words) || words.n == 0 || strlen(scope) > LIMIT_SCOPE)
        status = cli_fail(EXIT_USAGE, "--scope needs one to %d scope tokens (RFC 6749 §3.3)",
                          LIMIT_SCOPE_TOKENS);
    for (i = 0; status == EXIT_OK && i < words.n; i++)
        for (k = 0; k < sizeof reserved_scopes / sizeof *reserved_scopes; k++)
            if (strcmp(words.items[i], reserved_scopes[k]) == 0) {
                status = cli_fail(EXIT_USAGE, "scope %s is reserved; an API cannot own it",
                                  reserved_scopes[k]);
                break;
            }
    if (status == EXIT_OK && !(*out = strlist_join(&words, " ")))
        status = cli_fail(EXIT_FAIL, "out of memory");
    strlist_free(&words);
    return status;
}

static int check_ttl(const char *v, int64_t *out)
{
    char *end = NULL;
    long long n;

    errno = 0;
    n = strtoll(v, &end, 10);
    if (errno || end == v || *end || n < 0 || n > TTL_MAX)
        return cli_fail(EXIT_USAGE, "--access-token-ttl takes seconds, 1 to %ld (0: the server's)",
                        TTL_MAX);
    *out = n;
    return EXIT_OK;
}

/* Moves the given flags into r, checking each. */
static int apply(struct resource *r, const struct resource_flags *f)
{
    char *copy;
    int status = EXIT_OK;

    if (f->name) {
        if (strlen(f->name) > LIMIT_NAME)
            return cli_fail(EXIT_USAGE, "--name is longer than %d bytes", LIMIT_NAME);
        if (!(copy = strdup(f->name)))
            return cli_fail(EXIT_FAIL, "out of memory");
        free(r->name);
        r->name = copy;
    }
    if (f->scope && (status = check_scope(f->scope, &copy)) == EXIT_OK) {
        free(r->scope);
        r->scope = copy;
    }
    if (status == EXIT_OK && f->format) {
        if (token_format_parse(f->format, &r->token_format))
            return cli_fail(EXIT_USAGE, "bad value for --access-token-format (jwt or opaque)");
        r->has_format = true;
    }
    if (status == EXIT_OK && f->ttl)
        status = check_ttl(f->ttl, &r->access_token_ttl);
    return status;
}

/* Calls visit(r, arg) for every resource, a page at a time, until one
 * returns other than EXIT_OK; returns that, or EXIT_FAIL (reported) when the
 * store fails. */
static int each_resource(struct store *s, int (*visit)(const struct resource *r, void *arg),
                         void *arg)
{
    char *after = NULL;
    struct resource *list = NULL;
    size_t n = 0, i;
    int status = EXIT_OK;

    do {
        if (store_resource_list(s, after, LIMIT_LIST_PAGE, &list, &n)) {
            status = cli_fail(EXIT_FAIL, "cannot read resources");
            break;
        }
        for (i = 0; status == EXIT_OK && i < n; i++)
            status = visit(&list[i], arg);
        free(after);
        after = n ? list[n - 1].id : NULL;
        if (n)
            list[n - 1].id = NULL; /* after owns it now */
        resource_list_free(list, n);
    } while (status == EXIT_OK && n == LIMIT_LIST_PAGE);
    free(after);
    return status;
}

/* The resource being written and its scope words. */
struct owner_check {
    const struct resource *r;
    struct strlist words;
};

/* EXIT_USAGE (reported) when other, not the resource being written, owns
 * one of its scope words. */
static int check_owner(const struct resource *other, void *arg)
{
    const struct owner_check *c = arg;
    size_t k;

    if (strcmp(other->id, c->r->id) == 0)
        return EXIT_OK;
    for (k = 0; k < c->words.n; k++)
        if (scope_has(other->scope, c->words.items[k]))
            return cli_fail(EXIT_USAGE, "scope %s belongs to resource %s", c->words.items[k],
                            other->id);
    return EXIT_OK;
}

/* A scope another resource owns is refused by name (the store would refuse
 * it too, without saying whose it is). */
static int check_owners(struct store *s, const struct resource *r)
{
    struct owner_check c = {r, {0}};
    int status;

    if (strlist_split(&c.words, r->scope, " "))
        status = cli_fail(EXIT_FAIL, "cannot read resources");
    else
        status = each_resource(s, check_owner, &c);
    strlist_free(&c.words);
    return status;
}

/* -- output ----------------------------------------------------------------- */

static json_t *resource_json(const struct resource *r)
{
    return json_pack("{s:s, s:s, s:s, s:o, s:I, s:I}", "id", r->id, "name", r->name, "scope",
                     r->scope, "access_token_format",
                     r->has_format ? json_string(token_format_name(r->token_format)) : json_null(),
                     "access_token_ttl", (json_int_t)r->access_token_ttl, "created_at",
                     (json_int_t)r->created_at);
}

#define LABEL "%-14s "

static void print_resource(const struct resource *r, bool json)
{
    json_t *o;

    if (json) {
        o = resource_json(r);
        json_dumpf(o, stdout, JSON_INDENT(2));
        putchar('\n');
        json_decref(o);
        return;
    }
    printf(LABEL "%s\n", "id:", r->id);
    printf(LABEL "%s\n", "name:", r->name);
    printf(LABEL "%s\n", "scope:", r->scope);
    printf(LABEL "%s\n",
           "token_format:", r->has_format ? token_format_name(r->token_format) : "(the client's)");
    if (r->access_token_ttl)
        printf(LABEL "%lld\n", "token_ttl:", (long long)r->access_token_ttl);
    else
        printf(LABEL "%s\n", "token_ttl:", "(the server's)");
}

static int store_failed(enum err rc, const char *what)
{
    if (rc == ERR_CONFLICT)
        return cli_fail(EXIT_FAIL, "cannot %s resource: the id or a scope is taken", what);
    return cli_fail(EXIT_FAIL, "cannot %s resource: %s", what, err_str(rc));
}

/* -- commands ------------------------------------------------------------------ */

static int cmd_create(int argc, char **argv, struct store *s)
{
    struct resource r = {0};
    struct resource_flags f = {0};
    int status = parse_flags(argc, argv, 0, true, true, &f);
    enum err rc;

    if (status == EXIT_OK && (!f.id || !f.scope))
        status = cli_fail(EXIT_USAGE, "usage: oidcd resource create --id URI --scope \"a b\" "
                                      "[--name NAME] [--access-token-format jwt|opaque] "
                                      "[--access-token-ttl S] [--json]");
    if (status == EXIT_OK)
        status = check_id(f.id);
    if (status == EXIT_OK && (!(r.id = strdup(f.id)) || !(r.name = strdup(f.name ? f.name : f.id))))
        status = cli_fail(EXIT_FAIL, "out of memory");
    if (status == EXIT_OK)
        status = apply(&r, &f);
    if (status == EXIT_OK)
        status = check_owners(s, &r);
    r.created_at = clock_now();
    /* key rotate keeps old keys while tokens of this lifetime may live */
    if (status == EXIT_OK && (rc = store_token_ttl_record(s, r.access_token_ttl)))
        status = store_failed(rc, "store");
    if (status == EXIT_OK && (rc = store_resource_insert(s, &r)))
        status = rc == ERR_CONFLICT ? cli_fail(EXIT_FAIL, "resource %s exists", r.id)
                                    : store_failed(rc, "store");
    if (status == EXIT_OK)
        print_resource(&r, f.json);
    resource_clear(&r);
    return status;
}

/* The commands that name a resource take its id as their first word. */
static int load(int argc, char **argv, const char *usage, struct store *s, struct resource *r)
{
    enum err rc;

    if (argc < 1 || strncmp(argv[0], "--", 2) == 0)
        return cli_fail(EXIT_USAGE, "usage: %s", usage);
    rc = store_resource_get(s, argv[0], r);
    if (rc == ERR_NOT_FOUND)
        return cli_fail(EXIT_FAIL, "no resource %s", argv[0]);
    if (rc)
        return cli_fail(EXIT_FAIL, "cannot read resource %s: %s", argv[0], err_str(rc));
    return EXIT_OK;
}

static int cmd_update(int argc, char **argv, struct store *s)
{
    static const char usage[] = "oidcd resource update URI [--name NAME] [--scope \"a b\"] "
                                "[--access-token-format jwt|opaque] [--access-token-ttl S]";
    struct resource r = {0};
    struct resource_flags f = {0};
    int status = argc > 0 ? parse_flags(argc, argv, 1, true, false, &f) : EXIT_OK;
    enum err rc;

    if (status == EXIT_OK)
        status = load(argc, argv, usage, s, &r);
    if (status == EXIT_OK)
        status = apply(&r, &f);
    if (status == EXIT_OK && f.scope)
        status = check_owners(s, &r);
    if (status == EXIT_OK && (rc = store_token_ttl_record(s, r.access_token_ttl)))
        status = store_failed(rc, "update");
    if (status == EXIT_OK && (rc = store_resource_update(s, &r)))
        status = store_failed(rc, "update");
    if (status == EXIT_OK)
        print_resource(&r, f.json);
    resource_clear(&r);
    return status;
}

static int cmd_show(int argc, char **argv, struct store *s)
{
    struct resource r = {0};
    struct resource_flags f = {0};
    int status = argc > 0 ? parse_flags(argc, argv, 1, false, false, &f) : EXIT_OK;

    if (status == EXIT_OK)
        status = load(argc, argv, "oidcd resource show URI [--json]", s, &r);
    if (status == EXIT_OK)
        print_resource(&r, f.json);
    resource_clear(&r);
    return status;
}

/* A line of `resource list`, or its object appended to the array arg. */
static int list_one(const struct resource *r, void *arg)
{
    if (arg)
        json_array_append_new(arg, resource_json(r));
    else
        printf("%s  %s\n", r->id, r->scope);
    return EXIT_OK;
}

static int cmd_list(int argc, char **argv, struct store *s)
{
    struct resource_flags f = {0};
    json_t *arr = NULL;
    int status = parse_flags(argc, argv, 0, false, false, &f);

    if (status)
        return status;
    arr = f.json ? json_array() : NULL;
    status = each_resource(s, list_one, arr);
    if (status == EXIT_OK && arr) {
        json_dumpf(arr, stdout, JSON_INDENT(2));
        putchar('\n');
    }
    json_decref(arr);
    return status;
}

static int cmd_delete(int argc, char **argv, struct store *s)
{
    enum err rc;

    if (argc != 1 || strncmp(argv[0], "--", 2) == 0)
        return cli_fail(EXIT_USAGE, "usage: oidcd resource delete URI");
    rc = store_resource_delete(s, argv[0]);
    if (rc == ERR_NOT_FOUND)
        return cli_fail(EXIT_FAIL, "no resource %s", argv[0]);
    if (rc)
        return store_failed(rc, "delete");
    printf("deleted resource %s\n", argv[0]);
    return EXIT_OK;
}

int cli_resource(int argc, char **argv, const struct config *cfg)
{
    static const struct {
        const char *name;
        int (*run)(int, char **, struct store *);
    } cmds[] = {{"create", cmd_create},
                {"list", cmd_list},
                {"show", cmd_show},
                {"update", cmd_update},
                {"delete", cmd_delete}};
    struct store *s = NULL;
    size_t i;
    int status;

    for (i = 0; i < sizeof cmds / sizeof *cmds; i++)
        if (argc > 0 && strcmp(argv[0], cmds[i].name) == 0)
            break;
    if (i == sizeof cmds / sizeof *cmds)
        return cli_fail(EXIT_USAGE, "usage: oidcd resource create|list|show|update|delete …");
    status = cli_open_store(cfg, &s);
    if (status)
        return status;
    status = cmds[i].run(argc - 1, argv + 1, s);
    store_close(s);
    return status;
}
