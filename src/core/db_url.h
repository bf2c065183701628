#ifndef OIDCD_CORE_DB_URL_H
#define OIDCD_CORE_DB_URL_H

#include <stddef.h>

/* url (database.url: a URI or a key=value string) as it may be shown in a
 * message or `config show`: the password of the URI's authority
 * (scheme://user:PASSWORD@host) and every `…password = VALUE` (password=,
 * sslpassword=, as a query parameter or a key=value word, to the next space
 * or &) replaced by ****. out (size n) always ends in NUL. */
void mask_database_url(const char *url, char *out, size_t n);

#endif
