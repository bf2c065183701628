#ifndef OIDCD_OAUTH_PKCE_H
#define OIDCD_OAUTH_PKCE_H

/* Proof Key for Code Exchange (RFC 7636). */

#include <stdbool.h>
#include <stddef.h>

#include "core/errors.h"

/* NONE: the authorization request carried no code_challenge. */
enum pkce_method { PKCE_METHOD_NONE, PKCE_METHOD_PLAIN, PKCE_METHOD_S256 };

/* Parses "S256" or "plain" (case-sensitive, §4.3). ERR_INVALID_REQUEST for
 * anything else. */
enum err pkce_method_parse(const char *s, enum pkce_method *out);

/* The method's name as it is written in requests and stored ("" for NONE). */
const char *pkce_method_name(enum pkce_method m);

/* True when s (len bytes) is 43 to 128 characters of the unreserved set
 * [A-Za-z0-9-._~] (§4.1): the syntax of a code_verifier, and so of a
 * code_challenge too (§4.2). */
bool pkce_syntax_valid(const char *s, size_t len);

/* True when verifier is well-formed and matches challenge under method
 * (never under NONE):
 * S256, BASE64URL(SHA256(verifier)) == challenge; plain, verifier ==
 * challenge. Compared in constant time. */
bool pkce_verify(enum pkce_method method, const char *challenge, const char *verifier);

#endif
