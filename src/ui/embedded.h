#ifndef OIDCD_UI_EMBEDDED_H
#define OIDCD_UI_EMBEDDED_H

/* The files of src/ui/templates and src/ui/static, compiled into the binary
 * by cmake/embed_ui.cmake. */

#include <stdbool.h>
#include <stddef.h>

/* The built-in file called name ("login.html", "oidcd.css"): false when
 * there is none. *data is NUL-terminated and static. */
bool ui_embedded_get(const char *name, const char **data, size_t *len);

#endif
