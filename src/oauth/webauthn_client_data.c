#include "oauth/webauthn_client_data.h"

#include <jansson.h>
#include <openssl/crypto.h>
#include <stdbool.h>
#include <string.h>

#include "core/b64url.h"
#include "core/limits.h"

/* base64url of 32 bytes is 43 characters */
#define CHALLENGE_TEXT_MAX 64

static enum err fail(const char **why, const char *reason)
{
    *why = reason;
    return ERR_INVALID_REQUEST;
}

/* True when member name of o is a string equal to want, byte for byte (a
 * JSON string may hold a NUL, so lengths are compared too). */
static bool string_is(json_t *o, const char *name, const char *want)
{
    json_t *v = json_object_get(o, name);

    return json_is_string(v) && json_string_length(v) == strlen(want) &&
           memcmp(json_string_value(v), want, strlen(want)) == 0;
}

static enum err check_challenge(json_t *o, const unsigned char want[WEBAUTHN_CHALLENGE_LEN],
                                const char **why)
{
    unsigned char got[CHALLENGE_TEXT_MAX];
    json_t *v = json_object_get(o, "challenge");
    size_t n = 0;

    if (!json_is_string(v) || json_string_length(v) > CHALLENGE_TEXT_MAX ||
        b64url_decode(json_string_value(v), json_string_length(v), got, &n) ||
        n != WEBAUTHN_CHALLENGE_LEN)
        return fail(why, "client data challenge is not 32 bytes of base64url");
    if (CRYPTO_memcmp(got, want, WEBAUTHN_CHALLENGE_LEN) != 0)
        return fail(why, "client data challenge does not match");
    return ERR_OK;
}

static enum err check_fields(json_t *o, const char *type,
                             const unsigned char challenge[WEBAUTHN_CHALLENGE_LEN],
                             const char *origin, const char **why)
{
    json_t *cross;
    enum err rc;

    if (!string_is(o, "type", type))
        return fail(why, "client data type is wrong");
    rc = check_challenge(o, challenge, why);
    if (rc)
        return rc;
    if (!string_is(o, "origin", origin))
        return fail(why, "client data origin does not match");
    cross = json_object_get(o, "crossOrigin");
    if (cross && !json_is_false(cross))
        return fail(why, "client data crossOrigin is not false");
    if (json_object_get(o, "topOrigin"))
        return fail(why, "client data has a topOrigin");
    return ERR_OK;
}

enum err webauthn_client_data_check(const unsigned char *json, size_t len, const char *type,
                                    const unsigned char challenge[WEBAUTHN_CHALLENGE_LEN],
                                    const char *origin, const char **why)
{
    json_t *o;
    enum err rc;

    if (len > LIMIT_WEBAUTHN_CLIENT_DATA)
        return fail(why, "client data too large");
    o = json_loadb((const char *)json, len, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(o))
        rc = fail(why, "client data is not a JSON object");
    else
        rc = check_fields(o, type, challenge, origin, why);
    json_decref(o); /* NULL-safe */
    return rc;
}
