#ifndef OIDCD_CORE_CONFIG_H
#define OIDCD_CORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/errors.h"

/* Extra scopes: `[scope.NAME]` sections. NAME is a scope token (RFC 6749
 * §3.3) of at most CONFIG_SCOPE_NAME_MAX characters, not one of the scopes
 * OpenID Connect defines; at most CONFIG_SCOPES_MAX sections. */
#define CONFIG_SCOPES_MAX 32
#define CONFIG_SCOPE_NAME_MAX 40

struct config_scope {
    char name[CONFIG_SCOPE_NAME_MAX + 1];
    char claims[1024];     /* claims: space-separated claim names, may be empty */
    char description[256]; /* description: shown on the consent page, may be empty */
};

/* The longest RP ID (a DNS name, RFC 1035 §2.3.4). */
#define CONFIG_RP_ID_MAX 253

/* A host:port to listen on. */
struct config_address {
    char host[256]; /* a name or an address, IPv6 without brackets */
    int port;
};

/* Every setting of oidcd. Each has a default, an INI key `[section] key` and an
 * environment variable OIDCD_<SECTION>_<KEY> that wins over the file.
 * docs/CONFIG.md lists them. */
struct config {
    char path[1024];                               /* the file it was loaded from; "" without one */
    char issuer[1024];                             /* server.issuer, no trailing slash */
    char issuer_path[1024];                        /* derived: the issuer's path ("" or "/oidc") */
    struct config_address listen;                  /* server.listen = host:port */
    struct config_address metrics;                 /* metrics.listen; port 0 = no /metrics */
    long threads;                                  /* server.threads; 0 = one per CPU */
    long connection_timeout;                       /* server.connection_timeout, seconds */
    char database_url[1024];                       /* database.url */
    long database_timeout_ms;                      /* database.timeout_ms */
    long access_token_ttl;                         /* tokens.access_token_ttl, seconds */
    long code_ttl;                                 /* tokens.code_ttl, seconds */
    long id_token_ttl;                             /* tokens.id_token_ttl, seconds */
    long refresh_token_ttl;                        /* tokens.refresh_token_ttl, seconds */
    long refresh_token_max_lifetime;               /* tokens.refresh_token_max_lifetime, seconds */
    bool id_token_include_claims;                  /* tokens.id_token_include_claims */
    char subject_type[16];                         /* tokens.subject_type: public, pairwise */
    long session_ttl;                              /* session.ttl, seconds */
    bool session_management;                       /* session.management */
    long consent_remember_days;                    /* consent.remember_days; 0 = never */
    long login_max_failures;                       /* login.max_failures */
    bool login_require_mfa;                        /* login.require_mfa */
    long login_lockout_seconds;                    /* login.lockout_seconds */
    bool grants_password;                          /* grants.password */
    long argon2_memory_kib;                        /* passwords.argon2_memory_kib */
    long argon2_iterations;                        /* passwords.argon2_iterations */
    long argon2_parallelism;                       /* passwords.argon2_parallelism */
    char templates_dir[1024];                      /* ui.templates_dir; "" = built-in */
    char claims_extra[1024];                       /* claims.extra: space-separated names */
    char encryption_key_file[1024];                /* keys.encryption_key_file */
    char key_algorithm[8];                         /* keys.algorithm for the first key */
    long publish_ahead;                            /* keys.publish_ahead, seconds */
    char log_level[8];                             /* log.level */
    char log_format[8];                            /* log.format: logfmt or json */
    long log_flush_interval_ms;                    /* log.flush_interval_ms; 0 = every line */
    bool introspection_validate_audience_scope;    /* introspection.validate_audience_scope */
    bool introspection_response_scope;             /* introspection.response_scope */
    long backchannel_timeout_ms;                   /* backchannel.timeout_ms, per delivery */
    long backchannel_retries;                      /* backchannel.retries after the first */
    long audit_retention_days;                     /* audit.retention_days */
    char webauthn_rp_id[CONFIG_RP_ID_MAX + 1];     /* webauthn.rp_id; "" = the issuer's host */
    long webauthn_timeout_seconds;                 /* webauthn.timeout_seconds */
    char webauthn_counter_policy[8];               /* webauthn.counter_policy: refuse or log */
    char webauthn_attestation[8];                  /* webauthn.attestation: none or direct */
    struct config_scope scopes[CONFIG_SCOPES_MAX]; /* [scope.NAME], in file order */
    size_t nscopes;
};

/* Fills c with the defaults, then the INI file at path (when path is not
 * NULL), then the environment. On failure returns ERR_CONFIG and writes a
 * one-line reason into why. */
enum err config_load(struct config *c, const char *path, char *why, size_t whylen);

/* One setting as `oidcd config show` tells it: its effective value as the
 * file would write it (a database password shown as ****), and where it
 * came from: "default", "FILE:LINE" or the environment variable's name. */
struct config_item {
    const char *section, *key;
    char value[1100];
    char origin[1100];
};
typedef void config_item_fn(const struct config_item *item, void *arg);

/* Loads the configuration again from where loaded came from (its file, the
 * environment) and calls each for every setting, section by section,
 * then for the claims and description of every [scope.NAME] section.
 * ERR_CONFIG with why when it no longer loads; ERR_NOMEM. */
enum err config_explain(const struct config *loaded, config_item_fn *each, void *arg, char *why,
                        size_t whylen);

/* Compares fresh with old: calls each for every setting whose value
 * differs, then once with section "scope" and key "*" when the [scope.NAME]
 * sections differ. When each returns true, fresh takes old's value of that
 * setting back (with server.issuer, its derived path too). */
typedef bool config_change_fn(const char *section, const char *key, void *arg);
void config_each_change(struct config *fresh, const struct config *old, config_change_fn *each,
                        void *arg);

/* The RP ID of passkeys (WebAuthn Level 3 §5.1.2) into out, lower-case:
 * webauthn.rp_id, else the issuer's host. False, out "", when passkeys are
 * off: the issuer's host is an IP address (no browser takes one as an RP
 * ID) and webauthn.rp_id is empty. config_load has checked that a set
 * rp_id is the issuer's host or a domain it is under. */
bool config_webauthn_rp_id(const struct config *c, char out[CONFIG_RP_ID_MAX + 1]);

/* The [scope.NAME] section named name, or NULL. Borrowed from c. */
const struct config_scope *config_scope_get(const struct config *c, const char *name);

/* The longest lifetime of any token the server signs: keys stay published
 * that long after they stop signing. */
long config_max_token_ttl(const struct config *c);

#endif
