#include "core/config_settings.h"

#define STR(sec, k, field, d)                                                                      \
    {                                                                                              \
        sec, k, K_STRING, offsetof(struct config, field), sizeof(((struct config *)0)->field), d,  \
            0, 0, NULL                                                                             \
    }
#define STR_OPT(sec, k, field, d)                                                                  \
    {                                                                                              \
        sec, k, K_STRING_OPT, offsetof(struct config, field), sizeof(((struct config *)0)->field), \
            d, 0, 0, NULL                                                                          \
    }
#define CLAIM_NAMES(sec, k, field, d)                                                              \
    {                                                                                              \
        sec, k, K_CLAIM_NAMES, offsetof(struct config, field),                                     \
            sizeof(((struct config *)0)->field), d, 0, 0, NULL                                     \
    }
#define LONG(sec, k, field, d, lo, hi)                                                             \
    {                                                                                              \
        sec, k, K_LONG, offsetof(struct config, field), 0, d, lo, hi, NULL                         \
    }
#define BOOL(sec, k, field, d)                                                                     \
    {                                                                                              \
        sec, k, K_BOOL, offsetof(struct config, field), 0, d, 0, 0, NULL                           \
    }
#define CHOICE(sec, k, field, d, set)                                                              \
    {                                                                                              \
        sec, k, K_CHOICE, offsetof(struct config, field), sizeof(((struct config *)0)->field), d,  \
            0, 0, set                                                                              \
    }

const struct setting config_settings[] = {
    {"server", "issuer", K_ISSUER, offsetof(struct config, issuer),
     sizeof(((struct config *)0)->issuer), "http://127.0.0.1:8000", 0, 0, NULL},
    {"server", "listen", K_LISTEN, offsetof(struct config, listen), 0, "127.0.0.1:8000", 0, 0,
     NULL},
    LONG("server", "threads", threads, "0", 0, 256),
    LONG("server", "connection_timeout", connection_timeout, "30", 1, 3600),
    {"database", "url", K_DATABASE_URL, offsetof(struct config, database_url),
     sizeof(((struct config *)0)->database_url), "sqlite:oidcd.db", 0, 0, NULL},
    LONG("database", "timeout_ms", database_timeout_ms, "5000", 100, 600000),
    LONG("tokens", "access_token_ttl", access_token_ttl, "3600", 1, 31536000),
    LONG("tokens", "code_ttl", code_ttl, "600", 1, 3600),
    LONG("tokens", "id_token_ttl", id_token_ttl, "600", 1, 86400),
    LONG("tokens", "refresh_token_ttl", refresh_token_ttl, "2592000", 60, 31536000),
    LONG("tokens", "refresh_token_max_lifetime", refresh_token_max_lifetime, "7776000", 1,
         315360000),
    BOOL("tokens", "id_token_include_claims", id_token_include_claims, "false"),
    CHOICE("tokens", "subject_type", subject_type, "public", "public pairwise"),
    LONG("session", "ttl", session_ttl, "86400", 60, 31536000),
    BOOL("session", "management", session_management, "false"),
    LONG("backchannel", "timeout_ms", backchannel_timeout_ms, "5000", 100, 60000),
    LONG("backchannel", "retries", backchannel_retries, "5", 0, 20),
    LONG("consent", "remember_days", consent_remember_days, "90", 0, 3650),
    LONG("login", "max_failures", login_max_failures, "5", 1, 1000),
    BOOL("login", "require_mfa", login_require_mfa, "false"),
    LONG("login", "lockout_seconds", login_lockout_seconds, "60", 1, 86400),
    BOOL("grants", "password", grants_password, "false"),
    LONG("passwords", "argon2_memory_kib", argon2_memory_kib, "19456", 8, 4194304),
    LONG("passwords", "argon2_iterations", argon2_iterations, "2", 1, 64),
    LONG("passwords", "argon2_parallelism", argon2_parallelism, "1", 1, 16),
    STR_OPT("ui", "templates_dir", templates_dir, ""),
    CLAIM_NAMES("claims", "extra", claims_extra, ""),
    STR("keys", "encryption_key_file", encryption_key_file, "oidcd.kek"),
    CHOICE("keys", "algorithm", key_algorithm, "RS256", "RS256 ES256"),
    LONG("keys", "publish_ahead", publish_ahead, "120", 0, 31536000),
    CHOICE("log", "level", log_level, "info", "debug info warn error"),
    CHOICE("log", "format", log_format, "logfmt", "logfmt json"),
    LONG("log", "flush_interval_ms", log_flush_interval_ms, "100", 0, 10000),
    BOOL("introspection", "validate_audience_scope", introspection_validate_audience_scope, "true"),
    BOOL("introspection", "response_scope", introspection_response_scope, "false"),
    LONG("audit", "retention_days", audit_retention_days, "90", 1, 36500),
    STR_OPT("webauthn", "rp_id", webauthn_rp_id, ""),
    LONG("webauthn", "timeout_seconds", webauthn_timeout_seconds, "300", 30, 3600),
    CHOICE("webauthn", "counter_policy", webauthn_counter_policy, "refuse", "refuse log"),
    CHOICE("webauthn", "attestation", webauthn_attestation, "none", "none direct"),
    {"metrics", "listen", K_LISTEN_OPT, offsetof(struct config, metrics), 0, "", 0, 0, NULL},
};

const size_t config_settings_count = sizeof config_settings / sizeof config_settings[0];

_Static_assert(sizeof config_settings / sizeof config_settings[0] <= CONFIG_SETTINGS_MAX,
               "raise CONFIG_SETTINGS_MAX");
