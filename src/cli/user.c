/* oidcd user create|list|show|update|delete (the factors: cli/user_factors.c) */
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/claim_name.h"
#include "core/clock.h"
#include "core/limits.h"
#include "core/rand.h"
#include "core/text.h"
#include "oauth/claims.h"
#include "oauth/password.h"
#include "store/store.h"

#define SUB_BYTES 16 /* 128 bits of randomness, 22 characters */

/* What the words after the command asked for. */
struct user_flags {
    bool json, password_stdin, enable, disable;
    const char *username; /* update --username */
    json_t *set;          /* --claim KEY=VALUE, checked */
    struct strlist unset; /* --unset-claim KEY */
};

static void flags_free(struct user_flags *f)
{
    json_decref(f->set);
    strlist_free(&f->unset);
}

enum { ON_CREATE = 1, ON_UPDATE = 2, ON_PRINT = 4 };

/* A VALUE is JSON when it parses as JSON, else a string. */
static json_t *claim_value(const char *v)
{
    json_t *j = json_loads(v, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);

    return j ? j : json_string(v);
}

static int add_claim(const struct config *cfg, struct user_flags *f, const char *kv)
{
    const char *eq = strchr(kv, '='), *why = NULL;
    char name[CLAIM_NAME_MAX + 1];
    json_t *v;
    size_t n = eq ? (size_t)(eq - kv) : 0;

    if (!eq || n == 0 || n > CLAIM_NAME_MAX)
        return cli_fail(EXIT_USAGE, "--claim takes KEY=VALUE");
    memcpy(name, kv, n);
    name[n] = '\0';
    if (json_object_get(f->set, name))
        return cli_fail(EXIT_USAGE, "claim %s given twice", name);
    v = claim_value(eq + 1);
    if (!v || json_is_null(v)) {
        json_decref(v);
        return cli_fail(EXIT_USAGE, "claim %s: use --unset-claim to remove a claim", name);
    }
    if (claims_check_one(cfg, name, v, &why)) {
        json_decref(v);
        return cli_fail(EXIT_USAGE, "claim %s: %s", name, why);
    }
    if (!f->set)
        f->set = json_object();
    if (!f->set || json_object_set_new(f->set, name, v))
        return cli_fail(EXIT_FAIL, "out of memory");
    return EXIT_OK;
}

/* One word (and its value) of argv at *i as a flag allowed by `on`. */
static int parse_one(int argc, char **argv, int *i, unsigned on, const struct config *cfg,
                     struct user_flags *f)
{
    const char *v = NULL, *word = argv[*i];
    int m;

    if ((m = args_flag(argc, argv, i, "--json", NULL)) != 0)
        return m < 0     ? cli_fail(EXIT_USAGE, "--json takes no value")
               : f->json ? cli_fail(EXIT_USAGE, "--json given twice")
                         : (f->json = true, EXIT_OK);
    if ((on & (ON_CREATE | ON_UPDATE)) &&
        (m = args_flag(argc, argv, i, "--password-stdin", NULL)) != 0)
        return m < 0               ? cli_fail(EXIT_USAGE, "--password-stdin takes no value")
               : f->password_stdin ? cli_fail(EXIT_USAGE, "--password-stdin given twice")
                                   : (f->password_stdin = true, EXIT_OK);
    if ((on & (ON_CREATE | ON_UPDATE)) && (m = args_flag(argc, argv, i, "--claim", &v)) != 0)
        return m < 0 ? cli_fail(EXIT_USAGE, "missing value for --claim") : add_claim(cfg, f, v);
    if ((on & ON_UPDATE) && (m = args_flag(argc, argv, i, "--unset-claim", &v)) != 0) {
        if (m < 0)
            return cli_fail(EXIT_USAGE, "missing value for --unset-claim");
        if (strlist_contains(&f->unset, v))
            return cli_fail(EXIT_USAGE, "--unset-claim %s given twice", v);
        return strlist_add(&f->unset, v, strlen(v)) ? cli_fail(EXIT_FAIL, "out of memory")
                                                    : EXIT_OK;
    }
    if ((on & ON_UPDATE) && (m = args_flag(argc, argv, i, "--username", &v)) != 0)
        return m < 0         ? cli_fail(EXIT_USAGE, "missing value for --username")
               : f->username ? cli_fail(EXIT_USAGE, "--username given twice")
                             : (f->username = v, EXIT_OK);
    if ((on & ON_UPDATE) && (m = args_flag(argc, argv, i, "--enable", NULL)) != 0)
        return m < 0 || f->enable ? cli_fail(EXIT_USAGE, "bad or repeated --enable")
                                  : (f->enable = true, EXIT_OK);
    if ((on & ON_UPDATE) && (m = args_flag(argc, argv, i, "--disable", NULL)) != 0)
        return m < 0 || f->disable ? cli_fail(EXIT_USAGE, "bad or repeated --disable")
                                   : (f->disable = true, EXIT_OK);
    return cli_fail(EXIT_USAGE, "unknown argument %s", word);
}

static int parse_flags(int argc, char **argv, int start, unsigned on, const struct config *cfg,
                       struct user_flags *f)
{
    int i, status;

    for (i = start; i < argc; i++)
        if ((status = parse_one(argc, argv, &i, on, cfg, f)) != EXIT_OK)
            return status;
    if (f->enable && f->disable)
        return cli_fail(EXIT_USAGE, "--enable and --disable contradict each other");
    return EXIT_OK;
}

/* 1 to 64 of A-Z a-z 0-9 . _ @ -, not starting with '-' (it would read as a flag). */
static bool username_ok(const char *s)
{
    size_t n = strlen(s), i;

    if (n < 1 || n > LIMIT_USERNAME || s[0] == '-')
        return false;
    for (i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || strchr("._@-", s[i])))
            return false;
    return true;
}

/* Reads one line from stdin into buf (the newline stripped). */
static int read_password(char *buf, size_t size, size_t *len)
{
    size_t n;

    if (!fgets(buf, (int)size, stdin))
        return cli_fail(EXIT_USAGE, "--password-stdin: no password on standard input");
    n = strlen(buf);
    if (n > 0 && buf[n - 1] == '\n')
        buf[--n] = '\0';
    else if (n == size - 1)
        return cli_fail(EXIT_USAGE, "--password-stdin: longer than %d bytes", LIMIT_PASSWORD);
    if (n > 0 && buf[n - 1] == '\r')
        buf[--n] = '\0';
    if (n == 0)
        return cli_fail(EXIT_USAGE, "--password-stdin: the password is empty");
    if (n > LIMIT_PASSWORD)
        return cli_fail(EXIT_USAGE, "--password-stdin: longer than %d bytes", LIMIT_PASSWORD);
    *len = n;
    return EXIT_OK;
}

/* The argon2id hash of a password read from stdin into *hash. */
static int hash_from_stdin(const struct config *cfg, char **hash)
{
    char buf[LIMIT_PASSWORD + 3];
    struct password_policy *p = NULL;
    size_t len = 0;
    int status = read_password(buf, sizeof buf, &len);
    enum err rc;

    if (status == EXIT_OK && (rc = password_policy_new(cfg, 1, &p)) == ERR_OK)
        rc = password_hash(p, buf, len, hash);
    else if (status == EXIT_OK)
        status = cli_fail(EXIT_FAIL, "cannot hash the password: %s", err_str(rc));
    if (status == EXIT_OK && rc)
        status = cli_fail(EXIT_FAIL, "cannot hash the password: %s", err_str(rc));
    OPENSSL_cleanse(buf, sizeof buf);
    password_policy_free(p);
    return status;
}

/* -- output ---------------------------------------------------------------- */

static json_t *user_json(const struct user *u)
{
    json_t *claims = json_loads(u->claims ? u->claims : "{}", 0, NULL);

    return json_pack("{s:s, s:s, s:b, s:o, s:I}", "sub", u->sub, "username", u->username, "enabled",
                     u->enabled, "claims", claims ? claims : json_object(), "created_at",
                     (json_int_t)u->created_at);
}

static void print_user(const struct user *u, bool json)
{
    json_t *o = user_json(u);

    if (json) {
        json_dumpf(o, stdout, JSON_INDENT(2));
        putchar('\n');
    } else {
        printf("%-10s %s\n", "sub:", u->sub);
        printf("%-10s %s\n", "username:", u->username);
        printf("%-10s %s\n", "enabled:", u->enabled ? "yes" : "no");
        printf("%-10s %s\n", "password:", u->password_hash ? "set" : "none (cannot log in)");
        printf("%-10s ", "claims:");
        json_dumpf(json_object_get(o, "claims"), stdout, JSON_COMPACT | JSON_SORT_KEYS);
        putchar('\n');
    }
    json_decref(o);
}

/* -- commands ----------------------------------------------------------------- */

/* u's claims with f's changes applied, checked and no larger than LIMIT_CLAIMS. */
static int apply_claims(struct user *u, const struct user_flags *f)
{
    json_t *all = json_loads(u->claims ? u->claims : "{}", 0, NULL);
    char *text = NULL;
    size_t i;

    if (!json_is_object(all)) {
        json_decref(all);
        return cli_fail(EXIT_FAIL, "stored claims of %s are not a JSON object", u->username);
    }
    if (f->set)
        json_object_update(all, f->set);
    for (i = 0; i < f->unset.n; i++)
        json_object_del(all, f->unset.items[i]);
    text = json_dumps(all, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(all);
    if (!text)
        return cli_fail(EXIT_FAIL, "out of memory");
    if (strlen(text) > LIMIT_CLAIMS) {
        free(text);
        return cli_fail(EXIT_USAGE, "claims longer than %d bytes as JSON", LIMIT_CLAIMS);
    }
    free(u->claims);
    u->claims = text;
    return EXIT_OK;
}

static int store_failed(enum err rc, const char *username)
{
    if (rc == ERR_CONFLICT)
        return cli_fail(EXIT_FAIL, "username %s is taken", username);
    return cli_fail(EXIT_FAIL, "cannot store user: %s", err_str(rc));
}

/* A random sub that does not start with '-' or '_' (it could read as a flag). */
static enum err new_sub(char *out)
{
    enum err rc = ERR_CRYPTO;
    int tries;

    for (tries = 0; tries < 64; tries++) {
        rc = rand_token(out, SUB_BYTES);
        if (rc || (out[0] != '-' && out[0] != '_'))
            return rc;
    }
    return ERR_CRYPTO;
}

static int cmd_create(int argc, char **argv, struct store *s, const struct config *cfg)
{
    struct user u = {0};
    struct user_flags f = {0};
    int status = EXIT_OK;
    enum err rc;

    if (argc < 1 || argv[0][0] == '-')
        return cli_fail(EXIT_USAGE, "usage: oidcd user create USERNAME [--password-stdin] "
                                    "[--claim KEY=VALUE]… [--json]");
    if (!username_ok(argv[0]))
        return cli_fail(EXIT_USAGE, "a username is 1 to 64 of A-Z a-z 0-9 . _ @ -");
    status = parse_flags(argc, argv, 1, ON_CREATE, cfg, &f);
    memcpy(u.username, argv[0], strlen(argv[0]) + 1);
    u.enabled = true;
    u.created_at = clock_now();
    if (status == EXIT_OK && new_sub(u.sub))
        status = cli_fail(EXIT_FAIL, "cannot generate a sub");
    if (status == EXIT_OK)
        status = apply_claims(&u, &f);
    if (status == EXIT_OK && f.password_stdin)
        status = hash_from_stdin(cfg, &u.password_hash);
    if (status == EXIT_OK && (rc = store_user_insert(s, &u)))
        status = store_failed(rc, u.username);
    if (status == EXIT_OK) {
        cli_audit(s, "user.created", u.sub, NULL, u.username);
        print_user(&u, f.json);
    }
    flags_free(&f);
    user_clear(&u);
    return status;
}

static int name_first(int argc, char **argv, const char *usage)
{
    if (argc < 1)
        return cli_fail(EXIT_USAGE, "usage: %s", usage);
    if (argv[0][0] == '-')
        return cli_fail(EXIT_USAGE, "the username or sub comes first, before %s (usage: %s)",
                        argv[0], usage);
    return EXIT_OK;
}

static int cmd_update(int argc, char **argv, struct store *s, const struct config *cfg)
{
    struct user u = {0};
    struct user_flags f = {0};
    char *hash = NULL;
    int status;
    enum err rc;

    status = name_first(argc, argv,
                        "oidcd user update USERNAME|SUB [--username NEW] [--claim KEY=VALUE]… "
                        "[--unset-claim KEY]… [--password-stdin] [--enable|--disable] [--json]");
    if (status == EXIT_OK)
        status = parse_flags(argc, argv, 1, ON_UPDATE, cfg, &f);
    if (status == EXIT_OK && f.username && !username_ok(f.username))
        status = cli_fail(EXIT_USAGE, "a username is 1 to 64 of A-Z a-z 0-9 . _ @ -");
    if (status == EXIT_OK)
        status = cli_user_load(s, argv[0], &u);
    if (status == EXIT_OK && f.username)
        memcpy(u.username, f.username, strlen(f.username) + 1);
    if (status == EXIT_OK && (f.enable || f.disable))
        u.enabled = f.enable;
    if (status == EXIT_OK)
        status = apply_claims(&u, &f);
    if (status == EXIT_OK && f.password_stdin)
        status = hash_from_stdin(cfg, &hash);
    if (status == EXIT_OK && (rc = store_user_update(s, &u)))
        status = store_failed(rc, u.username);
    if (status == EXIT_OK && hash && (rc = store_user_set_password(s, u.sub, hash, NULL)))
        status = cli_fail(EXIT_FAIL, "cannot store the password: %s", err_str(rc));
    if (status == EXIT_OK && hash) {
        free(u.password_hash);
        u.password_hash = hash;
        hash = NULL;
        cli_audit(s, "user.password_set", u.sub, NULL, NULL);
    }
    if (status == EXIT_OK && (f.enable || f.disable))
        cli_audit(s, f.disable ? "user.disabled" : "user.enabled", u.sub, NULL, NULL);
    if (status == EXIT_OK) {
        cli_audit(s, "user.updated", u.sub, NULL, u.username);
        print_user(&u, f.json);
    }
    free(hash);
    flags_free(&f);
    user_clear(&u);
    return status;
}

static int cmd_show(int argc, char **argv, struct store *s, const struct config *cfg)
{
    struct user u = {0};
    struct user_flags f = {0};
    int status = name_first(argc, argv, "oidcd user show USERNAME|SUB [--json]");

    if (status == EXIT_OK)
        status = parse_flags(argc, argv, 1, ON_PRINT, cfg, &f);
    if (status == EXIT_OK)
        status = cli_user_load(s, argv[0], &u);
    if (status == EXIT_OK)
        print_user(&u, f.json);
    flags_free(&f);
    user_clear(&u);
    return status;
}

/* Prints one page; *last becomes the page's last username. */
static void print_page(const struct user *list, size_t n, json_t *arr)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (arr)
            json_array_append_new(arr, user_json(&list[i]));
        else
            printf("%s  %-8s  %s\n", list[i].sub, list[i].enabled ? "enabled" : "disabled",
                   list[i].username);
    }
}

static int cmd_list(int argc, char **argv, struct store *s, const struct config *cfg)
{
    char after[LIMIT_USERNAME + 1] = "";
    struct user_flags f = {0};
    struct user *list = NULL;
    json_t *arr = NULL;
    size_t n = 0;
    int status = parse_flags(argc, argv, 0, ON_PRINT, cfg, &f);

    if (status)
        return status;
    arr = f.json ? json_array() : NULL;
    do {
        if (store_user_list(s, after, LIMIT_USER_PAGE, &list, &n)) {
            json_decref(arr);
            return cli_fail(EXIT_FAIL, "cannot list users");
        }
        print_page(list, n, arr);
        if (n)
            text_copy(after, sizeof after, list[n - 1].username);
        user_list_free(list, n);
    } while (n == LIMIT_USER_PAGE);
    if (arr) {
        json_dumpf(arr, stdout, JSON_INDENT(2));
        putchar('\n');
        json_decref(arr);
    }
    return EXIT_OK;
}

static int cmd_delete(int argc, char **argv, struct store *s)
{
    struct user u = {0};
    int status = name_first(argc, argv, "oidcd user delete USERNAME|SUB");
    enum err rc;

    if (status == EXIT_OK && argc > 1)
        status = cli_fail(EXIT_USAGE, "unknown argument %s", argv[1]);
    if (status == EXIT_OK)
        status = cli_user_load(s, argv[0], &u);
    if (status == EXIT_OK && (rc = store_user_delete(s, u.sub)))
        status = cli_fail(EXIT_FAIL, "cannot delete user: %s", err_str(rc));
    if (status == EXIT_OK) {
        cli_audit(s, "user.deleted", u.sub, NULL, u.username);
        printf("deleted user %s (%s)\n", u.username, u.sub);
    }
    user_clear(&u);
    return status;
}

int cli_user(int argc, char **argv, const struct config *cfg)
{
    struct store *s = NULL;
    const char *sub = argc > 0 ? argv[0] : "";
    int status;

    bool factors =
        !strcmp(sub, "add-totp") || !strcmp(sub, "factors") || !strcmp(sub, "reset-factors");

    if (strcmp(sub, "create") && strcmp(sub, "list") && strcmp(sub, "show") &&
        strcmp(sub, "update") && strcmp(sub, "delete") && !factors)
        return cli_fail(EXIT_USAGE, "usage: oidcd user create|list|show|update|delete|add-totp|"
                                    "factors|reset-factors …");
    status = cli_open_store(cfg, &s);
    if (status)
        return status;
    argc--;
    argv++;
    if (factors)
        status = cli_user_factors(sub, argc, argv, s, cfg);
    else if (strcmp(sub, "create") == 0)
        status = cmd_create(argc, argv, s, cfg);
    else if (strcmp(sub, "list") == 0)
        status = cmd_list(argc, argv, s, cfg);
    else if (strcmp(sub, "show") == 0)
        status = cmd_show(argc, argv, s, cfg);
    else if (strcmp(sub, "update") == 0)
        status = cmd_update(argc, argv, s, cfg);
    else
        status = cmd_delete(argc, argv, s);
    store_close(s);
    return status;
}
