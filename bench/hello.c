/* The ceiling for /introspect and /gate: the same libmicrohttpd set-up as
 * oidcd (one epoll daemon per thread on a shared SO_REUSEPORT address)
 * answering every request with a fixed 200.
 * Usage: bench-hello PORT [THREADS] — runs until SIGINT/SIGTERM. */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *size, void **state)
{
    static const char body[] = "{\"status\":\"ok\"}";
    struct MHD_Response *r;
    enum MHD_Result ret;

    (void)cls, (void)url, (void)method, (void)version, (void)data;
    /* answering on the first call would make MHD close the connection */
    if (!*state) {
        *state = (void *)1;
        return MHD_YES;
    }
    if (*size) {
        *size = 0;
        return MHD_YES;
    }
    r = MHD_create_response_from_buffer(sizeof body - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", "application/json");
    ret = MHD_queue_response(conn, 200, r);
    MHD_destroy_response(r);
    return ret;
}

int main(int argc, char **argv)
{
    unsigned port = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 18766;
    unsigned threads = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 2;
    struct MHD_Daemon *d[64];
    sigset_t set;
    unsigned i;
    int sig;

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    if (threads < 1 || threads > 64)
        threads = 2;
    for (i = 0; i < threads; i++) {
        d[i] = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, (uint16_t)port,
                                NULL, NULL, answer, NULL, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u,
                                MHD_OPTION_CONNECTION_LIMIT, 1024u, MHD_OPTION_END);
        if (!d[i]) {
            fprintf(stderr, "cannot listen on port %u\n", port);
            return 1;
        }
    }
    sigwait(&set, &sig);
    for (i = 0; i < threads; i++)
        MHD_stop_daemon(d[i]);
    return 0;
}
