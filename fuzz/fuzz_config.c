/* libFuzzer target: core/config.c config_load on an INI file whose content
 * is the input. The file is made once with mkstemp in /dev/shm (memory, so a
 * run costs no disk write) and rewritten each run; OIDCD_* variables are
 * removed first so only the file counts. Checks: the reason is a
 * NUL-terminated line on failure; on success every value is in its
 * documented range. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"

extern char **environ;

static char path[] = "/dev/shm/oidcd-fuzz-config-XXXXXX";
static int fd = -1;

static void cleanup(void)
{
    if (fd >= 0)
        unlink(path);
}

static void unset_oidcd_env(void)
{
    char name[256];
    size_t i;

    for (i = 0; environ[i];) {
        size_t n = strcspn(environ[i], "=");
        if (strncmp(environ[i], "OIDCD_", 6) == 0 && n < sizeof name) {
            memcpy(name, environ[i], n);
            name[n] = '\0';
            unsetenv(name); /* shifts environ down: look at index i again */
            continue;
        }
        i++;
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    unset_oidcd_env();
    fd = mkstemp(path);
    if (fd < 0) {
        perror("mkstemp");
        abort();
    }
    atexit(cleanup);
    return 0;
}

static void check_loaded(const struct config *c)
{
    if (strncmp(c->issuer, "http://", 7) != 0 && strncmp(c->issuer, "https://", 8) != 0)
        abort();
    if (c->listen.port < 1 || c->listen.port > 65535 || c->threads < 1 || c->threads > 256)
        abort();
    if (c->connection_timeout < 1 || c->access_token_ttl < 1 || c->publish_ahead < 0)
        abort();
    if (!c->database_url[0] || !c->key_algorithm[0] || !c->log_level[0])
        abort();
    if (strnlen(c->issuer_path, sizeof c->issuer_path) == sizeof c->issuer_path ||
        strnlen(c->listen.host, sizeof c->listen.host) == sizeof c->listen.host)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct config c;
    char why[512];

    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        abort();
    why[0] = '\0';
    if (config_load(&c, path, why, sizeof why) == ERR_OK)
        check_loaded(&c);
    else if (!why[0])
        abort(); /* every refusal must tell the operator why */
    return 0;
}
