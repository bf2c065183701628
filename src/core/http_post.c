#include "core/http_post.h"

#include <curl/curl.h>
#include <string.h>

enum err http_post_global_init(void)
{
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? ERR_OK : ERR_NOMEM;
}

void http_post_global_cleanup(void)
{
    curl_global_cleanup();
}

static size_t drop_body(char *data, size_t size, size_t n, void *arg)
{
    (void)data;
    (void)arg;
    return size * n;
}

/* Non-zero aborts the transfer: the server is stopping. */
static int check_cancel(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                        curl_off_t ulnow)
{
    const atomic_bool *cancel = arg;

    (void)dltotal;
    (void)dlnow;
    (void)ultotal;
    (void)ulnow;
    return cancel && atomic_load(cancel) ? 1 : 0;
}

/* What every call sets: url, http or https only, no redirects followed,
 * timeout_ms for the whole exchange. */
static void set_common(CURL *h, const char *url, long timeout_ms)
{
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
}

/* Runs the exchange and frees h: ERR_OK with the status in *status when a
 * response came, else ERR_TEMPORARILY_UNAVAILABLE with curl's reason. */
static enum err perform(CURL *h, long *status, const char **why)
{
    CURLcode rc = curl_easy_perform(h);

    if (rc == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
    else
        *why = curl_easy_strerror(rc);
    curl_easy_cleanup(h);
    return rc == CURLE_OK ? ERR_OK : ERR_TEMPORARILY_UNAVAILABLE;
}

enum err http_post_form(const char *url, const char *body, long timeout_ms,
                        const atomic_bool *cancel, long *status, const char **why)
{
    CURL *h = curl_easy_init();
    struct curl_slist *headers = NULL;
    enum err rc;

    *status = 0;
    *why = "out of memory";
    if (!h)
        return ERR_TEMPORARILY_UNAVAILABLE;
    headers = curl_slist_append(NULL, "Content-Type: application/x-www-form-urlencoded");
    if (!headers) {
        curl_easy_cleanup(h);
        return ERR_TEMPORARILY_UNAVAILABLE;
    }
    set_common(h, url, timeout_ms);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, drop_body);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, check_cancel);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, (void *)cancel);
    rc = perform(h, status, why);
    curl_slist_free_all(headers);
    return rc;
}

struct body {
    struct buf *b;
    enum err rc;
};

/* Returning less than given aborts the transfer: the body is too large. */
static size_t keep_body(char *data, size_t size, size_t n, void *arg)
{
    struct body *body = arg;

    body->rc = buf_append(body->b, data, size * n);
    return body->rc ? 0 : size * n;
}

enum err http_get(const char *url, long timeout_ms, struct buf *out, long *status, const char **why)
{
    CURL *h = curl_easy_init();
    struct body body = {out, ERR_OK};
    enum err rc;

    *status = 0;
    *why = "out of memory";
    if (!h)
        return ERR_TEMPORARILY_UNAVAILABLE;
    set_common(h, url, timeout_ms);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
    rc = perform(h, status, why);
    return body.rc ? body.rc : rc;
}
