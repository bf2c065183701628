/* oidcd client create|list|show|update|delete|rotate-secret */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "oauth/client_rules.h"
#include "store/store.h"

struct client_flags {
    bool json;
    bool type_set;
    bool method_set;
    bool redirects_set;
    bool logout_redirects_set;
};

static enum err replace_list(struct strlist *l, const char *v, const char *seps)
{
    strlist_free(l);
    return strlist_split(l, v, seps);
}

static enum err replace_str(char **field, const char *v)
{
    char *copy = strdup(v);

    if (!copy)
        return ERR_NOMEM;
    free(*field);
    *field = copy;
    return ERR_OK;
}

/* Applies one metadata flag at argv[*i] to c. Returns 1 when it was one, 0
 * when it was not, -1 on a bad value (already reported). */
static int apply_flag(int argc, char **argv, int *i, struct client *c, struct client_flags *f)
{
    const char *v = NULL;
    int m;

#define FLAG(name) ((m = args_flag(argc, argv, i, name, &v)) != 0)
    if (FLAG("--name"))
        return m < 0 || replace_str(&c->name, v) ? -1 : 1;
    if (FLAG("--type")) {
        f->type_set = true;
        return m < 0 || client_type_parse(v, &c->type) ? -1 : 1;
    }
    if (FLAG("--grant-types"))
        return m < 0 || replace_list(&c->grant_types, v, ", ") ? -1 : 1;
    if (FLAG("--response-types"))
        return m < 0 || replace_list(&c->response_types, v, ",") ? -1 : 1;
    if (FLAG("--redirect-uri")) {
        if (!f->redirects_set)
            strlist_free(&c->redirect_uris);
        f->redirects_set = true;
        return m < 0 || strlist_add(&c->redirect_uris, v, strlen(v)) ? -1 : 1;
    }
    if (FLAG("--post-logout-redirect-uri")) {
        if (!f->logout_redirects_set)
            strlist_free(&c->post_logout_redirect_uris);
        f->logout_redirects_set = true;
        return m < 0 || strlist_add(&c->post_logout_redirect_uris, v, strlen(v)) ? -1 : 1;
    }
    if (FLAG("--scope"))
        return m < 0 || replace_str(&c->scope, v) ? -1 : 1;
    if (FLAG("--token-endpoint-auth-method")) {
        f->method_set = true;
        return m < 0 || auth_method_parse(v, &c->auth_method) ? -1 : 1;
    }
    if (FLAG("--access-token-format"))
        return m < 0 || token_format_parse(v, &c->token_format) ? -1 : 1;
#undef FLAG
    return 0;
}

/* Parses every flag from argv[start] on into c. Returns EXIT_OK or
 * EXIT_USAGE (reported). */
static int parse_flags(int argc, char **argv, int start, bool update, struct client *c,
                       struct client_flags *f)
{
    int i, m;

    for (i = start; i < argc; i++) {
        m = apply_flag(argc, argv, &i, c, f);
        if (m < 0)
            return cli_fail(EXIT_USAGE, "bad or missing value for %s", argv[i]);
        if (m > 0)
            continue;
        if (args_flag(argc, argv, &i, "--json", NULL) == 1)
            f->json = true;
        else if (update && args_flag(argc, argv, &i, "--enable", NULL) == 1)
            c->enabled = true;
        else if (update && args_flag(argc, argv, &i, "--disable", NULL) == 1)
            c->enabled = false;
        else
            return cli_fail(EXIT_USAGE, "unknown argument %s", argv[i]);
    }
    return EXIT_OK;
}

static json_t *list_json(const struct strlist *l)
{
    json_t *arr = json_array();
    size_t i;

    for (i = 0; i < l->n; i++)
        json_array_append_new(arr, json_string(l->items[i]));
    return arr;
}

/* The client as JSON; secret is added when not NULL. */
static json_t *client_json(const struct client *c, const char *secret)
{
    json_t *o =
        json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:s, s:s, s:s, s:b, s:I}", "client_id",
                  c->id, "name", c->name, "type", client_type_name(c->type), "grant_types",
                  list_json(&c->grant_types), "response_types", list_json(&c->response_types),
                  "redirect_uris", list_json(&c->redirect_uris), "post_logout_redirect_uris",
                  list_json(&c->post_logout_redirect_uris), "scope", c->scope ? c->scope : "",
                  "token_endpoint_auth_method", auth_method_name(c->auth_method),
                  "access_token_format", token_format_name(c->token_format), "enabled", c->enabled,
                  "created_at", (json_int_t)c->created_at);

    if (o && secret)
        json_object_set_new(o, "client_secret", json_string(secret));
    return o;
}

static void print_text(const struct client *c, const char *secret)
{
    char *grants = strlist_join(&c->grant_types, " ");
    char *redirects = strlist_join(&c->redirect_uris, " ");

    printf("client_id:     %s\n", c->id);
    if (secret)
        printf("client_secret: %s        (shown once; stored only as a hash)\n", secret);
    printf("name:          %s\n", c->name);
    printf("type:          %s\n", client_type_name(c->type));
    printf("grant_types:   %s\n", grants ? grants : "");
    printf("redirect_uris: %s\n", redirects ? redirects : "");
    printf("scope:         %s\n", c->scope ? c->scope : "");
    printf("auth_method:   %s\n", auth_method_name(c->auth_method));
    printf("token_format:  %s\n", token_format_name(c->token_format));
    printf("enabled:       %s\n", c->enabled ? "yes" : "no");
    free(grants);
    free(redirects);
}

static void print_client(const struct client *c, const char *secret, bool json)
{
    json_t *o;

    if (!json) {
        print_text(c, secret);
        return;
    }
    o = client_json(c, secret);
    json_dumpf(o, stdout, JSON_INDENT(2));
    putchar('\n');
    json_decref(o);
}

static int check(const struct client *c)
{
    const char *why = NULL;

    if (client_check(c, &why))
        return cli_fail(EXIT_USAGE, "%s", why ? why : "invalid client");
    return EXIT_OK;
}

/* Keeps the authentication method and secret consistent with the type after
 * a change: public clients have neither, confidential ones both. */
static enum err settle_secret(struct client *c, const struct client_flags *f,
                              char secret[CLIENT_SECRET_TEXT], bool *made)
{
    *made = false;
    if (c->type == CLIENT_PUBLIC) {
        if (!f->method_set)
            c->auth_method = AUTH_NONE;
        c->has_secret = false;
        memset(c->secret_hash, 0, sizeof c->secret_hash);
        return ERR_OK;
    }
    if (!f->method_set && c->auth_method == AUTH_NONE)
        c->auth_method = AUTH_CLIENT_SECRET_BASIC;
    if (c->has_secret)
        return ERR_OK;
    *made = true;
    return client_new_secret(c, secret);
}

static int cmd_create(int argc, char **argv, struct store *s)
{
    struct client c = {0};
    struct client_flags f = {0};
    char secret[CLIENT_SECRET_TEXT];
    bool made;
    int status;
    enum err rc;

    c.enabled = true;
    c.created_at = clock_now();
    status = parse_flags(argc, argv, 0, false, &c, &f);
    if (status == EXIT_OK && !c.grant_types.n)
        strlist_add(&c.grant_types, "authorization_code", 18);
    if (status == EXIT_OK && !c.response_types.n)
        strlist_add(&c.response_types, "code", 4);
    if (status == EXIT_OK && (client_new_id(&c) || settle_secret(&c, &f, secret, &made)))
        status = cli_fail(EXIT_FAIL, "cannot generate credentials");
    if (status == EXIT_OK)
        status = check(&c);
    if (status == EXIT_OK && (rc = store_client_insert(s, &c)))
        status = cli_fail(EXIT_FAIL, "cannot store client: %s", err_str(rc));
    if (status == EXIT_OK)
        print_client(&c, made ? secret : NULL, f.json);
    client_clear(&c);
    return status;
}

static int load(struct store *s, const char *id, struct client *c)
{
    enum err rc = store_client_get(s, id, c);

    if (rc == ERR_NOT_FOUND)
        return cli_fail(EXIT_FAIL, "no client %s", id);
    if (rc)
        return cli_fail(EXIT_FAIL, "cannot read client %s: %s", id, err_str(rc));
    return EXIT_OK;
}

static int cmd_update(int argc, char **argv, struct store *s)
{
    struct client c = {0};
    struct client_flags f = {0};
    char secret[CLIENT_SECRET_TEXT];
    bool made = false;
    int status;
    enum err rc;

    if (argc < 1)
        return cli_fail(EXIT_USAGE, "usage: oidcd client update ID [flags]");
    status = load(s, argv[0], &c);
    if (status == EXIT_OK)
        status = parse_flags(argc, argv, 1, true, &c, &f);
    if (status == EXIT_OK && settle_secret(&c, &f, secret, &made))
        status = cli_fail(EXIT_FAIL, "cannot generate credentials");
    if (status == EXIT_OK)
        status = check(&c);
    if (status == EXIT_OK && (rc = store_client_update(s, &c)))
        status = cli_fail(EXIT_FAIL, "cannot update client: %s", err_str(rc));
    if (status == EXIT_OK)
        print_client(&c, made ? secret : NULL, f.json);
    client_clear(&c);
    return status;
}

static int cmd_rotate_secret(int argc, char **argv, struct store *s)
{
    struct client c = {0};
    char secret[CLIENT_SECRET_TEXT];
    bool json = false;
    int i, status;
    enum err rc;

    if (argc < 1)
        return cli_fail(EXIT_USAGE, "usage: oidcd client rotate-secret ID [--json]");
    for (i = 1; i < argc; i++) {
        if (args_flag(argc, argv, &i, "--json", NULL) != 1)
            return cli_fail(EXIT_USAGE, "unknown argument %s", argv[i]);
        json = true;
    }
    status = load(s, argv[0], &c);
    if (status == EXIT_OK && c.type == CLIENT_PUBLIC)
        status = cli_fail(EXIT_FAIL, "public client %s has no secret", c.id);
    if (status == EXIT_OK && client_new_secret(&c, secret))
        status = cli_fail(EXIT_FAIL, "cannot generate credentials");
    if (status == EXIT_OK && (rc = store_client_update(s, &c)))
        status = cli_fail(EXIT_FAIL, "cannot update client: %s", err_str(rc));
    if (status == EXIT_OK)
        print_client(&c, secret, json);
    client_clear(&c);
    return status;
}

static int cmd_show(int argc, char **argv, struct store *s)
{
    struct client c = {0};
    struct client_flags f = {0};
    int status;

    if (argc < 1)
        return cli_fail(EXIT_USAGE, "usage: oidcd client show ID [--json]");
    status = parse_flags(argc, argv, 1, false, &c, &f);
    client_clear(&c);
    if (status == EXIT_OK)
        status = load(s, argv[0], &c);
    if (status == EXIT_OK)
        print_client(&c, NULL, f.json);
    client_clear(&c);
    return status;
}

static int cmd_list(int argc, char **argv, struct store *s)
{
    struct client *list = NULL;
    struct client_flags f = {0};
    struct client ignored = {0};
    size_t n = 0, i;
    json_t *arr;
    int status = parse_flags(argc, argv, 0, false, &ignored, &f);

    client_clear(&ignored);
    if (status)
        return status;
    if (store_client_list(s, &list, &n))
        return cli_fail(EXIT_FAIL, "cannot list clients");
    if (f.json) {
        arr = json_array();
        for (i = 0; i < n; i++)
            json_array_append_new(arr, client_json(&list[i], NULL));
        json_dumpf(arr, stdout, JSON_INDENT(2));
        putchar('\n');
        json_decref(arr);
    } else {
        for (i = 0; i < n; i++)
            printf("%s  %-12s  %-8s  %s\n", list[i].id, client_type_name(list[i].type),
                   list[i].enabled ? "enabled" : "disabled", list[i].name);
    }
    client_list_free(list, n);
    return EXIT_OK;
}

static int cmd_delete(int argc, char **argv, struct store *s)
{
    enum err rc;

    if (argc != 1)
        return cli_fail(EXIT_USAGE, "usage: oidcd client delete ID");
    rc = store_client_delete(s, argv[0]);
    if (rc == ERR_NOT_FOUND)
        return cli_fail(EXIT_FAIL, "no client %s", argv[0]);
    if (rc)
        return cli_fail(EXIT_FAIL, "cannot delete client: %s", err_str(rc));
    printf("deleted client %s\n", argv[0]);
    return EXIT_OK;
}

int cli_client(int argc, char **argv, const struct config *cfg)
{
    struct store *s = NULL;
    const char *sub = argc > 0 ? argv[0] : "";
    int status;

    if (strcmp(sub, "create") && strcmp(sub, "list") && strcmp(sub, "show") &&
        strcmp(sub, "update") && strcmp(sub, "delete") && strcmp(sub, "rotate-secret"))
        return cli_fail(EXIT_USAGE,
                        "usage: oidcd client create|list|show|update|delete|rotate-secret …");
    status = cli_open_store(cfg, &s);
    if (status)
        return status;
    argc--;
    argv++;
    if (strcmp(sub, "create") == 0)
        status = cmd_create(argc, argv, s);
    else if (strcmp(sub, "list") == 0)
        status = cmd_list(argc, argv, s);
    else if (strcmp(sub, "show") == 0)
        status = cmd_show(argc, argv, s);
    else if (strcmp(sub, "update") == 0)
        status = cmd_update(argc, argv, s);
    else if (strcmp(sub, "rotate-secret") == 0)
        status = cmd_rotate_secret(argc, argv, s);
    else
        status = cmd_delete(argc, argv, s);
    store_close(s);
    return status;
}
