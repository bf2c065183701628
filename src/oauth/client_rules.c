#include "oauth/client_rules.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/rand.h"
#include "core/text.h"
#include "core/url.h"
#include "oauth/scope.h"

#define ID_BYTES 18
#define SECRET_BYTES 32

static const char *const grant_types[] = {
    "authorization_code", "implicit", "refresh_token", "client_credentials", "password", NULL,
};

/* Response types as sets of the words code, id_token and token (RT_*),
 * each set spelled once; NULL where the set is not a response type we
 * support (none, and the plain OAuth implicit "token"). */
static const char *const response_spelling[8] = {
    NULL, "code",       "id_token",       "code id_token",
    NULL, "code token", "id_token token", "code id_token token",
};

static const char *const refused_schemes[] = {"javascript", "data", "vbscript", "file", NULL};

/* -- redirect URIs ------------------------------------------------------- */

enum uri_fault {
    URI_OK,
    URI_LENGTH,
    URI_FRAGMENT,
    URI_CHARS,
    URI_SCHEME,
    URI_REFUSED_SCHEME,
    URI_HTTP,
    URI_FAULTS
};

#define TEXT(x) #x
#define NUMBER(x) TEXT(x)
#define URI_WHY(what)                                                                              \
    {                                                                                              \
        [URI_LENGTH] = what " must be 1 to " NUMBER(LIMIT_URI) " bytes",                           \
        [URI_FRAGMENT] = what " must not have a fragment (#)",                                     \
        [URI_CHARS] = what " must hold only characters a URI may hold (ASCII, no white space or "  \
                           "control bytes, %-escapes of two hex digits)",                          \
        [URI_SCHEME] = what " must be absolute: a scheme (a letter, then letters, digits, +, -, "  \
                            ".), a colon and more",                                                \
        [URI_REFUSED_SCHEME] = what " must not use the scheme javascript, data, vbscript or file", \
        [URI_HTTP] = what " of scheme http or https needs //host, an optional :port (1-65535) "    \
                          "and no user info",                                                      \
    }
static const char *const uri_why[4][URI_FAULTS] = {
    URI_WHY("a redirect URI"), URI_WHY("a post-logout redirect URI"),
    URI_WHY("the back-channel logout URI"), URI_WHY("the sector identifier URI")};
#undef URI_WHY

static bool is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static bool is_hex(unsigned char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* RFC 3986 §2.3 unreserved and §2.2 sub-delims: what a host name may hold
 * besides %-escapes. */
static bool is_host_char(unsigned char c)
{
    return is_alpha(c) || is_digit(c) || (c && strchr("-._~!$&'()*+,;=", c));
}

/* Every character of RFC 3986 §2 but '#', with each '%' starting an escape. */
static bool uri_chars_ok(const char *u)
{
    size_t i;

    for (i = 0; u[i]; i++) {
        unsigned char c = (unsigned char)u[i];
        if (c == '%' && is_hex((unsigned char)u[i + 1]) && is_hex((unsigned char)u[i + 2]))
            i += 2;
        else if (!is_host_char(c) && !strchr(":/?[]@", c))
            return false;
    }
    return true;
}

static bool scheme_is(const char *u, size_t n, const char *scheme)
{
    return strlen(scheme) == n && strncasecmp(u, scheme, n) == 0;
}

/* Brackets belong only around the IP literal of an authority (RFC 3986
 * §3.2.2): at most one pair, '[' where authority starts (NULL: none may). */
static bool brackets_ok(const char *u, const char *authority)
{
    const char *open = strchr(u, '['), *close = strchr(u, ']');

    if (!open && !close)
        return true;
    return open && open == authority && close > open && !strchr(open + 1, '[') &&
           !strchr(close + 1, ']');
}

/* The n bytes at a as host [":" port]: an IPv6 literal "[…]" or a non-empty
 * registered name; no user info. */
static bool authority_ok(const char *a, size_t n)
{
    size_t h = 0;

    if (n && a[0] == '[') {
        const char *close = memchr(a, ']', n);
        if (!close || !text_is_ipv6(a + 1, (size_t)(close - a - 1)))
            return false;
        h = (size_t)(close - a) + 1;
    } else {
        while (h < n && (is_host_char((unsigned char)a[h]) || a[h] == '%'))
            h++;
        if (h == 0)
            return false;
    }
    return h == n || (a[h] == ':' && text_port(a + h + 1, n - h - 1, NULL));
}

static enum uri_fault uri_check(const char *u)
{
    const char *const *bad;
    size_t len = strlen(u), s;
    const char *rest;
    bool http;

    if (len == 0 || len > LIMIT_URI)
        return URI_LENGTH;
    s = url_scheme_length(u);
    if (s == 0)
        return uri_chars_ok(u) ? URI_SCHEME : URI_CHARS;
    for (bad = refused_schemes; *bad; bad++)
        if (scheme_is(u, s, *bad))
            return URI_REFUSED_SCHEME;
    if (strchr(u, '#'))
        return URI_FRAGMENT;
    if (!uri_chars_ok(u))
        return URI_CHARS;
    rest = u + s + 1;
    http = scheme_is(u, s, "http") || scheme_is(u, s, "https");
    if (!brackets_ok(u, http && strncmp(rest, "//", 2) == 0 ? rest + 2 : NULL))
        return http ? URI_HTTP : URI_CHARS;
    if (http)
        return strncmp(rest, "//", 2) == 0 && authority_ok(rest + 2, strcspn(rest + 2, "/?"))
                   ? URI_OK
                   : URI_HTTP;
    /* a private-use scheme of a native app (RFC 8252 §7.1), a urn, … */
    return *rest ? URI_OK : URI_SCHEME;
}

/* NULL when every URI of l is good; else why, for the list of kind (0:
 * redirect URIs, 1: post-logout redirect URIs). */
static const char *uris_why(const struct strlist *l, int kind)
{
    enum uri_fault fault;
    size_t i;

    if (l->n > LIMIT_URIS)
        return kind ? "at most " NUMBER(LIMIT_URIS) " post-logout redirect URIs"
                    : "at most " NUMBER(LIMIT_URIS) " redirect URIs";
    for (i = 0; i < l->n; i++)
        if ((fault = uri_check(l->items[i])) != URI_OK)
            return uri_why[kind][fault];
    return NULL;
}

/* NULL when u (kind 2 or 3 of uri_why) is absent or good: as a redirect
 * URI, and https, or http on a loopback host; else insecure. */
static const char *server_uri_why(const char *u, int kind, const char *insecure)
{
    enum uri_fault fault;
    struct url_parts p;

    if (!u)
        return NULL;
    if ((fault = uri_check(u)) != URI_OK)
        return uri_why[kind][fault];
    if (url_parse(u, strlen(u), &p) == ERR_OK &&
        (url_span_is(p.scheme, "https") ||
         (url_span_is(p.scheme, "http") && url_host_is_loopback(p.host))))
        return NULL;
    return insecure;
}

/* The back-channel logout URI (OpenID Connect Back-Channel Logout 1.0
 * §2.2) and the sector identifier URI (OpenID Connect Core §8.1, which
 * wants https; a loopback http one serves tests and local set-ups). */
static const char *backchannel_uri_why(const char *u)
{
    return server_uri_why(
        u, 2, "the back-channel logout URI must be https (http only on a loopback host)");
}

static const char *sector_uri_why(const char *u)
{
    return server_uri_why(u, 3,
                          "the sector identifier URI must be https (http only on a loopback host)");
}

/* -- grant and response types --------------------------------------------- */

static bool in_set(const char *s, const char *const *set)
{
    for (; *set; set++)
        if (strcmp(s, *set) == 0)
            return true;
    return false;
}

static bool has_repeats(const struct strlist *l)
{
    size_t i, j;

    for (i = 0; i < l->n; i++)
        for (j = 0; j < i; j++)
            if (strcmp(l->items[i], l->items[j]) == 0)
                return true;
    return false;
}

/* Removes every item equal to an earlier one, keeping the order. */
static void drop_repeats(struct strlist *l)
{
    size_t i, j, kept = 0;

    for (i = 0; i < l->n; i++) {
        for (j = 0; j < kept && strcmp(l->items[i], l->items[j]) != 0; j++)
            ;
        if (j < kept)
            free(l->items[i]);
        else
            l->items[kept++] = l->items[i];
    }
    l->n = kept;
}

/* The set of words (RT_*) of a response type whose words are separated by
 * spaces; -1 for an unknown or repeated word or no word at all. */
static int response_words(const char *rt)
{
    static const char *const words[] = {"code", "id_token", "token"};
    int bits = 0, w;

    while (*rt) {
        size_t n = strcspn(rt, " ");
        for (w = 0; w < 3; w++)
            if (n && strlen(words[w]) == n && strncmp(rt, words[w], n) == 0)
                break;
        if (n && (w == 3 || bits & (1 << w)))
            return -1;
        if (n)
            bits |= 1 << w;
        rt += n;
        while (*rt == ' ')
            rt++;
    }
    return bits ? bits : -1;
}

int client_response_type_bits(const char *rt)
{
    int bits = response_words(rt);

    return bits < 0 || !response_spelling[bits] ? -1 : bits;
}

const char *client_response_type_name(int bits)
{
    return bits > 0 && bits < 8 ? response_spelling[bits] : NULL;
}

/* The bits of a response type spelled as we store it, else -1. */
static int response_type_bits(const char *rt)
{
    int bits = response_words(rt);

    if (bits < 0 || !response_spelling[bits] || strcmp(rt, response_spelling[bits]) != 0)
        return -1;
    return bits;
}

static const char *grants_why(const struct strlist *g)
{
    size_t i;

    if (g->n == 0)
        return "at least one grant type is required";
    for (i = 0; i < g->n; i++)
        if (!in_set(g->items[i], grant_types))
            return "unknown grant type (authorization_code, implicit, refresh_token, "
                   "client_credentials, password)";
    if (has_repeats(g))
        return "a grant type is listed twice";
    return NULL;
}

/* The response types against the grant types (both known). */
static const char *types_why(const struct strlist *g, const struct strlist *r)
{
    int all = 0, bits;
    size_t i;

    for (i = 0; i < r->n; i++) {
        if ((bits = response_type_bits(r->items[i])) < 0)
            return "unknown response type (code, id_token, id_token token, code id_token, "
                   "code token, code id_token token)";
        all |= bits;
    }
    if (has_repeats(r))
        return "a response type is listed twice";
    if ((all & RT_CODE) && !strlist_contains(g, "authorization_code"))
        return "a response type with code needs the grant type authorization_code";
    if ((all & (RT_ID_TOKEN | RT_TOKEN)) && !strlist_contains(g, "implicit"))
        return "a response type with id_token or token needs the grant type implicit";
    if (strlist_contains(g, "authorization_code") && !(all & RT_CODE))
        return "the grant type authorization_code needs a response type with code";
    if (strlist_contains(g, "implicit") && !(all & (RT_ID_TOKEN | RT_TOKEN)))
        return "the grant type implicit needs a response type with id_token or token";
    return NULL;
}

/* -- the whole client ------------------------------------------------------ */

static const char *const scope_why = "malformed scope: at most 64 tokens and 2048 bytes of "
                                     "printable ASCII without \" or \\";

static enum err normalize_scope(struct client *c, const char **why)
{
    struct strlist tokens = {0};
    char *joined = NULL;
    enum err rc;

    if (!c->scope)
        return ERR_OK;
    rc = scope_parse(c->scope, &tokens);
    if (rc == ERR_INVALID_SCOPE) {
        *why = scope_why;
        rc = ERR_INVALID_REQUEST;
    }
    if (!rc && !(joined = strlist_join(&tokens, " ")))
        rc = ERR_NOMEM;
    if (!rc) {
        free(c->scope);
        c->scope = joined;
    }
    strlist_free(&tokens);
    return rc;
}

static enum err normalize_response_types(struct strlist *r)
{
    size_t i;

    for (i = 0; i < r->n; i++) {
        int bits = response_words(r->items[i]);
        char *copy;

        if (bits < 0 || !response_spelling[bits] ||
            strcmp(r->items[i], response_spelling[bits]) == 0)
            continue;
        if (!(copy = strdup(response_spelling[bits])))
            return ERR_NOMEM;
        free(r->items[i]);
        r->items[i] = copy;
    }
    drop_repeats(r);
    return ERR_OK;
}

enum err client_normalize(struct client *c, const char **why)
{
    enum err rc;

    *why = NULL;
    drop_repeats(&c->grant_types);
    rc = normalize_response_types(&c->response_types);
    if (!rc)
        rc = normalize_scope(c, why);
    return rc;
}

enum err client_check(const struct client *c, const char **why)
{
    struct strlist scope = {0};
    enum err rc;

    *why = NULL;
    if (!c->name || !*c->name || strlen(c->name) > LIMIT_NAME)
        *why = "a name of 1 to 256 bytes is required";
    else if (!(*why = grants_why(&c->grant_types)) &&
             !(*why = types_why(&c->grant_types, &c->response_types)) &&
             !(*why = uris_why(&c->redirect_uris, 0)) &&
             !(*why = uris_why(&c->post_logout_redirect_uris, 1)) &&
             !(*why = backchannel_uri_why(c->backchannel_logout_uri)) &&
             !(*why = sector_uri_why(c->sector_identifier_uri))) {
        if (c->type == CLIENT_PUBLIC && c->auth_method != AUTH_NONE)
            *why = "a public client authenticates with method none";
        /* HS256 is keyed by the client secret (OpenID Connect Core §10.1) */
        else if (c->type == CLIENT_PUBLIC && strcmp(c->id_token_alg, "HS256") == 0)
            *why = "a public client has no secret to sign HS256 ID tokens with";
        else if (c->type == CLIENT_CONFIDENTIAL && c->auth_method == AUTH_NONE)
            *why = "a confidential client authenticates with a secret";
        /* RFC 9700 §2.4: the app would see the user's password */
        else if (c->type == CLIENT_PUBLIC && strlist_contains(&c->grant_types, "password"))
            *why = "a public client may not hold the grant type password";
    }
    if (*why)
        return ERR_INVALID_REQUEST;
    rc = scope_parse(c->scope ? c->scope : "", &scope);
    strlist_free(&scope);
    if (rc == ERR_INVALID_SCOPE) {
        *why = scope_why;
        return ERR_INVALID_REQUEST;
    }
    return rc;
}

enum err client_new_id(struct client *c)
{
    enum err rc;
    int tries;

    /* an id that starts with '-' would read as an option on a command line */
    for (tries = 0; tries < 64; tries++) {
        rc = rand_token(c->id, ID_BYTES);
        if (rc || (c->id[0] != '-' && c->id[0] != '_'))
            return rc;
    }
    return ERR_CRYPTO;
}

enum err client_new_secret(struct client *c, char secret[CLIENT_SECRET_TEXT])
{
    enum err rc = rand_token(secret, SECRET_BYTES);

    if (rc)
        return rc;
    hash_sha256(secret, strlen(secret), c->secret_hash);
    c->has_secret = true;
    return ERR_OK;
}

bool client_id_token_alg_valid(const char *alg)
{
    return strcmp(alg, "RS256") == 0 || strcmp(alg, "ES256") == 0 || strcmp(alg, "HS256") == 0;
}
