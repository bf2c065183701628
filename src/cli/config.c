/* oidcd config check | show: the configuration without starting the server. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/log.h"
#include "core/url.h"
#include "store/store.h"
#include "ui/render.h"

void cli_warn_config(const struct config *cfg)
{
    char rp_id[CONFIG_RP_ID_MAX + 1];
    struct url_parts u;

    if (!config_webauthn_rp_id(cfg, rp_id))
        log_kv(LOG_WARN,
               "passkeys are off: the issuer's host is an IP address, which no browser takes as "
               "a WebAuthn RP ID; an issuer at a domain name (localhost will do) offers them",
               "issuer", cfg->issuer, NULL);
    if (strncmp(cfg->issuer, "http://", 7) != 0 ||
        url_parse(cfg->issuer, strlen(cfg->issuer), &u) != ERR_OK || url_host_is_loopback(u.host))
        return;
    log_kv(LOG_WARN,
           "server.issuer is http:// on a host that is not loopback: RFC 8414 and OpenID "
           "Connect Discovery require https",
           "issuer", cfg->issuer, NULL);
}

/* main has loaded the file and the environment (a bad setting ended it with
 * serve's message and status 2); the templates are what serve reads next. */
static int check(const struct config *cfg)
{
    struct ui *ui = NULL;
    char why[512] = "";

    /* the URL's syntax is the store's to judge; no connection is made */
    if (store_url_check(cfg->database_url, why, sizeof why))
        return cli_fail(EXIT_USAGE, "%s", why);
    if (ui_open(cfg->templates_dir, &ui, why, sizeof why))
        return cli_fail(EXIT_USAGE, "%s", why[0] ? why : "cannot load the page templates");
    ui_free(ui);
    cli_warn_config(cfg);
    printf("configuration ok (%s)\n", cfg->path[0] ? cfg->path : "defaults and environment");
    return EXIT_OK;
}

/* The output is itself a config file: each setting's origin is a comment. */
static void print_item(const struct config_item *item, void *arg)
{
    const char **section = arg;

    if (!*section || strcmp(*section, item->section) != 0) {
        printf("%s[%s]\n", *section ? "\n" : "", item->section);
        *section = item->section;
    }
    printf("%s = %s ; %s\n", item->key, item->value, item->origin);
}

static void add_item(const struct config_item *item, void *arg)
{
    json_array_append_new(arg, json_pack("{s:s, s:s, s:s, s:s}", "section", item->section, "key",
                                         item->key, "value", item->value, "origin", item->origin));
}

static int show(const struct config *cfg, bool as_json)
{
    json_t *items = as_json ? json_array() : NULL;
    const char *section = NULL;
    char why[512] = "";
    enum err rc;

    if (as_json && !items)
        return cli_fail(EXIT_FAIL, "out of memory");
    if (as_json)
        rc = config_explain(cfg, add_item, items, why, sizeof why);
    else
        rc = config_explain(cfg, print_item, &section, why, sizeof why);
    if (!rc && as_json && json_dumpf(items, stdout, JSON_INDENT(2)) == 0)
        putchar('\n');
    json_decref(items);
    if (rc)
        return cli_fail(rc == ERR_CONFIG ? EXIT_USAGE : EXIT_FAIL, "%s",
                        why[0] ? why : err_str(rc));
    return EXIT_OK;
}

int cli_config(int argc, char **argv, const struct config *cfg)
{
    static const char usage[] = "usage: oidcd config check | show [--json]";
    int a = 1;

    if (argc == 1 && strcmp(argv[0], "check") == 0)
        return check(cfg);
    if (argc >= 1 && strcmp(argv[0], "show") == 0 &&
        (argc == 1 || (argc == 2 && args_flag(argc, argv, &a, "--json", NULL) == 1)))
        return show(cfg, argc == 2);
    return cli_fail(EXIT_USAGE, usage);
}
