/* GET /metrics on metrics.listen: the Prometheus text format 0.0.4. */
#include "endpoints/metrics.h"

#include "core/clock.h"
#include "core/metrics.h"
#include "endpoints/app.h"
#include "http/server.h"
#include "jose/keys.h"

/* The text of a scrape stays well below this. */
#define SCRAPE_MAX (4 * 1024 * 1024)

static struct metrics_counters tokens_issued = METRICS_COUNTERS_INIT;
static struct metrics_counters logins = METRICS_COUNTERS_INIT;

void metrics_tokens_issued(const char *grant, const char *client_id)
{
    char labels[METRICS_LABELS_MAX] = "";

    metrics_label(labels, sizeof labels, "grant", grant);
    metrics_label(labels, sizeof labels, "client_id", client_id);
    metrics_count(&tokens_issued, labels);
}

void metrics_login(bool ok, const char *via)
{
    char labels[METRICS_LABELS_MAX] = "";

    metrics_label(labels, sizeof labels, "result", ok ? "success" : "failure");
    metrics_label(labels, sizeof labels, "via", via);
    metrics_count(&logins, labels);
}

/* Every published key's age, with its kid, alg and state. */
static void key_ages(struct app *a, struct metrics_text *t, int64_t now)
{
    char labels[METRICS_LABELS_MAX];
    struct signing_key *keys = NULL;
    size_t n = 0, i;

    metrics_family(t, "oidcd_signing_key_age_seconds", "gauge",
                   "Seconds since each published signing key was made");
    if (store_key_list(a->oauth.store, &keys, &n))
        return;
    for (i = 0; i < n; i++) {
        labels[0] = '\0';
        metrics_label(labels, sizeof labels, "kid", keys[i].kid);
        metrics_label(labels, sizeof labels, "alg", keys[i].alg);
        metrics_label(labels, sizeof labels, "state", key_state_name(key_state(keys, n, i, now)));
        metrics_sample(t, "oidcd_signing_key_age_seconds", labels,
                       (double)(now - keys[i].created_at));
    }
    signing_key_list_free(keys, n);
}

void endpoint_metrics(void *app, const struct http_request *req, struct http_response *resp)
{
    struct app *a = app;
    struct metrics_text t = {.err = ERR_OK};
    int64_t now = clock_now(), sessions = 0;

    (void)req;
    buf_init(&t.b, SCRAPE_MAX);
    if (a->server && *a->server)
        http_server_metrics(*a->server, &t);
    metrics_family(&t, "oidcd_tokens_issued_total", "counter",
                   "Token responses, by grant and client");
    metrics_counters(&t, "oidcd_tokens_issued_total", &tokens_issued);
    metrics_family(&t, "oidcd_logins_total", "counter",
                   "Passwords checked, by result and by where they were given");
    metrics_counters(&t, "oidcd_logins_total", &logins);
    metrics_family(&t, "oidcd_sessions_active", "gauge", "Browser sessions that have not expired");
    if (store_session_count(a->oauth.store, now, &sessions) == ERR_OK)
        metrics_sample(&t, "oidcd_sessions_active", "", (double)sessions);
    key_ages(a, &t, now);
    store_metrics(&t);
    if (t.err)
        http_response_error(resp, t.err, NULL);
    else
        http_response_body(resp, 200, "text/plain; version=0.0.4; charset=utf-8", t.b.data,
                           t.b.len);
    buf_free(&t.b);
}
