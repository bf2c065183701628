#ifndef OIDCD_OAUTH_OAUTH_H
#define OIDCD_OAUTH_OAUTH_H

#include "core/config.h"
#include "jose/keys.h"
#include "store/store.h"

struct signin_challenge_key;

/* What the protocol logic needs from the running server; borrowed. */
struct oauth_ctx {
    const struct config *cfg;
    struct store *store;
    struct keystore *keys;
    /* signs username-less passkey challenges (oauth/signin_challenge.h),
     * read at start-up; NULL where none is issued (the CLI) */
    const struct signin_challenge_key *signin_key;
};

/* A successful token response (RFC 6749 §5.1). Fields the grant does not
 * issue stay NULL. token_response_clear frees the strings. */
struct token_response {
    char *access_token;
    long expires_in;
    char *scope;
    char *refresh_token;
    char *id_token;
};

void token_response_clear(struct token_response *r);

#endif
