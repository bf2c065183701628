#ifndef OIDCD_CORE_LOG_H
#define OIDCD_CORE_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Writes one logfmt line to stderr in a single write(2), so lines from several
 * threads never interleave:
 *   ts=2026-11-28T07:36:06.123Z level=info msg="…" key=value …
 * After msg come NULL-terminated key/value string pairs; a NULL value is
 * skipped. Values are quoted and escaped as logfmt needs. Never pass a secret,
 * token, code or password. */
void log_kv(enum log_level level, const char *msg, ...) __attribute__((sentinel));

/* Lines below this level are dropped. */
void log_set_level(enum log_level level);

#endif
