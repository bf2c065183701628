#include "oauth/backchannel.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/http_post.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/rand.h"
#include "core/url.h"
#include "oauth/client_cache.h"
#include "oauth/id_token.h"
#include "oauth/subject.h"

#define TOKEN_TTL_S 120 /* §2.4 asks for a short life */
#define JTI_BYTES 16
#define CLAIM_BATCH 16
#define POLL_MS 250
#define BACKOFF_MAX_S 300
#define FORM_MAX (2 * LIMIT_JWT) /* the token, percent-encoded */

enum err backchannel_token_issue(const struct oauth_ctx *ctx, const struct client *client,
                                 const char *sub, const char *sid, char **out)
{
    char jti[32];
    struct subject_view seen;
    int64_t now = clock_now();
    json_t *claims = NULL;
    char *payload = NULL;
    enum err rc = rand_token(jti, JTI_BYTES);

    *out = NULL;
    if (!rc)
        rc = subject_view_for_client(ctx, client, sub, sid, &seen);
    if (rc)
        return rc;
    claims =
        json_pack("{s:s, s:s, s:I, s:I, s:s, s:{s:{}}, s:s, s:s}", "iss", ctx->cfg->issuer, "aud",
                  client->id, "iat", (json_int_t)now, "exp", (json_int_t)(now + TOKEN_TTL_S), "jti",
                  jti, "events", BACKCHANNEL_EVENT, "sub", seen.sub, "sid", seen.sid);
    payload = claims ? json_dumps(claims, JSON_COMPACT) : NULL;
    rc = payload ? id_token_sign(ctx, client, "logout+jwt", payload, out) : ERR_NOMEM;
    free(payload);
    json_decref(claims);
    return rc;
}

struct backchannel {
    const struct oauth_ctx *ctx;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    atomic_bool stop;
};

/* The wait before attempt n + 1 (n >= 1): 1 s, 2 s, 4 s, … up to 5 min. */
static int64_t backoff_s(int n)
{
    return n >= 9 ? BACKOFF_MAX_S : (int64_t)1 << (n - 1);
}

/* POSTs the logout token for d to uri. ERR_OK on 200 or 204 (§2.8); a
 * failure is logged (never with the token). */
static enum err deliver(struct backchannel *b, const struct backchannel_logout *d,
                        const struct client *c)
{
    struct url_param p = {"logout_token", NULL};
    struct buf body;
    char *token = NULL;
    const char *why = NULL;
    char code[16];
    long status = 0;
    enum err rc;

    buf_init(&body, FORM_MAX);
    rc = backchannel_token_issue(b->ctx, c, d->sub, d->sid, &token);
    p.value = token;
    if (!rc)
        rc = url_add_form(&body, &p, 1);
    if (!rc)
        rc = http_post_form(c->backchannel_logout_uri, body.data,
                            b->ctx->cfg->backchannel_timeout_ms, &b->stop, &status, &why);
    if (!rc && status != 200 && status != 204) {
        snprintf(code, sizeof code, "%ld", status);
        why = code;
        rc = ERR_TEMPORARILY_UNAVAILABLE;
    }
    if (rc) {
        snprintf(code, sizeof code, "%d", d->attempts);
        log_kv(LOG_WARN, "back-channel logout failed", "client_id", d->client_id, "attempt", code,
               "error", why ? why : err_str(rc), NULL);
    }
    free(token);
    buf_free(&body);
    return rc;
}

/* Delivers d, or forgets it when its client no longer wants it; then
 * deletes it, or schedules the next attempt while any is left. */
static void handle(struct backchannel *b, const struct backchannel_logout *d)
{
    struct client c = {0};
    /* the cache opens an HS256 client's secret */
    enum err rc = client_cache_get(b->ctx->store, b->ctx->keys, d->client_id, &c);

    if (!rc && c.backchannel_logout_uri)
        rc = deliver(b, d, &c);
    else if (rc == ERR_NOT_FOUND)
        rc = ERR_OK; /* the client is gone: nobody to tell */
    if (atomic_load(&b->stop)) {
        /* cut short: the claim's hold ends and a restart tries again */
    } else if (!rc || d->attempts > b->ctx->cfg->backchannel_retries) {
        if (rc)
            log_kv(LOG_WARN, "back-channel logout given up", "client_id", d->client_id, NULL);
        store_backchannel_delete(b->ctx->store, d->id);
    } else {
        store_backchannel_retry(b->ctx->store, d->id, clock_now() + backoff_s(d->attempts));
    }
    client_clear(&c);
}

/* One round: every delivery due now. */
static void run_due(struct backchannel *b)
{
    struct backchannel_logout *list = NULL;
    size_t n = 0, i;
    int64_t now = clock_now();
    /* held back past the longest a batch may take */
    int64_t until = now + (b->ctx->cfg->backchannel_timeout_ms / 1000 + 1) * CLAIM_BATCH + 60;

    if (store_backchannel_claim(b->ctx->store, now, until, CLAIM_BATCH, &list, &n))
        return;
    for (i = 0; i < n && !atomic_load(&b->stop); i++)
        handle(b, &list[i]);
    backchannel_logout_list_free(list, n);
}

static void *backchannel_run(void *arg)
{
    struct backchannel *b = arg;
    struct timespec until;

    while (!atomic_load(&b->stop)) {
        run_due(b);
        until = clock_deadline_in(POLL_MS);
        pthread_mutex_lock(&b->lock);
        if (!atomic_load(&b->stop))
            pthread_cond_timedwait(&b->wake, &b->lock, &until);
        pthread_mutex_unlock(&b->lock);
    }
    return NULL;
}

enum err backchannel_start(const struct oauth_ctx *ctx, struct backchannel **out)
{
    struct backchannel *b = calloc(1, sizeof *b);

    *out = NULL;
    if (!b)
        return ERR_NOMEM;
    if (http_post_global_init()) {
        free(b);
        return ERR_NOMEM;
    }
    b->ctx = ctx;
    atomic_init(&b->stop, false);
    pthread_mutex_init(&b->lock, NULL);
    clock_cond_init(&b->wake);
    if (pthread_create(&b->thread, NULL, backchannel_run, b)) {
        pthread_cond_destroy(&b->wake);
        pthread_mutex_destroy(&b->lock);
        http_post_global_cleanup();
        free(b);
        return ERR_NOMEM;
    }
    *out = b;
    return ERR_OK;
}

void backchannel_stop(struct backchannel *b)
{
    if (!b)
        return;
    pthread_mutex_lock(&b->lock);
    atomic_store(&b->stop, true);
    pthread_cond_signal(&b->wake);
    pthread_mutex_unlock(&b->lock);
    pthread_join(b->thread, NULL);
    pthread_cond_destroy(&b->wake);
    pthread_mutex_destroy(&b->lock);
    http_post_global_cleanup();
    free(b);
}
