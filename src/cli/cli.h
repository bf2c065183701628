#ifndef OIDCD_CLI_CLI_H
#define OIDCD_CLI_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "core/config.h"

/* Exit statuses of every command. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* Each command gets the words after its name and the loaded configuration,
 * and returns an exit status. */
int cli_serve(int argc, char **argv, const struct config *cfg);
int cli_client(int argc, char **argv, const struct config *cfg);
int cli_user(int argc, char **argv, const struct config *cfg);
int cli_resource(int argc, char **argv, const struct config *cfg);
int cli_key(int argc, char **argv, const struct config *cfg);
int cli_migrate(int argc, char **argv, const struct config *cfg);
int cli_config(int argc, char **argv, const struct config *cfg);
int cli_events(int argc, char **argv, const struct config *cfg);
int cli_consent(int argc, char **argv, const struct config *cfg);

/* Logs a warning for each setting that works but should be changed (an
 * http:// issuer on a host that is not loopback) or leaves something off
 * (passkeys, for an issuer at an IP address). */
void cli_warn_config(const struct config *cfg);

/* If argv[*i] is the flag `name` ("--x"), returns 1 and, when value is not
 * NULL, sets *value from "--x=V" or from the next word (advancing *i).
 * Returns -1 when the value is missing, 0 when argv[*i] is another word. */
int args_flag(int argc, char **argv, int *i, const char *name, const char **value);

/* Prints "oidcd: " and the message to stderr; returns status. */
int cli_fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Opens the configured database, printing why on failure. */
struct store;
int cli_open_store(const struct config *cfg, struct store **out);

/* The user named by word (a username, else a sub) into *u, or the client
 * with this id into *c (caller clears); an unknown one is "no user WORD" /
 * "no client ID", exit status 1. Returns an exit status. */
struct user;
struct client;
int cli_user_load(struct store *s, const char *word, struct user *u);
int cli_client_load(struct store *s, const char *id, struct client *c);

/* t (Unix seconds) as 2026-12-01T08:30:00Z. */
#define CLI_TIME_SIZE 32
void cli_time_text(int64_t t, char out[CLI_TIME_SIZE]);

/* Records a change the command made (an audit event, actor "cli:USER"). */
void cli_audit(struct store *s, const char *type, const char *user_sub, const char *client_id,
               const char *detail);

/* oidcd user add-totp|factors|reset-factors (cmd) with the words after it. */
int cli_user_factors(const char *cmd, int argc, char **argv, struct store *s,
                     const struct config *cfg);

/* What client c's ID token algorithm needs before c is stored (secret: a new
 * one just made, or NULL). HS256: secret sealed with the key-encryption key
 * into c->secret_sealed, the only plaintext copy the server keeps (with no
 * new secret, the sealed one stays). Any other: no sealed copy, and a first
 * key of the algorithm, made here when the database holds signing keys
 * already (a running server signs with it within a second); in one without
 * keys, serve makes it at start-up with its first key. Returns an exit
 * status (a failure reported, one line). */
struct client;
int cli_client_settle_alg(const struct config *cfg, struct store *s, struct client *c,
                          const char *secret);

#endif
