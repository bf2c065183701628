#ifndef OIDCD_CLI_RELOAD_H
#define OIDCD_CLI_RELOAD_H

#include "endpoints/app.h"

/* SIGHUP: loads the configuration again from where the running one came
 * from (its file, the environment) and the templates it names. When either
 * fails, logs why (as `config check` says it) and changes nothing. Otherwise
 * swaps in the new generation, with every setting that needs a restart
 * (reload_needs_restart) kept as it was and a warning naming it, and logs
 * `config reloaded` with the names of the settings that changed. */
void serve_reload(struct app *app);

/* True when the setting SECTION.KEY takes effect only at start-up. */
bool reload_needs_restart(const char *section, const char *key);

#endif
