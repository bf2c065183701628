#ifndef OIDCD_CORE_ADDR_SET_H
#define OIDCD_CORE_ADDR_SET_H

/* A set of IP addresses and networks ("127.0.0.1 ::1 10.0.0.0/8"), as
 * server.trusted_proxies names the proxies whose forwarding headers are
 * believed. */

#include <stdbool.h>
#include <stddef.h>

#include "core/errors.h"

#define ADDR_SET_MAX 32 /* networks in one set */

struct addr_net {
    int family;              /* AF_INET or AF_INET6 */
    unsigned char bytes[16]; /* the network's address, host bits zero */
    unsigned prefix;         /* bits that must match */
};

struct addr_set {
    struct addr_net nets[ADDR_SET_MAX];
    size_t n;
};

/* Parses a list of addresses and networks (ADDR/PREFIX) separated by spaces
 * or commas; "" is the empty set. ERR_CONFIG with *hint naming what is
 * wrong: a malformed address or prefix, host bits set, too many. */
enum err addr_set_parse(const char *list, struct addr_set *out, const char **hint);

/* Whether the address written as text (IPv4 or IPv6, no port, no brackets)
 * is in the set. False for text that is not an address. An IPv4-mapped IPv6
 * address (::ffff:a.b.c.d) counts as its IPv4 address. */
bool addr_set_contains(const struct addr_set *set, const char *addr);

/* The client a trusted proxy forwarded for: walks the X-Forwarded-For value
 * xff (NULL: none) from its right end, past every address in trusted, and
 * writes the first one that is not trusted into out (size n). When every
 * address is trusted, the leftmost is the client; an entry that is not an
 * address stops the walk at the last good one. With nothing usable, out is
 * peer. */
void addr_forwarded_client(const struct addr_set *trusted, const char *peer, const char *xff,
                           char *out, size_t n);

#endif
