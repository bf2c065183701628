#include <stdio.h>

#include "cli/cli.h"
#include "store/store.h"

/* oidcd migrate: opening the store applies every pending migration. */
int cli_migrate(int argc, char **argv, const struct config *cfg)
{
    struct store *s = NULL;
    int status;

    (void)argv;
    if (argc > 0)
        return cli_fail(EXIT_USAGE, "usage: oidcd migrate");
    status = cli_open_store(cfg, &s);
    if (status == EXIT_OK)
        printf("database %s is up to date\n", cfg->database_url);
    store_close(s);
    return status;
}
