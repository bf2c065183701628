#ifndef OIDCD_ENDPOINTS_METRICS_H
#define OIDCD_ENDPOINTS_METRICS_H

/* What GET /metrics counts besides HTTP and the database: the events the
 * endpoints see. */

#include <stdbool.h>

/* Tokens issued at /token (grant: its grant_type) or /authorize ("implicit":
 * an access or ID token in the authorization response). */
void metrics_tokens_issued(const char *grant, const char *client_id);

/* A password checked at the login page (via "login_page") or by the password
 * grant ("password_grant"): ok, or refused (wrong credentials or locked). */
void metrics_login(bool ok, const char *via);

#endif
