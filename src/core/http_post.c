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

enum err http_post_form(const char *url, const char *body, long timeout_ms,
                        const atomic_bool *cancel, long *status, const char **why)
{
    CURL *h = curl_easy_init();
    struct curl_slist *headers = NULL;
    CURLcode rc;

    *status = 0;
    *why = "out of memory";
    if (!h)
        return ERR_TEMPORARILY_UNAVAILABLE;
    headers = curl_slist_append(NULL, "Content-Type: application/x-www-form-urlencoded");
    if (!headers) {
        curl_easy_cleanup(h);
        return ERR_TEMPORARILY_UNAVAILABLE;
    }
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, drop_body);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, check_cancel);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, (void *)cancel);
    rc = curl_easy_perform(h);
    if (rc == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
    else
        *why = curl_easy_strerror(rc);
    curl_slist_free_all(headers);
    curl_easy_cleanup(h);
    return rc == CURLE_OK ? ERR_OK : ERR_TEMPORARILY_UNAVAILABLE;
}
