#include "oauth/authorize_request.h"

#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "oauth/claims.h"
#include "oauth/client_rules.h"
#include "oauth/mfa.h"
#include "oauth/resource.h"
#include "oauth/scope.h"

/* Every parameter this server reads, with what to say when it is repeated
 * (OpenID Connect Core §3.1.2.2, RFC 6749 §3.1: none may be). */
#define PARAM(name)                                                                                \
    {                                                                                              \
        name, name " must not be repeated"                                                         \
    }
static const struct {
    const char *name;
    const char *repeated;
} known[] = {
    PARAM("response_type"), PARAM("scope"),          PARAM("nonce"),
    PARAM("prompt"),        PARAM("max_age"),        PARAM("login_hint"),
    PARAM("id_token_hint"), PARAM("ui_locales"),     PARAM("code_challenge"),
    PARAM("request"),       PARAM("request_uri"),    PARAM("code_challenge_method"),
    PARAM("display"),       PARAM("claims_locales"), PARAM("acr_values"),
    PARAM("claims"),        PARAM("registration"),
};
#undef PARAM

static enum err fail(struct authorize_error *e, enum err code, const char *why, bool fatal)
{
    e->code = code;
    e->description = why;
    e->fatal = fatal;
    return code;
}

static enum err redirect_error(struct authorize_error *e, enum err code, const char *why)
{
    return fail(e, code, why, false);
}

static enum err invalid(struct authorize_error *e, const char *why)
{
    return fail(e, ERR_INVALID_REQUEST, why, false);
}

/* A copy of the value of name (NULL when absent) into *dst, at most cap
 * bytes. Repeats were refused before. */
static enum err take(const struct params *p, const char *name, size_t cap, char **dst,
                     struct authorize_error *e, const char *too_long)
{
    const char *v;

    params_get_one(p, name, &v);
    if (!v)
        return ERR_OK;
    if (strlen(v) > cap)
        return invalid(e, too_long);
    if (!(*dst = strdup(v)))
        return fail(e, ERR_NOMEM, "out of memory", true);
    return ERR_OK;
}

/* -- what must hold before an error may go to the client ---------------- */

static enum err check_client(const struct params *p, const struct client *c,
                             struct authorize_request *out, struct authorize_error *e)
{
    const char *id;

    if (params_get_one(p, "client_id", &id))
        return fail(e, ERR_INVALID_REQUEST, "client_id must not be repeated", true);
    if (!id)
        return fail(e, ERR_INVALID_REQUEST, "client_id is missing", true);
    if (!c || strcmp(c->id, id) != 0 || !text_copy(out->client_id, sizeof out->client_id, id))
        return fail(e, ERR_INVALID_CLIENT, "no client is registered with this client_id", true);
    if (!c->enabled)
        return fail(e, ERR_INVALID_CLIENT, "the client is disabled", true);
    return ERR_OK;
}

bool authorize_redirect_uri_matches(const char *registered, const char *requested)
{
    struct url_parts a, b;

    if (strcmp(registered, requested) == 0)
        return true;
    if (url_parse(registered, strlen(registered), &a) || !url_span_is(a.scheme, "http") ||
        !(url_span_is(a.host, "127.0.0.1") || (a.host_is_ipv6 && url_span_is(a.host, "::1"))))
        return false;
    if (url_parse(requested, strlen(requested), &b) ||
        (b.port.p && !text_port(b.port.p, b.port.n, NULL)))
        return false;
    /* everything but the port: the same bytes */
    return url_span_equal(a.scheme, b.scheme) && url_span_equal(a.userinfo, b.userinfo) &&
           url_span_equal(a.host, b.host) && a.host_is_ipv6 == b.host_is_ipv6 &&
           url_span_equal(a.path, b.path) && url_span_equal(a.query, b.query) &&
           url_span_equal(a.fragment, b.fragment);
}

static enum err check_redirect_uri(const struct params *p, const struct client *c,
                                   struct authorize_request *out, struct authorize_error *e)
{
    const char *uri;
    size_t i;

    if (params_get_one(p, "redirect_uri", &uri))
        return fail(e, ERR_INVALID_REQUEST, "redirect_uri must not be repeated", true);
    if (!uri)
        return fail(e, ERR_INVALID_REQUEST, "redirect_uri is missing", true);
    for (i = 0; i < c->redirect_uris.n; i++)
        if (strlen(uri) <= LIMIT_URI &&
            authorize_redirect_uri_matches(c->redirect_uris.items[i], uri))
            break;
    if (i == c->redirect_uris.n)
        return fail(e, ERR_INVALID_REQUEST, "redirect_uri is not registered for this client", true);
    if (!(out->redirect_uri = strdup(uri)))
        return fail(e, ERR_NOMEM, "out of memory", true);
    return ERR_OK;
}

/* Whether a response_type (supported or not) has the word token or
 * id_token: its answers, errors included, go by fragment, never the query
 * (RFC 6749 §4.2.2.1; OAuth 2.0 Multiple Response Type Encoding Practices §5). */
static bool names_a_token(const char *rt)
{
    size_t n;

    while (rt && *rt) {
        n = strcspn(rt, " ");
        if ((n == 5 && !strncmp(rt, "token", 5)) || (n == 8 && !strncmp(rt, "id_token", 8)))
            return true;
        rt += n + (rt[n] == ' ');
    }
    return false;
}

/* names_a_token of the request's response_type; false when it is missing or
 * repeated. */
static bool returns_token(const struct params *p)
{
    const char *rt = NULL;

    return !params_get_one(p, "response_type", &rt) && names_a_token(rt);
}

/* The response mode (its default decided before anything else, so that
 * every error goes back the way the success would have) and state: what an
 * error response needs besides the URI. */
static enum err read_reply_params(const struct params *p, struct authorize_request *out,
                                  struct authorize_error *e)
{
    bool token = returns_token(p);
    const char *mode;
    enum err rc;

    out->response_mode = token ? RESPONSE_MODE_FRAGMENT : RESPONSE_MODE_QUERY;
    if (params_get_one(p, "state", &mode))
        return invalid(e, "state must not be repeated");
    if ((rc = take(p, "state", LIMIT_STATE, &out->state, e, "state is longer than 1024 bytes")))
        return rc;
    if (params_get_one(p, "response_mode", &mode))
        return invalid(e, "response_mode must not be repeated");
    if (!mode)
        return ERR_OK;
    if (strcmp(mode, "form_post") == 0)
        out->response_mode = RESPONSE_MODE_FORM_POST;
    else if (strcmp(mode, "query") == 0 && token)
        return invalid(e, "response_mode query must not be used with a response type that "
                          "returns a token: use fragment or form_post");
    else if (strcmp(mode, "fragment") == 0) /* for code too: Multiple Response Types §2.1 */
        out->response_mode = RESPONSE_MODE_FRAGMENT;
    else if (strcmp(mode, "query") != 0)
        return invalid(e, "response_mode must be query, fragment or form_post");
    return ERR_OK;
}

/* -- the rest, each error redirected ---------------------------------------- */

static enum err check_repeats(const struct params *p, struct authorize_error *e)
{
    const char *v;
    size_t i;

    for (i = 0; i < sizeof known / sizeof known[0]; i++)
        if (params_get_one(p, known[i].name, &v))
            return invalid(e, known[i].repeated);
    return ERR_OK;
}

static enum err check_response_type(const struct params *p, const struct client *c,
                                    struct authorize_request *out, struct authorize_error *e)
{
    const char *rt, *name;
    int words;

    params_get_one(p, "response_type", &rt);
    if (!rt)
        return invalid(e, "response_type is missing");
    words = client_response_type_bits(rt);
    if (words < 0)
        return redirect_error(e, ERR_UNSUPPORTED_RESPONSE_TYPE,
                              "response_type must be code, id_token, id_token token, "
                              "code id_token, code token or code id_token token");
    name = client_response_type_name(words);
    if (!strlist_contains(&c->response_types, name))
        return redirect_error(e, ERR_UNAUTHORIZED_CLIENT,
                              "the client is not registered for this response_type");
    if ((words & RT_CODE) && !strlist_contains(&c->grant_types, "authorization_code"))
        return redirect_error(e, ERR_UNAUTHORIZED_CLIENT,
                              "the client does not hold the grant type authorization_code");
    if ((words & (RT_ID_TOKEN | RT_TOKEN)) && !strlist_contains(&c->grant_types, "implicit"))
        return redirect_error(e, ERR_UNAUTHORIZED_CLIENT,
                              "the client does not hold the grant type implicit");
    if (!(out->response_type = strdup(name)))
        return fail(e, ERR_NOMEM, "out of memory", true);
    out->response_words = words;
    return ERR_OK;
}

/* An ID token from /authorize needs openid and a nonce to bind it to the
 * browser's session (OpenID Connect Core §3.2.2.1, §3.3.2.11). */
static enum err check_id_token_needs(const struct authorize_request *out, struct authorize_error *e)
{
    if (!(out->response_words & RT_ID_TOKEN))
        return ERR_OK;
    if (!out->openid)
        return invalid(e, "a response type with id_token needs the scope openid");
    if (!out->nonce)
        return invalid(e, "nonce is required for a response type with id_token");
    return ERR_OK;
}

/* The requested scopes the client holds, in the order asked. */
static enum err cut_scope(const struct params *p, const struct client *c,
                          struct authorize_request *out, struct authorize_error *e)
{
    struct strlist asked = {0}, held = {0}, kept = {0};
    const char *s;
    enum err rc;
    size_t i;

    params_get_one(p, "scope", &s);
    if (s && strlen(s) > LIMIT_SCOPE)
        return redirect_error(e, ERR_INVALID_SCOPE, "scope is longer than 2048 bytes");
    if ((rc = scope_parse(s ? s : "", &asked)) == ERR_INVALID_SCOPE) {
        redirect_error(e, rc,
                       "scope must be at most 64 words of printable ASCII, "
                       "without quote or backslash");
        goto out;
    }
    if (!rc && scope_parse(c->scope ? c->scope : "", &held) == ERR_NOMEM)
        rc = ERR_NOMEM;
    for (i = 0; !rc && i < asked.n; i++)
        if (strlist_contains(&held, asked.items[i]))
            rc = strlist_add(&kept, asked.items[i], strlen(asked.items[i]));
    if (!rc && !(out->scope = strlist_join(&kept, " ")))
        rc = ERR_NOMEM;
    if (rc)
        fail(e, rc, "out of memory", true);
    out->openid = strlist_contains(&kept, "openid");
out:
    strlist_free(&asked);
    strlist_free(&held);
    strlist_free(&kept);
    return rc;
}

static const struct {
    const char *word;
    unsigned bit;
} prompt_words[] = {
    {"none", PROMPT_NONE},
    {"login", PROMPT_LOGIN},
    {"consent", PROMPT_CONSENT},
    {"select_account", PROMPT_SELECT_ACCOUNT},
};
#define PROMPT_WORDS (sizeof prompt_words / sizeof prompt_words[0])

static enum err read_prompt(const struct params *p, struct authorize_request *out,
                            struct authorize_error *e)
{
    const char *v;
    size_t n, w;

    params_get_one(p, "prompt", &v);
    for (; v && *v; v += n) {
        if ((n = strcspn(v, " ")) == 0) {
            n = 1;
            continue;
        }
        for (w = 0; w < PROMPT_WORDS; w++)
            if (strlen(prompt_words[w].word) == n && strncmp(v, prompt_words[w].word, n) == 0)
                break;
        if (w == PROMPT_WORDS)
            return invalid(e, "prompt must be none, or any of login, consent, select_account");
        out->prompt |= prompt_words[w].bit;
    }
    if ((out->prompt & PROMPT_NONE) && out->prompt != PROMPT_NONE)
        return invalid(e, "prompt none must not be combined with another value");
    return ERR_OK;
}

static enum err read_max_age(const struct params *p, struct authorize_request *out,
                             struct authorize_error *e)
{
    const char *v;
    size_t i;

    out->max_age = -1;
    params_get_one(p, "max_age", &v);
    if (!v)
        return ERR_OK;
    if (strlen(v) > LIMIT_MAX_AGE_DIGITS)
        return invalid(e, "max_age must be a number of seconds of at most 10 digits");
    out->max_age = 0;
    for (i = 0; v[i]; i++) {
        if (v[i] < '0' || v[i] > '9')
            return invalid(e, "max_age must be a number of seconds of at most 10 digits");
        out->max_age = out->max_age * 10 + (v[i] - '0');
    }
    return ERR_OK;
}

static enum err read_hints(const struct params *p, struct authorize_request *out,
                           struct authorize_error *e)
{
    enum err rc;

    if ((rc = take(p, "nonce", LIMIT_NONCE, &out->nonce, e, "nonce is longer than 512 bytes")) ||
        (rc = take(p, "login_hint", LIMIT_LOGIN_HINT, &out->login_hint, e,
                   "login_hint is longer than 256 bytes")) ||
        (rc = take(p, "id_token_hint", LIMIT_ID_TOKEN_HINT, &out->id_token_hint, e,
                   "id_token_hint is longer than 8192 bytes")) ||
        (rc = take(p, "ui_locales", LIMIT_UI_LOCALES, &out->ui_locales, e,
                   "ui_locales is longer than 256 bytes")) ||
        (rc = take(p, "acr_values", LIMIT_ACR_VALUES, &out->acr_values, e,
                   "acr_values is longer than 256 bytes")))
        return rc;
    return ERR_OK;
}

static enum err read_pkce(const struct params *p, const struct client *c,
                          struct authorize_request *out, struct authorize_error *e)
{
    const char *challenge, *method;

    if (!(out->response_words & RT_CODE)) /* PKCE binds a code, not a token */
        return ERR_OK;
    params_get_one(p, "code_challenge", &challenge);
    params_get_one(p, "code_challenge_method", &method);
    if (!challenge && method)
        return invalid(e, "code_challenge_method needs a code_challenge");
    if (!challenge)
        return c->type == CLIENT_PUBLIC ? invalid(e, "a public client must send a code_challenge "
                                                     "(PKCE, method S256)")
                                        : ERR_OK;
    if (!pkce_syntax_valid(challenge, strlen(challenge)))
        return invalid(e, "code_challenge must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~");
    /* RFC 7636 §4.3: without a method, plain */
    out->code_challenge_method = PKCE_METHOD_PLAIN;
    if (method && pkce_method_parse(method, &out->code_challenge_method))
        return invalid(e, "code_challenge_method must be S256 or plain");
    if (c->type == CLIENT_PUBLIC && out->code_challenge_method != PKCE_METHOD_S256)
        return invalid(e, "a public client must use code_challenge_method S256");
    if (!(out->code_challenge = strdup(challenge)))
        return fail(e, ERR_NOMEM, "out of memory", true);
    return ERR_OK;
}

static enum err check_unsupported(const struct params *p, struct authorize_error *e)
{
    const char *v;

    params_get_one(p, "request", &v);
    if (v)
        return redirect_error(e, ERR_REQUEST_NOT_SUPPORTED,
                              "the request parameter is not supported");
    params_get_one(p, "request_uri", &v);
    if (v)
        return redirect_error(e, ERR_REQUEST_URI_NOT_SUPPORTED,
                              "the request_uri parameter is not supported");
    return ERR_OK;
}

/* The resource parameters (RFC 8707 §2, repeatable), copied. */
static enum err read_resources(const struct params *p, struct authorize_request *out,
                               struct authorize_error *e)
{
    const char *ids[LIMIT_PARAMS], *why = NULL;
    enum err rc;
    size_t i, n = 0;

    if ((rc = resource_params_collect(p, ids, &n, &why)))
        return redirect_error(e, rc, why);
    for (i = 0; i < n; i++)
        if (!strlist_contains(&out->resources, ids[i]) &&
            strlist_add(&out->resources, ids[i], strlen(ids[i])))
            return fail(e, ERR_NOMEM, "out of memory", true);
    return ERR_OK;
}

/* The claims parameter (Core §5.5), for an OpenID Connect request only. */
static enum err read_claims(const struct params *p, struct authorize_request *out,
                            struct authorize_error *e)
{
    const char *why = NULL;
    enum err rc;

    if (!out->openid)
        return ERR_OK;
    if ((rc = take(p, "claims", LIMIT_CLAIMS_PARAM, &out->claims_json, e,
                   "claims is longer than 4096 bytes")) ||
        !out->claims_json)
        return rc;
    rc = claims_request_parse(out->claims_json, strlen(out->claims_json), &out->claims, &why);
    if (rc == ERR_NOMEM)
        return fail(e, rc, "out of memory", true);
    return rc ? invalid(e, why) : ERR_OK;
}

/* The weakest level this server reaches (top the strongest) among the acr
 * values in list (a space-separated text or a strlist); false when it
 * reaches none of them. */
static bool weakest_level(const struct strlist *values, enum mfa_level top, int *out)
{
    enum mfa_level level;
    bool found = false;
    size_t i;

    for (i = 0; i < values->n; i++) {
        if (!mfa_level_of_acr(values->items[i], &level) || level > top)
            continue;
        if (!found || (int)level < *out)
            *out = (int)level;
        found = true;
    }
    return found;
}

/* Sets r->acr_min from acr_values (Core §3.1.2.1: values in order of
 * preference; any of them will do, so the weakest this server knows
 * counts, and unknown ones are passed over) and from an essential acr of
 * the claims parameter (§5.5.1.1), the stronger of the two. False when the
 * essential acr names no level this server reaches: it cannot be met. */
static bool acr_level_needed(struct authorize_request *r, enum mfa_level top)
{
    struct strlist asked = {0};
    int level = 0;

    r->acr_min = MFA_LEVEL_PWD;
    if (r->acr_values && !strlist_split(&asked, r->acr_values, " ") &&
        weakest_level(&asked, top, &level))
        r->acr_min = level;
    strlist_free(&asked);
    if (!r->claims.acr_essential)
        return true;
    if (!weakest_level(&r->claims.acr_values, top, &level))
        return false;
    if (level > r->acr_min)
        r->acr_min = level;
    return true;
}

enum err authorize_request_check_claims(const struct oauth_ctx *ctx, const struct client *c,
                                        struct authorize_request *r, struct authorize_error *e)
{
    const char *held = c->scope ? c->scope : "";
    char rp_id[CONFIG_RP_ID_MAX + 1];
    bool passkeys = config_webauthn_rp_id(ctx->cfg, rp_id);
    enum err rc;

    memset(e, 0, sizeof *e);
    /* urn:oidcd:acr:phr is reached by a passkey, where they are on */
    if (!acr_level_needed(r, passkeys ? MFA_LEVEL_PHR : MFA_LEVEL_MFA))
        return redirect_error(e, ERR_ACCESS_DENIED,
                              passkeys ? "the essential acr values asked for cannot be met: this "
                                         "server signs in with urn:oidcd:acr:pwd, "
                                         "urn:oidcd:acr:mfa or urn:oidcd:acr:phr"
                                       : "the essential acr values asked for cannot be met: this "
                                         "server signs in with urn:oidcd:acr:pwd or "
                                         "urn:oidcd:acr:mfa");
    rc = claims_keep_released(ctx->cfg, held, &r->claims.userinfo);
    if (!rc)
        rc = claims_keep_released(ctx->cfg, held, &r->claims.id_token);
    return rc ? fail(e, rc, "out of memory", true) : ERR_OK;
}

enum err authorize_request_check_resources(const struct oauth_ctx *ctx,
                                           const struct authorize_request *r,
                                           struct authorize_error *e)
{
    const char *why = "the resources could not be checked";
    enum err rc = resource_check(ctx, &r->resources, r->scope, &why);

    memset(e, 0, sizeof *e);
    if (rc)
        fail(e, rc, why, rc != ERR_INVALID_TARGET);
    return rc;
}

enum err authorize_request_parse(const struct params *p, const struct client *c,
                                 struct authorize_request *out, struct authorize_error *e)
{
    enum err rc;

    memset(out, 0, sizeof *out);
    out->max_age = -1;
    memset(e, 0, sizeof *e);
    if ((rc = check_client(p, c, out, e)) || (rc = check_redirect_uri(p, c, out, e)))
        return rc;
    /* from here on every error goes back to the client */
    if ((rc = read_reply_params(p, out, e)) || (rc = check_repeats(p, e)) ||
        (rc = check_unsupported(p, e)) || (rc = check_response_type(p, c, out, e)) ||
        (rc = cut_scope(p, c, out, e)) || (rc = read_prompt(p, out, e)) ||
        (rc = read_max_age(p, out, e)) || (rc = read_hints(p, out, e)) ||
        (rc = check_id_token_needs(out, e)) || (rc = read_pkce(p, c, out, e)) ||
        (rc = read_resources(p, out, e)) || (rc = read_claims(p, out, e)))
        return rc;
    return ERR_OK;
}

void authorize_request_clear(struct authorize_request *r)
{
    if (!r)
        return;
    free(r->response_type);
    free(r->redirect_uri);
    free(r->scope);
    free(r->state);
    free(r->nonce);
    free(r->login_hint);
    free(r->acr_values);
    free(r->id_token_hint);
    free(r->ui_locales);
    free(r->code_challenge);
    strlist_free(&r->resources);
    free(r->claims_json);
    claims_request_clear(&r->claims);
    memset(r, 0, sizeof *r);
    r->max_age = -1;
}

/* -- the request written out again ---------------------------------------- */

/* The prompt bits as the space-separated words, into out. */
static const char *prompt_text(unsigned bits, char out[64])
{
    size_t w, at = 0;

    for (w = 0; w < PROMPT_WORDS; w++) {
        size_t n = strlen(prompt_words[w].word);
        if (!(bits & prompt_words[w].bit))
            continue;
        if (at)
            out[at++] = ' ';
        memcpy(out + at, prompt_words[w].word, n);
        at += n;
    }
    out[at] = '\0';
    return at ? out : NULL;
}

/* The response_mode to write out: none where it is the default (fragment
 * for a response type with a token, query for code). */
static const char *mode_unless_default(const struct authorize_request *r)
{
    if (r->response_mode == RESPONSE_MODE_FORM_POST)
        return "form_post";
    if (r->response_mode == RESPONSE_MODE_FRAGMENT && !names_a_token(r->response_type))
        return "fragment";
    return NULL;
}

enum err authorize_request_serialise(const struct authorize_request *r, bool drop_login,
                                     struct buf *out)
{
    char prompt[64], max_age[TEXT_INT_SIZE];
    const struct url_param fields[] = {
        {"response_type", r->response_type},
        {"client_id", r->client_id},
        {"redirect_uri", r->redirect_uri},
        {"scope", r->scope && *r->scope ? r->scope : NULL},
        {"state", r->state},
        {"nonce", r->nonce},
        {"prompt",
         prompt_text(drop_login ? r->prompt & ~(unsigned)(PROMPT_LOGIN | PROMPT_SELECT_ACCOUNT)
                                : r->prompt,
                     prompt)},
        {"max_age", r->max_age >= 0 && text_int(max_age, r->max_age) ? max_age : NULL},
        {"login_hint", r->login_hint},
        {"id_token_hint", r->id_token_hint},
        {"ui_locales", r->ui_locales},
        {"acr_values", r->acr_values},
        {"code_challenge", r->code_challenge},
        {"code_challenge_method",
         r->code_challenge ? pkce_method_name(r->code_challenge_method) : NULL},
        {"response_mode", mode_unless_default(r)},
        {"claims", r->claims_json},
    };
    enum err rc = url_add_form(out, fields, sizeof fields / sizeof fields[0]);
    size_t i;

    /* response_type and client_id came first: '&' goes before each */
    for (i = 0; !rc && i < r->resources.n; i++) {
        struct url_param resource = {"resource", r->resources.items[i]};
        rc = buf_append(out, "&", 1);
        if (!rc)
            rc = url_add_form(out, &resource, 1);
    }
    return rc;
}

/* -- the response to the client ------------------------------------------ */

static void add_field(struct authorize_response *out, const char *name, const char *value)
{
    if (value && out->n < AUTHORIZE_RESPONSE_FIELDS)
        out->fields[out->n++] = (struct url_param){name, value};
}

void authorize_response_success(struct authorize_response *out, const struct authorize_request *r,
                                const struct authorize_issued *issued, const char *issuer)
{
    out->n = 0;
    add_field(out, "code", issued->code);
    if (issued->access_token) {
        add_field(out, "access_token", issued->access_token);
        add_field(out, "token_type", "Bearer");
        add_field(out, "expires_in", issued->expires_in);
        add_field(out, "scope", issued->scope && *issued->scope ? issued->scope : NULL);
    }
    add_field(out, "id_token", issued->id_token);
    add_field(out, "session_state", issued->session_state);
    add_field(out, "state", r->state);
    add_field(out, "iss", issuer);
}

void authorize_response_error(struct authorize_response *out, const struct authorize_request *r,
                              const struct authorize_error *e, const char *issuer)
{
    out->n = 0;
    add_field(out, "error", err_code(e->code));
    add_field(out, "error_description", e->description);
    add_field(out, "state", r->state);
    add_field(out, "iss", issuer);
}

enum err authorize_response_location(const struct authorize_request *r,
                                     const struct authorize_response *resp, char **location)
{
    struct buf b;
    enum err rc;

    *location = NULL;
    if (!r->redirect_uri)
        return ERR_INVALID_REQUEST;
    buf_init(&b, LIMIT_TARGET + LIMIT_URI);
    rc = url_add_params(&b, r->redirect_uri, resp->fields, resp->n,
                        r->response_mode == RESPONSE_MODE_FRAGMENT ? URL_FRAGMENT : URL_QUERY);
    if (!rc && !(*location = buf_take(&b)))
        rc = ERR_NOMEM;
    buf_free(&b);
    return rc;
}
