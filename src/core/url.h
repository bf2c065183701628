#ifndef OIDCD_CORE_URL_H
#define OIDCD_CORE_URL_H

/* Just enough of RFC 3986 for an authorization server: percent-encoding of
 * form values, parameters added to a redirect URI, and a URI cut into its
 * parts. Nothing here allocates but through a struct buf. */

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/errors.h"

/* One name=value pair of a query, fragment or form; borrowed strings. */
struct url_param {
    const char *name;
    const char *value;
};

/* Where url_add_params puts the parameters. */
enum url_part { URL_QUERY, URL_FRAGMENT };

/* A piece of the string given to url_parse: n bytes at p (p NULL when the
 * piece is absent, which differs from present and empty: "http://h?"). */
struct url_span {
    const char *p;
    size_t n;
};

/* A URI as RFC 3986 §3 cuts it. host is without the brackets of an IP
 * literal (host_is_ipv6 then says so); port is the digits after ':'. */
struct url_parts {
    struct url_span scheme;
    struct url_span userinfo;
    struct url_span host;
    bool host_is_ipv6;
    struct url_span port;
    struct url_span path;
    struct url_span query;
    struct url_span fragment;
};

/* The length of the scheme u starts with (RFC 3986 §3.1: a letter, then
 * letters, digits, '+', '-', '.'), colon excluded; 0 when u does not start
 * with "scheme:". */
size_t url_scheme_length(const char *u);

/* Why u is not an absolute URI without a fragment (RFC 3986 §4.3, as RFC 8707
 * §2 wants a resource's id) of at most LIMIT_URI bytes: a static phrase to
 * follow the parameter's name ("must not have a fragment (#…)"), or NULL
 * when it is one. */
const char *url_absolute_problem(const char *u);

/* Appends the n bytes at s percent-encoded for a query or form value: the
 * unreserved characters of RFC 3986 §2.3 as they are, every other byte as
 * %XX (upper-case hex; a space is %20, never '+'). form_decode reverses it.
 * ERR_TOO_LARGE past b's max (b then holds a prefix of the output), ERR_NOMEM. */
enum err url_encode(struct buf *b, const char *s, size_t n);

/* Appends the n params (those with a NULL value left out) as a form:
 * name=value, each percent-encoded, separated by '&', with no separator
 * before the first. ERR_TOO_LARGE past b's max; ERR_NOMEM. */
enum err url_add_form(struct buf *b, const struct url_param *params, size_t n);

/* Appends base followed by the n params (those with a NULL value left out),
 * each name=value percent-encoded, separated by '&'. URL_QUERY: after '&'
 * when base already holds a query ('?' and '&' already at its end are reused),
 * else after '?'. URL_FRAGMENT: after '#'. ERR_INVALID_REQUEST when base
 * holds a '#' (a redirect URI never has a fragment, RFC 6749 §3.1.2);
 * ERR_TOO_LARGE past b's max; ERR_NOMEM. */
enum err url_add_params(struct buf *b, const char *base, const struct url_param *params, size_t n,
                        enum url_part where);

/* Cuts the len bytes at u into *out (spans into u). ERR_INVALID_REQUEST when
 * u has no scheme, an authority with a '[' that is not an IPv6 literal
 * ("[" IPv6 "]"), or a port that is not all digits. Checks nothing else: the
 * host may be any bytes but '/', '?', '#', ':' and '@'. */
enum err url_parse(const char *u, size_t len, struct url_parts *out);

/* True when a and b hold the same bytes. */
bool url_span_equal(struct url_span a, struct url_span b);

/* True when the span holds exactly the NUL-terminated s. */
bool url_span_is(struct url_span a, const char *s);

/* True when the host is loopback: localhost, ::1, or an address in
 * 127.0.0.0/8 (not a name that merely starts with "127."). */
bool url_host_is_loopback(struct url_span h);

#endif
