#ifndef OIDCD_CORE_CONFIG_H
#define OIDCD_CORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/errors.h"

/* Every setting of oidcd. Each has a default, an INI key `[section] key` and an
 * environment variable OIDCD_<SECTION>_<KEY> that wins over the file.
 * docs/CONFIG.md lists them. */
struct config {
    char issuer[1024];      /* server.issuer, no trailing slash */
    char issuer_path[1024]; /* derived: the issuer's path ("" or "/oidc") */
    char listen_host[256];  /* server.listen = host:port */
    int listen_port;
    long threads;                               /* server.threads; 0 = one per CPU */
    long connection_timeout;                    /* server.connection_timeout, seconds */
    char database_url[1024];                    /* database.url */
    long access_token_ttl;                      /* tokens.access_token_ttl, seconds */
    char encryption_key_file[1024];             /* keys.encryption_key_file */
    char key_algorithm[8];                      /* keys.algorithm for the first key */
    long publish_ahead;                         /* keys.publish_ahead, seconds */
    char log_level[8];                          /* log.level */
    long log_flush_interval_ms;                 /* log.flush_interval_ms; 0 = every line */
    bool introspection_validate_audience_scope; /* introspection.validate_audience_scope */
    bool introspection_response_scope;          /* introspection.response_scope */
};

/* Fills c with the defaults, then the INI file at path (when path is not
 * NULL), then the environment. On failure returns ERR_CONFIG and writes a
 * one-line reason into why. */
enum err config_load(struct config *c, const char *path, char *why, size_t whylen);

/* The longest lifetime of any token the server signs: keys stay published
 * that long after they stop signing. */
long config_max_token_ttl(const struct config *c);

#endif
