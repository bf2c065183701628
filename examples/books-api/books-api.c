/* books-api: a small HTTP API protected by liboidc-rs.
 *
 *   books-api --issuer URL --listen HOST:PORT (--audience URI | --allow-any-audience)
 *             [--introspect --client-id ID --client-secret SECRET]
 *
 * --audience is this API's resource URI (`oidcd resource create --id URI`):
 * a token issued for another API is refused here.
 *
 *   GET  /books   needs scope read_books -> 200 [{"title", "author"}, ...]
 *   POST /books   needs scope add_books  -> 201 {"title", "author"}
 *                 body: {"title": "...", "author": "..."} (at most 4 KiB)
 *
 * A refused request gets the status, WWW-Authenticate and a JSON error that
 * oidc_rs_check prepared. One oidc_rs context is shared by all the worker
 * threads of libmicrohttpd. */

#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <oidc/rs.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BODY_MAX 4096
#define FIELD_MAX 256
#define BOOKS_MAX 1000
#define THREADS 4

struct book {
    char *title, *author;
};

static struct {
    pthread_mutex_t lock;
    struct book items[BOOKS_MAX];
    size_t n;
} shelf = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* One request in progress: the auth verdict and, for POST, the body so far. */
struct request {
    struct oidc_rs_result auth;
    char body[BODY_MAX];
    size_t len;
    int too_large;
};

static struct oidc_rs *rs;

static int shelf_add(const char *title, const char *author)
{
    int rc = -1;

    pthread_mutex_lock(&shelf.lock);
    if (shelf.n < BOOKS_MAX) {
        shelf.items[shelf.n].title = strdup(title);
        shelf.items[shelf.n].author = strdup(author);
        if (shelf.items[shelf.n].title && shelf.items[shelf.n].author) {
            shelf.n++;
            rc = 0;
        } else {
            free(shelf.items[shelf.n].title);
            free(shelf.items[shelf.n].author);
        }
    }
    pthread_mutex_unlock(&shelf.lock);
    return rc;
}

static json_t *book_json(const char *title, const char *author)
{
    return json_pack("{s:s, s:s}", "title", title, "author", author);
}

/* Sends a JSON body (taking the reference to doc) with status. */
static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, json_t *doc,
                                 const char *challenge)
{
    struct MHD_Response *r;
    enum MHD_Result ret;
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;

    json_decref(doc);
    if (!text)
        return MHD_NO;
    r = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    if (challenge)
        MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, challenge);
    ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *error,
                                  const char *description)
{
    return send_json(
        c, status, json_pack("{s:s, s:s}", "error", error, "error_description", description), NULL);
}

/* The refusal oidc_rs_check prepared, as an RFC 6750 response. */
static enum MHD_Result send_refusal(struct MHD_Connection *c, const struct oidc_rs_result *a)
{
    json_t *doc;

    if (!a->error_code) /* no credentials: a bare challenge, RFC 6750 §3.1 */
        doc = json_pack("{s:s}", "error", "unauthorized");
    else
        doc = json_pack("{s:s, s:s}", "error", a->error_code, "error_description",
                        a->description ? a->description : "");
    return send_json(c, (unsigned)a->status, doc, a->www_authenticate);
}

static enum MHD_Result list_books(struct MHD_Connection *c)
{
    json_t *list = json_array();
    size_t i;

    pthread_mutex_lock(&shelf.lock);
    for (i = 0; i < shelf.n && list; i++)
        json_array_append_new(list, book_json(shelf.items[i].title, shelf.items[i].author));
    pthread_mutex_unlock(&shelf.lock);
    return send_json(c, MHD_HTTP_OK, list, NULL);
}

static enum MHD_Result add_book(struct MHD_Connection *c, struct request *req)
{
    const char *title = NULL, *author = NULL;
    json_t *doc;
    enum MHD_Result ret;

    if (req->too_large)
        return send_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "invalid_request", "body over 4 KiB");
    doc = json_loadb(req->body, req->len, 0, NULL);
    if (json_unpack(doc, "{s:s, s:s}", "title", &title, "author", &author) != 0 || !*title ||
        !*author || strlen(title) > FIELD_MAX || strlen(author) > FIELD_MAX) {
        json_decref(doc);
        return send_error(c, MHD_HTTP_BAD_REQUEST, "invalid_request",
                          "need {\"title\": \"…\", \"author\": \"…\"}, each 1 to 256 bytes");
    }
    if (shelf_add(title, author) != 0)
        ret = send_error(c, MHD_HTTP_INSUFFICIENT_STORAGE, "server_error", "the shelf is full");
    else
        ret = send_json(c, MHD_HTTP_CREATED, book_json(title, author), NULL);
    json_decref(doc);
    return ret;
}

/* The first call for a request: route it, and check the token before any
 * body is read, so an unauthorized client cannot make us buffer it. */
static enum MHD_Result begin(struct MHD_Connection *c, const char *method, const char *url,
                             void **con_cls)
{
    static const char *const read_scope[] = {"read_books"};
    static const char *const add_scope[] = {"add_books"};
    int is_get = strcmp(method, MHD_HTTP_METHOD_GET) == 0;
    int is_post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
    struct request *req;

    if (strcmp(url, "/books") != 0)
        return send_error(c, MHD_HTTP_NOT_FOUND, "not_found", "no such resource");
    if (!is_get && !is_post)
        return send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "invalid_request", "GET or POST");
    req = calloc(1, sizeof *req);
    if (!req)
        return MHD_NO;
    *con_cls = req;
    oidc_rs_check(rs,
                  MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION),
                  is_get ? read_scope : add_scope, 1, &req->auth);
    if (req->auth.status != 200)
        return send_refusal(c, &req->auth);
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct request *req = *con_cls;

    (void)cls;
    (void)version;
    if (!req)
        return begin(c, method, url, con_cls);
    if (req->auth.status != 200) { /* already answered; discard the body */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (*upload_data_size > sizeof req->body - req->len)
            req->too_large = 1;
        else
            memcpy(req->body + req->len, upload_data, *upload_data_size);
        req->len += req->too_large ? 0 : *upload_data_size;
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (strcmp(method, MHD_HTTP_METHOD_GET) == 0)
        return list_books(c);
    return add_book(c, req);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct request *req = *con_cls;

    (void)cls;
    (void)c;
    (void)toe;
    if (req) {
        oidc_rs_result_clear(&req->auth);
        free(req);
        *con_cls = NULL;
    }
}

static int usage(void)
{
    fprintf(
        stderr,
        "usage: books-api --issuer URL --listen HOST:PORT (--audience URI | --allow-any-audience)\n"
        "                 [--introspect --client-id ID --client-secret SECRET]\n");
    return 2;
}

/* Parses HOST:PORT (IPv4) into sa. */
static int parse_listen(const char *s, struct sockaddr_in *sa)
{
    const char *colon = strrchr(s, ':');
    char host[64];
    char *end;
    unsigned long port;

    if (!colon || (size_t)(colon - s) >= sizeof host)
        return -1;
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    port = strtoul(colon + 1, &end, 10);
    if (*end || end == colon + 1 || port > 65535)
        return -1;
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((unsigned short)port);
    return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

static int parse_args(int argc, char **argv, struct oidc_rs_options *o, const char **addr)
{
    int i;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (strcmp(a, "--introspect") == 0) {
            o->mode = OIDC_RS_INTROSPECT;
            continue;
        }
        if (strcmp(a, "--allow-any-audience") == 0) {
            o->allow_any_audience = 1;
            continue;
        }
        if (!v)
            return -1;
        if (strcmp(a, "--issuer") == 0)
            o->issuer = v;
        else if (strcmp(a, "--listen") == 0)
            *addr = v;
        else if (strcmp(a, "--audience") == 0)
            o->audience = v;
        else if (strcmp(a, "--client-id") == 0)
            o->client_id = v;
        else if (strcmp(a, "--client-secret") == 0)
            o->client_secret = v;
        else
            return -1;
        i++;
    }
    return o->issuer && *addr ? 0 : -1;
}

/* Serves until SIGTERM or SIGINT. The signals are blocked before the worker
 * threads start (they inherit the mask), so only sigwait sees them. */
static int serve(const struct sockaddr_in *sa, const char *addr)
{
    const union MHD_DaemonInfo *info;
    struct MHD_Daemon *d;
    char host[INET_ADDRSTRLEN];
    sigset_t stop;
    int sig;

    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0,
                         NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, sa,
                         MHD_OPTION_THREAD_POOL_SIZE, (unsigned)THREADS,
                         MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
                         MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "books-api: cannot listen on %s\n", addr);
        return 1;
    }
    /* The bound port, which differs from the asked one for port 0. */
    info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    inet_ntop(AF_INET, &sa->sin_addr, host, sizeof host);
    fprintf(stderr, "listening on %s:%u\n", host, info ? (unsigned)info->port : 0u);
    sigwait(&stop, &sig);
    MHD_stop_daemon(d);
    return 0;
}

int main(int argc, char **argv)
{
    struct oidc_rs_options o = OIDC_RS_OPTIONS_INIT;
    struct sockaddr_in sa;
    const char *addr = NULL;
    char err[256];
    int rc;
    size_t i;

    o.realm = "books";
    o.mode = OIDC_RS_LOCAL;
    if (parse_args(argc, argv, &o, &addr) != 0 || parse_listen(addr, &sa) != 0)
        return usage();
    if (oidc_rs_new(&o, &rs, err, sizeof err) != 0) {
        fprintf(stderr, "books-api: %s\n", err);
        return 1;
    }
    shelf_add("A Wizard of Earthsea", "Ursula K. Le Guin");
    shelf_add("The Left Hand of Darkness", "Ursula K. Le Guin");
    shelf_add("Kindred", "Octavia E. Butler");
    rc = serve(&sa, addr);
    oidc_rs_free(rs);
    for (i = 0; i < shelf.n; i++) {
        free(shelf.items[i].title);
        free(shelf.items[i].author);
    }
    return rc;
}
