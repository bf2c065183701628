#include <stdio.h>

#include "cli/cli.h"
#include "core/db_url.h"
#include "store/store.h"

/* oidcd migrate: opening the store applies every pending migration. */
int cli_migrate(int argc, char **argv, const struct config *cfg)
{
    struct store *s = NULL;
    char masked[1024];
    int status;

    (void)argv;
    if (argc > 0)
        return cli_fail(EXIT_USAGE, "usage: oidcd migrate");
    status = cli_open_store(cfg, &s);
    mask_database_url(cfg->database_url, masked, sizeof masked); /* a password is never shown */
    if (status == EXIT_OK)
        printf("database %s is up to date\n", masked);
    store_close(s);
    return status;
}
