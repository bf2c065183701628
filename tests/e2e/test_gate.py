"""GET /gate?scope=...: the bearer-token check behind nginx auth_request.

200 with X-Auth-Subject / X-Auth-Client-Id / X-Auth-Scope when the bearer token
is active and holds every scope asked for; otherwise an RFC 6750 §3 challenge:
bare `Bearer realm="oidcd"` without credentials, error="invalid_token" (401) for
a bad token, error="insufficient_scope" (403) with the asked scopes.
"""

import base64
import json
import os
import re
import time

import pytest
import requests

from conftest import b64url, b64url_decode, flip_signature_byte, make_owner, get_token
from conftest import HTTP_TIMEOUT, wait_until

FORMATS = ["jwt", "opaque"]
BARE_CHALLENGE = 'Bearer realm="oidcd"'


# -- helpers -------------------------------------------------------------------


def gate(server, token=None, query="", authorization=None):
    """GET /gate with a raw query string (so separators are sent as written)."""
    headers = {}
    if authorization is not None:
        headers["Authorization"] = authorization
    elif token is not None:
        headers["Authorization"] = f"Bearer {token}"
    url = server.url("/gate") + (f"?{query}" if query else "")
    return requests.get(url, headers=headers, timeout=HTTP_TIMEOUT)


def gate_until_refused(server, token, tries=20):
    """Client changes show within a second (DESIGN §8): poll, bounded."""
    resp = None
    for _ in range(tries):
        resp = gate(server, token, "scope=read_books")
        if resp.status_code != 200:
            return resp
        time.sleep(0.1)
    return resp


CHALLENGE_PARAM = re.compile(r'\s*([A-Za-z_]+)="((?:[^"\\]|\\.)*)"\s*(?:,|$)')


def parse_challenge(value):
    """'Bearer k="v", k2="v2"' -> ('Bearer', {k: v, k2: v2}); strict about syntax."""
    scheme, _, rest = value.partition(" ")
    params = {}
    pos = 0
    for _ in range(32):
        if pos >= len(rest):
            break
        match = CHALLENGE_PARAM.match(rest, pos)
        assert match, f"bad challenge syntax at {pos}: {value!r}"
        assert match.group(1) not in params, value
        params[match.group(1)] = match.group(2)
        pos = match.end()
    return scheme, params


def assert_no_store(resp):
    assert "no-store" in resp.headers.get("Cache-Control", ""), resp.headers


def assert_allowed(resp, owner, scope):
    assert resp.status_code == 200, (resp.status_code, resp.headers, resp.text)
    assert resp.headers["X-Auth-Subject"] == owner["client_id"]
    assert resp.headers["X-Auth-Client-Id"] == owner["client_id"]
    assert set(resp.headers["X-Auth-Scope"].split()) == set(scope.split())
    assert "WWW-Authenticate" not in resp.headers
    assert_no_store(resp)


def assert_no_auth_headers(resp):
    for name in ("X-Auth-Subject", "X-Auth-Client-Id", "X-Auth-Scope"):
        assert name not in resp.headers, resp.headers


def assert_bare_challenge(resp):
    assert resp.status_code == 401, (resp.status_code, resp.text)
    challenge = resp.headers.get("WWW-Authenticate")
    assert challenge == BARE_CHALLENGE, challenge
    assert "error" not in challenge
    assert_no_auth_headers(resp)
    assert_no_store(resp)


def assert_invalid_token(resp):
    assert resp.status_code == 401, (resp.status_code, resp.text)
    scheme, params = parse_challenge(resp.headers.get("WWW-Authenticate", ""))
    assert scheme == "Bearer"
    assert params.get("realm") == "oidcd", params
    assert params.get("error") == "invalid_token", params
    assert_no_auth_headers(resp)
    assert_no_store(resp)


def assert_insufficient_scope(resp, asked):
    assert resp.status_code == 403, (resp.status_code, resp.text)
    scheme, params = parse_challenge(resp.headers.get("WWW-Authenticate", ""))
    assert scheme == "Bearer"
    assert params.get("realm") == "oidcd", params
    assert params.get("error") == "insufficient_scope", params
    assert params.get("scope") == asked, params
    assert_no_auth_headers(resp)
    assert_no_store(resp)


# -- allowed -------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("query", [
    "",
    "scope=read_books",
    "scope=add_books",
    "scope=read_books,add_books",
    "scope=add_books,read_books",
    "scope=read_books%20add_books",
    "scope=read_books%2Cadd_books",
    "scope=",
])
def test_valid_token_with_scopes_is_allowed(server, fmt, query):
    owner = make_owner(server, fmt)
    issued = get_token(server, owner)
    resp = gate(server, issued["access_token"], query)
    assert_allowed(resp, owner, "read_books add_books")


@pytest.mark.parametrize("fmt", FORMATS)
def test_scope_header_is_the_tokens_scope(server, fmt):
    owner = make_owner(server, fmt, scope="read_books add_books admin")
    issued = get_token(server, owner, scope="read_books")
    assert issued["scope"] == "read_books"
    resp = gate(server, issued["access_token"], "scope=read_books")
    assert_allowed(resp, owner, "read_books")
    assert resp.headers["X-Auth-Scope"] == "read_books"


def test_bearer_scheme_is_case_insensitive(server):
    # RFC 9110 §11.1: the auth-scheme is case-insensitive
    owner = make_owner(server)
    token = get_token(server, owner)["access_token"]
    for scheme in ("bearer", "BEARER", "BeArEr"):
        assert_allowed(gate(server, authorization=f"{scheme} {token}",
                            query="scope=read_books"), owner, "read_books add_books")


def test_white_space_around_the_header_value_is_not_part_of_it(server):
    # RFC 9110 §5.5: leading and trailing OWS (space, tab) is not the field value
    owner = make_owner(server)
    token = get_token(server, owner)["access_token"]
    for tail in ("  ", "\t", " \t"):
        assert_allowed(gate(server, authorization=f"Bearer {token}{tail}",
                            query="scope=read_books"), owner, "read_books add_books")


def test_two_authorization_headers_are_refused(server):
    owner = make_owner(server)
    token = get_token(server, owner)["access_token"]
    for pair in ((f"Bearer {token}", "Basic Zm9vOmJhcg=="), ("Bearer junk", f"Bearer {token}")):
        status, headers, _ = server.raw("GET", "/gate?scope=read_books",
                                        [("Authorization", value) for value in pair])
        assert status == 400
        for name in ("X-Auth-Subject", "X-Auth-Client-Id", "X-Auth-Scope"):
            assert headers[name] is None


def test_empty_scope_parameter_asks_for_no_scope(server):
    # RFC 6749 §3.1: a parameter without a value counts as omitted
    owner = make_owner(server)
    token = get_token(server, owner)["access_token"]
    assert_allowed(gate(server, token, "scope=&scope=read_books"), owner, "read_books add_books")


def test_keep_alive_connection_serves_many_checks(server):
    owner = make_owner(server)
    token = get_token(server, owner)["access_token"]
    with requests.Session() as session:
        for i in range(20):
            resp = session.get(server.url("/gate?scope=read_books"), timeout=HTTP_TIMEOUT,
                               headers={"Authorization": f"Bearer {token}"})
            assert resp.status_code == 200, (i, resp.text)
        bad = session.get(server.url("/gate?scope=read_books"), timeout=HTTP_TIMEOUT,
                          headers={"Authorization": "Bearer nope"})
        assert_invalid_token(bad)
        resp = session.get(server.url("/gate?scope=read_books"), timeout=HTTP_TIMEOUT,
                           headers={"Authorization": f"Bearer {token}"})
        assert resp.status_code == 200


# -- no credentials ------------------------------------------------------------------

@pytest.mark.parametrize("query", ["", "scope=read_books", "scope=read_books,add_books"])
def test_no_authorization_header_is_bare_challenge(server, query):
    assert_bare_challenge(gate(server, query=query))


def test_no_credentials_answer_carries_no_error_code(server):
    # RFC 6750 §3.1: a request without any authentication information gets no
    # error code or other error information (and invalid_request would be a 400)
    resp = gate(server, query="scope=read_books")
    assert_bare_challenge(resp)
    if resp.headers.get("Content-Type", "").startswith("application/json"):
        assert "error" not in resp.json(), resp.text


@pytest.mark.parametrize("authorization", [
    "Basic " + base64.b64encode(b"user:pass").decode(),
    "Basic",
    "Digest username=\"x\"",
])
def test_other_scheme_is_bare_challenge(server, authorization):
    assert_bare_challenge(gate(server, authorization=authorization, query="scope=read_books"))


def test_basic_with_real_client_credentials_is_not_accepted(server):
    owner = make_owner(server)
    auth = base64.b64encode(f"{owner['client_id']}:{owner['client_secret']}".encode())
    assert_bare_challenge(gate(server, authorization=f"Basic {auth.decode()}",
                               query="scope=read_books"))


# -- bad tokens ------------------------------------------------------------------------

@pytest.mark.parametrize("authorization", [
    "Bearer",
    "Bearer ",
    "Bearer a b",
    "Bearer abc$def",
    "Bearer abc,def",
    "Bearer ab\"cd",
    "Bearer =abc",
    "Bearer abc==x",
    "Bearer ab;cd",
])
def test_malformed_bearer_header_is_invalid_token(server, authorization):
    resp = gate(server, authorization=authorization, query="scope=read_books")
    assert_invalid_token(resp)


def test_malformed_header_with_valid_token_inside_is_refused(server):
    owner = make_owner(server)
    token = get_token(server, owner)["access_token"]
    for header in (f"Bearer {token} {token}", f"Bearer {token} x", f"Bearer  x {token}"):
        assert_invalid_token(gate(server, authorization=header, query="scope=read_books"))


@pytest.mark.parametrize("token", [
    "garbage",
    pytest.param(b64url(os.urandom(32)), id="random-32-bytes"),
    "a.b.c",
    "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.AAAA",
    "x" * 2000,
])
def test_garbage_token_is_invalid_token(server, token):
    assert_invalid_token(gate(server, token, "scope=read_books"))
    assert_invalid_token(gate(server, token))


@pytest.mark.parametrize("fmt", FORMATS)
def test_expired_token_is_invalid_token(make_server, fmt):
    server = make_server(env={"OIDCD_TOKENS_ACCESS_TOKEN_TTL": "1"})
    owner = make_owner(server, fmt)
    issued = get_token(server, owner)
    assert issued["expires_in"] == 1
    time.sleep(2.2)
    assert_invalid_token(gate(server, issued["access_token"], "scope=read_books"))
    assert_invalid_token(gate(server, issued["access_token"]))


@pytest.mark.parametrize("fmt", FORMATS)
def test_revoked_token_is_invalid_token(server, fmt):
    owner = make_owner(server, fmt)
    token = get_token(server, owner)["access_token"]
    assert gate(server, token, "scope=read_books").status_code == 200
    resp = requests.post(server.url("/revoke"), data={"token": token}, timeout=HTTP_TIMEOUT,
                         auth=(owner["client_id"], owner["client_secret"]))
    assert resp.status_code == 200, resp.text
    assert_invalid_token(gate(server, token, "scope=read_books"))
    # a revoked token is invalid even when the scope would not be satisfied
    assert_invalid_token(gate(server, token, "scope=admin"))


def test_tampered_signature_is_invalid_token(server):
    owner = make_owner(server)
    token = get_token(server, owner)["access_token"]
    assert gate(server, token, "scope=read_books").status_code == 200
    assert_invalid_token(gate(server, flip_signature_byte(token), "scope=read_books"))


def test_tampered_payload_is_invalid_token(server):
    owner = make_owner(server, scope="read_books")
    token = get_token(server, owner)["access_token"]
    head, payload, sig = token.split(".")
    claims = json.loads(b64url_decode(payload))
    claims["scope"] = "read_books add_books"
    forged = f"{head}.{b64url(json.dumps(claims).encode())}.{sig}"
    assert_invalid_token(gate(server, forged, "scope=add_books"))


def test_alg_none_is_invalid_token(server):
    owner = make_owner(server)
    token = get_token(server, owner)["access_token"]
    claims = json.loads(b64url_decode(token.split(".")[1]))
    head = b64url(json.dumps({"alg": "none", "typ": "at+jwt"}).encode())
    forged = f"{head}.{b64url(json.dumps(claims).encode())}."
    assert_invalid_token(gate(server, forged, "scope=read_books"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_token_from_another_instance_is_invalid_token(make_server, fmt):
    server = make_server()
    stranger = make_server()
    foreign = get_token(stranger, make_owner(stranger, fmt))["access_token"]
    assert_invalid_token(gate(server, foreign, "scope=read_books"))
    assert_invalid_token(gate(server, foreign))


@pytest.mark.parametrize("fmt", FORMATS)
def test_token_of_deleted_client_is_invalid_token(server, fmt):
    owner = make_owner(server, fmt)
    token = get_token(server, owner)["access_token"]
    assert gate(server, token).status_code == 200
    assert server.cli("client", "delete", owner["client_id"]).returncode == 0
    resp = gate_until_refused(server, token)
    assert resp.status_code == 401, "token of a deleted client still accepted"
    assert_invalid_token(resp)


@pytest.mark.parametrize("fmt", FORMATS)
def test_token_of_disabled_client_is_invalid_token(server, fmt):
    owner = make_owner(server, fmt)
    token = get_token(server, owner)["access_token"]
    assert gate(server, token).status_code == 200
    assert server.cli("client", "update", owner["client_id"], "--disable").returncode == 0
    resp = gate_until_refused(server, token)
    assert resp.status_code == 401, "token of a disabled client still accepted"
    assert_invalid_token(resp)


# -- insufficient scope -------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("query", [
    "scope=read_books,add_books",
    "scope=read_books%20add_books",
    "scope=add_books",
])
def test_missing_scope_is_insufficient_scope(server, fmt, query):
    owner = make_owner(server, fmt, scope="read_books")
    token = get_token(server, owner)["access_token"]
    asked = "add_books" if query == "scope=add_books" else "read_books add_books"
    assert_insufficient_scope(gate(server, token, query), asked)


def test_scope_matches_whole_words_only(server):
    owner = make_owner(server, scope="read_books_all books read")
    token = get_token(server, owner)["access_token"]
    for asked in ("read_books", "read_book", "ead_books_all", "book"):
        assert_insufficient_scope(gate(server, token, f"scope={asked}"), asked)
    assert_allowed(gate(server, token, "scope=read_books_all,books"), owner,
                   "read_books_all books read")


def test_scope_is_case_sensitive(server):
    # RFC 6749 §3.3: scope tokens are case-sensitive
    owner = make_owner(server, scope="read_books")
    token = get_token(server, owner)["access_token"]
    assert_insufficient_scope(gate(server, token, "scope=READ_BOOKS"), "READ_BOOKS")


def test_challenge_names_asked_scopes_with_spaces(server):
    owner = make_owner(server, scope="read")
    token = get_token(server, owner)["access_token"]
    resp = gate(server, token, "scope=read_books,add_books")
    assert_insufficient_scope(resp, "read_books add_books")
    assert 'scope="read_books add_books"' in resp.headers["WWW-Authenticate"]


# -- headers and logs -----------------------------------------------------------------------

def test_every_answer_is_no_store(server):
    owner = make_owner(server, scope="read_books")
    token = get_token(server, owner)["access_token"]
    responses = [
        gate(server, token, "scope=read_books"),
        gate(server),
        gate(server, "garbage"),
        gate(server, token, "scope=add_books"),
    ]
    assert [r.status_code for r in responses] == [200, 401, 401, 403]
    for resp in responses:
        assert_no_store(resp)


def test_gate_never_logs_the_token(server):
    jwt_owner = make_owner(server)
    opaque_owner = make_owner(server, "opaque", name="opaque")
    jwt_token = get_token(server, jwt_owner)["access_token"]
    opaque_token = get_token(server, opaque_owner)["access_token"]
    garbage = b64url(os.urandom(32))
    tampered = flip_signature_byte(jwt_token)
    calls = [
        (jwt_token, "scope=read_books", 200),
        (jwt_token, "scope=admin", 403),
        (opaque_token, "scope=read_books", 200),
        (opaque_token, "scope=admin", 403),
        (garbage, "scope=read_books", 401),
        (tampered, "scope=read_books", 401),
    ]
    for token, query, status in calls:
        assert gate(server, token, query).status_code == status
    assert gate(server, authorization=f"Bearer {garbage} x").status_code == 401
    # the access lines are written after the answers: wait for all of them (bounded)
    assert wait_until(lambda: server.log_text().count("path=/gate ") >= len(calls) + 1,
                      timeout=3.0), server.log_text()
    text = server.log_text()
    for secret in (opaque_token, garbage, *jwt_token.split("."), tampered.split(".")[2]):
        assert secret not in text, secret
    assert "Bearer" not in text


# -- what the gate remembers between requests ----------------------------------

def test_revocation_here_is_seen_at_once_by_a_gate_that_saw_the_token(server):
    # The gate remembers a token's state for up to a second; a revocation made
    # by this server must void that at once, not after the second.
    owner = make_owner(server)
    token = get_token(server, owner)["access_token"]
    for _ in range(3):
        assert gate(server, token, "scope=read_books").status_code == 200
    resp = requests.post(server.url("/revoke"), data={"token": token},
                         auth=(owner["client_id"], owner["client_secret"]), timeout=HTTP_TIMEOUT)
    assert resp.status_code == 200
    refused = gate(server, token, "scope=read_books")
    assert refused.status_code == 401
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]


def test_client_disabled_by_the_cli_is_refused_within_a_second(server):
    owner = make_owner(server)
    token = get_token(server, owner)["access_token"]
    for _ in range(3):
        assert gate(server, token, "scope=read_books").status_code == 200
    assert server.cli("client", "update", owner["client_id"], "--disable").returncode == 0
    started = time.monotonic()
    refused = wait_until(lambda: gate(server, token, "scope=read_books").status_code == 401,
                         timeout=2.5, interval=0.05)
    assert refused, "a disabled client's token still passed the gate after 2.5 s"
    assert time.monotonic() - started < 2.0
