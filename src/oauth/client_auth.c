#include "oauth/client_auth.h"

#include <openssl/crypto.h>
#include <string.h>
#include <strings.h>

#include "core/b64url.h"
#include "core/log.h"
#include "core/text.h"
#include "oauth/client_cache.h"

static enum err decode_part(const char *in, size_t n, char *out, size_t cap)
{
    size_t len;

    if (n > cap - 1)
        return ERR_INVALID_REQUEST;
    if (form_decode(in, n, out, &len))
        return ERR_INVALID_CLIENT;
    return ERR_OK;
}

enum err client_auth_parse_basic(const char *value, size_t len, struct client_credentials *out)
{
    unsigned char raw[LIMIT_AUTH_HEADER];
    const char *colon;
    size_t rawlen, start = 6;
    enum err rc;

    memset(out, 0, sizeof *out);
    if (len > LIMIT_AUTH_HEADER)
        return ERR_INVALID_REQUEST;
    text_trim_ows(&value, &len);
    if (len < start || strncasecmp(value, "Basic ", start) != 0)
        return ERR_INVALID_CLIENT;
    while (start < len && value[start] == ' ')
        start++;
    if (b64_decode(value + start, len - start, raw, &rawlen))
        return ERR_INVALID_CLIENT;
    colon = memchr(raw, ':', rawlen);
    if (!colon || colon == (const char *)raw)
        return ERR_INVALID_CLIENT;
    rc = decode_part((const char *)raw, (size_t)(colon - (const char *)raw), out->id,
                     sizeof out->id);
    if (!rc)
        rc = decode_part(colon + 1, rawlen - (size_t)(colon + 1 - (const char *)raw), out->secret,
                         sizeof out->secret);
    OPENSSL_cleanse(raw, sizeof raw);
    if (rc) {
        OPENSSL_cleanse(out, sizeof *out);
        return rc;
    }
    out->method = CRED_BASIC;
    out->has_secret = true;
    return ERR_OK;
}

static enum err copy_param(const char *v, char *out, size_t cap)
{
    return text_copy(out, cap, v) ? ERR_OK : ERR_INVALID_REQUEST;
}

static enum err collect_post(const struct params *form, struct client_credentials *out,
                             const char **why)
{
    const char *id, *secret;

    if (params_get_one(form, "client_id", &id) || params_get_one(form, "client_secret", &secret)) {
        *why = "client_id or client_secret given more than once";
        return ERR_INVALID_REQUEST;
    }
    if (!id) {
        *why = secret ? "client_secret without client_id" : "no client authentication";
        return secret ? ERR_INVALID_REQUEST : ERR_INVALID_CLIENT;
    }
    if (copy_param(id, out->id, sizeof out->id) ||
        (secret && copy_param(secret, out->secret, sizeof out->secret))) {
        *why = "client_id or client_secret too long";
        return ERR_INVALID_REQUEST;
    }
    out->has_secret = secret != NULL;
    out->method = secret ? CRED_POST : CRED_NONE;
    return ERR_OK;
}

enum err client_auth_collect(const char *authorization, const struct params *form,
                             struct client_credentials *out, const char **why)
{
    const char *secret = NULL;
    enum err rc;

    memset(out, 0, sizeof *out);
    if (!authorization || authorization[strspn(authorization, " \t")] == '\0')
        return collect_post(form, out, why); /* an empty header is no method */
    if (params_get_one(form, "client_secret", &secret) || secret) {
        *why = "more than one client authentication method";
        return ERR_INVALID_REQUEST;
    }
    rc = client_auth_parse_basic(authorization, strlen(authorization), out);
    if (rc) {
        *why = rc == ERR_INVALID_CLIENT ? "malformed Basic credentials" : "credentials too long";
        return rc;
    }
    /* a client_id in the body must agree with the one authenticated */
    if (params_get_one(form, "client_id", &secret) || (secret && strcmp(secret, out->id) != 0)) {
        *why = "client_id in the body differs from the authenticated client";
        OPENSSL_cleanse(out, sizeof *out);
        return ERR_INVALID_REQUEST;
    }
    return ERR_OK;
}

static enum auth_method method_used(enum cred_method m)
{
    switch (m) {
    case CRED_BASIC:
        return AUTH_CLIENT_SECRET_BASIC;
    case CRED_POST:
        return AUTH_CLIENT_SECRET_POST;
    default:
        return AUTH_NONE;
    }
}

/* Why the credentials do not authenticate cl, or NULL when they do. The
 * secret is hashed and compared whatever else is wrong, so every failure
 * costs the same work. */
static const char *mismatch(const struct client_credentials *cred, const struct client *cl)
{
    static const unsigned char dummy[HASH_LEN];
    bool secret_ok = hash_matches(cred->secret, strlen(cred->secret),
                                  cl && cl->has_secret ? cl->secret_hash : dummy);

    if (!cl)
        return "unknown client";
    if (!cl->enabled)
        return "client is disabled";
    if (cl->auth_method != method_used(cred->method))
        return "client must authenticate with its registered method";
    if (cred->has_secret && (!cl->has_secret || !secret_ok))
        return "wrong client secret";
    return NULL;
}

enum err client_auth_verify(struct store *s, struct keystore *ks,
                            const struct client_credentials *cred, struct client *client,
                            const char **why)
{
    const char *reason;
    enum err rc;

    if (cred->method == CRED_NONE && !cred->id[0]) {
        *why = "no client authentication";
        return ERR_INVALID_CLIENT;
    }
    rc = client_cache_get(s, ks, cred->id, client);
    if (rc && rc != ERR_NOT_FOUND)
        return rc;
    reason = mismatch(cred, rc ? NULL : client);
    if (!reason)
        return ERR_OK;
    /* one answer for every reason, so it tells no one which client ids
     * exist; the precise reason goes to the server log only */
    log_kv(LOG_INFO, "client authentication failed", "client_id", cred->id, "reason", reason, NULL);
    *why = "client authentication failed";
    if (!rc)
        client_clear(client);
    return ERR_INVALID_CLIENT;
}
