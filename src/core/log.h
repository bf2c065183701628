#ifndef OIDCD_CORE_LOG_H
#define OIDCD_CORE_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

#include <stdbool.h>

enum log_format { LOG_LOGFMT, LOG_JSON };

/* Writes one line to stderr; lines from several threads never interleave.
 * As logfmt (the default):
 *   ts=2026-11-28T07:36:06.123Z level=info msg="…" request_id=… key=value …
 * or as one JSON object per line, every value a string:
 *   {"ts":"2026-11-28T07:36:06.123Z","level":"info","msg":"…","key":"value"}
 * After msg come NULL-terminated key/value string pairs; a NULL value is
 * skipped. Values are quoted and escaped as the format needs (in JSON, a
 * byte that is not printable ASCII is written \u00XX). request_id is the
 * calling thread's, when it has one (log_set_request_id). Never pass a
 * secret, token, code or password. */
void log_kv(enum log_level level, const char *msg, ...) __attribute__((sentinel));

/* Lines below this level are dropped. */
void log_set_level(enum log_level level);

/* The level log.level names ("debug", "info", "warn", "error"); info for
 * any other name. */
enum log_level log_level_named(const char *name);

/* The format of every line from now on (log.format). */
void log_set_format(enum log_format format);

/* The request the calling thread works on: every line it logs carries
 * request_id=id until it sets another or NULL. id is borrowed and must live
 * until then. */
void log_set_request_id(const char *id);

/* Batching, for a server that logs every request: from log_batch_start on,
 * debug and info lines are held in a 64 KiB buffer written when it fills or
 * every interval_ms by a flusher thread; warn and error lines are written at
 * once (after what is held). interval_ms <= 0 keeps one write per line.
 * Returns false if the flusher thread could not start. log_batch_stop writes
 * what is held and returns to one write per line. */
bool log_batch_start(long interval_ms);
void log_batch_stop(void);

#endif
