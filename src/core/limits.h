#ifndef OIDCD_CORE_LIMITS_H
#define OIDCD_CORE_LIMITS_H

/* Every outside input has a cap here; past it the caller gets a clear error. */
#define LIMIT_FORM_BODY 16384             /* bytes of a form-encoded request body */
#define LIMIT_PARAMS 64                   /* parameters in one query or body */
#define LIMIT_HEADER_BYTES 32768          /* the whole request head (MHD memory pool) */
#define LIMIT_TARGET 8192                 /* bytes of a request target (path and query) */
#define LIMIT_CLIENT_ID 128               /* bytes of a client_id */
#define LIMIT_SECRET 256                  /* bytes of a client_secret */
#define LIMIT_SCOPE 2048                  /* bytes of a scope string */
#define LIMIT_SCOPE_TOKENS 64             /* scope tokens in one scope string */
#define LIMIT_AUTH_HEADER 1024            /* bytes of an Authorization header */
#define LIMIT_NAME 256                    /* bytes of a client name */
#define LIMIT_URI 2048                    /* bytes of one URI */
#define LIMIT_URIS 32                     /* URIs registered for one client */
#define LIMIT_SECTOR_DOCUMENT (64 * 1024) /* bytes of a sector_identifier_uri document */
#define LIMIT_CONNECTIONS 1024            /* concurrent HTTP connections */
#define LIMIT_JWT 8192                    /* bytes of a compact JWS */
#define LIMIT_JWKS 65536                  /* bytes of a JWKS document */
#define LIMIT_JWKS_KEYS 32                /* keys in one JWKS */
/* parameters of an authorization request (OpenID Connect Core §3.1.2.1) */
#define LIMIT_STATE 1024              /* bytes of state */
#define LIMIT_NONCE 512               /* bytes of nonce */
#define LIMIT_LOGIN_HINT 256          /* bytes of login_hint */
#define LIMIT_ACR_VALUES 256          /* bytes of acr_values */
#define LIMIT_USER_SESSIONS 50        /* sessions the account page lists */
#define LIMIT_USER_AGENT 1024         /* bytes of a User-Agent read for a session label */
#define LIMIT_UI_LOCALES 256          /* bytes of ui_locales */
#define LIMIT_ID_TOKEN_HINT LIMIT_JWT /* bytes of id_token_hint */
#define LIMIT_CODE_CHALLENGE 128      /* bytes of code_challenge (RFC 7636 §4.2: 43 to 128) */
#define LIMIT_MAX_AGE_DIGITS 10       /* digits of max_age */
#define LIMIT_CLAIMS_PARAM 4096       /* bytes of the claims parameter (Core §5.5) */
#define LIMIT_COOKIE_HEADER 16384     /* bytes of a Cookie header */
#define LIMIT_COOKIES 180          /* cookie pairs in one Cookie header (Chrome's per-site cap) */
#define LIMIT_SET_COOKIE 4096      /* bytes of one Set-Cookie value we send */
#define LIMIT_USERNAME 64          /* bytes of a username */
#define LIMIT_SUB 64               /* bytes of a user's sub */
#define LIMIT_PASSWORD 1024        /* bytes of a password */
#define LIMIT_CLAIMS 16384         /* bytes of a user's claims as JSON */
#define LIMIT_USER_PAGE 1000       /* users in one page of a list */
#define LIMIT_LIST_PAGE 100        /* clients or resources in one page of a list */
#define LIMIT_TEMPLATE 65536       /* bytes of one page template */
#define LIMIT_PAGE 262144          /* bytes of one rendered page */
#define LIMIT_LOGIN_COUNTERS 65536 /* failed-login counters (accounts and addresses) */
/* WebAuthn (Level 3): what a browser sends back from an authenticator */
#define LIMIT_WEBAUTHN_ATTESTATION 32768  /* bytes of an attestation object (x5c chains) */
#define LIMIT_WEBAUTHN_AUTH_DATA 16384    /* bytes of authenticator data (with extensions) */
#define LIMIT_WEBAUTHN_CLIENT_DATA 8192   /* bytes of clientDataJSON */
#define LIMIT_WEBAUTHN_CREDENTIAL_ID 1023 /* bytes of a credential id (§6.5.1 credentialIdLength) \
                                           */
#define LIMIT_WEBAUTHN_SIGNATURE 1024     /* bytes of an assertion signature (RSA-4096 is 512) */
#define LIMIT_PASSKEY_FORM_BODY 65536 /* bytes of a passkey form's body (base64url of the above)   \
                                       */
#define LIMIT_PASSKEY_NAME 64         /* bytes of a passkey's name */
#define LIMIT_USER_PASSKEYS 20        /* passkeys one user may register */

#endif
