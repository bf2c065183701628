/* webauthn.rp_id against server.issuer: the RP ID a browser accepts for a
 * page of the issuer's origin is its host or a domain the host is under
 * (WebAuthn Level 3 §5.1.2, HTML's "is a registrable domain suffix of or is
 * equal to"), and never an IP address. */
#include <stdio.h>
#include <string.h>

#include "core/config.h"
#include "core/config_settings.h"
#include "core/text.h"

/* The host of the issuer (checked by the loader: http(s)://host[:port][/path]),
 * lower-cased into out; *ip set for an IPv6 literal or a host whose last
 * label is a number (a browser reads it as IPv4: "127.1", "10.0.0.1"). */
static void issuer_host(const char *issuer, char out[CONFIG_RP_ID_MAX + 1], bool *ip)
{
    const char *h = strstr(issuer, "://"), *dot;
    size_t n, i;

    h = h ? h + 3 : issuer;
    *ip = h[0] == '[';
    n = strcspn(h, ":/");
    if (*ip || n > CONFIG_RP_ID_MAX)
        n = 0;
    for (i = 0; i < n; i++)
        out[i] = (char)(h[i] >= 'A' && h[i] <= 'Z' ? h[i] - 'A' + 'a' : h[i]);
    out[n] = '\0';
    if (n && out[n - 1] == '.')
        out[--n] = '\0'; /* "example.com." is example.com */
    dot = strrchr(out, '.');
    dot = dot ? dot + 1 : out;
    *ip = *ip || (*dot && text_is_digits(dot, strlen(dot)));
}

/* A DNS name as an RP ID: labels of letters, digits and '-' (lower-case),
 * separated by single dots, not starting or ending with one. */
static bool rp_id_syntax_ok(const char *id)
{
    size_t n = strlen(id);

    return n > 0 && text_all_in(id, n, "-.") && id[0] != '.' && id[n - 1] != '.' &&
           !strstr(id, "..") && strcspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == n;
}

/* host is id, or ends in "." id */
static bool host_within(const char *host, const char *id)
{
    size_t h = strlen(host), n = strlen(id);

    return strcmp(host, id) == 0 ||
           (h > n && host[h - n - 1] == '.' && strcmp(host + h - n, id) == 0);
}

enum err config_webauthn_check(const struct config *c, char *why, size_t whylen)
{
    char host[CONFIG_RP_ID_MAX + 1];
    bool ip;

    if (!c->webauthn_rp_id[0])
        return ERR_OK;
    issuer_host(c->issuer, host, &ip);
    if (!rp_id_syntax_ok(c->webauthn_rp_id)) {
        snprintf(why, whylen,
                 "webauthn.rp_id \"%s\" is not a domain name (lower-case letters, digits, '-' "
                 "and dots)",
                 c->webauthn_rp_id);
        return ERR_CONFIG;
    }
    if (ip || !host_within(host, c->webauthn_rp_id)) {
        snprintf(why, whylen,
                 "webauthn.rp_id \"%s\" must be the host of server.issuer (%s) or a domain it is "
                 "under%s",
                 c->webauthn_rp_id, c->issuer,
                 ip ? "; an issuer at an IP address cannot have passkeys" : "");
        return ERR_CONFIG;
    }
    return ERR_OK;
}

bool config_webauthn_rp_id(const struct config *c, char out[CONFIG_RP_ID_MAX + 1])
{
    bool ip;

    if (c->webauthn_rp_id[0])
        return text_copy(out, CONFIG_RP_ID_MAX + 1, c->webauthn_rp_id);
    issuer_host(c->issuer, out, &ip);
    if (ip)
        out[0] = '\0';
    return out[0] != '\0';
}
