/* The libmicrohttpd glue: one exchange per request, the route table's checks
 * (method, content type, body cap) before any handler, the access log. */
#include "http/server.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/rand.h"
#include "core/text.h"
#include "http/connections.h"
#include "http/router.h"

#define MAX_DAEMONS 64

/* Each route's requests by status (100 to 599) and their latency; the slot
 * after the last route counts requests no route matched. */
#define STATUS_MIN 100
#define STATUS_SLOTS 500
struct route_stats {
    _Atomic uint64_t by_status[STATUS_SLOTS];
    struct metrics_histogram latency;
};

struct http_server {
    /* one single-threaded daemon per worker thread, all listening on the same
     * address (SO_REUSEPORT): the kernel spreads new connections over them.
     * One daemon with a thread pool lets whichever thread wakes first accept
     * every waiting connection, which can leave the other threads idle. */
    struct MHD_Daemon *daemons[MAX_DAEMONS];
    unsigned ndaemons;
    struct http_server_options opts;
    struct conn_table *conns;
    atomic_int in_flight;
    atomic_int connections;    /* open now */
    struct route_stats *stats; /* opts.nroutes + 1 */
};

/* One request and its response. */
struct exchange {
    struct http_server *srv;
    double started_ms;
    char *query; /* the raw query string, from the URI */
    char *path;  /* the request path (a prefix route's handler needs it) */
    const struct route *route;
    enum http_method method;
    bool begun;
    bool too_large;
    struct buf body;
    struct http_response resp;
    char log_path[256];
    char method_name[16];
    char request_id[HTTP_REQUEST_ID_MAX + 1]; /* on every log line and X-Request-Id */
    char peer[HTTP_ADDRESS_SIZE];             /* the connection's other end, "" unknown */
    bool via_proxy;                           /* peer is a trusted proxy */
};

static struct conn_state *conn_state_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

    return info ? info->socket_context : NULL;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    struct http_server *srv = cls;
    const union MHD_ConnectionInfo *info;

    if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        conns_remove(srv->conns, *socket_context);
        *socket_context = NULL;
        atomic_fetch_sub_explicit(&srv->connections, 1, memory_order_relaxed);
        return;
    }
    atomic_fetch_add_explicit(&srv->connections, 1, memory_order_relaxed);
    info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    *socket_context = info ? conns_add(srv->conns, info->connect_fd) : NULL;
}

/* A request target too long or with far too many parameters. libmicrohttpd
 * splits the query into its per-connection memory before any handler runs,
 * and when that memory runs out it cannot even send its own error; so such a
 * request is answered here, straight on the socket, and the connection shut.
 * Nothing else is in flight on it: a new request line is being read. Targets
 * with a few too many parameters get the ordinary 400 from the form parser. */
#define MAX_TARGET_PARAMS 256

static bool refuse_target(struct MHD_Connection *conn, const char *uri)
{
    static const char answer[] = "HTTP/1.1 400 Bad Request\r\n"
                                 "Content-Type: application/json\r\n"
                                 "Cache-Control: no-store\r\n"
                                 "Connection: close\r\n"
                                 "Content-Length: 74\r\n\r\n"
                                 "{\"error\":\"invalid_request\",\"error_description\":"
                                 "\"request target too large\"}";
    const union MHD_ConnectionInfo *info;
    size_t params = 1, n = 0;
    char path[128];

    for (; uri[n] && n <= LIMIT_TARGET; n++)
        params += uri[n] == '&' || uri[n] == ';';
    if (n <= LIMIT_TARGET && params <= MAX_TARGET_PARAMS)
        return false;
    info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (info) {
        if (send(info->connect_fd, answer, sizeof answer - 1, MSG_NOSIGNAL) < 0)
            log_kv(LOG_DEBUG, "could not answer an oversized request target", NULL);
        shutdown(info->connect_fd, SHUT_RDWR);
    }
    /* the method is not known yet at this point of libmicrohttpd's parsing */
    snprintf(path, sizeof path, "%.*s", (int)strcspn(uri, "?"), uri);
    log_kv(LOG_INFO, "request", "method", "-", "path", path, "status", "400", "error",
           "invalid_request", "detail", "request target too large", NULL);
    return true;
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    struct http_server *srv = cls;
    struct exchange *ex;
    const char *q;

    if (refuse_target(conn, uri))
        return NULL;
    ex = calloc(1, sizeof *ex);
    if (!ex)
        return NULL;
    ex->srv = srv;
    ex->started_ms = clock_ms();
    q = strchr(uri, '?');
    ex->query = strdup(q ? q + 1 : "");
    atomic_fetch_add(&srv->in_flight, 1);
    return ex;
}

static void exchange_free(struct exchange *ex)
{
    atomic_fetch_sub(&ex->srv->in_flight, 1);
    buf_free(&ex->body);
    http_response_clear(&ex->resp);
    free(ex->query);
    free(ex->path);
    free(ex);
}

/* For the log: as much of s as fits. */
static void copy_cut(char *dst, size_t size, const char *s)
{
    size_t n = strnlen(s, size - 1);

    memcpy(dst, s, n);
    dst[n] = '\0';
}

/* "12.34": milliseconds with two decimals, for the access log */
static void format_ms(char out[TEXT_INT_SIZE + 3], double ms)
{
    int64_t hundredths = (int64_t)(ms * 100.0 + 0.5);
    size_t n = text_int(out, hundredths / 100);

    out[n] = '.';
    out[n + 1] = (char)('0' + hundredths % 100 / 10);
    out[n + 2] = (char)('0' + hundredths % 10);
    out[n + 3] = '\0';
}

/* A request id a proxy in front may have set: 1 to HTTP_REQUEST_ID_MAX of
 * A-Z a-z 0-9 . _ - : (nginx's $request_id, a UUID), nothing a log line or a
 * header would need to escape. */
static bool request_id_ok(const char *id)
{
    size_t n = 0;

    for (; id[n]; n++)
        if (n == HTTP_REQUEST_ID_MAX || !(isalnum((unsigned char)id[n]) || strchr("._-:", id[n])))
            return false;
    return n > 0;
}

/* 64 bits that differ for every call on any thread: a per-thread count from
 * a random start, mixed (splitmix64) so that ids do not look sequential. One
 * CSPRNG draw per thread, not per request; the id is no secret. */
static uint64_t request_id_bits(void)
{
    static _Thread_local uint64_t next;
    static _Thread_local bool seeded;
    uint64_t z;

    if (!seeded) {
        seeded = rand_bytes(&next, sizeof next) == ERR_OK;
        next ^= (uint64_t)clock_ms(); /* if the draw failed, still not zero */
    }
    z = (next += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* The request's id: the X-Request-Id a trusted proxy sent when acceptable,
 * else 16 hex digits. */
static void request_id_take(struct MHD_Connection *conn, struct exchange *ex)
{
    static const char hex[] = "0123456789abcdef";
    const char *given =
        ex->via_proxy ? MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Request-Id") : NULL;
    uint64_t bits;
    int i;

    if (given && request_id_ok(given)) {
        memcpy(ex->request_id, given, strlen(given) + 1);
        return;
    }
    bits = request_id_bits();
    for (i = 15; i >= 0; i--, bits >>= 4)
        ex->request_id[i] = hex[bits & 15];
    ex->request_id[16] = '\0';
}

/* The request in its route's numbers (the unmatched slot when it has none),
 * as its response is queued: counted before the client can read it, so a
 * scrape that follows a response always sees it. */
static void count_request(struct exchange *ex, double ms)
{
    const struct http_server_options *o = &ex->srv->opts;
    struct route_stats *st =
        &ex->srv->stats[ex->route ? (size_t)(ex->route - o->routes) : o->nroutes];
    int status = ex->resp.status;

    if (status >= STATUS_MIN && status < STATUS_MIN + STATUS_SLOTS)
        atomic_fetch_add_explicit(&st->by_status[status - STATUS_MIN], 1, memory_order_relaxed);
    metrics_observe(&st->latency, ms);
}

void http_server_metrics(struct http_server *srv, struct metrics_text *t)
{
    const struct http_server_options *o = &srv->opts;
    char labels[METRICS_LABELS_MAX], status[TEXT_INT_SIZE];
    size_t r, i;
    uint64_t n;

    metrics_family(t, "oidcd_http_requests_total", "counter",
                   "HTTP requests answered, by endpoint and status");
    for (r = 0; r <= o->nroutes; r++)
        for (i = 0; i < STATUS_SLOTS; i++) {
            n = atomic_load_explicit(&srv->stats[r].by_status[i], memory_order_relaxed);
            if (!n)
                continue;
            labels[0] = '\0';
            metrics_label(labels, sizeof labels, "endpoint",
                          r < o->nroutes ? o->routes[r].path : "unmatched");
            text_int(status, (int64_t)(STATUS_MIN + i));
            metrics_label(labels, sizeof labels, "status", status);
            metrics_sample(t, "oidcd_http_requests_total", labels, (double)n);
        }
    metrics_family(t, "oidcd_http_request_duration_seconds", "histogram",
                   "Time from a request's first byte to its response being ready, by endpoint");
    for (r = 0; r <= o->nroutes; r++) {
        labels[0] = '\0';
        metrics_label(labels, sizeof labels, "endpoint",
                      r < o->nroutes ? o->routes[r].path : "unmatched");
        metrics_histogram(t, "oidcd_http_request_duration_seconds", labels, &srv->stats[r].latency);
    }
    metrics_family(t, "oidcd_http_connections_open", "gauge", "HTTP connections open now");
    metrics_sample(t, "oidcd_http_connections_open", "",
                   (double)atomic_load_explicit(&srv->connections, memory_order_relaxed));
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct exchange *ex = *con_cls;
    char status[TEXT_INT_SIZE], ms[TEXT_INT_SIZE + 3];

    (void)cls;
    /* the response is out: the clock of the connection's next request starts */
    conns_set_busy(conn_state_of(conn), false);
    if (!ex)
        return;
    text_int(status, ex->resp.status);
    format_ms(ms, clock_ms() - ex->started_ms);
    log_set_request_id(ex->request_id[0] ? ex->request_id : NULL);
    log_kv(LOG_INFO, "request", "method", ex->method_name, "path", ex->log_path, "status", status,
           "ms", ms, "client_id", ex->resp.client_id[0] ? ex->resp.client_id : NULL, "error",
           ex->resp.error, "aborted", toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? NULL : "true",
           NULL);
    log_set_request_id(NULL);
    exchange_free(ex);
    *con_cls = NULL;
}

static enum MHD_Result queue(struct MHD_Connection *conn, struct exchange *ex)
{
    struct http_response *r = &ex->resp;
    struct MHD_Response *mr;
    enum MHD_Result ret;
    size_t i;

    if (!r->status)
        http_response_error(r, ERR_SERVER_ERROR, NULL);
    if (http_response_apply_route(r, ex->route)) {
        http_response_clear(r);
        http_response_error(r, ERR_SERVER_ERROR, NULL);
        http_response_apply_route(r, NULL);
    }
    /* libmicrohttpd takes the body over and frees it with the response */
    if (r->body)
        mr = MHD_create_response_from_buffer(r->body_len, r->body, MHD_RESPMEM_MUST_FREE);
    else
        mr = MHD_create_response_from_buffer(0, (char *)"", MHD_RESPMEM_PERSISTENT);
    if (!mr)
        return MHD_NO;
    r->body = NULL;
    if (r->content_type)
        MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
    for (i = 0; i < r->nheaders; i++)
        MHD_add_response_header(mr, r->headers[i].name, r->headers[i].value);
    MHD_add_response_header(mr, "X-Request-Id", ex->request_id);
    count_request(ex, clock_ms() - ex->started_ms);
    ret = MHD_queue_response(conn, (unsigned)r->status, mr);
    MHD_destroy_response(mr);
    conns_set_busy(conn_state_of(conn), true);
    return ret;
}

static enum MHD_Result reject(struct MHD_Connection *conn, struct exchange *ex, enum err e,
                              const char *desc)
{
    http_response_error(&ex->resp, e, desc);
    return queue(conn, ex);
}

static enum MHD_Result count_authorization(void *cls, enum MHD_ValueKind kind, const char *key,
                                           const char *value)
{
    (void)kind;
    (void)value;
    if (strcasecmp(key, MHD_HTTP_HEADER_AUTHORIZATION) == 0)
        ++*(unsigned *)cls;
    return MHD_YES;
}

/* Authorization is no list (RFC 9110 §5.3, §11.6.2): lookups see only its
 * first line, so a request with two is refused rather than half read. */
static bool one_authorization(struct MHD_Connection *conn)
{
    unsigned n = 0;

    MHD_get_connection_values(conn, MHD_HEADER_KIND, count_authorization, &n);
    return n <= 1;
}

/* The checks the route table drives, made on the request head before any
 * body is read. Returns false when ex->resp already holds the answer. */
static bool admit(struct MHD_Connection *conn, struct exchange *ex, const char *url)
{
    const struct http_server_options *o = &ex->srv->opts;
    const char *len;
    char allow[64];

    ex->route = router_match(o->routes, o->nroutes, url);
    if (!ex->route) {
        http_response_error(&ex->resp, ERR_HTTP_NOT_FOUND, "no such endpoint");
        return false;
    }
    if (!router_allows(ex->route, ex->method)) {
        router_allow_header(ex->route, allow, sizeof allow);
        http_response_header(&ex->resp, MHD_HTTP_HEADER_ALLOW, allow);
        http_response_error(&ex->resp, ERR_METHOD_NOT_ALLOWED, "method not allowed");
        return false;
    }
    if (!one_authorization(conn)) {
        http_response_error(&ex->resp, ERR_INVALID_REQUEST, "more than one Authorization header");
        return false;
    }
    len = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (len && strtoull(len, NULL, 10) > ex->route->max_body) {
        http_response_error(&ex->resp, ERR_TOO_LARGE, "request body too large");
        return false;
    }
    /* a POST without content needs no Content-Type (RFC 9110 §8.3) */
    if (ex->route->body == BODY_FORM && ex->method == HTTP_POST &&
        !(len && strcmp(len, "0") == 0 &&
          !MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE)) &&
        !router_content_type_is(
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE),
            "application/x-www-form-urlencoded")) {
        http_response_error(&ex->resp, ERR_INVALID_REQUEST,
                            "Content-Type must be application/x-www-form-urlencoded");
        return false;
    }
    ex->path = strdup(url);
    if (!ex->path) {
        http_response_error(&ex->resp, ERR_NOMEM, NULL);
        return false;
    }
    buf_init(&ex->body, ex->route->max_body);
    return true;
}

static const char *lookup_header(void *ctx, const char *name)
{
    return MHD_lookup_connection_value(ctx, MHD_HEADER_KIND, name);
}

/* The peer's address as text into out (HTTP_ADDRESS_SIZE), "" when unknown. */
static void peer_address(struct MHD_Connection *conn, char *out)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = info ? info->client_addr : NULL;
    const void *addr = NULL;

    out[0] = '\0';
    if (sa && sa->sa_family == AF_INET)
        addr = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
    else if (sa && sa->sa_family == AF_INET6)
        addr = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
    if (addr && !inet_ntop(sa->sa_family, addr, out, HTTP_ADDRESS_SIZE))
        out[0] = '\0';
}

/* Collects the last X-Forwarded-For line: a proxy appends its peer to the
 * line it received (nginx's $proxy_add_x_forwarded_for), so the last line
 * holds the addresses it vouches for, whatever lines the client sent. */
static enum MHD_Result last_forwarded(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    (void)kind;
    if (strcasecmp(key, "X-Forwarded-For") == 0)
        *(const char **)cls = value;
    return MHD_YES;
}

/* Where the request comes from: the peer, or for a trusted proxy the client
 * it forwarded for (core/addr_set.h). */
static void client_address(struct MHD_Connection *conn, const struct exchange *ex, char *out)
{
    const char *xff = NULL;

    if (!ex->via_proxy) {
        memcpy(out, ex->peer, HTTP_ADDRESS_SIZE);
        return;
    }
    MHD_get_connection_values(conn, MHD_HEADER_KIND, last_forwarded, &xff);
    addr_forwarded_client(ex->srv->opts.trusted_proxies, ex->peer, xff, out, HTTP_ADDRESS_SIZE);
}

static bool gate_passes(struct exchange *ex, void *app, const struct http_request *req)
{
    const struct http_server_options *o = &ex->srv->opts;

    if (!o->gate || !(ex->route->flags & o->gate_flags))
        return true;
    return o->gate(app, ex->route, req, &ex->resp);
}

struct call {
    struct exchange *ex;
    const struct http_request *req;
};

static void run_route(void *app, void *arg)
{
    struct call *c = arg;

    if (gate_passes(c->ex, app, c->req))
        c->ex->route->handler(app, c->req, &c->ex->resp);
}

static void dispatch(struct MHD_Connection *conn, struct exchange *ex)
{
    struct http_request req; /* not zeroed: the parameter tables are 2 KiB */
    enum err rc;

    req.query.n = req.form.n = 0;
    req.query.arena = req.form.arena = NULL;
    req.method = ex->method;
    req.path = ex->path;
    req.header = lookup_header;
    req.header_ctx = conn;
    client_address(conn, ex, req.client_address);
    req.authorization =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    rc = form_parse(ex->query, strlen(ex->query), &req.query);
    if (!rc && ex->route->body == BODY_FORM)
        rc = form_parse(ex->body.data ? ex->body.data : "", ex->body.len, &req.form);
    if (rc)
        http_response_error(&ex->resp, rc,
                            rc == ERR_NOMEM ? NULL : "malformed or too many parameters");
    else if (req.method == HTTP_OPTIONS)
        http_response_options(&ex->resp, ex->route);
    else if (ex->srv->opts.around)
        ex->srv->opts.around(ex->srv->opts.app, run_route, &(struct call){ex, &req});
    else
        run_route(ex->srv->opts.app, &(struct call){ex, &req});
    params_free(&req.query);
    params_free(&req.form);
}

/* One step of a request (its head, a piece of its body, its end), with the
 * request's id on every line logged meanwhile. */
static enum MHD_Result request_step(struct MHD_Connection *conn, struct exchange *ex,
                                    const char *url, const char *method, const char *upload_data,
                                    size_t *upload_data_size)
{
    if (!ex->begun) {
        ex->begun = true;
        ex->method = router_method(method);
        copy_cut(ex->method_name, sizeof ex->method_name, method);
        copy_cut(ex->log_path, sizeof ex->log_path, url);
        /* answering before the body is read makes MHD close the connection
         * afterwards, so an oversized body is never read at all */
        if (!admit(conn, ex, url))
            return queue(conn, ex);
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!ex->too_large && buf_append(&ex->body, upload_data, *upload_data_size))
            ex->too_large = true;
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (ex->too_large)
        return reject(conn, ex, ERR_TOO_LARGE, "request body too large");
    dispatch(conn, ex);
    return queue(conn, ex);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct exchange *ex = *con_cls;
    enum MHD_Result ret;

    (void)cls;
    (void)version;
    if (!ex)
        return MHD_NO;
    if (!ex->begun) {
        const struct addr_set *trusted = ex->srv->opts.trusted_proxies;
        peer_address(conn, ex->peer);
        ex->via_proxy = trusted && addr_set_contains(trusted, ex->peer);
        request_id_take(conn, ex);
    }
    log_set_request_id(ex->request_id);
    ret = request_step(conn, ex, url, method, upload_data, upload_data_size);
    log_set_request_id(NULL);
    return ret;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[512];
    size_t n;

    (void)cls;
    vsnprintf(msg, sizeof msg, fmt, ap);
    n = strlen(msg);
    while (n && msg[n - 1] == '\n')
        msg[--n] = '\0';
    log_kv(LOG_WARN, "http", "detail", msg, NULL);
}

static enum err resolve(const char *host, int port, struct sockaddr_storage *out, char *why,
                        size_t whylen)
{
    struct addrinfo hints = {0}, *res = NULL;
    char service[8];
    int rc;

    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    snprintf(service, sizeof service, "%d", port);
    rc = getaddrinfo(host, service, &hints, &res);
    if (rc || !res) {
        snprintf(why, whylen, "cannot resolve listen address %s: %s", host, gai_strerror(rc));
        return ERR_CONFIG;
    }
    memcpy(out, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    return ERR_OK;
}

/* Fails when something already listens on addr, even with SO_REUSEPORT:
 * another server on our port must be an error, not a silent share. */
static enum err probe_address(const struct sockaddr_storage *addr, char *why, size_t whylen,
                              const struct http_server_options *opts)
{
    socklen_t len =
        addr->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    int fd = socket(addr->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
    enum err rc = ERR_OK;

    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
        bind(fd, (const struct sockaddr *)addr, len)) {
        snprintf(why, whylen, "cannot listen on %s:%d (address in use or not permitted)",
                 opts->host, opts->port);
        rc = ERR_IO;
    }
    if (fd >= 0)
        close(fd);
    return rc;
}

static struct MHD_Daemon *start_daemon(struct http_server *srv, unsigned flags,
                                       struct sockaddr_storage *addr)
{
    const struct http_server_options *o = &srv->opts;

    return MHD_start_daemon(
        flags, (uint16_t)o->port, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER,
        on_mhd_log, srv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)addr,
        MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)(LIMIT_CONNECTIONS / srv->ndaemons), MHD_OPTION_CONNECTION_TIMEOUT,
        o->connection_timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)LIMIT_HEADER_BYTES,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv, MHD_OPTION_END);
}

static void stop_daemons(struct http_server *srv)
{
    unsigned i;

    for (i = 0; i < srv->ndaemons; i++)
        if (srv->daemons[i])
            MHD_stop_daemon(srv->daemons[i]);
}

enum err http_server_start(const struct http_server_options *opts, struct http_server **out,
                           char *why, size_t whylen)
{
    struct http_server *srv = calloc(1, sizeof *srv);
    struct sockaddr_storage addr;
    unsigned flags =
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    unsigned i;
    enum err rc;

    if (!srv || !(srv->stats = calloc(opts->nroutes + 1, sizeof *srv->stats))) {
        free(srv);
        return ERR_NOMEM;
    }
    srv->opts = *opts;
    srv->ndaemons = opts->threads < 1             ? 1
                    : opts->threads > MAX_DAEMONS ? MAX_DAEMONS
                                                  : opts->threads;
    rc = resolve(opts->host, opts->port, &addr, why, whylen);
    if (!rc)
        rc = probe_address(&addr, why, whylen, opts);
    if (!rc)
        rc = conns_start(opts->connection_timeout, &srv->conns);
    if (rc) {
        free(srv->stats);
        free(srv);
        return rc;
    }
    if (addr.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    for (i = 0; i < srv->ndaemons && !rc; i++) {
        srv->daemons[i] = start_daemon(srv, flags, &addr);
        if (!srv->daemons[i]) {
            snprintf(why, whylen, "cannot listen on %s:%d (address in use or not permitted)",
                     opts->host, opts->port);
            rc = ERR_IO;
        }
    }
    if (rc) {
        stop_daemons(srv);
        conns_stop(srv->conns);
        free(srv->stats);
        free(srv);
        return rc;
    }
    *out = srv;
    return ERR_OK;
}

void http_server_stop(struct http_server *srv, unsigned grace_ms)
{
    struct timespec tick = {0, 10 * 1000 * 1000};
    unsigned waited = 0, i;
    MHD_socket fd;

    if (!srv)
        return;
    for (i = 0; i < srv->ndaemons; i++) {
        fd = MHD_quiesce_daemon(srv->daemons[i]);
        if (fd != MHD_INVALID_SOCKET)
            close(fd);
    }
    while (atomic_load(&srv->in_flight) > 0 && waited < grace_ms) {
        nanosleep(&tick, NULL);
        waited += 10;
    }
    stop_daemons(srv);
    conns_stop(srv->conns);
    free(srv->stats);
    free(srv);
}
