#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

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

int cli_user_load(struct store *s, const char *word, struct user *u)
{
    enum err rc = store_user_get_by_username(s, word, u);

    if (rc == ERR_NOT_FOUND)
        rc = store_user_get(s, word, u);
    if (rc == ERR_NOT_FOUND)
        return cli_fail(EXIT_FAIL, "no user %s", word);
    if (rc)
        return cli_fail(EXIT_FAIL, "cannot read user %s: %s", word, err_str(rc));
    return EXIT_OK;
}

int cli_client_load(struct store *s, const char *id, struct client *c)
{
    enum err rc = store_client_get(s, id, c);

    if (rc == ERR_NOT_FOUND)
        return cli_fail(EXIT_FAIL, "no client %s", id);
    if (rc)
        return cli_fail(EXIT_FAIL, "cannot read client %s: %s", id, err_str(rc));
    return EXIT_OK;
}

void cli_time_text(int64_t t, char out[CLI_TIME_SIZE])
{
    time_t tt = (time_t)t;
    struct tm tm;

    gmtime_r(&tt, &tm);
    strftime(out, CLI_TIME_SIZE, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
