#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/claim_name.h"
#include "core/config_settings.h"
#include "core/db_url.h"
#include "core/text.h"

/* A config file larger than this is refused rather than read in part. */
#define CONFIG_FILE_MAX (64 * 1024)

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

static enum err parse_bool(const char *v, bool *out)
{
    if (text_has_word("true yes on 1", v))
        *out = true;
    else if (text_has_word("false no off 0", v))
        *out = false;
    else
        return ERR_CONFIG;
    return ERR_OK;
}

static enum err copy_str(char *dst, size_t size, const char *v)
{
    return text_copy(dst, size, v) ? ERR_OK : ERR_CONFIG;
}

static enum err parse_listen(struct config_address *a, const char *v, bool optional,
                             const char **hint)
{
    const char *colon = strrchr(v, ':');
    size_t hlen;
    long port;

    *hint = optional ? "empty, or host:port with a port from 1 to 65535; [::1]:9100 for IPv6"
                     : "host:port with a port from 1 to 65535; [::1]:8000 for IPv6";
    if (optional && !*v) {
        a->host[0] = '\0';
        a->port = 0;
        return ERR_OK;
    }
    if (!colon || colon == v)
        return ERR_CONFIG;
    hlen = (size_t)(colon - v);
    if (v[0] == '[' && hlen >= 2 && v[hlen - 1] == ']') {
        v++;
        hlen -= 2;
    }
    if (hlen == 0 || memchr(v, '[', hlen) || memchr(v, ']', hlen) || hlen >= sizeof a->host ||
        !text_port(colon + 1, strlen(colon + 1), &port))
        return ERR_CONFIG;
    memcpy(a->host, v, hlen);
    a->host[hlen] = '\0';
    a->port = (int)port;
    return ERR_OK;
}

/* host[:port] of an issuer (RFC 3986 §3.2): a host name or address, or an
 * IPv6 address in brackets; no user information; a port from 1 to 65535. */
static bool authority_ok(const char *a, size_t n)
{
    const char *colon;
    size_t hlen;

    if (n > 0 && a[0] == '[') {
        const char *close = memchr(a, ']', n);
        if (!close || !text_is_ipv6(a + 1, (size_t)(close - a - 1)))
            return false;
        hlen = (size_t)(close - a) + 1;
    } else {
        colon = memchr(a, ':', n);
        hlen = colon ? (size_t)(colon - a) : n;
        if (hlen == 0 || !text_all_in(a, hlen, "-._~"))
            return false;
    }
    if (hlen == n)
        return true;
    return a[hlen] == ':' && text_port(a + hlen + 1, n - hlen - 1, NULL);
}

/* An issuer is http(s)://host[:port][/path] with no query, fragment or
 * trailing slash (OpenID Connect Discovery §3, RFC 8414 §2). */
static enum err parse_issuer(struct config *c, const char *v, const char **hint)
{
    const char *rest, *slash;
    size_t n = strlen(v);

    *hint = "http(s)://host[:port][/path] with a port from 1 to 65535 and no trailing slash, "
            "query or fragment";
    if (strncmp(v, "https://", 8) == 0)
        rest = v + 8;
    else if (strncmp(v, "http://", 7) == 0)
        rest = v + 7;
    else
        return ERR_CONFIG;
    if (strpbrk(v, "?# \t") || v[n - 1] == '/' || !authority_ok(rest, strcspn(rest, "/")))
        return ERR_CONFIG;
    if (copy_str(c->issuer, sizeof c->issuer, v))
        return ERR_CONFIG;
    slash = strchr(rest, '/');
    return copy_str(c->issuer_path, sizeof c->issuer_path, slash ? slash : "");
}

/* sqlite:PATH, a file that outlives the process: not SQLite's in-memory or
 * temporary databases (":memory:", ""), which would lose every change the
 * moment a command ends, nor its URI file names ("file:…?mode=…").
 * A PostgreSQL URI or key=value string is only recognised here; the store
 * checks it (store_url_check, at open and by `config check`). */
static enum err parse_database_url(char *dst, size_t size, const char *v, const char **hint)
{
    const char *path;

    if (strncmp(v, "postgresql://", 13) == 0 || strncmp(v, "postgres://", 11) == 0 ||
        (strncmp(v, "sqlite:", 7) != 0 && strchr(v, '=') != NULL)) {
        *hint = "too long";
        return copy_str(dst, size, v);
    }
    if (strncmp(v, "sqlite:", 7) != 0) {
        *hint = "use sqlite:PATH, postgresql://… or a PostgreSQL key=value string";
        return ERR_CONFIG;
    }
    path = v + strlen("sqlite:");
    if (*path == '\0' || strcasecmp(path, ":memory:") == 0) {
        *hint = "sqlite:PATH needs the path of a database file; an in-memory or temporary "
                "database would lose every change";
        return ERR_CONFIG;
    }
    if (strncasecmp(path, "file:", 5) == 0) {
        *hint = "SQLite URI file names are not supported; use sqlite:PATH";
        return ERR_CONFIG;
    }
    *hint = "too long";
    return copy_str(dst, size, v);
}

/* Sets the field of s from v. On failure *hint may name what is expected. */
static enum err apply(struct config *c, const struct setting *s, const char *v, const char **hint)
{
    char *field = (char *)c + s->offset;

    *hint = NULL;
    switch (s->kind) {
    case K_STRING:
        *hint = *v ? "too long" : "must not be empty";
        return *v ? copy_str(field, s->size, v) : ERR_CONFIG;
    case K_STRING_OPT:
        *hint = "too long";
        return copy_str(field, s->size, v);
    case K_CLAIM_NAMES:
        return claim_names_parse(field, s->size, v, hint);
    case K_LONG:
        return parse_long(v, s->min, s->max, (long *)(void *)field);
    case K_BOOL:
        return parse_bool(v, (bool *)field);
    case K_CHOICE:
        return text_has_word(s->choices, v) ? copy_str(field, s->size, v) : ERR_CONFIG;
    case K_LISTEN:
    case K_LISTEN_OPT:
        return parse_listen((struct config_address *)(void *)field, v, s->kind == K_LISTEN_OPT,
                            hint);
    case K_ISSUER:
        return parse_issuer(c, v, hint);
    case K_DATABASE_URL:
        return parse_database_url(field, s->size, v, hint);
    }
    return ERR_CONFIG;
}

/* v as it may be shown in a one-line message: control characters become '?',
 * and a long value is cut short. */
static const char *shown(const char *v, char *buf, size_t n)
{
    size_t i;

    for (i = 0; v[i] && i + 4 < n; i++)
        buf[i] = iscntrl((unsigned char)v[i]) ? '?' : v[i];
    if (v[i]) {
        memcpy(buf + i, "...", 3);
        i += 3;
    }
    buf[i] = '\0';
    return buf;
}

static void say_bad_value(const struct setting *s, const char *v, const char *hint,
                          const char *from, char *why, size_t n)
{
    char value[128], masked[1100];

    if (s->kind == K_DATABASE_URL) {
        mask_database_url(v, masked, sizeof masked); /* a password is never shown */
        v = masked;
    }
    shown(v, value, sizeof value);
    if (s->kind == K_LONG)
        snprintf(why, n, "%s: bad value \"%s\" for %s.%s (a whole number from %ld to %ld)", from,
                 value, s->section, s->key, s->min, s->max);
    else if (s->kind == K_BOOL)
        snprintf(why, n, "%s: bad value \"%s\" for %s.%s (true or false)", from, value, s->section,
                 s->key);
    else if (s->kind == K_CHOICE)
        snprintf(why, n, "%s: bad value \"%s\" for %s.%s (one of: %s)", from, value, s->section,
                 s->key, s->choices);
    else if (hint)
        snprintf(why, n, "%s: bad value \"%s\" for %s.%s (%s)", from, value, s->section, s->key,
                 hint);
    else
        snprintf(why, n, "%s: bad value \"%s\" for %s.%s", from, value, s->section, s->key);
}

/* Parsing one file. inih reads it through next_line, which counts lines (inih
 * does not tell its handler where it is), strips leading white space (so no
 * line continues the previous value) and checks what inih lets pass: lines
 * too long for its buffer, and sections that hold no setting. */
/* Where each setting got its value: the file's line, or the environment. */
struct trace {
    int set_on[CONFIG_SETTINGS_MAX];        /* the line that set config_settings[i], or 0 */
    bool from_env[CONFIG_SETTINGS_MAX];     /* OIDCD_<SECTION>_<KEY> set it */
    int scope_set_on[CONFIG_SCOPES_MAX][2]; /* the lines that set claims, description */
};

struct ini_state {
    struct config *c;
    struct trace *trace;
    const char *path;
    char *why;
    size_t whylen;
    const char *next, *end; /* the part of the file not yet read */
    int line;               /* the line inih is parsing */
    int err_line;           /* the line why is about; 0 while all is well */
};

/* Writes "FILE:LINE: message" into why; returns 0 for inih's handler. */
static int __attribute__((format(printf, 2, 3))) fail_at(struct ini_state *st, const char *fmt, ...)
{
    va_list ap;
    int n;

    n = snprintf(st->why, st->whylen, "%s:%d: ", st->path, st->line);
    if (n >= 0 && (size_t)n < st->whylen) {
        va_start(ap, fmt);
        vsnprintf(st->why + n, st->whylen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    st->err_line = st->line;
    return 0;
}

static bool section_known(const char *name, size_t n)
{
    size_t i;

    for (i = 0; i < config_settings_count; i++)
        if (strlen(config_settings[i].section) == n &&
            strncmp(config_settings[i].section, name, n) == 0)
            return true;
    return false;
}

/* The scopes OpenID Connect defines (Core §5.4, §11): a [scope.NAME]
 * section cannot change what they release. */
#define OIDC_SCOPES "openid profile email phone address offline_access"

/* A scope token (RFC 6749 §3.3): NQCHAR, printable ASCII but '"' and '\\'. */
static bool scope_token_ok(const char *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (p[i] < 0x21 || p[i] > 0x7e || p[i] == '"' || p[i] == '\\')
            return false;
    return n > 0;
}

static struct config_scope *scope_find(struct config *c, const char *name, size_t n)
{
    size_t i;

    for (i = 0; i < c->nscopes; i++)
        if (strlen(c->scopes[i].name) == n && memcmp(c->scopes[i].name, name, n) == 0)
            return &c->scopes[i];
    return NULL;
}

/* A [scope.NAME] line: NAME checked, its scope added unless the section was
 * opened before. */
static bool scope_section_ok(struct ini_state *st, const char *name, size_t n)
{
    struct config *c = st->c;
    char word[CONFIG_SCOPE_NAME_MAX + 1];

    if (n == 0 || n > CONFIG_SCOPE_NAME_MAX || !scope_token_ok(name, n)) {
        fail_at(st,
                "bad scope name [scope.%.*s] (1 to %d printable characters, no space, quote "
                "or backslash)",
                (int)n, name, CONFIG_SCOPE_NAME_MAX);
        return false;
    }
    memcpy(word, name, n);
    word[n] = '\0';
    if (text_has_word(OIDC_SCOPES, word)) {
        fail_at(st, "[scope.%s]: OpenID Connect defines this scope; it cannot be changed", word);
        return false;
    }
    if (scope_find(c, name, n))
        return true;
    if (c->nscopes == CONFIG_SCOPES_MAX) {
        fail_at(st, "more than %d [scope.NAME] sections", CONFIG_SCOPES_MAX);
        return false;
    }
    memcpy(c->scopes[c->nscopes++].name, word, n + 1);
    return true;
}

/* Checks a line that opens a section; false (why written) when it is bad. */
static bool section_ok(struct ini_state *st, const char *line)
{
    const char *close = strchr(line, ']'), *after;
    size_t n;

    if (!close) {
        fail_at(st, "syntax error: \"[\" without \"]\"");
        return false;
    }
    after = close + 1 + strspn(close + 1, " \t");
    if (*after && *after != ';' && *after != '#') {
        fail_at(st, "syntax error: text after \"]\"");
        return false;
    }
    n = (size_t)(close - line - 1);
    if (n >= 6 && strncmp(line + 1, "scope.", 6) == 0)
        return scope_section_ok(st, line + 7, n - 6);
    if (!section_known(line + 1, n)) {
        fail_at(st, "unknown section [%.*s]", (int)n, line + 1);
        return false;
    }
    return true;
}

/* Control characters other than tab: none belongs in a setting, and one
 * echoed into an error message could break it over lines. */
static bool has_control(const char *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (p[i] != '\t' && iscntrl((unsigned char)p[i]))
            return true;
    return false;
}

/* inih's reader (fgets-like): copies the next line, without its line end and
 * leading white space, into buf of size bytes. */
static char *next_line(char *buf, int size, void *stream)
{
    struct ini_state *st = stream;
    const char *p = st->next, *nl;
    size_t n;

    if (st->err_line || p >= st->end)
        return NULL;
    nl = memchr(p, '\n', (size_t)(st->end - p));
    n = nl ? (size_t)(nl - p) : (size_t)(st->end - p);
    st->next = nl ? nl + 1 : st->end;
    st->line++;
    if (n > 0 && p[n - 1] == '\r')
        n--;
    if (st->line == 1 && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
        p += 3;
        n -= 3;
    }
    if (has_control(p, n)) {
        fail_at(st, "syntax error: control character");
        return NULL;
    }
    while (n > 0 && (*p == ' ' || *p == '\t')) {
        p++;
        n--;
    }
    if (n > 0 && (*p == ';' || *p == '#'))
        n = 0; /* a comment may be as long as it likes */
    if (size < 1 || n > (size_t)size - 1) {
        fail_at(st, "line longer than %d characters (the most a line may hold)", size - 1);
        return NULL;
    }
    memcpy(buf, p, n);
    buf[n] = '\0';
    if (buf[0] == '[')
        return section_ok(st, buf) ? buf : NULL;
    /* inih also takes "key: value"; this file format is "key = value" */
    if (n > 0 && buf[strcspn(buf, "=:")] != '=') {
        fail_at(st, "syntax error: expected key = value");
        return NULL;
    }
    return buf;
}

/* claims or description in a [scope.NAME] section (opened by section_ok). */
static int on_scope_value(struct ini_state *st, const char *name, const char *key,
                          const char *value)
{
    struct config_scope *sc = scope_find(st->c, name, strlen(name));
    const char *hint = "too long";
    int k, *set_on;
    enum err rc;

    if (!sc)
        return fail_at(st, "unknown section [scope.%s]", name);
    if (strcmp(key, "claims") == 0)
        k = 0;
    else if (strcmp(key, "description") == 0)
        k = 1;
    else
        return fail_at(st, "unknown setting [scope.%s] %s (claims or description)", name, key);
    set_on = &st->trace->scope_set_on[sc - st->c->scopes][k];
    if (*set_on)
        return fail_at(st, "[scope.%s] %s is set again (first on line %d)", name, key, *set_on);
    *set_on = st->line;
    if (k == 0)
        rc = claim_names_parse(sc->claims, sizeof sc->claims, value, &hint);
    else
        rc = copy_str(sc->description, sizeof sc->description, value);
    if (rc)
        return fail_at(st, "bad value for [scope.%s] %s (%s)", name, key, hint);
    return 1;
}

static int on_ini_value(void *user, const char *section, const char *key, const char *value)
{
    struct ini_state *st = user;
    char where[1100];
    const char *hint;
    size_t i;

    if (st->err_line)
        return 0;
    if (!*section)
        return fail_at(st, "\"%s\" comes before any [section]", key);
    if (strncmp(section, "scope.", 6) == 0)
        return on_scope_value(st, section + 6, key, value);
    for (i = 0; i < config_settings_count; i++)
        if (strcmp(config_settings[i].section, section) == 0 &&
            strcmp(config_settings[i].key, key) == 0)
            break;
    if (i == config_settings_count)
        return fail_at(st, "unknown setting [%s] %s", section, key);
    if (st->trace->set_on[i])
        return fail_at(st, "[%s] %s is set again (first on line %d)", section, key,
                       st->trace->set_on[i]);
    st->trace->set_on[i] = st->line;
    if (apply(st->c, &config_settings[i], value, &hint) == ERR_OK)
        return 1;
    snprintf(where, sizeof where, "%s:%d", st->path, st->line);
    say_bad_value(&config_settings[i], value, hint, where, st->why, st->whylen);
    st->err_line = st->line;
    return 0;
}

/* Reads the whole file (at most CONFIG_FILE_MAX bytes) into a new buffer. */
static enum err read_whole(const char *path, char **out, size_t *len, char *why, size_t whylen)
{
    FILE *f = fopen(path, "r");
    struct stat st;
    char *buf = NULL;
    size_t n = 0;
    enum err rc = ERR_CONFIG;

    if (!f) {
        snprintf(why, whylen, "cannot read config file %s: %s", path, strerror(errno));
        return ERR_CONFIG;
    }
    if (fstat(fileno(f), &st) != 0 || S_ISDIR(st.st_mode)) {
        snprintf(why, whylen, "cannot read config file %s: not a file", path);
        goto out;
    }
    buf = malloc(CONFIG_FILE_MAX + 1);
    if (!buf) {
        snprintf(why, whylen, "cannot read config file %s: out of memory", path);
        goto out;
    }
    n = fread(buf, 1, CONFIG_FILE_MAX + 1, f);
    if (ferror(f))
        snprintf(why, whylen, "cannot read config file %s: %s", path, strerror(errno));
    else if (n > CONFIG_FILE_MAX)
        snprintf(why, whylen, "config file %s is larger than %d bytes", path, CONFIG_FILE_MAX);
    else
        rc = ERR_OK;
out:
    fclose(f);
    if (rc) {
        free(buf);
        return rc;
    }
    *out = buf;
    *len = n;
    return ERR_OK;
}

static enum err load_file(struct config *c, const char *path, struct trace *trace, char *why,
                          size_t whylen)
{
    struct ini_state st = {.c = c, .trace = trace, .path = path, .why = why, .whylen = whylen};
    char *text = NULL;
    size_t len = 0;
    int line;

    if (read_whole(path, &text, &len, why, whylen))
        return ERR_CONFIG;
    st.next = text;
    st.end = text + len;
    line = ini_parse_stream(next_line, &st, on_ini_value, &st);
    free(text);
    /* inih goes on after a syntax error; ours stop it. The first one counts. */
    if (line > 0 && (!st.err_line || line < st.err_line))
        snprintf(why, whylen, "%s:%d: syntax error (expected [section] or key = value)", path,
                 line);
    else if (line < 0 && !st.err_line)
        snprintf(why, whylen, "cannot parse config file %s", path);
    return line || st.err_line ? ERR_CONFIG : ERR_OK;
}

static void env_name(const struct setting *s, char *out, size_t n)
{
    size_t i;

    snprintf(out, n, "OIDCD_%s_%s", s->section, s->key);
    for (i = 0; out[i]; i++)
        out[i] = (char)toupper((unsigned char)out[i]);
}

static enum err load_env(struct config *c, struct trace *trace, char *why, size_t whylen)
{
    char name[128];
    const char *v, *hint;
    size_t i;

    for (i = 0; i < config_settings_count; i++) {
        env_name(&config_settings[i], name, sizeof name);
        v = getenv(name);
        if (!v)
            continue;
        if (apply(c, &config_settings[i], v, &hint)) {
            say_bad_value(&config_settings[i], v, hint, name, why, whylen);
            return ERR_CONFIG;
        }
        trace->from_env[i] = true;
    }
    return ERR_OK;
}

/* config_load, telling trace where each value came from. */
static enum err load(struct config *c, const char *path, struct trace *trace, char *why,
                     size_t whylen)
{
    const char *hint;
    size_t i;
    enum err rc;

    memset(c, 0, sizeof *c);
    for (i = 0; i < config_settings_count; i++) {
        rc = apply(c, &config_settings[i], config_settings[i].def, &hint);
        if (rc) {
            snprintf(why, whylen, "bad built-in default for %s.%s", config_settings[i].section,
                     config_settings[i].key);
            return rc;
        }
    }
    memset(trace, 0, sizeof *trace);
    if (path) {
        if (!text_copy(c->path, sizeof c->path, path)) {
            snprintf(why, whylen, "config file name too long");
            return ERR_CONFIG;
        }
        rc = load_file(c, path, trace, why, whylen);
        if (rc)
            return rc;
    }
    rc = load_env(c, trace, why, whylen);
    if (rc)
        return rc;
    if (c->argon2_memory_kib < 8 * c->argon2_parallelism) {
        snprintf(why, whylen,
                 "passwords.argon2_memory_kib (%ld) must be at least 8 times "
                 "passwords.argon2_parallelism (%ld)",
                 c->argon2_memory_kib, c->argon2_parallelism);
        return ERR_CONFIG;
    }
    rc = config_webauthn_check(c, why, whylen);
    if (rc)
        return rc;
    if (c->threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        c->threads = n > 0 ? n : 1;
    }
    return ERR_OK;
}

enum err config_load(struct config *c, const char *path, char *why, size_t whylen)
{
    struct trace trace;

    return load(c, path, &trace, why, whylen);
}

/* The value of s in c as the file would say it. */
static void value_text(const struct config *c, const struct setting *s, char *out, size_t n)
{
    const char *field = (const char *)c + s->offset;

    switch (s->kind) {
    case K_LONG:
        snprintf(out, n, "%ld", *(const long *)(const void *)field);
        return;
    case K_BOOL:
        snprintf(out, n, "%s", *(const bool *)field ? "true" : "false");
        return;
    case K_LISTEN:
    case K_LISTEN_OPT: {
        const struct config_address *a = (const void *)field;
        if (!a->port)
            out[0] = '\0';
        else
            snprintf(out, n, strchr(a->host, ':') ? "[%s]:%d" : "%s:%d", a->host, a->port);
        return;
    }
    case K_DATABASE_URL:
        mask_database_url(field, out, n);
        return;
    default:
        snprintf(out, n, "%s", field);
        return;
    }
}

static void origin_text(const char *path, int line, bool env, const struct setting *s, char *out,
                        size_t n)
{
    if (env)
        env_name(s, out, n);
    else if (line)
        snprintf(out, n, "%s:%d", path, line);
    else
        snprintf(out, n, "default");
}

enum err config_explain(const struct config *loaded, config_item_fn *each, void *arg, char *why,
                        size_t whylen)
{
    static const char *const scope_keys[2] = {"claims", "description"};
    struct config *c = malloc(sizeof *c);
    struct config_item item;
    struct trace *trace = malloc(sizeof *trace);
    char section[CONFIG_SCOPE_NAME_MAX + 8];
    enum err rc = ERR_NOMEM;
    size_t i, k;

    if (!c || !trace)
        goto out;
    rc = load(c, loaded->path[0] ? loaded->path : NULL, trace, why, whylen);
    for (i = 0; !rc && i < config_settings_count; i++) {
        item.section = config_settings[i].section;
        item.key = config_settings[i].key;
        value_text(c, &config_settings[i], item.value, sizeof item.value);
        origin_text(c->path, trace->set_on[i], trace->from_env[i], &config_settings[i], item.origin,
                    sizeof item.origin);
        each(&item, arg);
    }
    for (i = 0; !rc && i < c->nscopes; i++) {
        snprintf(section, sizeof section, "scope.%s", c->scopes[i].name);
        for (k = 0; k < 2; k++) {
            item.section = section;
            item.key = scope_keys[k];
            snprintf(item.value, sizeof item.value, "%s",
                     k ? c->scopes[i].description : c->scopes[i].claims);
            snprintf(item.origin, sizeof item.origin, trace->scope_set_on[i][k] ? "%s:%d" : "%s",
                     trace->scope_set_on[i][k] ? c->path : "default", trace->scope_set_on[i][k]);
            each(&item, arg);
        }
    }
out:
    free(c);
    free(trace);
    return rc;
}

const struct config_scope *config_scope_get(const struct config *c, const char *name)
{
    size_t i;

    for (i = 0; i < c->nscopes; i++)
        if (strcmp(c->scopes[i].name, name) == 0)
            return &c->scopes[i];
    return NULL;
}

long config_max_token_ttl(const struct config *c)
{
    return c->access_token_ttl > c->id_token_ttl ? c->access_token_ttl : c->id_token_ttl;
}

static size_t field_size(const struct setting *s)
{
    switch (s->kind) {
    case K_LONG:
        return sizeof(long);
    case K_BOOL:
        return sizeof(bool);
    case K_LISTEN:
    case K_LISTEN_OPT:
        return sizeof(struct config_address);
    default:
        return s->size;
    }
}

static bool field_equal(const struct config *a, const struct config *b, const struct setting *s)
{
    const char *fa = (const char *)a + s->offset, *fb = (const char *)b + s->offset;
    const struct config_address *la = (const void *)fa, *lb = (const void *)fb;

    switch (s->kind) {
    case K_LONG:
        return *(const long *)(const void *)fa == *(const long *)(const void *)fb;
    case K_BOOL:
        return *(const bool *)fa == *(const bool *)fb;
    case K_LISTEN:
    case K_LISTEN_OPT:
        return la->port == lb->port && strcmp(la->host, lb->host) == 0;
    default:
        return strcmp(fa, fb) == 0;
    }
}

static bool scopes_equal(const struct config *a, const struct config *b)
{
    size_t i;

    if (a->nscopes != b->nscopes)
        return false;
    for (i = 0; i < a->nscopes; i++)
        if (strcmp(a->scopes[i].name, b->scopes[i].name) != 0 ||
            strcmp(a->scopes[i].claims, b->scopes[i].claims) != 0 ||
            strcmp(a->scopes[i].description, b->scopes[i].description) != 0)
            return false;
    return true;
}

void config_each_change(struct config *fresh, const struct config *old, config_change_fn *each,
                        void *arg)
{
    size_t i;

    for (i = 0; i < config_settings_count; i++) {
        if (field_equal(fresh, old, &config_settings[i]) ||
            !each(config_settings[i].section, config_settings[i].key, arg))
            continue;
        memcpy((char *)fresh + config_settings[i].offset,
               (const char *)old + config_settings[i].offset, field_size(&config_settings[i]));
        if (config_settings[i].kind == K_ISSUER)
            memcpy(fresh->issuer_path, old->issuer_path, sizeof fresh->issuer_path);
    }
    if (!scopes_equal(fresh, old) && each("scope", "*", arg)) {
        memcpy(fresh->scopes, old->scopes, sizeof fresh->scopes);
        fresh->nscopes = old->nscopes;
    }
}
