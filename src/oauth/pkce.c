#include "oauth/pkce.h"

#include <openssl/crypto.h>
#include <string.h>

#include "core/b64url.h"
#include "core/hash.h"

#define PKCE_MIN 43
#define PKCE_MAX 128

enum err pkce_method_parse(const char *s, enum pkce_method *out)
{
    if (strcmp(s, "S256") == 0)
        *out = PKCE_METHOD_S256;
    else if (strcmp(s, "plain") == 0)
        *out = PKCE_METHOD_PLAIN;
    else
        return ERR_INVALID_REQUEST;
    return ERR_OK;
}

const char *pkce_method_name(enum pkce_method m)
{
    return m == PKCE_METHOD_S256 ? "S256" : m == PKCE_METHOD_PLAIN ? "plain" : "";
}

bool pkce_syntax_valid(const char *s, size_t len)
{
    size_t i;

    if (len < PKCE_MIN || len > PKCE_MAX)
        return false;
    for (i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                  (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_' || ch == '~';
        if (!ok)
            return false;
    }
    return true;
}

static bool equal_ct(const char *a, size_t alen, const char *b, size_t blen)
{
    return alen == blen && CRYPTO_memcmp(a, b, alen) == 0;
}

bool pkce_verify(enum pkce_method method, const char *challenge, const char *verifier)
{
    unsigned char digest[HASH_LEN];
    char encoded[64];
    size_t vlen = strlen(verifier), n;

    if (method == PKCE_METHOD_NONE || !pkce_syntax_valid(verifier, vlen))
        return false;
    if (method == PKCE_METHOD_PLAIN)
        return equal_ct(verifier, vlen, challenge, strlen(challenge));
    hash_sha256(verifier, vlen, digest);
    n = b64url_encode(digest, HASH_LEN, encoded);
    return equal_ct(encoded, n, challenge, strlen(challenge));
}
