#include "core/addr_set.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ADDR_TEXT_MAX 64 /* longer than any address with its prefix */

/* text (len bytes) as an address into family and bytes; IPv4-mapped IPv6
 * addresses become IPv4. */
static bool read_addr(const char *text, size_t len, int *family, unsigned char bytes[16])
{
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    char buf[ADDR_TEXT_MAX];

    if (len == 0 || len >= sizeof buf)
        return false;
    memcpy(buf, text, len);
    buf[len] = '\0';
    memset(bytes, 0, 16);
    if (inet_pton(AF_INET, buf, bytes) == 1) {
        *family = AF_INET;
        return true;
    }
    if (inet_pton(AF_INET6, buf, bytes) != 1)
        return false;
    *family = AF_INET6;
    if (memcmp(bytes, mapped, sizeof mapped) == 0) {
        memmove(bytes, bytes + 12, 4);
        memset(bytes + 4, 0, 12);
        *family = AF_INET;
    }
    return true;
}

static bool prefix_matches(const unsigned char *a, const unsigned char *b, unsigned bits)
{
    unsigned whole = bits / 8, rest = bits % 8;

    if (memcmp(a, b, whole) != 0)
        return false;
    return rest == 0 || ((a[whole] ^ b[whole]) & (0xff << (8 - rest)) & 0xff) == 0;
}

/* One "ADDR" or "ADDR/PREFIX" of len bytes. */
static enum err read_net(const char *s, size_t len, struct addr_net *net, const char **hint)
{
    const char *slash = memchr(s, '/', len);
    size_t alen = slash ? (size_t)(slash - s) : len;
    unsigned max;

    *hint = "not an IP address or network (ADDR or ADDR/PREFIX)";
    if (!read_addr(s, alen, &net->family, net->bytes))
        return ERR_CONFIG;
    max = net->family == AF_INET ? 32 : 128;
    net->prefix = max;
    if (slash) {
        const char *p = slash + 1, *end = s + len;
        unsigned v = 0;

        if (p == end || end - p > 3)
            return ERR_CONFIG;
        for (; p < end; p++) {
            if (*p < '0' || *p > '9')
                return ERR_CONFIG;
            v = v * 10 + (unsigned)(*p - '0');
        }
        *hint = "network prefix too long for its address";
        if (v > max)
            return ERR_CONFIG;
        net->prefix = v;
    }
    /* 10.0.0.1/8 is most likely a typo for 10.0.0.0/8 or 10.0.0.1/32 */
    *hint = "network with host bits set (write the network's first address)";
    if (net->prefix < max) {
        unsigned char masked[16];
        memcpy(masked, net->bytes, 16);
        for (unsigned i = net->prefix; i < max; i++)
            masked[i / 8] &= (unsigned char)~(0x80 >> (i % 8));
        if (memcmp(masked, net->bytes, 16) != 0)
            return ERR_CONFIG;
    }
    *hint = NULL;
    return ERR_OK;
}

enum err addr_set_parse(const char *list, struct addr_set *out, const char **hint)
{
    const char *p = list;

    memset(out, 0, sizeof *out);
    *hint = NULL;
    for (;;) {
        size_t len;
        enum err rc;

        p += strspn(p, " ,\t");
        if (!*p)
            return ERR_OK;
        len = strcspn(p, " ,\t");
        if (out->n == ADDR_SET_MAX) {
            *hint = "too many addresses and networks (at most 32)";
            return ERR_CONFIG;
        }
        rc = read_net(p, len, &out->nets[out->n], hint);
        if (rc)
            return rc;
        out->n++;
        p += len;
    }
}

static bool contains(const struct addr_set *set, int family, const unsigned char bytes[16])
{
    size_t i;

    for (i = 0; i < set->n; i++)
        if (set->nets[i].family == family &&
            prefix_matches(set->nets[i].bytes, bytes, set->nets[i].prefix))
            return true;
    return false;
}

bool addr_set_contains(const struct addr_set *set, const char *addr)
{
    unsigned char bytes[16];
    int family;

    return set->n && read_addr(addr, strlen(addr), &family, bytes) && contains(set, family, bytes);
}

/* Trims spaces and tabs at both ends of [*s, *e). */
static void trim(const char **s, const char **e)
{
    while (*s < *e && (**s == ' ' || **s == '\t'))
        (*s)++;
    while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
        (*e)--;
}

void addr_forwarded_client(const struct addr_set *trusted, const char *peer, const char *xff,
                           char *out, size_t n)
{
    const char *end = xff ? xff + strlen(xff) : NULL;
    unsigned char best[16];
    int best_family = 0;

    while (end && end > xff) {
        const char *start = end, *s, *e;
        unsigned char bytes[16];
        int family;

        while (start > xff && start[-1] != ',')
            start--;
        s = start;
        e = end;
        trim(&s, &e);
        if (!read_addr(s, (size_t)(e - s), &family, bytes))
            break;
        best_family = family;
        memcpy(best, bytes, sizeof best);
        if (!contains(trusted, family, bytes))
            break;
        end = start > xff ? start - 1 : start;
    }
    /* written as inet_ntop writes it, so that one client is one key */
    if (!best_family || !inet_ntop(best_family, best, out, (socklen_t)n))
        snprintf(out, n, "%s", peer);
}
