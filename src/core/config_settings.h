#ifndef OIDCD_CORE_CONFIG_SETTINGS_H
#define OIDCD_CORE_CONFIG_SETTINGS_H

/* Every setting of the config file: its section, key, kind, the field of
 * struct config it fills, its default and bounds. One table, read by the
 * loader (config.c) and by what explains or compares configs. Internal to
 * core/config*.c. */

#include <stddef.h>

#include "core/config.h"

enum kind {
    K_STRING,
    K_STRING_OPT, /* a string that may be empty */
    K_CLAIM_NAMES,
    K_LONG,
    K_BOOL,
    K_CHOICE,
    K_LISTEN,
    K_LISTEN_OPT, /* K_LISTEN that may be empty: port 0 */
    K_ISSUER,
    K_DATABASE_URL
};

struct setting {
    const char *section;
    const char *key;
    enum kind kind;
    size_t offset;
    size_t size;         /* K_STRING, K_CHOICE, K_ISSUER, K_DATABASE_URL: the field's size */
    const char *def;     /* default, as it would be written in the file */
    long min, max;       /* K_LONG */
    const char *choices; /* K_CHOICE: space-separated */
};

/* At most this many settings (the loader's trace keeps one slot each). */
#define CONFIG_SETTINGS_MAX 64

/* The rules between settings that one value alone cannot break:
 * webauthn.rp_id against server.issuer (config_webauthn.c). ERR_CONFIG
 * with a one-line reason in why. */
enum err config_webauthn_check(const struct config *c, char *why, size_t whylen);

extern const struct setting config_settings[];
extern const size_t config_settings_count;

#endif
