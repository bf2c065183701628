#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_writer.h"
#include "http/http.h"

/* error_description is one of our own sentences: far below this */
#define ERROR_BODY_MAX (16 * 1024)

void http_response_json_text(struct http_response *r, int status, char *text, size_t len)
{
    if (!text) {
        http_response_body(r, 500, "application/json", "{\"error\":\"server_error\"}", 25);
        return;
    }
    free(r->body);
    r->status = status;
    r->content_type = "application/json";
    r->body = text;
    r->body_len = len;
}

void http_response_json(struct http_response *r, int status, struct json_t *obj)
{
    char *text = obj ? json_dumps(obj, JSON_COMPACT) : NULL;

    json_decref(obj);
    http_response_json_text(r, status, text, text ? strlen(text) : 0);
}

void http_response_body(struct http_response *r, int status, const char *content_type,
                        const char *body, size_t len)
{
    char *copy = malloc(len + 1);

    free(r->body);
    r->body = copy;
    r->body_len = copy ? len : 0;
    if (copy) {
        memcpy(copy, body, len);
        copy[len] = '\0';
    }
    r->status = copy ? status : 500;
    r->content_type = content_type;
}

void http_response_header(struct http_response *r, const char *name, const char *value)
{
    char *copy;

    if (r->nheaders == HTTP_MAX_HEADERS)
        return;
    copy = strdup(value);
    if (!copy)
        return;
    r->headers[r->nheaders].name = name;
    r->headers[r->nheaders].value = copy;
    r->nheaders++;
}

static bool has_header(const struct http_response *r, const char *name)
{
    size_t i;

    for (i = 0; i < r->nheaders; i++)
        if (strcmp(r->headers[i].name, name) == 0)
            return true;
    return false;
}

static int status_of(enum err e)
{
    switch (e) {
    case ERR_INVALID_REQUEST:
    case ERR_INVALID_GRANT:
    case ERR_UNAUTHORIZED_CLIENT:
    case ERR_UNSUPPORTED_GRANT_TYPE:
    case ERR_INVALID_SCOPE:
    case ERR_UNSUPPORTED_RESPONSE_TYPE:
    case ERR_LOGIN_REQUIRED:
    case ERR_CONSENT_REQUIRED:
    case ERR_INTERACTION_REQUIRED:
    case ERR_ACCOUNT_SELECTION_REQUIRED:
    case ERR_REQUEST_NOT_SUPPORTED:
    case ERR_REQUEST_URI_NOT_SUPPORTED:
        return 400;
    case ERR_INVALID_CLIENT:
    case ERR_INVALID_TOKEN:
        return 401;
    case ERR_INSUFFICIENT_SCOPE:
    case ERR_ACCESS_DENIED:
        return 403;
    case ERR_NOT_FOUND:
        return 404;
    case ERR_METHOD_NOT_ALLOWED:
        return 405;
    case ERR_TOO_LARGE:
        return 413;
    case ERR_TEMPORARILY_UNAVAILABLE:
        return 503;
    default:
        return 500;
    }
}

void http_response_error(struct http_response *r, enum err e, const char *desc)
{
    int status = status_of(e);
    struct json_writer w;
    char *text;
    size_t len = 0;

    json_writer_begin(&w, ERROR_BODY_MAX);
    json_writer_string(&w, "error", err_code(e));
    /* internal failures are described in the log, not to the client */
    if (desc && status != 500)
        json_writer_string(&w, "error_description", desc);
    text = json_writer_finish(&w, &len);
    if (e == ERR_INVALID_CLIENT && !has_header(r, "WWW-Authenticate"))
        http_response_header(r, "WWW-Authenticate", "Basic realm=\"oidcd\"");
    r->error = err_code(e);
    http_response_json_text(r, status, text, len);
}

void http_response_clear(struct http_response *r)
{
    size_t i;

    free(r->body);
    for (i = 0; i < r->nheaders; i++)
        free(r->headers[i].value);
    memset(r, 0, sizeof *r);
}
