#ifndef OIDCD_HTTP_HTTP_H
#define OIDCD_HTTP_HTTP_H

/* What handlers see of HTTP: a parsed request, a response to fill, and the
 * route table that drives the checks made before any handler runs. Only
 * http/ knows libmicrohttpd. */

#include <stdbool.h>
#include <stddef.h>

#include "core/errors.h"
#include "core/form.h"
#include "core/limits.h"

enum http_method { HTTP_GET = 1, HTTP_POST = 2, HTTP_HEAD = 4, HTTP_OTHER = 8 };

enum body_kind { BODY_NONE, BODY_FORM };

struct http_request {
    enum http_method method;
    const char *path;
    const char *authorization; /* the Authorization header, or NULL */
    struct params query;
    struct params form; /* the body, for BODY_FORM routes */
};

#define HTTP_MAX_HEADERS 8

struct http_response {
    int status;
    const char *content_type;
    char *body; /* owned */
    size_t body_len;
    struct {
        const char *name;
        char *value; /* owned */
    } headers[HTTP_MAX_HEADERS];
    size_t nheaders;
    /* for the access log */
    char client_id[LIMIT_CLIENT_ID + 1];
    const char *error;
};

typedef void (*http_handler)(void *app, const struct http_request *req, struct http_response *resp);

struct route {
    const char *path;    /* exact match on the request path */
    unsigned methods;    /* enum http_method bits; GET routes answer HEAD too */
    enum body_kind body; /* BODY_FORM: application/x-www-form-urlencoded */
    size_t max_body;
    bool no_store;             /* Cache-Control: no-store and Pragma: no-cache */
    const char *cache_control; /* otherwise, when not NULL */
    http_handler handler;
};

/* Sets a JSON body from a jansson value. Steals the reference to obj. */
struct json_t;
void http_response_json(struct http_response *r, int status, struct json_t *obj);

/* Sets a JSON body the response takes over (malloc'd, len bytes, as from
 * json_writer_finish); NULL text makes a 500 server_error. */
void http_response_json_text(struct http_response *r, int status, char *text, size_t len);

/* Sets a body that is copied. */
void http_response_body(struct http_response *r, int status, const char *content_type,
                        const char *body, size_t len);

/* Adds a header; value is copied. Silently drops headers past the limit. */
void http_response_header(struct http_response *r, const char *name, const char *value);

/* Sets the error response for e: status, {"error": …, "error_description":
 * desc} and, for invalid_client, a Basic challenge (RFC 6749 §5.2). desc may
 * be NULL. */
void http_response_error(struct http_response *r, enum err e, const char *desc);

void http_response_clear(struct http_response *r);

#endif
