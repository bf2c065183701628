#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "oauth/audit.h"
#include "store/store.h"

int args_flag(int argc, char **argv, int *i, const char *name, const char **value)
{
    const char *arg = argv[*i];
    size_t n = strlen(name);

    if (strncmp(arg, name, n) != 0 || (arg[n] != '\0' && arg[n] != '='))
        return 0;
    if (!value)
        return arg[n] == '\0' ? 1 : -1;
    if (arg[n] == '=') {
        *value = arg + n + 1;
        return 1;
    }
    if (*i + 1 >= argc)
        return -1;
    *value = argv[++*i];
    return 1;
}

int cli_fail(int status, const char *fmt, ...)
{
    va_list ap;

    fputs("oidcd: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return status;
}

int cli_open_store(const struct config *cfg, struct store **out)
{
    char why[512] = "";
    struct store_settings set = {cfg->database_timeout_ms};

    enum err rc = store_open_with(cfg->database_url, &set, out, why, sizeof why);

    if (rc)
        return cli_fail(rc == ERR_CONFIG ? EXIT_USAGE : EXIT_FAIL, "%s", why);
    return EXIT_OK;
}

void cli_audit(struct store *s, const char *type, const char *user_sub, const char *client_id,
               const char *detail)
{
    struct audit_who who = {audit_cli_actor(), user_sub, client_id, NULL};

    audit_record(s, type, true, &who, detail);
}
