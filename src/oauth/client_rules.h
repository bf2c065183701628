#ifndef OIDCD_OAUTH_CLIENT_RULES_H
#define OIDCD_OAUTH_CLIENT_RULES_H

/* What a registered client may be, for every way one is made or changed. */

#include "store/store.h"

#define CLIENT_SECRET_TEXT 44 /* 256-bit secret as base64url, with its NUL */

/* Checks the client's metadata: a name; known grant and response types;
 * absolute redirect URIs without fragments or white space; a well-formed
 * scope; an authentication method that fits the type (public: none;
 * confidential: a secret method). ERR_INVALID_REQUEST with *why otherwise. */
enum err client_check(const struct client *c, const char **why);

/* A fresh random client_id into c->id. */
enum err client_new_id(struct client *c);

/* A fresh 256-bit secret: its text into secret, its SHA-256 into c. */
enum err client_new_secret(struct client *c, char secret[CLIENT_SECRET_TEXT]);

#endif
