/* HTTP calls to the issuer: discovery, JWKS, introspection (libcurl).
 * Easy handles are pooled per context so connections to the issuer are kept
 * alive across calls; a handle is used by one thread at a time. */

#include <stdlib.h>
#include <string.h>

#include "rs_internal.h"

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_FAILED_INIT;

/* curl_global_init is not thread-safe on every build, so it runs once. */
static void global_init(void)
{
    global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

enum err rs_http_init(struct rs_http *h, long timeout_ms)
{
    pthread_once(&global_once, global_init);
    if (global_rc != CURLE_OK)
        return ERR_IO;
    memset(h, 0, sizeof *h);
    h->timeout_ms = timeout_ms;
    if (pthread_mutex_init(&h->lock, NULL) != 0)
        return ERR_NOMEM;
    return ERR_OK;
}

void rs_http_cleanup(struct rs_http *h)
{
    size_t i;

    for (i = 0; i < h->n_idle; i++)
        curl_easy_cleanup(h->idle[i]);
    h->n_idle = 0;
    pthread_mutex_destroy(&h->lock);
}

static CURL *handle_take(struct rs_http *h)
{
    CURL *c = NULL;

    pthread_mutex_lock(&h->lock);
    if (h->n_idle > 0)
        c = h->idle[--h->n_idle];
    pthread_mutex_unlock(&h->lock);
    if (c)
        curl_easy_reset(c); /* keeps the connection cache, drops the options */
    else
        c = curl_easy_init();
    return c;
}

static void handle_give(struct rs_http *h, CURL *c)
{
    pthread_mutex_lock(&h->lock);
    if (h->n_idle < RS_CURL_POOL) {
        h->idle[h->n_idle++] = c;
        c = NULL;
    }
    pthread_mutex_unlock(&h->lock);
    if (c)
        curl_easy_cleanup(c);
}

/* A response body being received, and why receiving it stopped. */
struct sink {
    struct buf b;
    enum err rc;
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    struct sink *s = userp;
    size_t n = size * nmemb;

    /* Returning less than n makes curl stop with CURLE_WRITE_ERROR. */
    s->rc = buf_append(&s->b, data, n);
    return s->rc == ERR_OK ? n : 0;
}

static void set_common(CURL *c, const struct rs_http *h, const char *url, struct sink *s)
{
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L); /* no SIGALRM in a threaded program */
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, h->timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, h->timeout_ms);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L); /* the issuer's URLs are exact */
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "liboidc-rs/" OIDC_RS_VERSION);
}

/* Runs the transfer set up on c; maps curl and HTTP outcomes to enum err. */
static enum err perform(CURL *c, struct sink *s, long *status)
{
    CURLcode cc;
    long code = 0;

    cc = curl_easy_perform(c);
    if (cc == CURLE_WRITE_ERROR && s->rc)
        return s->rc;
    if (cc != CURLE_OK)
        return ERR_TEMPORARILY_UNAVAILABLE;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    if (status)
        *status = code;
    if (code >= 500)
        return ERR_TEMPORARILY_UNAVAILABLE;
    return code == 200 ? ERR_OK : ERR_INVALID_REQUEST;
}

static enum err finish(enum err rc, struct sink *s, char **body, size_t *len)
{
    if (rc) {
        buf_free(&s->b);
        return rc;
    }
    *len = s->b.len;
    *body = buf_take(&s->b);
    return *body ? ERR_OK : ERR_NOMEM;
}

enum err rs_http_get(struct rs_http *h, const char *url, size_t max, char **body, size_t *len)
{
    struct sink s = {.rc = ERR_OK};
    CURL *c;
    enum err rc;

    *body = NULL;
    buf_init(&s.b, max);
    c = handle_take(h);
    if (!c)
        return ERR_NOMEM;
    set_common(c, h, url, &s);
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    rc = perform(c, &s, NULL);
    handle_give(h, c);
    return finish(rc, &s, body, len);
}

enum err rs_http_post_form(struct rs_http *h, const char *url, const char *user, const char *pass,
                           const char *form, size_t max, char **body, size_t *len, long *status)
{
    struct curl_slist *headers = NULL;
    char *euser = NULL, *epass = NULL;
    struct sink s = {.rc = ERR_OK};
    CURL *c;
    enum err rc = ERR_NOMEM;

    *body = NULL;
    *status = 0;
    buf_init(&s.b, max);
    c = handle_take(h);
    euser = rs_http_escape(user);
    epass = rs_http_escape(pass);
    headers = curl_slist_append(NULL, "Accept: application/json");
    if (!c || !euser || !epass || !headers)
        goto out;
    set_common(c, h, url, &s);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, form);
    /* curl base64-encodes "user:pass" itself; RFC 6749 §2.3.1 wants both
     * form-encoded first, so a ':' in a client_id survives. */
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
    curl_easy_setopt(c, CURLOPT_USERNAME, euser);
    curl_easy_setopt(c, CURLOPT_PASSWORD, epass);
    rc = perform(c, &s, status);
out:
    if (c)
        handle_give(h, c);
    curl_slist_free_all(headers);
    free(euser);
    if (epass) {
        memset(epass, 0, strlen(epass));
        free(epass);
    }
    return finish(rc, &s, body, len);
}

char *rs_http_escape(const char *s)
{
    char *e, *copy;

    /* curl_easy_escape needs no handle; its result must go to curl_free,
     * so it is copied into malloc'd memory the callers free(). */
    e = curl_easy_escape(NULL, s, 0);
    if (!e)
        return NULL;
    copy = strdup(e);
    curl_free(e);
    return copy;
}
