#include "jose/jws.h"

#include <cjose/header.h>
#include <cjose/jws.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "jose/jwk.h"

enum err jws_sign(const cjose_jwk_t *jwk, const char *alg, const char *kid, const char *typ,
                  const char *payload, size_t len, char **out)
{
    cjose_header_t *hdr = NULL;
    cjose_jws_t *jws = NULL;
    const char *compact = NULL;
    enum err rc = ERR_CRYPTO;
    cjose_err err;

    hdr = cjose_header_new(&err);
    if (!hdr || !cjose_header_set(hdr, CJOSE_HDR_ALG, alg, &err) ||
        (kid && !cjose_header_set(hdr, CJOSE_HDR_KID, kid, &err)) ||
        !cjose_header_set(hdr, "typ", typ, &err))
        goto out;
    jws = cjose_jws_sign(jwk, hdr, (const uint8_t *)payload, len, &err);
    if (!jws || !cjose_jws_export(jws, &compact, &err))
        goto out;
    *out = strdup(compact);
    rc = *out ? ERR_OK : ERR_NOMEM;
out:
    if (rc == ERR_CRYPTO)
        log_kv(LOG_ERROR, "jose error", "op", "sign", "error", err.message, NULL);
    cjose_jws_release(jws);
    cjose_header_release(hdr);
    return rc;
}

enum err jws_sign_hmac(const char *secret, size_t n, const char *typ, const char *payload,
                       size_t len, char **out)
{
    cjose_jwk_t *jwk;
    cjose_err err;
    enum err rc;

    jwk = cjose_jwk_create_oct_spec((const uint8_t *)secret, n, &err);
    if (!jwk)
        return ERR_NOMEM;
    rc = jws_sign(jwk, "HS256", NULL, typ, payload, len, out);
    jwk_oct_release(jwk);
    return rc;
}
