#ifndef OIDCD_CORE_USER_AGENT_H
#define OIDCD_CORE_USER_AGENT_H

/* A browser's User-Agent header as a short label a person recognises
 * ("Firefox on Linux"), for the account page's list of sessions. Only the
 * label is kept, never the header: it says enough to tell sessions apart,
 * fingerprints no one, and is built from a fixed vocabulary of plain ASCII
 * words, so nothing a client sends reaches the database or a page. */

#include <stddef.h>

#define USER_AGENT_LABEL_SIZE 48             /* bytes of a label, with its NUL */
#define USER_AGENT_UNKNOWN "Unknown browser" /* the label when nothing is known */

/* Writes into out the label for the len bytes of ua: "BROWSER on OS",
 * "BROWSER" when the system is not known, "A browser on OS" when the browser
 * is not, USER_AGENT_UNKNOWN when neither is, and also when ua is NULL or
 * empty, longer than LIMIT_USER_AGENT (no browser sends such a header) or
 * holds control characters (not a header a browser sends either). */
void user_agent_label(const char *ua, size_t len, char out[USER_AGENT_LABEL_SIZE]);

#endif
