/* oidcd key list|rotate */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "jose/keys.h"
#include "store/store.h"

static int cmd_list(int argc, char **argv, struct store *s)
{
    struct signing_key *keys = NULL;
    size_t n = 0, i;
    bool json = false;
    int64_t now = clock_now();
    json_t *arr;
    int a;

    for (a = 0; a < argc; a++) {
        if (args_flag(argc, argv, &a, "--json", NULL) != 1)
            return cli_fail(EXIT_USAGE, "usage: oidcd key list [--json]");
        json = true;
    }
    if (store_key_list(s, &keys, &n))
        return cli_fail(EXIT_FAIL, "cannot list keys");
    arr = json_array();
    for (i = 0; i < n; i++) {
        const char *state = key_state_name(key_state(keys, n, i, now));
        if (json)
            json_array_append_new(
                arr,
                json_pack("{s:s, s:s, s:s, s:I, s:I, s:o}", "kid", keys[i].kid, "alg", keys[i].alg,
                          "state", state, "created_at", (json_int_t)keys[i].created_at,
                          "not_before", (json_int_t)keys[i].not_before, "retire_after",
                          keys[i].retire_after ? json_integer(keys[i].retire_after) : json_null()));
        else
            printf("%s  %-5s  %-7s\n", keys[i].kid, keys[i].alg, state);
    }
    if (json) {
        json_dumpf(arr, stdout, JSON_INDENT(2));
        putchar('\n');
    }
    json_decref(arr);
    signing_key_list_free(keys, n);
    return EXIT_OK;
}

static int parse_seconds(const char *v, long *out)
{
    char *end;

    errno = 0;
    *out = strtol(v, &end, 10);
    return errno || end == v || *end || *out < 0 || *out > 31536000 ? -1 : 0;
}

static int cmd_rotate(int argc, char **argv, const struct config *cfg, struct store *s)
{
    const char *alg = cfg->key_algorithm, *v = NULL;
    long ahead = cfg->publish_ahead;
    char why[512] = "", kid[64], detail[160];
    struct keystore *ks = NULL;
    int64_t now = clock_now(), longest = 0;
    int a, m;
    enum err rc;

    for (a = 0; a < argc; a++) {
        if ((m = args_flag(argc, argv, &a, "--alg", &alg)) != 0) {
            if (m < 0 || (strcmp(alg, "RS256") && strcmp(alg, "ES256")))
                return cli_fail(EXIT_USAGE, "--alg takes RS256 or ES256");
        } else if ((m = args_flag(argc, argv, &a, "--publish-ahead", &v)) != 0) {
            if (m < 0 || parse_seconds(v, &ahead))
                return cli_fail(EXIT_USAGE, "--publish-ahead takes a number of seconds");
        } else {
            return cli_fail(EXIT_USAGE,
                            "usage: oidcd key rotate [--alg RS256|ES256] [--publish-ahead S]");
        }
    }
    /* the new key is sealed with the key that opens the stored ones, never
     * with a new one a mistyped path would make */
    rc = keystore_open_kek_file(s, cfg->encryption_key_file, &ks, why, sizeof why);
    if (rc)
        return cli_fail(EXIT_FAIL, "%s", why[0] ? why : err_str(rc));
    /* the keys it replaces stay published while tokens they signed live:
     * as long as the longest lifetime any server (or resource) of this
     * database gives a token, not only this command's configuration */
    rc = store_token_ttl_max(s, &longest);
    if (!rc && longest < config_max_token_ttl(cfg))
        longest = config_max_token_ttl(cfg);
    if (!rc)
        rc = keystore_add(ks, alg, now + ahead, now + ahead + longest, kid);
    keystore_free(ks);
    if (rc)
        return cli_fail(EXIT_FAIL, "cannot create key: %s", err_str(rc));
    snprintf(detail, sizeof detail, "kid %s, %s, signs from %lld", kid, alg,
             (long long)(now + ahead));
    cli_audit(s, "key.rotated", NULL, NULL, detail);
    printf("kid:        %s\nalg:        %s\nsigns from: %lld (in %ld s)\n", kid, alg,
           (long long)(now + ahead), ahead);
    return EXIT_OK;
}

int cli_key(int argc, char **argv, const struct config *cfg)
{
    struct store *s = NULL;
    const char *sub = argc > 0 ? argv[0] : "";
    int status;

    if (strcmp(sub, "list") && strcmp(sub, "rotate"))
        return cli_fail(EXIT_USAGE, "usage: oidcd key list|rotate …");
    status = cli_open_store(cfg, &s);
    if (status)
        return status;
    if (strcmp(sub, "list") == 0)
        status = cmd_list(argc - 1, argv + 1, s);
    else
        status = cmd_rotate(argc - 1, argv + 1, cfg, s);
    store_close(s);
    return status;
}
