/* The claim names a configuration or a user may use. */
#include "core/claim_name.h"

#include <string.h>

#include "core/text.h"

/* Claims the server itself sets in tokens (RFC 7519 §4.1, OIDC Core §2,
 * RFC 9068 §2.2): a user claim of one of these names would pass for the
 * server's own statement. */
static bool reserved_claim(const char *p, size_t n)
{
    static const char *const names[] = {
        "iss", "sub", "aud",     "exp",    "iat",    "nbf", "jti", "auth_time", "nonce", "acr",
        "amr", "azp", "at_hash", "c_hash", "s_hash", "sid", "cnf", "client_id", "scope", "typ"};
    size_t i;

    for (i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i]) == n && memcmp(names[i], p, n) == 0)
            return true;
    return false;
}

bool claim_name_ok(const char *p, size_t n)
{
    return n >= 1 && n <= CLAIM_NAME_MAX && text_all_in(p, n, "_-.:/~") && !reserved_claim(p, n);
}

enum err claim_names_parse(char *dst, size_t size, const char *v, const char **hint)
{
    size_t n, at = 0, count = 0;

    *hint = "space-separated claim names of A-Z a-z 0-9 _ - . : / ~, at most 64 names of at "
            "most 64 characters, none the server sets in its tokens (iss, aud, nonce, acr, …)";
    for (v += strspn(v, " \t"); *v; v += strspn(v, " \t")) {
        n = strcspn(v, " \t");
        if (!claim_name_ok(v, n) || ++count > CLAIM_NAMES_MAX)
            return ERR_CONFIG;
        if (at + (at > 0) + n >= size) {
            *hint = "too long";
            return ERR_CONFIG;
        }
        if (at > 0)
            dst[at++] = ' ';
        memcpy(dst + at, v, n);
        at += n;
        v += n;
    }
    dst[at] = '\0';
    return ERR_OK;
}
