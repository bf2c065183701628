#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/text.h"

enum kind { K_STRING, K_LONG, K_BOOL, K_CHOICE, K_LISTEN, K_ISSUER };

struct setting {
    const char *section;
    const char *key;
    enum kind kind;
    size_t offset;
    size_t size;         /* K_STRING, K_CHOICE, K_ISSUER: the field's size */
    const char *def;     /* default, as it would be written in the file */
    long min, max;       /* K_LONG */
    const char *choices; /* K_CHOICE: space-separated */
};

#define STR(sec, k, field, d)                                                                      \
    {                                                                                              \
        sec, k, K_STRING, offsetof(struct config, field), sizeof(((struct config *)0)->field), d,  \
            0, 0, NULL                                                                             \
    }
#define LONG(sec, k, field, d, lo, hi)                                                             \
    {                                                                                              \
        sec, k, K_LONG, offsetof(struct config, field), 0, d, lo, hi, NULL                         \
    }
#define BOOL(sec, k, field, d)                                                                     \
    {                                                                                              \
        sec, k, K_BOOL, offsetof(struct config, field), 0, d, 0, 0, NULL                           \
    }
#define CHOICE(sec, k, field, d, set)                                                              \
    {                                                                                              \
        sec, k, K_CHOICE, offsetof(struct config, field), sizeof(((struct config *)0)->field), d,  \
            0, 0, set                                                                              \
    }

static const struct setting settings[] = {
    {"server", "issuer", K_ISSUER, offsetof(struct config, issuer),
     sizeof(((struct config *)0)->issuer), "http://127.0.0.1:8000", 0, 0, NULL},
    {"server", "listen", K_LISTEN, 0, 0, "127.0.0.1:8000", 0, 0, NULL},
    LONG("server", "threads", threads, "0", 0, 256),
    LONG("server", "connection_timeout", connection_timeout, "30", 1, 3600),
    STR("database", "url", database_url, "sqlite:oidcd.db"),
    LONG("tokens", "access_token_ttl", access_token_ttl, "3600", 1, 31536000),
    STR("keys", "encryption_key_file", encryption_key_file, "oidcd.kek"),
    CHOICE("keys", "algorithm", key_algorithm, "RS256", "RS256 ES256"),
    LONG("keys", "publish_ahead", publish_ahead, "120", 0, 31536000),
    CHOICE("log", "level", log_level, "info", "debug info warn error"),
    LONG("log", "flush_interval_ms", log_flush_interval_ms, "100", 0, 10000),
    BOOL("introspection", "validate_audience_scope", introspection_validate_audience_scope, "true"),
    BOOL("introspection", "response_scope", introspection_response_scope, "false"),
};

#define NSETTINGS (sizeof settings / sizeof settings[0])

static enum err parse_long(const char *v, long lo, long hi, long *out)
{
    char *end;
    long n;

    errno = 0;
    n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < lo || n > hi)
        return ERR_CONFIG;
    *out = n;
    return ERR_OK;
}

static bool word_in(const char *v, const char *set)
{
    size_t n = strlen(v);

    while (*set) {
        size_t m = strcspn(set, " ");
        if (m == n && n && strncmp(set, v, n) == 0)
            return true;
        set += m;
        if (*set)
            set++;
    }
    return false;
}

static enum err parse_bool(const char *v, bool *out)
{
    if (word_in(v, "true yes on 1"))
        *out = true;
    else if (word_in(v, "false no off 0"))
        *out = false;
    else
        return ERR_CONFIG;
    return ERR_OK;
}

static enum err copy_str(char *dst, size_t size, const char *v)
{
    return text_copy(dst, size, v) ? ERR_OK : ERR_CONFIG;
}

static enum err parse_listen(struct config *c, const char *v)
{
    const char *colon = strrchr(v, ':');
    size_t hlen;
    long port;

    if (!colon || colon == v)
        return ERR_CONFIG;
    hlen = (size_t)(colon - v);
    if (v[0] == '[' && hlen >= 2 && v[hlen - 1] == ']') {
        v++;
        hlen -= 2;
    }
    if (hlen == 0 || memchr(v, '[', hlen) || memchr(v, ']', hlen) ||
        hlen >= sizeof c->listen_host || parse_long(colon + 1, 1, 65535, &port))
        return ERR_CONFIG;
    memcpy(c->listen_host, v, hlen);
    c->listen_host[hlen] = '\0';
    c->listen_port = (int)port;
    return ERR_OK;
}

/* An issuer is http(s)://authority[/path] with no query, fragment or trailing
 * slash (OpenID Connect Discovery §3, RFC 8414 §2). */
static enum err parse_issuer(struct config *c, const char *v)
{
    const char *rest, *slash;
    size_t n = strlen(v);

    if (strncmp(v, "https://", 8) == 0)
        rest = v + 8;
    else if (strncmp(v, "http://", 7) == 0)
        rest = v + 7;
    else
        return ERR_CONFIG;
    if (!*rest || *rest == '/' || strpbrk(v, "?#") || v[n - 1] == '/' || strpbrk(v, " \t"))
        return ERR_CONFIG;
    if (copy_str(c->issuer, sizeof c->issuer, v))
        return ERR_CONFIG;
    slash = strchr(rest, '/');
    return copy_str(c->issuer_path, sizeof c->issuer_path, slash ? slash : "");
}

static enum err apply(struct config *c, const struct setting *s, const char *v)
{
    char *field = (char *)c + s->offset;

    switch (s->kind) {
    case K_STRING:
        return *v ? copy_str(field, s->size, v) : ERR_CONFIG;
    case K_LONG:
        return parse_long(v, s->min, s->max, (long *)(void *)field);
    case K_BOOL:
        return parse_bool(v, (bool *)field);
    case K_CHOICE:
        return word_in(v, s->choices) ? copy_str(field, s->size, v) : ERR_CONFIG;
    case K_LISTEN:
        return parse_listen(c, v);
    case K_ISSUER:
        return parse_issuer(c, v);
    }
    return ERR_CONFIG;
}

static void say_bad_value(const struct setting *s, const char *v, const char *from, char *why,
                          size_t n)
{
    if (s->kind == K_LONG)
        snprintf(why, n, "%s: bad value \"%s\" for %s.%s (a whole number from %ld to %ld)", from, v,
                 s->section, s->key, s->min, s->max);
    else if (s->kind == K_BOOL)
        snprintf(why, n, "%s: bad value \"%s\" for %s.%s (true or false)", from, v, s->section,
                 s->key);
    else if (s->kind == K_CHOICE)
        snprintf(why, n, "%s: bad value \"%s\" for %s.%s (one of: %s)", from, v, s->section, s->key,
                 s->choices);
    else
        snprintf(why, n, "%s: bad value \"%s\" for %s.%s", from, v, s->section, s->key);
}

struct ini_state {
    struct config *c;
    const char *path;
    char *why;
    size_t whylen;
    bool failed;
};

static int on_ini_value(void *user, const char *section, const char *key, const char *value)
{
    struct ini_state *st = user;
    size_t i;

    if (st->failed)
        return 0;
    for (i = 0; i < NSETTINGS; i++) {
        if (strcmp(settings[i].section, section) || strcmp(settings[i].key, key))
            continue;
        if (apply(st->c, &settings[i], value) == ERR_OK)
            return 1;
        say_bad_value(&settings[i], value, st->path, st->why, st->whylen);
        st->failed = true;
        return 0;
    }
    snprintf(st->why, st->whylen, "%s: unknown setting [%s] %s", st->path, section, key);
    st->failed = true;
    return 0;
}

static enum err load_file(struct config *c, const char *path, char *why, size_t whylen)
{
    struct ini_state st = {c, path, why, whylen, false};
    FILE *f = fopen(path, "r");
    struct stat st_file;
    int line;

    if (!f) {
        snprintf(why, whylen, "cannot read config file %s: %s", path, strerror(errno));
        return ERR_CONFIG;
    }
    if (fstat(fileno(f), &st_file) != 0 || S_ISDIR(st_file.st_mode)) {
        snprintf(why, whylen, "cannot read config file %s: not a file", path);
        fclose(f);
        return ERR_CONFIG;
    }
    line = ini_parse_file(f, on_ini_value, &st);
    if (ferror(f) && !st.failed) {
        snprintf(why, whylen, "cannot read config file %s: %s", path, strerror(errno));
        st.failed = true;
    }
    fclose(f);
    if (st.failed)
        return ERR_CONFIG;
    if (line) {
        snprintf(why, whylen, "%s:%d: syntax error", path, line);
        return ERR_CONFIG;
    }
    return ERR_OK;
}

static void env_name(const struct setting *s, char *out, size_t n)
{
    size_t i;

    snprintf(out, n, "OIDCD_%s_%s", s->section, s->key);
    for (i = 0; out[i]; i++)
        out[i] = (char)toupper((unsigned char)out[i]);
}

static enum err load_env(struct config *c, char *why, size_t whylen)
{
    char name[128];
    const char *v;
    size_t i;

    for (i = 0; i < NSETTINGS; i++) {
        env_name(&settings[i], name, sizeof name);
        v = getenv(name);
        if (!v)
            continue;
        if (apply(c, &settings[i], v)) {
            say_bad_value(&settings[i], v, name, why, whylen);
            return ERR_CONFIG;
        }
    }
    return ERR_OK;
}

enum err config_load(struct config *c, const char *path, char *why, size_t whylen)
{
    size_t i;
    enum err rc;

    memset(c, 0, sizeof *c);
    for (i = 0; i < NSETTINGS; i++) {
        rc = apply(c, &settings[i], settings[i].def);
        if (rc) {
            snprintf(why, whylen, "bad built-in default for %s.%s", settings[i].section,
                     settings[i].key);
            return rc;
        }
    }
    if (path) {
        rc = load_file(c, path, why, whylen);
        if (rc)
            return rc;
    }
    rc = load_env(c, why, whylen);
    if (rc)
        return rc;
    if (c->threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        c->threads = n > 0 ? n : 1;
    }
    return ERR_OK;
}

long config_max_token_ttl(const struct config *c)
{
    return c->access_token_ttl;
}
