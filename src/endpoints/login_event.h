#ifndef OIDCD_ENDPOINTS_LOGIN_EVENT_H
#define OIDCD_ENDPOINTS_LOGIN_EVENT_H

/* A password checked at the login page or by the password grant: one log
 * line and one count in the metrics, alike for both, and an audit event for
 * each password actually checked (a "login.locked" one too when a failure
 * locked the account or address). Attempts refused by a lock already in
 * place check nothing and write nothing to the database: cheap to send,
 * they must not be a way to fill it. */

#include <stdbool.h>

#include "endpoints/app.h"

struct login_event {
    enum { LOGIN_OK, LOGIN_REFUSED, LOGIN_LOCKED } outcome;
    const char *via;        /* "login_page" or "password_grant" */
    const char *username;   /* as given; never the password */
    const char *user_sub;   /* when known; may be NULL */
    const char *client_id;  /* may be NULL */
    const char *grant_type; /* for the log line; NULL at the login page */
    const char *address;
    const char *reason; /* why it was refused; NULL when ok */
    long locked_for;    /* LOGIN_REFUSED: seconds of the lock it started, or 0 */
};

void login_event(const struct app *a, const struct login_event *e);

#endif
