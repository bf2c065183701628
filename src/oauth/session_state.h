#ifndef OIDCD_OAUTH_SESSION_STATE_H
#define OIDCD_OAUTH_SESSION_STATE_H

/* The session_state of OpenID Connect Session Management 1.0 §3: what a
 * relying party sends to the check-session page, which recomputes it from
 * the browser-state cookie. No HTTP here: the caller hands over the value. */

#include "core/buf.h"
#include "core/errors.h"

#define SESSION_STATE_SALT_BYTES 16
/* hex SHA-256, '.', hex salt, and the NUL */
#define SESSION_STATE_SIZE (64 + 1 + 2 * SESSION_STATE_SALT_BYTES + 1)

/* Appends to out the origin a browser gives a page at uri (HTML's ASCII
 * serialisation): "scheme://host[:port]", scheme and host in lower case,
 * an IPv6 host in brackets, the port as a number and left out when it is
 * the scheme's default (http 80, https 443). For a URI without an
 * authority (a private-use scheme), "scheme:". ERR_INVALID_REQUEST when uri
 * does not parse; ERR_TOO_LARGE past out's max; ERR_NOMEM. */
enum err session_state_origin(const char *uri, struct buf *out);

/* hex(SHA-256(client_id " " origin " " browser_state " " salt)) "." salt,
 * salt 16 fresh random bytes in hex, origin that of redirect_uri
 * (session_state_origin), into out. ERR_INVALID_REQUEST, ERR_CRYPTO,
 * ERR_NOMEM. */
enum err session_state_compute(const char *client_id, const char *redirect_uri,
                               const char *browser_state, char out[SESSION_STATE_SIZE]);

#endif
