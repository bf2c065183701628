#ifndef OIDCD_HTTP_SERVER_H
#define OIDCD_HTTP_SERVER_H

#include "core/addr_set.h"
#include "http/http.h"

struct http_server_options {
    const char *host; /* numeric or name; resolved once at start */
    int port;
    unsigned threads;
    unsigned connection_timeout; /* seconds a connection may stay idle */
    const struct route *routes;  /* borrowed for the server's lifetime */
    size_t nroutes;
    void *app; /* handed to every handler */
    /* Peers whose X-Forwarded-For and X-Request-Id are believed (a proxy or
     * load balancer in front); borrowed. NULL: none, every request's client
     * is its peer and its id is made here. */
    const struct addr_set *trusted_proxies;
    /* Called before the handler of every route with a flag in gate_flags;
     * returns false when it has already filled resp (the handler then does not
     * run). NULL: none. This is where the application checks what a flag asks
     * (ROUTE_CSRF) that http/ cannot know how to check. */
    bool (*gate)(void *app, const struct route *route, const struct http_request *req,
                 struct http_response *resp);
    unsigned gate_flags;
    /* Wraps the gate and the handler of every request: it calls
     * run(request_app, ctx) once, with the app that request is to see (a
     * snapshot of settings that a reload may swap meanwhile). NULL: run(app,
     * ctx). */
    void (*around)(void *app, void (*run)(void *request_app, void *ctx), void *ctx);
};

struct http_server;

/* Binds and starts serving with opts->threads threads, each its own
 * libmicrohttpd daemon on the shared address. Fails when something already
 * listens there. On failure writes a one-line reason into why. */
enum err http_server_start(const struct http_server_options *opts, struct http_server **out,
                           char *why, size_t whylen);

/* Appends srv's numbers to t: requests by endpoint (route path, or
 * "unmatched") and status, their latency, and the connections open. */
struct metrics_text;
void http_server_metrics(struct http_server *srv, struct metrics_text *t);

/* Stops accepting, lets requests in flight finish (up to grace_ms), closes
 * every connection and frees the server. */
void http_server_stop(struct http_server *srv, unsigned grace_ms);

#endif
