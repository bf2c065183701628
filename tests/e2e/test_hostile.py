"""Hostile input at every endpoint (DESIGN.md §7: every input has a size cap
and a clear error; bad input gets the RFC error, never a crash or a hang).

Every case is sent over a raw socket to every endpoint. It must get a clear
4xx (for malformed HTTP: a 4xx or a closed connection), never a 5xx, and
afterwards the server must still answer /healthz and issue a token. Answers
that came from oidcd's router (JSON) must show up in its access log.

Slow and idle clients: with a 2 s connection timeout a slowloris client is
cut off in time while others are served, and 200 idle sockets starve nobody.
"""

import random
import socket
import threading
import time
import urllib.parse

import pytest
import requests

from conftest import Server, basic_header, recv_until_closed
from hostile_support import (FORM, build_request, chunked, exchange, log_size,
                             request_logged, timed)

LIMIT_FORM_BODY = 16384
RECV_TIMEOUT = 5.0          # per case; every case gets its answer well before
ANSWER_AT_ONCE = 2.0        # seconds for answers that need no body at all
CONNECTION_TIMEOUT = 1      # [server] connection_timeout of the shared server
SLOW_TIMEOUT = 2            # OIDCD_SERVER_CONNECTION_TIMEOUT of the slowloris test
QUICK = 1.0                 # seconds a normal request may take during an attack


# -- the shared server -------------------------------------------------------

class Ctx:
    """The module's server, its clients and one live access token."""

    def __init__(self, server):
        self.server = server
        self.owner = server.create_client(name="owner", scope="read write")
        self.rs = server.create_client(
            name="rs", scope="token_introspection " + self.owner["client_id"])
        resp = server.token_basic(self.owner, scope="read")
        assert resp.status_code == 200, resp.text
        self.token = resp.json()["access_token"]
        self.owner_basic = basic_header(self.owner["client_id"], self.owner["client_secret"])
        self.rs_basic = basic_header(self.rs["client_id"], self.rs["client_secret"])


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    server = Server(tmp_path_factory.mktemp("hostile"),
                    config={"server": {"connection_timeout": CONNECTION_TIMEOUT}})
    server.start()
    try:
        yield Ctx(server)
    finally:
        # a slow SIGTERM is test_shutdown_not_delayed_by_rejected_request's business
        if server.stop(timeout=2) is None:
            server.kill()


def assert_still_serving(server, owner):
    """/healthz answers 200 and a token is issued, both quickly."""
    assert server.is_running(), f"oidcd died:\n{server.log_text()[-3000:]}"
    resp, took = timed(requests.get, server.url("/healthz"), timeout=5)
    assert resp.status_code == 200, resp.text
    assert took < QUICK * 2, f"/healthz took {took:.2f} s"
    resp, took = timed(server.token_basic, owner)
    assert resp.status_code == 200, resp.text
    assert resp.json()["access_token"].count(".") == 2
    assert took < QUICK * 2, f"/token took {took:.2f} s"


@pytest.fixture
def serving(ctx):
    """After each case: the server still answers /healthz and issues tokens."""
    yield ctx
    assert_still_serving(ctx.server, ctx.owner)


# -- the endpoints -------------------------------------------------------------

class Endpoint:
    def __init__(self, name, method, path, auth=None, params=None, key=None):
        self.name = name
        self.method = method            # the one method the route allows
        self.path = path
        self.auth = auth                # ctx -> Authorization header value, or None
        self.params = params or (lambda ctx: [])
        self.key = key                  # the parameter the endpoint reads, if any

    @property
    def is_form(self):
        return self.method == "POST"

    def __repr__(self):
        return self.name


ENDPOINTS = [
    Endpoint("token", "POST", "/token", lambda c: c.owner_basic,
             lambda c: [("grant_type", "client_credentials"), ("scope", "read")], "scope"),
    Endpoint("introspect", "POST", "/introspect", lambda c: c.rs_basic,
             lambda c: [("token", c.token)], "token"),
    Endpoint("revoke", "POST", "/revoke", lambda c: c.owner_basic,
             lambda c: [("token", "not-a-token-anyone-was-given")], "token"),
    Endpoint("gate", "GET", "/gate", lambda c: "Bearer " + c.token,
             lambda c: [("scope", "read")], "scope"),
    Endpoint("jwks", "GET", "/jwks"),
    Endpoint("openid_configuration", "GET", "/.well-known/openid-configuration"),
    Endpoint("oauth_as_metadata", "GET", "/.well-known/oauth-authorization-server"),
    Endpoint("healthz", "GET", "/healthz"),
]


def encode(pairs):
    """Form-encode (name, value) pairs; bytes values are sent exactly as given."""
    out = []
    for name, value in pairs:
        if isinstance(value, bytes):
            out.append(urllib.parse.quote_plus(name).encode() + b"=" + value)
        else:
            out.append(urllib.parse.urlencode([(name, value)]).encode())
    return b"&".join(out)


def with_key(ep, ctx, raw_value):
    """The endpoint's valid parameters with its key parameter (or, for an
    endpoint that reads none, an extra one) replaced by raw bytes."""
    name = ep.key or "x"
    pairs = [(n, v) for n, v in ep.params(ctx) if n != name]
    return encode(pairs) + (b"&" if pairs else b"") + name.encode() + b"=" + raw_value


def auth_headers(ep, ctx, extra=()):
    headers = list(extra)
    if ep.auth:
        headers.append(("Authorization", ep.auth(ctx)))
    return headers


def params_request(ep, ctx, form, content_type=FORM, method=None, version="HTTP/1.1",
                   extra=(), host=True):
    """Send form in the body (POST endpoints) or as the query (GET endpoints)."""
    headers = auth_headers(ep, ctx, extra)
    if ep.is_form:
        if content_type is not None:
            headers.append(("Content-Type", content_type))
        return build_request(method or ep.method, ep.path, headers, form, version=version,
                             host=host)
    target = ep.path + ("?" + form.decode("latin-1") if form else "")
    return build_request(method or ep.method, target.encode("latin-1"), headers,
                         version=version, host=host)


def body_request(ep, ctx, body, content_type=FORM, te_chunked=False, content_length=True,
                 extra=()):
    """Send body as the request body whatever the endpoint (a GET route takes none)."""
    headers = auth_headers(ep, ctx, extra)
    if content_type is not None:
        headers.append(("Content-Type", content_type))
    target = ep.path
    if not ep.is_form:
        form = encode(ep.params(ctx))
        target += "?" + form.decode() if form else ""
    if te_chunked:
        headers.append(("Transfer-Encoding", "chunked"))
    return build_request(ep.method, target, headers, body,
                         content_length=content_length and not te_chunked)


def padded_form(ep, ctx, size):
    form = encode(ep.params(ctx) or [("x", "1")])
    form += b"&pad="
    return form + b"a" * (size - len(form))


# -- expectations --------------------------------------------------------------

class Expect:
    """What a case may get back. statuses: allowed status codes; closed_ok: a
    connection closed without an answer is fine; baseline: the endpoint's
    normal success; semantic: well-formed HTTP whose parameters are odd."""

    def __init__(self, statuses=(), closed_ok=False, baseline=False, semantic=False,
                 any_below_500=False, error=None, quick=False, allow=False):
        self.statuses = set(statuses)
        self.closed_ok = closed_ok
        self.baseline = baseline
        self.semantic = semantic
        self.any_below_500 = any_below_500
        self.error = error
        self.quick = quick
        self.allow = allow

    def check(self, ep, resp, elapsed):
        if resp is None:
            assert self.closed_ok, "server closed the connection without an answer"
            return
        assert resp.status < 500 or resp.status in self.statuses, resp
        if self.quick:
            assert elapsed < ANSWER_AT_ONCE, f"answered after {elapsed:.2f} s"
        if self.baseline:
            assert resp.status == 200, resp
            if ep.name == "introspect":
                assert resp.json()["active"] is True, resp
            return
        if self.any_below_500:
            assert resp.status < 500, resp
            return
        if self.semantic:
            check_semantic(ep, resp)
            return
        assert resp.status in self.statuses, resp
        if self.error and resp.content_type == "application/json":
            assert resp.json()["error"] == self.error, resp
        if self.allow:
            allowed = {m.strip() for m in resp.headers.get("allow", "").split(",")}
            assert ep.method in allowed, resp


def check_semantic(ep, resp):
    """Odd parameter values in well-formed HTTP: a clear 4xx where the
    endpoint reads them; the RFC's 200 where it must (introspection answers
    {"active": false}, revocation 200); endpoints that read no parameter
    may ignore them."""
    assert resp.status < 500, resp
    if ep.name in ("token", "gate"):
        assert 400 <= resp.status < 500, resp
    elif ep.name == "introspect":
        if resp.status == 200:
            assert resp.json() == {"active": False}, resp
        else:
            assert 400 <= resp.status < 500, resp
    else:
        assert resp.status == 200 or 400 <= resp.status < 500, resp
    if 400 <= resp.status < 500:
        assert resp.content_type == "application/json", resp
        assert "error" in resp.json(), resp


BAD_REQUEST = Expect({400}, error="invalid_request")
TOO_LARGE = Expect({413}, error="invalid_request")
MALFORMED_HTTP = Expect({400, 411, 413, 431}, closed_ok=True)
BASELINE = Expect(baseline=True)
SEMANTIC = Expect(semantic=True)


def for_route(ep, post, get):
    return post if ep.is_form else get


# -- the cases -----------------------------------------------------------------
# Each returns (request bytes, Expect) or (request bytes, Expect, options).

def body_16k_plus_1_content_length(ep, ctx):
    return body_request(ep, ctx, padded_form(ep, ctx, LIMIT_FORM_BODY + 1)), TOO_LARGE


def body_16k_plus_1_chunked(ep, ctx):
    body = padded_form(ep, ctx, LIMIT_FORM_BODY + 1)
    return body_request(ep, ctx, chunked(body), te_chunked=True), TOO_LARGE


def body_exactly_16k(ep, ctx):
    """At the cap is still accepted (POST); a GET route takes no body at all."""
    body = padded_form(ep, ctx, LIMIT_FORM_BODY)
    return body_request(ep, ctx, body), for_route(ep, BASELINE, TOO_LARGE)


def body_10mib_announced_never_sent(ep, ctx):
    headers = auth_headers(ep, ctx, [("Content-Type", FORM),
                                     ("Content-Length", str(10 * 1024 * 1024))])
    return (build_request(ep.method, ep.path, headers),
            Expect({413}, error="invalid_request", quick=True))


def header_40k(ep, ctx):
    form = encode(ep.params(ctx))
    return (params_request(ep, ctx, form, extra=[("X-Pad", "a" * 40 * 1024)]),
            Expect({431, 400, 413}, closed_ok=True, quick=True))


def headers_300_over_cap(ep, ctx):
    extra = [(f"X-Pad-{i}", "b" * 120) for i in range(300)]
    return (params_request(ep, ctx, encode(ep.params(ctx)), extra=extra),
            Expect({431, 400, 413}, closed_ok=True, quick=True))


def headers_300_under_cap(ep, ctx):
    extra = [(f"X-H-{i}", "v") for i in range(300)]
    return params_request(ep, ctx, encode(ep.params(ctx)), extra=extra), BASELINE


def params_1000(ep, ctx):
    pairs = ep.params(ctx) + [(f"p{i}", "1") for i in range(1000)]
    return params_request(ep, ctx, encode(pairs)), BAD_REQUEST


def params_5000(ep, ctx):
    form = encode(ep.params(ctx)) + b"&" + b"&".join(b"q%d" % i for i in range(5000))
    return params_request(ep, ctx, form.lstrip(b"&")), \
        Expect({400, 413}, error="invalid_request")


def params_65(ep, ctx):
    pairs = ep.params(ctx)
    pairs = pairs + [(f"p{i}", "1") for i in range(65 - len(pairs))]
    return params_request(ep, ctx, encode(pairs)), BAD_REQUEST


def duplicated_parameter(ep, ctx):
    pairs = ep.params(ctx)
    if ep.key:
        dup = [(n, v) for n, v in pairs if n == ep.key][0]
        return params_request(ep, ctx, encode(pairs + [dup])), BAD_REQUEST
    # an endpoint that reads no parameter may ignore what it never reads
    return params_request(ep, ctx, b"x=1&x=1"), SEMANTIC


def duplicated_parameter_other_value(ep, ctx):
    if not ep.is_form:
        pytest.skip("covered by duplicated_parameter")
    pairs = ep.params(ctx)
    first = pairs[0]
    return params_request(ep, ctx, encode(pairs + [(first[0], first[1] + "x")])), BAD_REQUEST


def invalid_utf8_encoded(ep, ctx):
    return params_request(ep, ctx, with_key(ep, ctx, b"%FF%FE%80%C0%AF")), SEMANTIC


def invalid_utf8_raw(ep, ctx):
    return params_request(ep, ctx, with_key(ep, ctx, b"\xff\xfe\x80\xc0\xaf")), SEMANTIC


def overlong_utf8_nul(ep, ctx):
    """%C0%80 is an overlong NUL: not UTF-8, never a NUL that slips through."""
    return params_request(ep, ctx, with_key(ep, ctx, b"read%C0%80admin")), SEMANTIC


def nul_encoded(ep, ctx):
    return params_request(ep, ctx, with_key(ep, ctx, b"read%00admin")), BAD_REQUEST


def nul_raw(ep, ctx):
    """A raw NUL: in a form body it is a bad value; in a request line it is
    malformed HTTP. Either way nothing after it may be silently dropped, so
    the bad escape behind it must still be seen (400)."""
    req = params_request(ep, ctx, with_key(ep, ctx, b"read\x00%zz"))
    return req, for_route(ep, BAD_REQUEST, Expect({400}, closed_ok=True))


def control_bytes_encoded(ep, ctx):
    return params_request(ep, ctx, with_key(ep, ctx, b"read%0D%0AX-Injected:%201")), \
        BAD_REQUEST


def control_byte_raw_in_body(ep, ctx):
    if not ep.is_form:
        pytest.skip("raw control bytes in a request line are covered by nul_raw")
    return params_request(ep, ctx, with_key(ep, ctx, b"read\x01")), BAD_REQUEST


def percent_lone(ep, ctx):
    return params_request(ep, ctx, with_key(ep, ctx, b"read%")), BAD_REQUEST


def percent_one_digit(ep, ctx):
    return params_request(ep, ctx, with_key(ep, ctx, b"read%4")), BAD_REQUEST


def percent_not_hex(ep, ctx):
    return params_request(ep, ctx, with_key(ep, ctx, b"%zzread")), BAD_REQUEST


def percent_in_name(ep, ctx):
    form = encode(ep.params(ctx))
    return params_request(ep, ctx, (form + b"&%g1=1").lstrip(b"&")), BAD_REQUEST


# content types: on a POST route the form must be x-www-form-urlencoded (400);
# a GET route takes no body at all (413)

def _content_type_case(content_type):
    def case(ep, ctx):
        body = encode(ep.params(ctx) or [("x", "1")])
        return (body_request(ep, ctx, body, content_type=content_type),
                for_route(ep, BAD_REQUEST, TOO_LARGE))
    case.__name__ = "content_type_" + (
        "missing" if content_type is None else
        "".join(ch if ch.isalnum() else "_" for ch in content_type).strip("_"))
    return case


CONTENT_TYPE_CASES = [_content_type_case(ct) for ct in (
    None, "", "text/plain", "application/json", "multipart/form-data; boundary=x",
    "application/x-www-form-urlencodedx", "application/x-www-form", "*/*")]


def content_type_with_charset(ep, ctx):
    body = encode(ep.params(ctx) or [("x", "1")])
    return (body_request(ep, ctx, body, content_type=FORM + "; charset=UTF-8"),
            for_route(ep, BASELINE, TOO_LARGE))


# chunked bodies

def chunked_valid(ep, ctx):
    body = encode(ep.params(ctx) or [("x", "1")])
    return (body_request(ep, ctx, chunked(body, size=7), te_chunked=True),
            for_route(ep, BASELINE, TOO_LARGE))


def _raw_chunked(ep, ctx, payload, half_close=False, expect=MALFORMED_HTTP):
    return body_request(ep, ctx, payload, te_chunked=True), expect, {"half_close": half_close}


def chunked_size_not_hex(ep, ctx):
    return _raw_chunked(ep, ctx, b"zz\r\nabc\r\n0\r\n\r\n")


def chunked_size_negative(ep, ctx):
    return _raw_chunked(ep, ctx, b"-5\r\nabc\r\n0\r\n\r\n")


def chunked_size_overflow(ep, ctx):
    return _raw_chunked(ep, ctx, b"FFFFFFFFFFFFFFFFFFFFFFFF\r\nabc\r\n0\r\n\r\n")


def chunked_size_huge_then_eof(ep, ctx):
    """7FFFFFFF announced, 3 bytes sent, then the client half-closes."""
    return _raw_chunked(ep, ctx, b"7FFFFFFF\r\nabc", half_close=True,
                        expect=Expect({400, 413}, closed_ok=True))


def chunked_truncated_then_eof(ep, ctx):
    return _raw_chunked(ep, ctx, b"64\r\nabc", half_close=True,
                        expect=Expect({400, 413}, closed_ok=True))


def chunked_missing_crlf(ep, ctx):
    return _raw_chunked(ep, ctx, b"3\r\nabcXY0\r\n\r\n")


def chunked_with_content_length(ep, ctx):
    """Transfer-Encoding wins over Content-Length (RFC 9112 §6.3), or 400."""
    body = encode(ep.params(ctx) or [("x", "1")])
    headers = auth_headers(ep, ctx, [("Content-Type", FORM), ("Transfer-Encoding", "chunked"),
                                     ("Content-Length", "3")])
    req = build_request(ep.method, ep.path if ep.is_form else
                        ep.path + "?" + encode(ep.params(ctx)).decode(),
                        headers, chunked(body), content_length=False)
    return req, for_route(ep, Expect({200, 400}, closed_ok=True),
                          Expect({400, 413}, closed_ok=True))


def transfer_encoding_unknown(ep, ctx):
    body = encode(ep.params(ctx) or [("x", "1")])
    headers = auth_headers(ep, ctx, [("Content-Type", FORM), ("Transfer-Encoding", "gzip")])
    req = build_request(ep.method, ep.path, headers, body, content_length=False)
    return req, Expect({400, 411, 413, 501}, closed_ok=True), {"half_close": True}


# methods

def _method_case(method):
    def case(ep, ctx):
        return (params_request(ep, ctx, encode(ep.params(ctx)), method=method),
                Expect({405}, error="method_not_allowed", allow=True))
    case.__name__ = "method_" + method.lower()
    return case


METHOD_CASES = [_method_case(m) for m in ("PUT", "DELETE", "PATCH", "FOO")]


def method_other_route(ep, ctx):
    """GET on a POST route and POST on a GET route."""
    other = "GET" if ep.is_form else "POST"
    headers = auth_headers(ep, ctx, [("Content-Type", FORM)])
    return (build_request(other, ep.path, headers, b"x=1" if other == "POST" else b""),
            Expect({405}, error="method_not_allowed", allow=True))


def method_lowercase(ep, ctx):
    return (params_request(ep, ctx, encode(ep.params(ctx)), method=ep.method.lower()),
            Expect({400, 405}, closed_ok=True))


# HTTP versions and request lines

def http10(ep, ctx):
    return params_request(ep, ctx, encode(ep.params(ctx)), version="HTTP/1.0"), BASELINE


def http10_no_host(ep, ctx):
    return params_request(ep, ctx, encode(ep.params(ctx)), version="HTTP/1.0",
                          host=False), BASELINE


def http09_request_line(ep, ctx):
    return (b"%s %s\r\n\r\n" % (ep.method.encode(), ep.path.encode()),
            Expect({400}, closed_ok=True))


def http_version_garbage(ep, ctx):
    return (params_request(ep, ctx, encode(ep.params(ctx)), version="XTTP/1.1"),
            Expect({400}, closed_ok=True))


def http_version_unsupported(ep, ctx):
    """HTTP/9.9: 505 HTTP Version Not Supported is the one 5xx RFC 9110
    §15.6.6 prescribes for this; a 400 or a closed connection is fine too."""
    return (params_request(ep, ctx, encode(ep.params(ctx)), version="HTTP/9.9"),
            Expect({400, 505}, closed_ok=True))


def request_line_20k(ep, ctx):
    """A 20 KiB request line (under the 32 KiB head cap). For a GET route the
    length is in the parameter it reads; a POST route reads no query."""
    if ep.is_form:
        headers = auth_headers(ep, ctx, [("Content-Type", FORM)])
        target = ep.path + "?pad=" + "a" * (20 * 1024)
        return (build_request(ep.method, target, headers, encode(ep.params(ctx))),
                Expect(any_below_500=True))
    return params_request(ep, ctx, with_key(ep, ctx, b"a" * (20 * 1024))), SEMANTIC


def header_without_colon(ep, ctx):
    return (params_request(ep, ctx, encode(ep.params(ctx)), extra=[("NoColonHere", "")])
            .replace(b"NoColonHere: ", b"NoColonHere"), Expect({400}, closed_ok=True))


def nul_in_authorization(ep, ctx):
    """Credentials followed by a raw NUL and junk must not be taken as the
    credentials before the NUL."""
    if not ep.auth:
        pytest.skip("endpoint takes no credentials")
    headers = [("Authorization", ep.auth(ctx).encode() + b"\x00junk")]
    form = encode(ep.params(ctx))
    if ep.is_form:
        req = build_request(ep.method, ep.path, headers + [("Content-Type", FORM)], form)
    else:
        req = build_request(ep.method, ep.path + "?" + form.decode(), headers)
    return req, Expect({400, 401}, closed_ok=True)


def authorization_64k_over_cap(ep, ctx):
    """A 64 KiB Authorization header: over the whole-head cap."""
    headers = [("Authorization", ("Bearer " if ep.name == "gate" else "Basic ")
                + "A" * 64 * 1024)]
    form = encode(ep.params(ctx))
    if ep.is_form:
        req = build_request(ep.method, ep.path, headers + [("Content-Type", FORM)], form)
    else:
        req = build_request(ep.method, ep.path + ("?" + form.decode() if form else ""),
                            headers)
    return req, Expect({400, 401, 413, 431}, closed_ok=True, quick=True)


def authorization_2k(ep, ctx):
    """Under the head cap, over the 1 KiB Authorization cap."""
    headers = [("Authorization", ("Bearer " if ep.name == "gate" else "Basic ")
                + "A" * 2048)]
    form = encode(ep.params(ctx))
    if ep.is_form:
        req = build_request(ep.method, ep.path, headers + [("Content-Type", FORM)], form)
        return req, Expect({400, 401})
    req = build_request(ep.method, ep.path + ("?" + form.decode() if form else ""), headers)
    # routes that read no credentials may ignore the header
    return req, Expect({400, 401}) if ep.auth else SEMANTIC


# garbage instead of HTTP

def garbage_tls_client_hello(ep, ctx):
    hello = bytes.fromhex("16030100c4010000c00303") + bytes(range(32)) + b"\x00" * 64
    return hello + ep.path.encode(), MALFORMED_HTTP


def garbage_random_bytes(ep, ctx):
    rng = random.Random(hash(ep.name) & 0xffff)
    return bytes(rng.randrange(256) for _ in range(2048)) + b"\r\n\r\n", MALFORMED_HTTP


def garbage_binary_method(ep, ctx):
    return b"\x00\xff\x01 " + ep.path.encode() + b" HTTP/1.1\r\nHost: x\r\n\r\n", \
        Expect({400, 405, 501}, closed_ok=True)


def garbage_lf_only_lines(ep, ctx):
    """Bare LF line ends: tolerated (RFC 9112 §2.2) or refused, never a 5xx."""
    req = params_request(ep, ctx, encode(ep.params(ctx))).replace(b"\r\n", b"\n")
    return req, Expect(any_below_500=True, closed_ok=True)


CASES = [
    body_16k_plus_1_content_length, body_16k_plus_1_chunked, body_exactly_16k,
    body_10mib_announced_never_sent,
    header_40k, headers_300_over_cap, headers_300_under_cap,
    params_65, params_1000, params_5000, duplicated_parameter,
    duplicated_parameter_other_value,
    invalid_utf8_encoded, invalid_utf8_raw, overlong_utf8_nul,
    nul_encoded, nul_raw, control_bytes_encoded, control_byte_raw_in_body,
    percent_lone, percent_one_digit, percent_not_hex, percent_in_name,
    *CONTENT_TYPE_CASES, content_type_with_charset,
    chunked_valid, chunked_size_not_hex, chunked_size_negative, chunked_size_overflow,
    chunked_size_huge_then_eof, chunked_truncated_then_eof, chunked_missing_crlf,
    chunked_with_content_length, transfer_encoding_unknown,
    *METHOD_CASES, method_other_route, method_lowercase,
    http10, http10_no_host, http09_request_line, http_version_garbage,
    http_version_unsupported, request_line_20k, header_without_colon,
    nul_in_authorization, authorization_64k_over_cap, authorization_2k,
    garbage_tls_client_hello, garbage_random_bytes, garbage_binary_method,
    garbage_lf_only_lines,
]


# Known limits of libmicrohttpd 0.9.75, which hands oidcd C strings: a raw NUL
# inside the request target or a header value ends the string there, and the
# server cannot see what followed. What came before the NUL is still checked
# in full, so nothing is granted that the prefix would not get; nginx, the
# usual front, refuses such requests itself. Kept as strict expected failures
# so that a libmicrohttpd that refuses them makes these tests pass and say so.
def libmhd_cuts_at_nul(case, ep):
    return (case.__name__ == "nul_raw" and not ep.is_form) or \
        (case.__name__ == "nul_in_authorization" and ep.auth)


@pytest.mark.parametrize("case", CASES, ids=[c.__name__ for c in CASES])
@pytest.mark.parametrize("ep", ENDPOINTS, ids=[e.name for e in ENDPOINTS])
def test_hostile_request(serving, ep, case, request):
    if libmhd_cuts_at_nul(case, ep):
        request.node.add_marker(pytest.mark.xfail(
            strict=True, reason="libmicrohttpd 0.9.75 cuts request strings at a raw NUL"))
    ctx = serving
    built = case(ep, ctx)
    request, expect = built[0], built[1]
    options = built[2] if len(built) > 2 else {}
    offset = log_size(ctx.server)
    resp, elapsed = exchange(ctx.server.port, request, timeout=RECV_TIMEOUT, **options)
    expect.check(ep, resp, elapsed)
    # a client that half-closes an incomplete request may be held until the
    # connection timeout (see test_half_closed_incomplete_request_is_closed_promptly)
    limit = CONNECTION_TIMEOUT + 1.5 if options.get("half_close") else RECV_TIMEOUT
    assert elapsed < limit, f"no answer and no close within {limit} s"
    if resp is not None and 400 <= resp.status < 500 and \
            resp.content_type == "application/json":
        # answered by oidcd's router: a clear JSON error, and an access-log line
        assert "error" in resp.json(), resp
        method = request.split(b" ", 1)[0].decode("latin-1")
        assert request_logged(ctx.server, offset, method, ep.path, resp.status), \
            f"no access-log line for {method} {ep.path} {resp.status}:\n" \
            + ctx.server.log_text()[-2000:]


# -- slow and idle clients -----------------------------------------------------

def quick_checks(server, owner, session):
    """One /healthz and one /token; returns the slower of the two, in seconds."""
    resp, t1 = timed(session.get, server.url("/healthz"), timeout=5)
    assert resp.status_code == 200, resp.text
    resp, t2 = timed(session.post, server.url("/token"),
                     data={"grant_type": "client_credentials"},
                     auth=(owner["client_id"], owner["client_secret"]), timeout=5)
    assert resp.status_code == 200, resp.text
    return max(t1, t2)


def peer_closed(sock):
    """True if the peer has closed (EOF or reset) without blocking."""
    sock.setblocking(False)
    try:
        data = sock.recv(65536)
        return data == b"" or None  # data received: not closed (None)
    except BlockingIOError:
        return False
    except (ConnectionResetError, BrokenPipeError):
        return True
    finally:
        sock.setblocking(True)


def slowloris(server, interval, max_seconds, owner):
    """Send a request head one byte per interval; return (seconds until the
    server closed or None, slowest normal request while it lasted)."""
    session = requests.Session()
    slowest = 0.0
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    started = time.monotonic()
    closed_after = None
    try:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        for _ in range(int(max_seconds / interval) + 1):
            if time.monotonic() - started > max_seconds:
                break
            try:
                sock.sendall(b"a")
            except (BrokenPipeError, ConnectionResetError):
                closed_after = time.monotonic() - started
                break
            slowest = max(slowest, quick_checks(server, owner, session))
            # wait for the next byte, noticing a close as soon as it happens
            tick_end = time.monotonic() + interval
            for _ in range(int(interval / 0.05) + 1):
                if peer_closed(sock):
                    closed_after = time.monotonic() - started
                    break
                if time.monotonic() >= tick_end:
                    break
                time.sleep(0.05)
            if closed_after is not None:
                break
    finally:
        sock.close()
        session.close()
    return closed_after, slowest


@pytest.fixture
def slow_server(make_server):
    server = make_server(env={"OIDCD_SERVER_CONNECTION_TIMEOUT": str(SLOW_TIMEOUT)})
    owner = server.create_client(name="owner", scope="read")
    yield server, owner
    assert_still_serving(server, owner)


def test_slowloris_one_byte_per_second_is_cut_off(slow_server):
    """A head trickled in one byte a second never completes; the server must
    close it within the connection timeout (+2 s), not keep it forever, and
    serve everyone else quickly meanwhile."""
    server, owner = slow_server
    limit = SLOW_TIMEOUT + 2
    closed_after, slowest = slowloris(server, interval=1.0, max_seconds=limit + 2,
                                      owner=owner)
    assert slowest < QUICK, f"normal requests took up to {slowest:.2f} s during slowloris"
    assert closed_after is not None and closed_after <= limit + 0.5, (
        f"slowloris connection (1 header byte/s) still open after "
        f"{limit + 2} s with connection_timeout={SLOW_TIMEOUT}"
        if closed_after is None else f"closed only after {closed_after:.2f} s")


def test_idle_partial_request_is_closed_after_timeout(slow_server):
    """A connection that sends half a request line and then nothing is closed
    within the connection timeout (+2 s); the server answers others meanwhile."""
    server, owner = slow_server
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    try:
        started = time.monotonic()
        sock.sendall(b"POST /tok")
        with requests.Session() as session:
            assert quick_checks(server, owner, session) < QUICK
        data = recv_until_closed(sock, timeout=SLOW_TIMEOUT + 3)
        closed_after = time.monotonic() - started
    finally:
        sock.close()
    assert closed_after <= SLOW_TIMEOUT + 2, f"closed only after {closed_after:.2f} s"
    assert not data or data.startswith(b"HTTP/1.1 4"), data[:200]


HALF_CLOSED = {
    "head": b"POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\n",
    "content_length": b"POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + FORM.encode()
    + b"\r\nContent-Length: 100\r\n\r\ngrant_type=",
    "chunked": b"POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + FORM.encode()
    + b"\r\nTransfer-Encoding: chunked\r\n\r\n64\r\nabc",
}


@pytest.mark.xfail(strict=False, reason="libmicrohttpd's epoll loop sometimes misses a half-close "
                   "of an incomplete request; such a connection is closed by the "
                   "connection_timeout deadline instead (test_slowloris_…)")
def test_half_closed_incomplete_request_is_closed_promptly(make_server):
    """A client that sends part of a request and then shuts down its sending
    side (FIN) will never complete it: the server should see the EOF and close
    at once, not hold the connection until the connection timeout (30 s by
    default). Each variant is tried 6 times; each must close within 1 s
    (connection timeout here: 2 s). Stops at the first slow close."""
    server = make_server(env={"OIDCD_SERVER_CONNECTION_TIMEOUT": "2"})
    for attempt in range(6):
        for variant in sorted(HALF_CLOSED):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            try:
                started = time.monotonic()
                sock.sendall(HALF_CLOSED[variant])
                sock.shutdown(socket.SHUT_WR)
                data = recv_until_closed(sock, timeout=4)
                took = time.monotonic() - started
            finally:
                sock.close()
            assert not data or data.startswith(b"HTTP/1.1 4"), data[:200]
            assert took < 1.0, (
                f"half-closed incomplete request ({variant}, attempt {attempt}) was held "
                f"open {took:.2f} s, until the connection timeout: {HALF_CLOSED[variant]!r}")


SHUTDOWN_CASES = {
    "get_500_query_params": b"GET /healthz?" + "&".join(
        f"p{i}=1" for i in range(500)).encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Connection: close\r\n\r\n",
    "header_40k": b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + b"a" * 40960
        + b"\r\nConnection: close\r\n\r\n",
    "garbage": bytes.fromhex("16030100c4010000c00303") + bytes(range(64)) + b"\r\n\r\n",
    "bad_chunk": b"POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        b"Content-Type: " + FORM.encode() + b"\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"zz\r\nabc\r\n0\r\n\r\n",
    "body_10mib_announced": b"POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close"
        b"\r\nContent-Type: " + FORM.encode() + b"\r\nContent-Length: 10485760\r\n\r\n",
}


@pytest.mark.parametrize("case", sorted(SHUTDOWN_CASES))
def test_shutdown_not_delayed_by_rejected_request(make_server, case):
    """After a rejected request has been answered (or its connection closed),
    nothing is left in flight: SIGTERM exits at once, not after the 10 s drain.
    (A request the server forgets to finish also leaks its per-request memory.)"""
    server = make_server(env={"OIDCD_SERVER_CONNECTION_TIMEOUT": "1"})
    resp, _ = exchange(server.port, SHUTDOWN_CASES[case], timeout=3)
    assert resp is None or resp.status < 500, resp
    time.sleep(0.2)
    started = time.monotonic()
    status = server.stop(timeout=3)
    took = time.monotonic() - started
    if status is None:
        server.kill()
    assert status == 0 and took < 2.0, (
        f"after {case}, SIGTERM took {took:.2f} s (exit {status}): a request was left "
        f"in flight\n{server.log_text()[-1500:]}")


def test_many_idle_connections_do_not_starve_others(make_server):
    """200 idle sockets (some with half a request) while /healthz and /token
    keep answering quickly; then they are closed and the server is fine."""
    server = make_server()
    ctx = Ctx(server)
    sockets = []
    try:
        for i in range(200):
            sock = socket.create_connection(("127.0.0.1", ctx.server.port), timeout=5)
            if i % 4 == 0:
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            sockets.append(sock)
        time.sleep(0.2)
        with requests.Session() as session:
            for _ in range(5):
                assert quick_checks(ctx.server, ctx.owner, session) < QUICK
        # the idle sockets are still open (none of them timed out yet) ...
        assert sum(1 for s in sockets[:20] if peer_closed(s) is True) == 0
    finally:
        for sock in sockets:
            sock.close()
    time.sleep(0.1)
    with requests.Session() as session:
        assert quick_checks(ctx.server, ctx.owner, session) < QUICK
    assert_still_serving(ctx.server, ctx.owner)


def test_many_parallel_hostile_clients(serving):
    """Bad requests from 8 threads at once (bounded: 2 s, 400 requests)
    while a well-behaved client keeps getting tokens."""
    ctx = serving
    requests_made = []
    failures = []
    deadline = time.monotonic() + 2.0
    token_ep = ENDPOINTS[0]
    bad = [
        nul_encoded(token_ep, ctx)[0],
        body_10mib_announced_never_sent(token_ep, ctx)[0],
        params_1000(token_ep, ctx)[0],
        chunked_size_not_hex(token_ep, ctx)[0],
        garbage_tls_client_hello(token_ep, ctx)[0],
        header_40k(token_ep, ctx)[0],
    ]

    def attacker(n):
        for i in range(50):
            if time.monotonic() > deadline:
                return
            try:
                resp, _ = exchange(ctx.server.port, bad[(n + i) % len(bad)], timeout=3)
            except OSError as exc:  # never expected: the listener refused us
                failures.append(repr(exc))
                return
            requests_made.append(1)
            if resp is not None and resp.status >= 500:
                failures.append(repr(resp))

    threads = [threading.Thread(target=attacker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    slowest = 0.0
    with requests.Session() as session:
        for _ in range(40):
            if time.monotonic() > deadline:
                break
            slowest = max(slowest, quick_checks(ctx.server, ctx.owner, session))
    for thread in threads:
        thread.join(timeout=10)
    assert not failures, failures[:5]
    assert requests_made
    assert slowest < QUICK, f"a normal request took {slowest:.2f} s under attack"
