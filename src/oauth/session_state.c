#include "oauth/session_state.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/hash.h"
#include "core/limits.h"
#include "core/rand.h"
#include "core/url.h"

static void to_hex(const unsigned char *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

static enum err append_lower(struct buf *out, const struct url_span *s)
{
    enum err rc = ERR_OK;
    size_t i;

    for (i = 0; !rc && i < s->n; i++) {
        char c = (char)tolower((unsigned char)s->p[i]);
        rc = buf_append(out, &c, 1);
    }
    return rc;
}

/* ":port" unless the port is absent, empty or the scheme's default. */
static enum err append_port(struct buf *out, const struct url_parts *u)
{
    char text[16];
    unsigned long port = 0;
    size_t i;

    if (!u->port.p || !u->port.n)
        return ERR_OK;
    for (i = 0; i < u->port.n; i++) {
        port = port * 10 + (unsigned long)(u->port.p[i] - '0');
        if (port > 65535)
            return ERR_INVALID_REQUEST;
    }
    if ((u->scheme.n == 4 && strncasecmp(u->scheme.p, "http", 4) == 0 && port == 80) ||
        (u->scheme.n == 5 && strncasecmp(u->scheme.p, "https", 5) == 0 && port == 443))
        return ERR_OK;
    snprintf(text, sizeof text, ":%lu", port);
    return buf_append_str(out, text);
}

enum err session_state_origin(const char *uri, struct buf *out)
{
    struct url_parts u;
    enum err rc = url_parse(uri, strlen(uri), &u);

    if (!rc)
        rc = append_lower(out, &u.scheme);
    if (!rc && !u.host.p)
        return buf_append_str(out, ":");
    if (!rc)
        rc = buf_append_str(out, u.host_is_ipv6 ? "://[" : "://");
    if (!rc)
        rc = append_lower(out, &u.host);
    if (!rc && u.host_is_ipv6)
        rc = buf_append_str(out, "]");
    return rc ? rc : append_port(out, &u);
}

enum err session_state_compute(const char *client_id, const char *redirect_uri,
                               const char *browser_state, char out[SESSION_STATE_SIZE])
{
    unsigned char salt[SESSION_STATE_SALT_BYTES], digest[HASH_LEN];
    char salt_hex[2 * SESSION_STATE_SALT_BYTES + 1];
    struct buf in;
    enum err rc = rand_bytes(salt, sizeof salt);

    buf_init(&in, LIMIT_CLIENT_ID + LIMIT_URI + strlen(browser_state) + sizeof salt_hex + 3);
    to_hex(salt, sizeof salt, salt_hex);
    if (!rc)
        rc = buf_append_str(&in, client_id);
    if (!rc)
        rc = buf_append_str(&in, " ");
    if (!rc)
        rc = session_state_origin(redirect_uri, &in);
    if (!rc)
        rc = buf_append_str(&in, " ");
    if (!rc)
        rc = buf_append_str(&in, browser_state);
    if (!rc)
        rc = buf_append_str(&in, " ");
    if (!rc)
        rc = buf_append_str(&in, salt_hex);
    if (!rc) {
        hash_sha256(in.data, in.len, digest);
        to_hex(digest, sizeof digest, out);
        out[64] = '.';
        memcpy(out + 65, salt_hex, sizeof salt_hex);
    }
    buf_free(&in);
    return rc;
}
