/* oidcd client create|list|show|update|delete|rotate-secret */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "core/text.h"
#include "oauth/client_rules.h"
#include "oauth/client_sector.h"
#include "oauth/subject.h"
#include "store/store.h"

/* -- flags ------------------------------------------------------------------ */

enum flag_id {
    F_NAME,
    F_TYPE,
    F_GRANT_TYPES,
    F_RESPONSE_TYPES,
    F_REDIRECT_URI,
    F_LOGOUT_URI,
    F_SCOPE,
    F_METHOD,
    F_FORMAT,
    F_JSON,
    F_ENABLE,
    F_DISABLE,
    F_REQUIRE_CONSENT,
    F_REUSE_CONSENT,
    F_REQUIRE_MFA,
    F_BACKCHANNEL_URI,
    F_BACKCHANNEL_SID,
    F_SUBJECT_TYPE,
    F_SECTOR_URI,
    F_ID_TOKEN_ALG,
    F_ROTATE_SECRET,
    F_CHANGE_SECTOR,
    F_COUNT
};

#define BIT(id) (1u << (id))

/* The commands that take a flag: create, update, and the ones that only
 * print (show, list, rotate-secret). */
enum { ON_CREATE = 1, ON_UPDATE = 2, ON_PRINT = 4 };
#define ON_WRITE (ON_CREATE | ON_UPDATE)

/* The table every command's words are checked against before anything runs:
 * a word that is not a flag of the command is refused, and so is a flag
 * given twice, except the two that build a list. */
static const struct flag_spec {
    const char *name;
    bool takes_value;
    bool repeats;
    unsigned on;
    const char *values; /* for "bad value" when the value is a name from a set */
} flag_specs[F_COUNT] = {
    [F_NAME] = {"--name", true, false, ON_WRITE, NULL},
    [F_TYPE] = {"--type", true, false, ON_WRITE, "confidential or public"},
    [F_GRANT_TYPES] = {"--grant-types", true, false, ON_WRITE, NULL},
    [F_RESPONSE_TYPES] = {"--response-types", true, false, ON_WRITE, NULL},
    [F_REDIRECT_URI] = {"--redirect-uri", true, true, ON_WRITE, NULL},
    [F_LOGOUT_URI] = {"--post-logout-redirect-uri", true, true, ON_WRITE, NULL},
    [F_SCOPE] = {"--scope", true, false, ON_WRITE, NULL},
    [F_METHOD] = {"--token-endpoint-auth-method", true, false, ON_WRITE,
                  "client_secret_basic, client_secret_post or none"},
    [F_FORMAT] = {"--access-token-format", true, false, ON_WRITE, "jwt or opaque"},
    [F_JSON] = {"--json", false, false, ON_WRITE | ON_PRINT, NULL},
    [F_ENABLE] = {"--enable", false, false, ON_UPDATE, NULL},
    [F_DISABLE] = {"--disable", false, false, ON_UPDATE, NULL},
    [F_REQUIRE_CONSENT] = {"--require-consent", true, false, ON_WRITE, "true or false"},
    [F_REUSE_CONSENT] = {"--reuse-consent", true, false, ON_WRITE, "true or false"},
    [F_REQUIRE_MFA] = {"--require-mfa", true, false, ON_WRITE, "true or false"},
    [F_BACKCHANNEL_URI] = {"--backchannel-logout-uri", true, false, ON_WRITE, NULL},
    [F_BACKCHANNEL_SID] = {"--backchannel-logout-session-required", true, false, ON_WRITE,
                           "true or false"},
    [F_SUBJECT_TYPE] = {"--subject-type", true, false, ON_WRITE, "public or pairwise"},
    [F_SECTOR_URI] = {"--sector-identifier-uri", true, false, ON_WRITE, NULL},
    [F_ID_TOKEN_ALG] = {"--id-token-alg", true, false, ON_WRITE, "RS256, ES256 or HS256"},
    [F_ROTATE_SECRET] = {"--rotate-secret", false, false, ON_UPDATE, NULL},
    [F_CHANGE_SECTOR] = {"--change-sector", false, false, ON_UPDATE, NULL},
};

/* The flags seen, by BIT(flag_id). */
struct client_flags {
    unsigned seen;
};

static enum err parse_bool(const char *v, bool *out)
{
    if (strcmp(v, "true") == 0)
        *out = true;
    else if (strcmp(v, "false") == 0)
        *out = false;
    else
        return ERR_INVALID_REQUEST;
    return ERR_OK;
}

static enum err replace_list(struct strlist *l, const char *v, const char *seps)
{
    strlist_free(l);
    return strlist_split(l, v, seps);
}

static enum err replace_str(char **field, const char *v)
{
    char *copy = strdup(v);

    if (!copy)
        return ERR_NOMEM;
    free(*field);
    *field = copy;
    return ERR_OK;
}

/* Stores the value v of flag id in c. Returns ERR_OK, ERR_NOMEM, or
 * ERR_INVALID_REQUEST for a value that is not one of the flag's names. */
static enum err set_flag(enum flag_id id, const char *v, struct client *c)
{
    switch (id) {
    case F_NAME:
        return replace_str(&c->name, v);
    case F_TYPE:
        return client_type_parse(v, &c->type) ? ERR_INVALID_REQUEST : ERR_OK;
    case F_GRANT_TYPES:
        return replace_list(&c->grant_types, v, ", ");
    case F_RESPONSE_TYPES:
        return replace_list(&c->response_types, v, ",");
    case F_REDIRECT_URI:
        return strlist_add(&c->redirect_uris, v, strlen(v));
    case F_LOGOUT_URI:
        return strlist_add(&c->post_logout_redirect_uris, v, strlen(v));
    case F_SCOPE:
        return replace_str(&c->scope, v);
    case F_METHOD:
        return auth_method_parse(v, &c->auth_method) ? ERR_INVALID_REQUEST : ERR_OK;
    case F_FORMAT:
        return token_format_parse(v, &c->token_format) ? ERR_INVALID_REQUEST : ERR_OK;
    case F_REQUIRE_CONSENT:
        return parse_bool(v, &c->require_consent);
    case F_REUSE_CONSENT:
        return parse_bool(v, &c->reuse_consent);
    case F_REQUIRE_MFA:
        return parse_bool(v, &c->require_mfa);
    case F_BACKCHANNEL_URI:
        /* "" removes it */
        free(c->backchannel_logout_uri);
        c->backchannel_logout_uri = NULL;
        return *v ? replace_str(&c->backchannel_logout_uri, v) : ERR_OK;
    case F_BACKCHANNEL_SID:
        return parse_bool(v, &c->backchannel_session_required);
    case F_SUBJECT_TYPE:
        return subject_type_parse(v, &c->subject_type) ? ERR_INVALID_REQUEST : ERR_OK;
    case F_SECTOR_URI: /* "" removes it */
        free(c->sector_identifier_uri);
        c->sector_identifier_uri = NULL;
        return *v ? replace_str(&c->sector_identifier_uri, v) : ERR_OK;
    case F_ID_TOKEN_ALG:
        if (!client_id_token_alg_valid(v))
            return ERR_INVALID_REQUEST;
        memcpy(c->id_token_alg, v, strlen(v) + 1);
        return ERR_OK;
    default:
        return ERR_OK; /* a switch: seen is all it records */
    }
}

/* The flag of command `on` that argv[*i] is, moving *i past its value;
 * F_COUNT when it is none. *m is args_flag's answer for the flag found. */
static enum flag_id match_flag(int argc, char **argv, int *i, unsigned on, const char **v, int *m)
{
    int id;

    for (id = 0; id < F_COUNT; id++) {
        const struct flag_spec *spec = &flag_specs[id];
        if ((spec->on & on) &&
            (*m = args_flag(argc, argv, i, spec->name, spec->takes_value ? v : NULL)) != 0)
            return (enum flag_id)id;
    }
    return F_COUNT;
}

/* Reads every word from argv[start] on as a flag of command `on`, storing
 * values in c and what was seen in f. Returns EXIT_OK, or EXIT_USAGE or
 * EXIT_FAIL (reported, one line). */
static int parse_flags(int argc, char **argv, int start, unsigned on, struct client *c,
                       struct client_flags *f)
{
    const char *v = NULL;
    enum flag_id id;
    enum err rc;
    int i, m = 0;

    for (i = start; i < argc; i++) {
        const char *word = argv[i];
        id = match_flag(argc, argv, &i, on, &v, &m);
        if (id == F_COUNT)
            return cli_fail(EXIT_USAGE, "unknown argument %s", word);
        if (m < 0)
            return cli_fail(EXIT_USAGE,
                            flag_specs[id].takes_value ? "missing value for %s"
                                                       : "%s takes no value",
                            flag_specs[id].name);
        if ((f->seen & BIT(id)) && !flag_specs[id].repeats)
            return cli_fail(EXIT_USAGE, "%s given twice", flag_specs[id].name);
        f->seen |= BIT(id);
        rc = set_flag(id, v, c);
        if (rc == ERR_NOMEM)
            return cli_fail(EXIT_FAIL, "out of memory");
        if (rc)
            return cli_fail(EXIT_USAGE, "bad value for %s (%s)", flag_specs[id].name,
                            flag_specs[id].values ? flag_specs[id].values : "see docs/CLI.md");
        if (id == F_GRANT_TYPES && !c->grant_types.n)
            return cli_fail(EXIT_USAGE, "--grant-types needs at least one grant type");
    }
    if ((f->seen & BIT(F_ENABLE)) && (f->seen & BIT(F_DISABLE)))
        return cli_fail(EXIT_USAGE, "--enable and --disable contradict each other");
    return EXIT_OK;
}

/* True when word is a flag of any client command ("--name", "--name=x"). */
static bool is_flag(const char *word)
{
    int id;

    for (id = 0; id < F_COUNT; id++) {
        size_t n = strlen(flag_specs[id].name);
        if (strncmp(word, flag_specs[id].name, n) == 0 && (!word[n] || word[n] == '='))
            return true;
    }
    return false;
}

/* The commands that name a client take its ID as their first word, whatever
 * it looks like (an ID stored by other means may start with '-'); a flag in
 * that place is a usage error rather than an ID nobody has. */
static int check_id_first(int argc, char **argv, const char *usage)
{
    if (argc < 1)
        return cli_fail(EXIT_USAGE, "usage: %s", usage);
    if (is_flag(argv[0]))
        return cli_fail(EXIT_USAGE, "the client ID comes first, before %s (usage: %s)", argv[0],
                        usage);
    return EXIT_OK;
}

/* -- output ----------------------------------------------------------------- */

static json_t *list_json(const struct strlist *l)
{
    json_t *arr = json_array();
    size_t i;

    for (i = 0; i < l->n; i++)
        json_array_append_new(arr, json_string(l->items[i]));
    return arr;
}

static json_t *nullable(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* The client as JSON; secret is added when not NULL. */
static json_t *client_json(const struct client *c, const char *secret)
{
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:s, s:s, s:s, s:b, s:b, s:b, s:I}", "client_id",
        c->id, "name", c->name, "type", client_type_name(c->type), "grant_types",
        list_json(&c->grant_types), "response_types", list_json(&c->response_types),
        "redirect_uris", list_json(&c->redirect_uris), "post_logout_redirect_uris",
        list_json(&c->post_logout_redirect_uris), "scope", c->scope ? c->scope : "",
        "token_endpoint_auth_method", auth_method_name(c->auth_method), "access_token_format",
        token_format_name(c->token_format), "enabled", c->enabled, "require_consent",
        c->require_consent, "reuse_consent", c->reuse_consent, "created_at",
        (json_int_t)c->created_at);

    if (o)
        json_object_set_new(o, "backchannel_logout_uri",
                            c->backchannel_logout_uri ? json_string(c->backchannel_logout_uri)
                                                      : json_null());
    if (o)
        json_object_set_new(o, "backchannel_logout_session_required",
                            json_boolean(c->backchannel_session_required));
    if (o)
        json_object_set_new(o, "require_mfa", json_boolean(c->require_mfa));
    if (o)
        json_object_set_new(o, "subject_type", nullable(subject_type_name(c->subject_type)));
    if (o)
        json_object_set_new(o, "sector_identifier_uri", nullable(c->sector_identifier_uri));
    if (o)
        json_object_set_new(o, "sector", nullable(c->sector));
    if (o) /* the name OpenID Connect Dynamic Client Registration gives it */
        json_object_set_new(o, "id_token_signed_response_alg", json_string(c->id_token_alg));
    if (o && secret)
        json_object_set_new(o, "client_secret", json_string(secret));
    return o;
}

#define LABEL "%-14s " /* values line up after the usual labels; longer ones push theirs */

/* One "label: items" line; response types hold spaces, so they get ", ". */
static void print_list(const char *label, const struct strlist *l, const char *sep)
{
    char *joined = strlist_join(l, sep);

    printf(LABEL "%s\n", label, joined ? joined : "");
    free(joined);
}

static void print_text(const struct client *c, const char *secret)
{
    printf(LABEL "%s\n", "client_id:", c->id);
    if (secret)
        printf(LABEL "%s        (shown once; %s)\n", "client_secret:", secret,
               c->secret_sealed ? "stored as a hash, and sealed as the HS256 ID token key"
                                : "stored only as a hash");
    printf(LABEL "%s\n", "name:", c->name);
    printf(LABEL "%s\n", "type:", client_type_name(c->type));
    print_list("grant_types:", &c->grant_types, " ");
    print_list("response_types:", &c->response_types, ", ");
    print_list("redirect_uris:", &c->redirect_uris, " ");
    print_list("post_logout_redirect_uris:", &c->post_logout_redirect_uris, " ");
    printf(LABEL "%s\n", "scope:", c->scope ? c->scope : "");
    printf(LABEL "%s\n", "auth_method:", auth_method_name(c->auth_method));
    printf(LABEL "%s\n", "token_format:", token_format_name(c->token_format));
    printf(LABEL "%s\n", "enabled:", c->enabled ? "yes" : "no");
    printf(LABEL "%s\n", "require_consent:", c->require_consent ? "yes" : "no");
    printf(LABEL "%s\n", "reuse_consent:", c->reuse_consent ? "yes" : "no");
    printf(LABEL "%s\n", "require_mfa:", c->require_mfa ? "yes" : "no");
    printf(LABEL "%s\n",
           "backchannel_logout_uri:", c->backchannel_logout_uri ? c->backchannel_logout_uri : "");
    printf(LABEL "%s\n",
           "backchannel_logout_session_required:", c->backchannel_session_required ? "yes" : "no");
    printf(LABEL "%s\n", "subject_type:",
           c->subject_type == SUBJECT_DEFAULT ? "default (tokens.subject_type)"
                                              : subject_type_name(c->subject_type));
    printf(LABEL "%s\n",
           "sector_identifier_uri:", c->sector_identifier_uri ? c->sector_identifier_uri : "");
    printf(LABEL "%s\n", "sector:", c->sector ? c->sector : "");
    printf(LABEL "%s\n", "id_token_alg:", c->id_token_alg);
}

static void print_client(const struct client *c, const char *secret, bool json)
{
    json_t *o;

    if (!json) {
        print_text(c, secret);
        return;
    }
    o = client_json(c, secret);
    json_dumpf(o, stdout, JSON_INDENT(2));
    putchar('\n');
    json_decref(o);
}

static bool wants_json(const struct client_flags *f)
{
    return f->seen & BIT(F_JSON);
}

/* -- rules -------------------------------------------------------------------- */

/* Puts c in its stored form and checks it (oauth/client_rules.c). */
static int check(struct client *c)
{
    const char *why = NULL;
    enum err rc = client_normalize(c, &why);

    if (rc == ERR_NOMEM)
        return cli_fail(EXIT_FAIL, "out of memory");
    if (!rc)
        rc = client_check(c, &why);
    if (rc == ERR_NOMEM)
        return cli_fail(EXIT_FAIL, "out of memory");
    if (rc)
        return cli_fail(EXIT_USAGE, "%s", why ? why : "invalid client");
    return EXIT_OK;
}

/* The client's sector (oauth/client_sector.h), its document fetched when
 * it has a sector identifier URI. */
static int settle_sector(const struct config *cfg, struct client *c)
{
    const char *why = NULL;
    enum err rc = client_sector_settle(cfg, c, &why);

    if (rc == ERR_INVALID_REQUEST)
        return cli_fail(EXIT_USAGE, "%s", why);
    if (rc == ERR_TEMPORARILY_UNAVAILABLE)
        return cli_fail(EXIT_FAIL, "cannot fetch the sector identifier URI: %s", why);
    if (rc)
        return cli_fail(EXIT_FAIL, "out of memory");
    return EXIT_OK;
}

/* A client given the password grant while the server refuses it: stored
 * (the operator may turn grants.password on next), and said on stderr so
 * that the first refused token request is no surprise. */
static void warn_password_off(const struct config *cfg, const struct client *c)
{
    if (!cfg->grants_password && strlist_contains(&c->grant_types, "password"))
        fprintf(stderr, "oidcd: warning: grants.password is off in the configuration: the "
                        "token endpoint answers the password grant unsupported_grant_type until "
                        "it is on\n");
}

/* Keeps the authentication method and secret consistent with the type after
 * a change: public clients have neither, confidential ones both. */
static enum err settle_secret(struct client *c, const struct client_flags *f,
                              char secret[CLIENT_SECRET_TEXT], bool *made)
{
    bool method_set = f->seen & BIT(F_METHOD);

    *made = false;
    if (c->type == CLIENT_PUBLIC) {
        if (!method_set)
            c->auth_method = AUTH_NONE;
        c->has_secret = false;
        memset(c->secret_hash, 0, sizeof c->secret_hash);
        return ERR_OK;
    }
    if (!method_set && c->auth_method == AUTH_NONE)
        c->auth_method = AUTH_CLIENT_SECRET_BASIC;
    if (c->has_secret)
        return ERR_OK;
    *made = true;
    return client_new_secret(c, secret);
}

static bool is_hs256(const struct client *c)
{
    return strcmp(c->id_token_alg, "HS256") == 0;
}

/* Response types follow the grant types when none are given: code for a
 * client with authorization_code, none for one without. */
static enum err default_response_types(struct client *c)
{
    if (!strlist_contains(&c->grant_types, "authorization_code"))
        return ERR_OK;
    return strlist_add(&c->response_types, "code", 4);
}

/* -- commands ------------------------------------------------------------------ */

static int cmd_create(int argc, char **argv, struct store *s, const struct config *cfg)
{
    struct client c = {0};
    struct client_flags f = {0};
    char secret[CLIENT_SECRET_TEXT];
    bool made = false;
    int status;
    enum err rc;

    c.enabled = true;
    c.require_consent = true;
    c.reuse_consent = true;
    c.created_at = clock_now();
    memcpy(c.id_token_alg, "RS256", sizeof "RS256");
    status = parse_flags(argc, argv, 0, ON_CREATE, &c, &f);
    if (status == EXIT_OK && !(f.seen & BIT(F_GRANT_TYPES)) &&
        strlist_add(&c.grant_types, "authorization_code", 18))
        status = cli_fail(EXIT_FAIL, "out of memory");
    if (status == EXIT_OK && !(f.seen & BIT(F_RESPONSE_TYPES)) && default_response_types(&c))
        status = cli_fail(EXIT_FAIL, "out of memory");
    if (status == EXIT_OK && (client_new_id(&c) || settle_secret(&c, &f, secret, &made)))
        status = cli_fail(EXIT_FAIL, "cannot generate credentials");
    if (status == EXIT_OK)
        status = check(&c);
    if (status == EXIT_OK)
        status = settle_sector(cfg, &c);
    if (status == EXIT_OK)
        status = cli_client_settle_alg(cfg, s, &c, made ? secret : NULL);
    if (status == EXIT_OK && (rc = store_client_insert(s, &c)))
        status = cli_fail(EXIT_FAIL, "cannot store client: %s", err_str(rc));
    if (status == EXIT_OK) {
        cli_audit(s, "client.created", NULL, c.id, c.name);
        print_client(&c, made ? secret : NULL, wants_json(&f));
        warn_password_off(cfg, &c);
    }
    OPENSSL_cleanse(secret, sizeof secret);
    client_clear(&c);
    return status;
}

#define SWAP(a, b, type)                                                                           \
    do {                                                                                           \
        type swap_ = (a);                                                                          \
        (a) = (b);                                                                                 \
        (b) = swap_;                                                                               \
    } while (0)

/* Moves the fields given as flags from changes into c; what c held moves to
 * changes, to be freed with it. */
static void take_changes(struct client *c, struct client *changes, unsigned seen)
{
    if (seen & BIT(F_NAME))
        SWAP(c->name, changes->name, char *);
    if (seen & BIT(F_TYPE))
        c->type = changes->type;
    if (seen & BIT(F_GRANT_TYPES))
        SWAP(c->grant_types, changes->grant_types, struct strlist);
    if (seen & BIT(F_RESPONSE_TYPES))
        SWAP(c->response_types, changes->response_types, struct strlist);
    if (seen & BIT(F_REDIRECT_URI))
        SWAP(c->redirect_uris, changes->redirect_uris, struct strlist);
    if (seen & BIT(F_LOGOUT_URI))
        SWAP(c->post_logout_redirect_uris, changes->post_logout_redirect_uris, struct strlist);
    if (seen & BIT(F_SCOPE))
        SWAP(c->scope, changes->scope, char *);
    if (seen & BIT(F_METHOD))
        c->auth_method = changes->auth_method;
    if (seen & BIT(F_FORMAT))
        c->token_format = changes->token_format;
    if (seen & BIT(F_REQUIRE_CONSENT))
        c->require_consent = changes->require_consent;
    if (seen & BIT(F_REUSE_CONSENT))
        c->reuse_consent = changes->reuse_consent;
    if (seen & BIT(F_REQUIRE_MFA))
        c->require_mfa = changes->require_mfa;
    if (seen & BIT(F_BACKCHANNEL_URI))
        SWAP(c->backchannel_logout_uri, changes->backchannel_logout_uri, char *);
    if (seen & BIT(F_BACKCHANNEL_SID))
        c->backchannel_session_required = changes->backchannel_session_required;
    if (seen & BIT(F_SUBJECT_TYPE))
        c->subject_type = changes->subject_type;
    if (seen & BIT(F_SECTOR_URI))
        SWAP(c->sector_identifier_uri, changes->sector_identifier_uri, char *);
    if (seen & BIT(F_ID_TOKEN_ALG))
        memcpy(c->id_token_alg, changes->id_token_alg, sizeof c->id_token_alg);
    if (seen & BIT(F_ENABLE))
        c->enabled = true;
    if (seen & BIT(F_DISABLE))
        c->enabled = false;
}

/* The sector label of c when it is pairwise, else NULL (also when out of
 * memory: the update is then not held back). */
static char *pairwise_sector(const struct config *cfg, const struct client *c)
{
    return subject_is_pairwise(cfg, c) ? client_sector_label(c) : NULL;
}

/* Moving a pairwise client to another sector gives each of its users a new
 * sub, which its relying party cannot tie to the old one: done only when
 * asked for with --change-sector. before: the sector c was pairwise in. */
static int check_sector_kept(const struct config *cfg, const struct client *c, const char *before,
                             const struct client_flags *f)
{
    char *after = before ? pairwise_sector(cfg, c) : NULL;
    int status = EXIT_OK;

    if (after && strcmp(before, after) != 0 && !(f->seen & BIT(F_CHANGE_SECTOR)))
        status = cli_fail(EXIT_USAGE,
                          "this moves the pairwise client from sector %s to sector %s, which "
                          "changes the sub of every user it has: add --change-sector to do so",
                          before, after);
    free(after);
    return status;
}

/* What an update is checked against: the client as it was. */
struct prior {
    bool hs256;   /* its ID tokens were HS256 */
    char *sector; /* its sector label when pairwise, else NULL */
};

/* An update that changes c (prior: what it was).
 * Disabling alone is never refused for c's other fields, so a client stored
 * under older, looser rules can always be switched off; every other update
 * checks the whole client. A switch to HS256 makes the secret the key of
 * every ID token: it takes a new secret (--rotate-secret), since the
 * server holds the current one only as a hash. */
static int update_client(const struct config *cfg, struct store *s, struct client *c,
                         const struct client_flags *f, const struct prior *was,
                         char secret[CLIENT_SECRET_TEXT], bool *made)
{
    bool rotate = f->seen & BIT(F_ROTATE_SECRET);
    int status;

    *made = false;
    if ((f->seen & ~BIT(F_JSON)) == BIT(F_DISABLE))
        return EXIT_OK;
    if (rotate && c->type == CLIENT_PUBLIC)
        return cli_fail(EXIT_USAGE, "a public client has no secret to rotate");
    if (!was->hs256 && is_hs256(c) && !rotate && c->type == CLIENT_CONFIDENTIAL)
        return cli_fail(EXIT_USAGE, "--id-token-alg HS256 keys ID tokens with the client secret, "
                                    "which is stored only as a hash: add --rotate-secret to "
                                    "issue a new one");
    if (rotate)
        c->has_secret = false; /* settle_secret makes a new one */
    if (settle_secret(c, f, secret, made))
        return cli_fail(EXIT_FAIL, "cannot generate credentials");
    status = check(c);
    /* the sector follows the URIs: their document is checked again */
    if (status == EXIT_OK &&
        (f->seen & (BIT(F_REDIRECT_URI) | BIT(F_SECTOR_URI) | BIT(F_SUBJECT_TYPE))))
        status = settle_sector(cfg, c);
    if (status == EXIT_OK)
        status = check_sector_kept(cfg, c, was->sector, f);
    if (status == EXIT_OK)
        status = cli_client_settle_alg(cfg, s, c, *made ? secret : NULL);
    return status;
}

static int cmd_update(int argc, char **argv, struct store *s, const struct config *cfg)
{
    struct client c = {0}, changes = {0};
    struct client_flags f = {0};
    char secret[CLIENT_SECRET_TEXT];
    struct prior was = {0};
    bool made = false;
    int status;
    enum err rc;

    status = check_id_first(argc, argv, "oidcd client update ID [flags]");
    if (status == EXIT_OK)
        status = parse_flags(argc, argv, 1, ON_UPDATE, &changes, &f);
    if (status == EXIT_OK)
        status = cli_client_load(s, argv[0], &c);
    if (status == EXIT_OK) {
        was.hs256 = is_hs256(&c);
        was.sector = pairwise_sector(cfg, &c);
        take_changes(&c, &changes, f.seen);
        status = update_client(cfg, s, &c, &f, &was, secret, &made);
    }
    if (status == EXIT_OK && (rc = store_client_update(s, &c)))
        status = cli_fail(EXIT_FAIL, "cannot update client: %s", err_str(rc));
    if (status == EXIT_OK) {
        cli_audit(s, "client.updated", NULL, c.id, made ? "a new secret was made" : NULL);
        print_client(&c, made ? secret : NULL, wants_json(&f));
        warn_password_off(cfg, &c);
    }
    OPENSSL_cleanse(secret, sizeof secret);
    free(was.sector);
    client_clear(&changes);
    client_clear(&c);
    return status;
}

/* The flags of a command that only prints: --json. */
static int parse_print_flags(int argc, char **argv, int start, struct client_flags *f)
{
    struct client none = {0};
    int status = parse_flags(argc, argv, start, ON_PRINT, &none, f);

    client_clear(&none);
    return status;
}

static int cmd_rotate_secret(int argc, char **argv, struct store *s, const struct config *cfg)
{
    struct client c = {0};
    struct client_flags f = {0};
    char secret[CLIENT_SECRET_TEXT];
    int status;
    enum err rc;

    status = check_id_first(argc, argv, "oidcd client rotate-secret ID [--json]");
    if (status == EXIT_OK)
        status = parse_print_flags(argc, argv, 1, &f);
    if (status == EXIT_OK)
        status = cli_client_load(s, argv[0], &c);
    if (status == EXIT_OK && c.type == CLIENT_PUBLIC)
        status = cli_fail(EXIT_FAIL, "public client %s has no secret", c.id);
    if (status == EXIT_OK && client_new_secret(&c, secret))
        status = cli_fail(EXIT_FAIL, "cannot generate credentials");
    if (status == EXIT_OK)
        status = cli_client_settle_alg(cfg, s, &c, secret);
    if (status == EXIT_OK && (rc = store_client_update(s, &c)))
        status = cli_fail(EXIT_FAIL, "cannot update client: %s", err_str(rc));
    if (status == EXIT_OK) {
        cli_audit(s, "client.secret_rotated", NULL, c.id, NULL);
        print_client(&c, secret, wants_json(&f));
    }
    OPENSSL_cleanse(secret, sizeof secret);
    client_clear(&c);
    return status;
}

static int cmd_show(int argc, char **argv, struct store *s)
{
    struct client c = {0};
    struct client_flags f = {0};
    int status;

    status = check_id_first(argc, argv, "oidcd client show ID [--json]");
    if (status == EXIT_OK)
        status = parse_print_flags(argc, argv, 1, &f);
    if (status == EXIT_OK)
        status = cli_client_load(s, argv[0], &c);
    if (status == EXIT_OK)
        print_client(&c, NULL, wants_json(&f));
    client_clear(&c);
    return status;
}

/* Prints one page: a line per client, or its objects appended to arr. */
static void print_page(const struct client *list, size_t n, json_t *arr)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (arr)
            json_array_append_new(arr, client_json(&list[i], NULL));
        else
            printf("%s  %-12s  %-8s  %s\n", list[i].id, client_type_name(list[i].type),
                   list[i].enabled ? "enabled" : "disabled", list[i].name);
    }
}

static int cmd_list(int argc, char **argv, struct store *s)
{
    char after[LIMIT_CLIENT_ID + 1] = "";
    struct client_filter page = {.after_id = after, .limit = LIMIT_LIST_PAGE};
    struct client *list = NULL;
    struct client_flags f = {0};
    json_t *arr = NULL;
    size_t n = 0;
    int status = parse_print_flags(argc, argv, 0, &f);

    if (status)
        return status;
    arr = wants_json(&f) ? json_array() : NULL;
    do {
        if (store_client_list(s, &page, &list, &n)) {
            json_decref(arr);
            return cli_fail(EXIT_FAIL, "cannot list clients");
        }
        print_page(list, n, arr);
        if (n) {
            text_copy(after, sizeof after, list[n - 1].id);
            page.after_created_at = list[n - 1].created_at;
        }
        client_list_free(list, n);
    } while (n == LIMIT_LIST_PAGE);
    if (arr) {
        json_dumpf(arr, stdout, JSON_INDENT(2));
        putchar('\n');
        json_decref(arr);
    }
    return EXIT_OK;
}

static int cmd_delete(int argc, char **argv, struct store *s)
{
    int status = check_id_first(argc, argv, "oidcd client delete ID");
    enum err rc;

    if (status)
        return status;
    if (argc > 1)
        return cli_fail(EXIT_USAGE, "unknown argument %s", argv[1]);
    rc = store_client_delete(s, argv[0]);
    if (rc == ERR_NOT_FOUND)
        return cli_fail(EXIT_FAIL, "no client %s", argv[0]);
    if (rc)
        return cli_fail(EXIT_FAIL, "cannot delete client: %s", err_str(rc));
    cli_audit(s, "client.deleted", NULL, argv[0], NULL);
    printf("deleted client %s\n", argv[0]);
    return EXIT_OK;
}

int cli_client(int argc, char **argv, const struct config *cfg)
{
    struct store *s = NULL;
    const char *sub = argc > 0 ? argv[0] : "";
    int status;

    if (strcmp(sub, "create") && strcmp(sub, "list") && strcmp(sub, "show") &&
        strcmp(sub, "update") && strcmp(sub, "delete") && strcmp(sub, "rotate-secret"))
        return cli_fail(EXIT_USAGE,
                        "usage: oidcd client create|list|show|update|delete|rotate-secret …");
    status = cli_open_store(cfg, &s);
    if (status)
        return status;
    argc--;
    argv++;
    if (strcmp(sub, "create") == 0)
        status = cmd_create(argc, argv, s, cfg);
    else if (strcmp(sub, "list") == 0)
        status = cmd_list(argc, argv, s);
    else if (strcmp(sub, "show") == 0)
        status = cmd_show(argc, argv, s);
    else if (strcmp(sub, "update") == 0)
        status = cmd_update(argc, argv, s, cfg);
    else if (strcmp(sub, "rotate-secret") == 0)
        status = cmd_rotate_secret(argc, argv, s, cfg);
    else
        status = cmd_delete(argc, argv, s);
    store_close(s);
    return status;
}
