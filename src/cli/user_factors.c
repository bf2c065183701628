/* oidcd user add-totp|factors|reset-factors: an operator's view of a user's
 * second factors (TOTP, recovery codes, passkeys). */
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/b64url.h"
#include "core/base32.h"
#include "core/buf.h"
#include "oauth/mfa.h"
#include "store/store.h"

/* The user named first, and whether --json follows (nothing else may). */
static int user_and_json(int argc, char **argv, const char *usage, struct store *s, struct user *u,
                         bool *json)
{
    int i;

    *json = false;
    if (argc < 1 || argv[0][0] == '-')
        return cli_fail(EXIT_USAGE, "usage: %s", usage);
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") != 0)
            return cli_fail(EXIT_USAGE, "unknown argument %s (usage: %s)", argv[i], usage);
        *json = true;
    }
    return cli_user_load(s, argv[0], u);
}

static void print_json(json_t *o)
{
    json_dumpf(o, stdout, JSON_INDENT(2));
    putchar('\n');
    json_decref(o);
}

/* Prints the key URI and the secret once, as JSON or as two lines. */
static int print_enrolment(const struct config *cfg, const struct user *u,
                           const unsigned char secret[TOTP_SECRET_LEN], bool json)
{
    char text[TOTP_SECRET_BASE32_LEN + 1];
    struct buf uri;
    enum err rc;

    buf_init(&uri, 2048);
    rc = mfa_totp_uri(cfg, u->username, secret, &uri);
    if (!rc)
        rc = buf_append(&uri, "", 1);
    if (rc) {
        buf_free(&uri);
        return cli_fail(EXIT_FAIL, "cannot write the key URI: %s", err_str(rc));
    }
    text[base32_encode(secret, TOTP_SECRET_LEN, text)] = '\0';
    if (json)
        print_json(json_pack("{s:s, s:s, s:s, s:s}", "sub", u->sub, "username", u->username,
                             "otpauth_uri", uri.data, "secret", text));
    else
        printf("otpauth_uri: %s\nsecret:      %s\n", uri.data, text);
    OPENSSL_cleanse(text, sizeof text);
    OPENSSL_cleanse(uri.data, uri.len);
    buf_free(&uri);
    return EXIT_OK;
}

static int add_totp(const struct config *cfg, struct store *s, const struct user *u, bool json)
{
    unsigned char secret[TOTP_SECRET_LEN];
    struct keystore *ks = NULL;
    char why[512] = "";
    int status = EXIT_OK;
    enum err rc = keystore_open_kek_file(s, cfg->encryption_key_file, &ks, why, sizeof why);

    if (!rc) {
        struct oauth_ctx ctx = {cfg, s, ks, NULL};
        /* confirmed at once: the operator hands the secret over */
        rc = mfa_totp_enrol(&ctx, u->sub, true, secret);
    }
    keystore_free(ks);
    if (rc)
        return cli_fail(EXIT_FAIL, "cannot add a TOTP secret: %s", why[0] ? why : err_str(rc));
    cli_audit(s, "mfa.enrolled", u->sub, NULL, "totp");
    status = print_enrolment(cfg, u, secret, json);
    OPENSSL_cleanse(secret, sizeof secret);
    return status;
}

/* The passkeys as a JSON array (NULL when out of memory): no key, only what
 * tells them apart. */
static json_t *passkeys_json(const struct passkey *list, size_t n)
{
    json_t *a = json_array();
    char id[LIMIT_WEBAUTHN_CREDENTIAL_ID * 4 / 3 + 4];
    size_t i;

    for (i = 0; a && i < n; i++) {
        const struct passkey *p = &list[i];

        id[b64url_encode(p->cred_id, p->cred_id_len, id)] = '\0';
        /* json_array_append_new takes the object's one reference */
        if (json_array_append_new(
                a, json_pack("{s:s, s:s, s:I, s:I, s:b}", "name", p->name, "credential_id", id,
                             "created_at", (json_int_t)p->created_at, "last_used_at",
                             (json_int_t)p->last_used_at, "synced", p->backed_up)) != 0) {
            json_decref(a);
            a = NULL;
        }
    }
    return a;
}

static int print_factors_json(const struct user *u, const struct mfa_status *st,
                              const struct passkey *list, size_t n)
{
    json_t *o = json_pack(
        "{s:s, s:s, s:{s:b, s:b, s:I, s:I}, s:{s:I, s:I, s:I}, s:o}", "sub", u->sub, "username",
        u->username, "totp", "enrolled", st->totp, "confirmed", st->totp_confirmed, "created_at",
        (json_int_t)st->totp_created_at, "last_used_at", (json_int_t)st->totp_last_used_at,
        "recovery_codes", "total", (json_int_t)st->recovery_total, "left",
        (json_int_t)st->recovery_left, "last_used_at", (json_int_t)st->recovery_last_used_at,
        "passkeys", passkeys_json(list, n));

    if (!o)
        return cli_fail(EXIT_FAIL, "cannot write the factors: %s", err_str(ERR_NOMEM));
    print_json(o);
    return EXIT_OK;
}

/* A passkey's name as its owner typed it, but a control character shown as
 * '?', so that a name cannot move the operator's cursor or clear a line. */
static void print_name(const char *name)
{
    for (; *name; name++)
        putchar((unsigned char)*name < 0x20 || *name == 0x7f ? '?' : *name);
}

static void print_passkey(const struct passkey *p)
{
    char created[CLI_TIME_SIZE], used[CLI_TIME_SIZE] = "never";

    cli_time_text(p->created_at, created);
    if (p->last_used_at)
        cli_time_text(p->last_used_at, used);
    printf("  ");
    print_name(p->name);
    printf(": created %s, last used %s%s\n", created, used, p->backed_up ? ", synced" : "");
}

static int print_factors(const struct config *cfg, struct store *s, const struct user *u, bool json)
{
    struct oauth_ctx ctx = {cfg, s, NULL, NULL};
    struct passkey *list = NULL;
    struct mfa_status st;
    size_t n = 0, i;
    enum err rc = mfa_status_get(&ctx, u->sub, &st);
    int status = EXIT_OK;

    if (!rc)
        rc = store_passkeys_of_user(s, u->sub, &list, &n);
    if (rc)
        return cli_fail(EXIT_FAIL, "cannot read the factors: %s", err_str(rc));
    if (json) {
        status = print_factors_json(u, &st, list, n);
        passkey_list_free(list, n);
        return status;
    }
    printf("totp:           %s\n", !st.totp            ? "none"
                                   : st.totp_confirmed ? "confirmed"
                                                       : "enrolment not confirmed");
    printf("recovery codes: %zu of %zu left\n", st.recovery_left, st.recovery_total);
    printf("passkeys:       %zu\n", n);
    for (i = 0; i < n; i++)
        print_passkey(&list[i]);
    passkey_list_free(list, n);
    return status;
}

static int reset_factors(struct store *s, const struct user *u)
{
    enum err rc = store_factors_delete(s, u->sub);

    if (rc)
        return cli_fail(EXIT_FAIL, "cannot remove the factors: %s", err_str(rc));
    cli_audit(s, "mfa.removed", u->sub, NULL, "all");
    printf("removed every second factor of %s (%s)\n", u->username, u->sub);
    return EXIT_OK;
}

int cli_user_factors(const char *cmd, int argc, char **argv, struct store *s,
                     const struct config *cfg)
{
    struct user u = {0};
    bool json = false;
    int status;

    if (strcmp(cmd, "add-totp") == 0) {
        status =
            user_and_json(argc, argv, "oidcd user add-totp USERNAME|SUB [--json]", s, &u, &json);
        if (status == EXIT_OK)
            status = add_totp(cfg, s, &u, json);
    } else if (strcmp(cmd, "factors") == 0) {
        status =
            user_and_json(argc, argv, "oidcd user factors USERNAME|SUB [--json]", s, &u, &json);
        if (status == EXIT_OK)
            status = print_factors(cfg, s, &u, json);
    } else {
        status = user_and_json(argc, argv, "oidcd user reset-factors USERNAME|SUB", s, &u, &json);
        if (status == EXIT_OK && json)
            status = cli_fail(EXIT_USAGE, "usage: oidcd user reset-factors USERNAME|SUB");
        if (status == EXIT_OK)
            status = reset_factors(s, &u);
    }
    user_clear(&u);
    return status;
}
