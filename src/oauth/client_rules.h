#ifndef OIDCD_OAUTH_CLIENT_RULES_H
#define OIDCD_OAUTH_CLIENT_RULES_H

/* What a registered client may be, for every way one is made or changed. */

#include "store/store.h"

#define CLIENT_SECRET_TEXT 44 /* 256-bit secret as base64url, with its NUL */

/* Puts c's metadata in the form it is stored in: the scope as scope_parse
 * reads it (tokens separated by one space, each once); grant types and
 * response types each once, in first-seen order; the words of a response
 * type in the order "code id_token token" ("token id_token" becomes
 * "id_token token"). Changes nothing else and refuses nothing that
 * client_check would accept. Returns ERR_INVALID_REQUEST with *why (a
 * static string) for a scope scope_parse refuses, ERR_NOMEM, or ERR_OK. */
enum err client_normalize(struct client *c, const char **why);

/* Checks the client's metadata: a name; one or more known grant types and
 * known response types, each listed once, response types spelled as
 * client_normalize spells them; grant and response types that fit each
 * other (OpenID Connect Dynamic Client Registration 1.0 §2: a response type
 * with code needs the grant authorization_code, one with id_token or token
 * needs implicit, and either grant needs such a response type); redirect and
 * post-logout redirect URIs that are absolute URIs (RFC 3986 §4.3) of ASCII
 * characters a URI may hold, at most LIMIT_URI bytes, without fragment, not
 * of the schemes javascript, data, vbscript or file, and, for http and
 * https, with "//", a host, an optional port 1-65535 and no user info; at
 * most LIMIT_URIS of each; a back-channel logout URI, when there is one,
 * of those rules and https (http only on a loopback host), and so a sector
 * identifier URI (OpenID Connect Core §8.1); a scope
 * scope_parse accepts; an authentication method that fits the type (public:
 * none; confidential: a secret method); no password grant for a public
 * client (RFC 9700 §2.4).
 * Returns ERR_OK, or ERR_INVALID_REQUEST with *why (a static string, one
 * line) naming the first rule broken. */
enum err client_check(const struct client *c, const char **why);

/* The words of a response type (OpenID Connect Core §3, OAuth 2.0 Multiple
 * Response Type Encoding Practices §5) as a set of bits. */
enum { RT_CODE = 1, RT_ID_TOKEN = 2, RT_TOKEN = 4 };

/* The RT_* bits of rt, its words separated by spaces in any order; -1 for an
 * unknown or repeated word, no word at all, or a set that is no response
 * type we support ("token" alone). */
int client_response_type_bits(const char *rt);

/* The spelling a client stores for the response type of bits (static), NULL
 * for a set client_response_type_bits refuses. */
const char *client_response_type_name(int bits);

/* A fresh random client_id into c->id. */
enum err client_new_id(struct client *c);

/* A fresh 256-bit secret: its text into secret, its SHA-256 into c. */
enum err client_new_secret(struct client *c, char secret[CLIENT_SECRET_TEXT]);

/* Whether alg is one a client's ID tokens may be signed with: RS256, ES256
 * (a server key each) or HS256 (the client's secret). */
bool client_id_token_alg_valid(const char *alg);

#endif
