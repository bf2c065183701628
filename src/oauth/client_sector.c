#include "oauth/client_sector.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/http_post.h"
#include "core/limits.h"
#include "core/url.h"
#include "oauth/subject.h"

/* The host of uri, lower-cased, newly allocated; NULL when it has none. */
static char *host_of(const char *uri)
{
    struct url_parts p;
    char *host;
    size_t i;

    if (url_parse(uri, strlen(uri), &p) || !p.host.p || p.host.n == 0)
        return NULL;
    host = strndup(p.host.p, p.host.n);
    for (i = 0; host && host[i]; i++)
        host[i] = (char)tolower((unsigned char)host[i]);
    return host;
}

static bool array_holds(const json_t *list, const char *s)
{
    const json_t *v;
    size_t i;

    json_array_foreach(list, i, v)
    {
        if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
            return true;
    }
    return false;
}

/* Checks the document text: a JSON array of strings with every URI of c. */
static enum err check_document(const struct client *c, const char *text, size_t len,
                               const char **why)
{
    json_t *list = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL), *v;
    enum err rc = ERR_OK;
    size_t i;

    if (!json_is_array(list)) {
        *why = "the sector identifier URI must answer a JSON array of redirect URIs";
        rc = ERR_INVALID_REQUEST;
    }
    json_array_foreach(list, i, v)
    {
        if (!rc && !json_is_string(v)) {
            *why = "the sector identifier document holds something other than strings";
            rc = ERR_INVALID_REQUEST;
        }
    }
    for (i = 0; !rc && i < c->redirect_uris.n; i++) {
        if (!array_holds(list, c->redirect_uris.items[i])) {
            *why = "the sector identifier document does not list every redirect URI";
            rc = ERR_INVALID_REQUEST;
        }
    }
    json_decref(list);
    return rc;
}

static enum err fetch_and_check(const struct client *c, const char **why)
{
    struct buf body;
    long status = 0;
    enum err rc;

    buf_init(&body, LIMIT_SECTOR_DOCUMENT);
    rc = http_get(c->sector_identifier_uri, SECTOR_FETCH_TIMEOUT_MS, &body, &status, why);
    if (rc == ERR_TOO_LARGE) {
        *why = "the sector identifier document is too large";
        rc = ERR_INVALID_REQUEST;
    } else if (!rc && status != 200) {
        *why = "the sector identifier URI did not answer 200";
        rc = ERR_INVALID_REQUEST;
    } else if (!rc) {
        rc = check_document(c, body.data ? body.data : "", body.len, why);
    }
    buf_free(&body);
    return rc;
}

static bool is_loopback(const char *host)
{
    struct url_span h = {host, strlen(host)};

    return url_host_is_loopback(h);
}

/* The one host of c's redirect URIs into *out (NULL for none, or when they
 * name more than one: *several then says so). Loopback hosts (RFC 8252
 * native apps) are every native app's, no sector of one client: URIs all on
 * them, or on none, give NULL, so the client's own id is its sector. */
static void redirect_host(const struct client *c, char **out, bool *several)
{
    bool shared = true;
    char *host;
    size_t i;

    *out = NULL;
    *several = false;
    for (i = 0; i < c->redirect_uris.n; i++) {
        host = host_of(c->redirect_uris.items[i]);
        if (!host)
            continue;
        shared = shared && is_loopback(host);
        if (*out && strcmp(*out, host) != 0)
            *several = true;
        if (!*out)
            *out = host;
        else
            free(host);
    }
    if (shared)
        *several = false;
    if (*several || shared) {
        free(*out);
        *out = NULL;
    }
}

enum err client_sector_settle(const struct config *cfg, struct client *c, const char **why)
{
    bool several = false;
    char *sector = NULL;
    enum err rc = ERR_OK;

    if (c->sector_identifier_uri) {
        rc = fetch_and_check(c, why);
        if (!rc && !(sector = host_of(c->sector_identifier_uri)))
            rc = ERR_NOMEM;
    } else {
        redirect_host(c, &sector, &several);
        if (several && subject_is_pairwise(cfg, c)) {
            *why = "a pairwise client whose redirect URIs name more than one host needs a "
                   "sector identifier URI";
            rc = ERR_INVALID_REQUEST;
        }
    }
    if (rc) {
        free(sector);
        return rc;
    }
    free(c->sector);
    c->sector = sector;
    return ERR_OK;
}

char *client_sector_label(const struct client *c)
{
    const char *kind = c->sector && c->sector[0] ? "host:" : "client:";
    const char *name = c->sector && c->sector[0] ? c->sector : c->id;
    size_t k = strlen(kind), n = strlen(name);
    char *label = malloc(k + n + 1);

    if (label) {
        memcpy(label, kind, k);
        memcpy(label + k, name, n + 1);
    }
    return label;
}
