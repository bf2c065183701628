#include "oauth/claims.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/claim_name.h"
#include "core/text.h"

/* What a standard claim's value must be. */
enum claim_form {
    F_TEXT,     /* a non-empty string */
    F_EMAIL,    /* local@domain */
    F_URL,      /* absolute http(s) URL */
    F_BOOL,     /* true or false */
    F_INTEGER,  /* seconds since the epoch */
    F_ADDRESS,  /* an object of string members (Core §5.1.1) */
    F_DATE,     /* YYYY or YYYY-MM-DD (0000 when the year is withheld) */
    F_ZONEINFO, /* a tz database name: Europe/Paris */
    F_LOCALE,   /* a BCP47 tag: en-US, fr_CA */
    F_PHONE,    /* E.164-like: +1 (425) 555-1212;ext=5678 */
};

/* OpenID Connect Core §5.1 and the scope that releases each (§5.4). */
static const struct standard_claim {
    const char *name;
    enum claim_form form;
    const char *scope;
} standard[] = {
    {"name", F_TEXT, "profile"},        {"family_name", F_TEXT, "profile"},
    {"given_name", F_TEXT, "profile"},  {"middle_name", F_TEXT, "profile"},
    {"nickname", F_TEXT, "profile"},    {"preferred_username", F_TEXT, "profile"},
    {"profile", F_URL, "profile"},      {"picture", F_URL, "profile"},
    {"website", F_URL, "profile"},      {"gender", F_TEXT, "profile"},
    {"birthdate", F_DATE, "profile"},   {"zoneinfo", F_ZONEINFO, "profile"},
    {"locale", F_LOCALE, "profile"},    {"updated_at", F_INTEGER, "profile"},
    {"email", F_EMAIL, "email"},        {"email_verified", F_BOOL, "email"},
    {"phone_number", F_PHONE, "phone"}, {"phone_number_verified", F_BOOL, "phone"},
    {"address", F_ADDRESS, "address"},
};

#define NSTANDARD (sizeof standard / sizeof standard[0])
#define TEXT_MAX 1024 /* bytes of one string claim */

static const struct {
    const char *scope, *text;
} descriptions[] = {
    {"openid", "Sign you in with your account"},
    {"profile", "Your profile: name, nickname, picture, website, gender, birthdate, time zone "
                "and language"},
    {"email", "Your email address and whether it is verified"},
    {"phone", "Your phone number and whether it is verified"},
    {"address", "Your postal address"},
    {"offline_access", "Keep access while you are signed out"},
};

static const struct standard_claim *find_standard(const char *name)
{
    size_t i;

    for (i = 0; i < NSTANDARD; i++)
        if (strcmp(standard[i].name, name) == 0)
            return &standard[i];
    return NULL;
}

/* True when the space-separated list holds word. */
static bool list_has(const char *list, const char *word)
{
    size_t n = strlen(word), m;

    while (*list) {
        m = strcspn(list, " ");
        if (m == n && strncmp(list, word, n) == 0)
            return true;
        list += m;
        list += strspn(list, " ");
    }
    return false;
}

static bool declared(const struct config *cfg, const char *name)
{
    size_t i;

    if (list_has(cfg->claims_extra, name))
        return true;
    for (i = 0; i < cfg->nscopes; i++)
        if (list_has(cfg->scopes[i].claims, name))
            return true;
    return false;
}

static bool all_chars(const char *s, size_t n, const char *extra)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && !strchr(extra, s[i]))
            return false;
    return true;
}

static bool has_space_or_control(const char *s)
{
    for (; *s; s++)
        if (isspace((unsigned char)*s) || iscntrl((unsigned char)*s))
            return true;
    return false;
}

static bool email_ok(const char *s)
{
    const char *at = strrchr(s, '@');

    return at && at != s && at[1] && !has_space_or_control(s);
}

static bool url_ok(const char *s)
{
    const char *host;

    if (strncmp(s, "https://", 8) == 0)
        host = s + 8;
    else if (strncmp(s, "http://", 7) == 0)
        host = s + 7;
    else
        return false;
    return *host && *host != '/' && *host != '?' && *host != '#' && !has_space_or_control(s);
}

static bool date_ok(const char *s)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    size_t n = strlen(s);
    int month, day;

    if (n == 4)
        return text_is_digits(s, 4);
    if (n != 10 || !text_is_digits(s, 4) || s[4] != '-' || !text_is_digits(s + 5, 2) ||
        s[7] != '-' || !text_is_digits(s + 8, 2))
        return false;
    month = (s[5] - '0') * 10 + (s[6] - '0');
    day = (s[8] - '0') * 10 + (s[9] - '0');
    return month >= 1 && month <= 12 && day >= 1 && day <= mdays[month - 1];
}

/* "UTC", or Area/Location[/More] of letters, digits, _ + - */
static bool zoneinfo_ok(const char *s)
{
    size_t n = strlen(s);

    if (strcmp(s, "UTC") == 0)
        return true;
    return n >= 3 && n <= 64 && isupper((unsigned char)s[0]) && strchr(s, '/') && s[n - 1] != '/' &&
           !strstr(s, "//") && all_chars(s, n, "_+-/");
}

/* language[-_]subtag…: 2-3 letters, then subtags of 1-8 letters or digits */
static bool locale_ok(const char *s)
{
    size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"), m;

    if (n < 2 || n > 3)
        return false;
    for (s += n; *s; s += m) {
        if (*s != '-' && *s != '_')
            return false;
        s++;
        m = strcspn(s, "-_");
        if (m < 1 || m > 8 || !all_chars(s, m, ""))
            return false;
    }
    return true;
}

/* +, then digits with spaces, dots, dashes, parentheses; ";ext=DIGITS" */
static bool phone_ok(const char *s)
{
    const char *ext = strstr(s, ";ext=");
    size_t n = ext ? (size_t)(ext - s) : strlen(s), i, nd = 0;

    if (s[0] != '+')
        return false;
    for (i = 1; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9')
            nd++;
        else if (!strchr(" .-()", s[i]))
            return false;
    }
    if (ext && (!ext[5] || !text_is_digits(ext + 5, strlen(ext + 5))))
        return false;
    return nd >= 3 && nd <= 15;
}

static const char *const address_members[] = {
    "formatted", "street_address", "locality", "region", "postal_code", "country",
};

static const char *address_why(const json_t *v)
{
    const char *key;
    json_t *member;
    size_t i;

    if (!json_is_object(v))
        return "address must be a JSON object";
    json_object_foreach((json_t *)v, key, member)
    {
        for (i = 0; i < sizeof address_members / sizeof address_members[0]; i++)
            if (strcmp(key, address_members[i]) == 0)
                break;
        if (i == sizeof address_members / sizeof address_members[0])
            return "address members are formatted, street_address, locality, region, "
                   "postal_code and country";
        if (!json_is_string(member) || json_string_length(member) > TEXT_MAX)
            return "address members must be strings";
    }
    return NULL;
}

static const char *string_why(enum claim_form form, const char *s)
{
    switch (form) {
    case F_EMAIL:
        return email_ok(s) ? NULL : "email must be an address with @";
    case F_URL:
        return url_ok(s) ? NULL : "profile, picture and website must be absolute http(s) URLs";
    case F_DATE:
        return date_ok(s) ? NULL : "birthdate must be YYYY or YYYY-MM-DD";
    case F_ZONEINFO:
        return zoneinfo_ok(s) ? NULL : "zoneinfo must be a time zone such as Europe/Paris";
    case F_LOCALE:
        return locale_ok(s) ? NULL : "locale must be a language tag such as en-US";
    case F_PHONE:
        return phone_ok(s) ? NULL : "phone_number must start with + and the country code";
    default:
        return *s ? NULL : "a standard claim must not be an empty string";
    }
}

static const char *standard_why(const struct standard_claim *c, const json_t *v)
{
    switch (c->form) {
    case F_BOOL:
        return json_is_boolean(v) ? NULL
                                  : "email_verified and phone_number_verified are true "
                                    "or false";
    case F_INTEGER:
        return json_is_integer(v) && json_integer_value(v) >= 0
                   ? NULL
                   : "updated_at must be a whole number of seconds";
    case F_ADDRESS:
        return address_why(v);
    default:
        if (!json_is_string(v))
            return "this standard claim must be a string";
        if (json_string_length(v) > TEXT_MAX ||
            strlen(json_string_value(v)) != json_string_length(v))
            return "a claim string must be at most 1024 bytes, without NUL";
        return string_why(c->form, json_string_value(v));
    }
}

enum err claims_check_one(const struct config *cfg, const char *name, const json_t *value,
                          const char **why)
{
    const struct standard_claim *c = find_standard(name);

    *why = NULL;
    if (strcmp(name, "sub") == 0)
        *why = "sub is the server's own; it cannot be set";
    else if (!claim_name_ok(name, strlen(name)))
        *why = "a claim name is 1 to 64 of A-Z a-z 0-9 _ - . : / ~, and none the server "
               "sets in its tokens (iss, aud, exp, nonce, acr, amr, sid, …)";
    else if (c)
        *why = standard_why(c, value);
    else if (!declared(cfg, name))
        *why = "not a standard claim; declare it in claims.extra or a [scope.NAME] section";
    return *why ? ERR_INVALID_REQUEST : ERR_OK;
}

enum err claims_check(const struct config *cfg, const json_t *claims, const char **why,
                      const char **bad_name)
{
    const char *key;
    json_t *value;

    if (!json_is_object(claims)) {
        *why = "claims must be a JSON object";
        return ERR_INVALID_REQUEST;
    }
    json_object_foreach((json_t *)claims, key, value)
    {
        if (claims_check_one(cfg, key, value, why)) {
            if (bad_name)
                *bad_name = key;
            return ERR_INVALID_REQUEST;
        }
    }
    return ERR_OK;
}

bool claims_value_empty(const json_t *v)
{
    return json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0) ||
           (json_is_object(v) && json_object_size(v) == 0) ||
           (json_is_array(v) && json_array_size(v) == 0);
}

/* Hands the claim name (n bytes) to each, as a string, unless it is "sub". */
static enum err name_one(const char *name, size_t n, claims_each_fn *each, void *arg)
{
    char key[CLAIM_NAME_MAX + 1];

    if (n == 0 || n > CLAIM_NAME_MAX)
        return ERR_OK;
    memcpy(key, name, n);
    key[n] = '\0';
    return strcmp(key, "sub") == 0 ? ERR_OK : each(key, arg);
}

/* The names the one scope word (n bytes) grants. */
static enum err name_scope(const struct config *cfg, const char *word, size_t n,
                           claims_each_fn *each, void *arg)
{
    const struct config_scope *sc = NULL;
    const char *p;
    size_t i, m;
    enum err rc = ERR_OK;

    for (i = 0; i < NSTANDARD && !rc; i++)
        if (strlen(standard[i].scope) == n && strncmp(standard[i].scope, word, n) == 0)
            rc = name_one(standard[i].name, strlen(standard[i].name), each, arg);
    for (i = 0; i < cfg->nscopes && !sc; i++)
        if (strlen(cfg->scopes[i].name) == n && strncmp(cfg->scopes[i].name, word, n) == 0)
            sc = &cfg->scopes[i];
    for (p = sc ? sc->claims : ""; *p && !rc; p += m + strspn(p + m, " ")) {
        m = strcspn(p, " ");
        rc = name_one(p, m, each, arg);
    }
    return rc;
}

enum err claims_each_released(const struct config *cfg, const char *scope, claims_each_fn *each,
                              void *arg)
{
    enum err rc = ERR_OK;
    size_t n;

    for (scope += strspn(scope, " "); !rc && *scope; scope += n + strspn(scope + n, " ")) {
        n = strcspn(scope, " ");
        rc = name_scope(cfg, scope, n, each, arg);
    }
    return rc;
}

enum err claims_each_named(const char *names, claims_each_fn *each, void *arg)
{
    enum err rc = ERR_OK;
    size_t n;

    for (names = names ? names + strspn(names, " ") : ""; !rc && *names;
         names += n + strspn(names + n, " ")) {
        n = strcspn(names, " ");
        rc = name_one(names, n, each, arg);
    }
    return rc;
}

/* Adds name to the list arg. */
static enum err collect(const char *name, void *arg)
{
    struct strlist *l = arg;

    return strlist_contains(l, name) ? ERR_OK : strlist_add(l, name, strlen(name));
}

enum err claims_released_names(const struct config *cfg, const char *scope, struct strlist *out)
{
    return claims_each_released(cfg, scope ? scope : "", collect, out);
}

enum err claims_keep_released(const struct config *cfg, const char *scope, struct strlist *names)
{
    struct strlist released = {0}, kept = {0};
    enum err rc = claims_released_names(cfg, scope, &released);
    size_t i;

    for (i = 0; !rc && i < names->n; i++)
        if (strlist_contains(&released, names->items[i]))
            rc = strlist_add(&kept, names->items[i], strlen(names->items[i]));
    strlist_free(&released);
    if (rc) {
        strlist_free(&kept);
        return rc;
    }
    strlist_free(names);
    *names = kept;
    return ERR_OK;
}

enum err claims_keep_released_text(const struct config *cfg, const char *scope, const char *names,
                                   char **out)
{
    struct strlist l = {0};
    enum err rc = strlist_split(&l, names ? names : "", " ");

    *out = NULL;
    if (!rc && l.n)
        rc = claims_keep_released(cfg, scope, &l);
    if (!rc && l.n && !(*out = strlist_join(&l, " ")))
        rc = ERR_NOMEM;
    strlist_free(&l);
    return rc;
}

struct release {
    json_t *out;
    const json_t *user;
};

/* Copies the claim name from the user into out when present and not empty. */
static enum err release_one(const char *name, void *arg)
{
    struct release *r = arg;
    json_t *v = json_object_get(r->user, name);

    if (!v || claims_value_empty(v))
        return ERR_OK;
    /* json_object_set takes its own reference to v */
    return json_object_set(r->out, name, v) ? ERR_NOMEM : ERR_OK;
}

enum err claims_release(const struct config *cfg, const char *scope, const char *names,
                        const char *sub, const char *claims_json, json_t **out)
{
    json_t *user = json_loads(claims_json ? claims_json : "{}", 0, NULL);
    struct release r = {json_object(), user};
    enum err rc = ERR_OK;

    if (!r.out)
        rc = ERR_NOMEM;
    else if (!json_is_object(user))
        rc = ERR_STORE;
    else if (json_object_set_new(r.out, "sub", json_string(sub)))
        rc = ERR_NOMEM;
    if (!rc)
        rc = claims_each_released(cfg, scope, release_one, &r);
    if (!rc)
        rc = claims_each_named(names, release_one, &r);
    json_decref(user);
    if (rc) {
        json_decref(r.out);
        return rc;
    }
    *out = r.out;
    return ERR_OK;
}

static enum err add_words(struct strlist *l, const char *list)
{
    size_t m;
    enum err rc = ERR_OK;

    for (list += strspn(list, " "); *list && !rc; list += m + strspn(list + m, " ")) {
        m = strcspn(list, " ");
        rc = strlist_add(l, list, m);
    }
    return rc;
}

enum err claims_supported(const struct config *cfg, struct strlist *out)
{
    struct strlist l = {0};
    enum err rc = strlist_add(&l, "sub", 3);
    size_t i;

    for (i = 0; i < NSTANDARD && !rc; i++)
        rc = strlist_add(&l, standard[i].name, strlen(standard[i].name));
    if (!rc)
        rc = add_words(&l, cfg->claims_extra);
    for (i = 0; i < cfg->nscopes && !rc; i++)
        rc = add_words(&l, cfg->scopes[i].claims);
    if (!rc)
        strlist_sort_unique(&l);
    for (i = 0; i < l.n && !rc; i++)
        rc = strlist_add(out, l.items[i], strlen(l.items[i]));
    strlist_free(&l);
    return rc;
}

const char *claims_scope_description(const struct config *cfg, const char *scope)
{
    const struct config_scope *sc;
    size_t i;

    for (i = 0; i < sizeof descriptions / sizeof descriptions[0]; i++)
        if (strcmp(descriptions[i].scope, scope) == 0)
            return descriptions[i].text;
    sc = config_scope_get(cfg, scope);
    return sc && sc->description[0] ? sc->description : NULL;
}
