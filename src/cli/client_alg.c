/* oidcd client: what a client's ID token algorithm needs from the keystore
 * (a sealed secret for HS256, a first key for ES256 or RS256). */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "jose/keys.h"
#include "store/store.h"

static bool is_hs256(const struct client *c)
{
    return strcmp(c->id_token_alg, "HS256") == 0;
}

/* Whether the store holds a signing key of alg. *any: whether it holds any. */
static enum err key_of_alg_stored(struct store *s, const char *alg, bool *found, bool *any)
{
    struct signing_key *keys = NULL;
    size_t n = 0, i;
    enum err rc = store_key_list(s, &keys, &n);

    *found = false;
    *any = n > 0;
    for (i = 0; !rc && i < n; i++)
        if (strcmp(keys[i].alg, alg) == 0)
            *found = true;
    signing_key_list_free(keys, n);
    return rc;
}

/* Seals secret for c into c->secret_sealed, or (ES256, RS256) makes a first
 * key of c's algorithm, with the keystore of cfg's key-encryption key. */
static enum err keystore_work(const struct config *cfg, struct store *s, struct client *c,
                              const char *secret, char *why, size_t whylen)
{
    struct keystore *ks = NULL;
    enum err rc = keystore_open_kek_file(s, cfg->encryption_key_file, &ks, why, whylen);

    if (!rc && secret) {
        free(c->secret_sealed);
        c->secret_sealed = NULL;
        rc = keystore_seal_secret(ks, c->id, secret, &c->secret_sealed, &c->secret_sealed_len);
    } else if (!rc) {
        rc = keystore_ensure(ks, c->id_token_alg);
    }
    keystore_free(ks);
    return rc;
}

int cli_client_settle_alg(const struct config *cfg, struct store *s, struct client *c,
                          const char *secret)
{
    char why[512] = "";
    bool found = true, any = false;
    enum err rc = ERR_OK;

    if (is_hs256(c) && !secret)
        return EXIT_OK; /* keeps its sealed secret */
    if (!is_hs256(c)) {
        free(c->secret_sealed);
        c->secret_sealed = NULL;
        c->secret_sealed_len = 0;
        rc = key_of_alg_stored(s, c->id_token_alg, &found, &any);
        if (rc || found || !any)
            return rc ? cli_fail(EXIT_FAIL, "cannot read the signing keys: %s", err_str(rc))
                      : EXIT_OK;
    }
    rc = keystore_work(cfg, s, c, is_hs256(c) ? secret : NULL, why, sizeof why);
    if (rc)
        return cli_fail(EXIT_FAIL, "%s", why[0] ? why : err_str(rc));
    return EXIT_OK;
}
