/* oidcd: argv → serve | client | user | resource | key | migrate */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/config.h"
#include "core/log.h"

static const char usage[] = "usage: oidcd [--config FILE] COMMAND …\n"
                            "\n"
                            "  serve                         run the server\n"
                            "  client create --name NAME …   register a client (see docs/CLI.md)\n"
                            "  client list|show|update|delete|rotate-secret …\n"
                            "  user create USERNAME …        add a user (see docs/CLI.md)\n"
                            "  user list|show|update|delete …\n"
                            "  resource create --id URI --scope S …  register an API (RFC 8707)\n"
                            "  resource list|show|update|delete …\n"
                            "  consent list [--user U] [--client ID] [--json]\n"
                            "  consent revoke --user U [--client ID]  take a consent back\n"
                            "  key list                      signing keys and their state\n"
                            "  key rotate [--alg RS256|ES256] [--publish-ahead SECONDS]\n"
                            "  migrate                       apply pending database migrations\n"
                            "  config check                  validate the configuration and exit\n"
                            "  config show [--json]          every setting, its value and origin\n"
                            "  events [--since WHEN] [--type T] [--user U] [--client ID] [--json]\n"
                            "                                audit events, newest first\n";

static const struct {
    const char *name;
    int (*run)(int argc, char **argv, const struct config *cfg);
} commands[] = {
    {"serve", cli_serve},   {"client", cli_client},   {"user", cli_user},
    {"key", cli_key},       {"migrate", cli_migrate}, {"resource", cli_resource},
    {"config", cli_config}, {"events", cli_events},   {"consent", cli_consent},
};

/* Takes --config FILE (or --config=FILE) out of argv wherever it stands.
 * Given twice, or without a file name, it is a usage error: why says which. */
static int take_config(int *argc, char **argv, const char **path, char *why, size_t whylen)
{
    const char *v = NULL;
    int i, kept = 1, m;

    for (i = 1; i < *argc; i++) {
        m = args_flag(*argc, argv, &i, "--config", &v);
        if (m < 0 || (m > 0 && !*v)) {
            snprintf(why, whylen, "--config needs a file name");
            return -1;
        }
        if (m > 0 && *path) {
            snprintf(why, whylen, "--config is given twice (%s and %s)", *path, v);
            return -1;
        }
        if (m > 0)
            *path = v;
        else
            argv[kept++] = argv[i];
    }
    *argc = kept;
    argv[kept] = NULL;
    return 0;
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    char why[1024] = "";
    struct config cfg;
    size_t i;

    if (take_config(&argc, argv, &path, why, sizeof why))
        return cli_fail(EXIT_USAGE, "%s", why);
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    for (i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(argv[1], commands[i].name) != 0)
            continue;
        if (config_load(&cfg, path, why, sizeof why))
            return cli_fail(EXIT_USAGE, "%s", why);
        log_set_level(log_level_named(cfg.log_level));
        log_set_format(strcmp(cfg.log_format, "json") == 0 ? LOG_JSON : LOG_LOGFMT);
        return commands[i].run(argc - 2, argv + 2, &cfg);
    }
    return cli_fail(EXIT_USAGE, "unknown command: %s (oidcd --help lists them)", argv[1]);
}
