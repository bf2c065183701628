"""oidcd /gate behind a real nginx (auth_request), protecting a tiny upstream API.

nginx asks oidcd `GET /gate?scope=read_books&audience=https://books.example.com`
for every request to /books and forwards the X-Auth-* answer headers to the
upstream, which echoes them back. The books API is a registered resource, so
a token issued for another API is refused.
"""

import base64
import os
from pathlib import Path

import pytest
import requests

from conftest import HTTP_TIMEOUT, Server
from nginx_support import BOOKS_AUDIENCE, NGINX_BIN, Nginx, Upstream

FILMS_AUDIENCE = "https://films.example.com"

if not Path(NGINX_BIN).exists():
    pytest.skip(f"{NGINX_BIN} is not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """oidcd + upstream + nginx, shared by the tests of this module."""
    base = tmp_path_factory.mktemp("gate_nginx")
    server = Server(base / "oidcd")
    upstream = Upstream()
    nginx = None
    try:
        server.start()
        server.cli_json("resource", "create", "--id", BOOKS_AUDIENCE, "--scope",
                        "read_books add_books")
        server.cli_json("resource", "create", "--id", FILMS_AUDIENCE, "--scope", "read_films")
        upstream.start()
        nginx = Nginx(base / "nginx", server.url("/gate"), upstream.port).start()
        yield server, upstream, nginx
        assert server.is_healthy(), server.log_text()
    finally:
        if nginx is not None:
            nginx.stop()
        upstream.stop()
        if server.stop() is None:
            server.kill()


def make_client(server, scope="read_books add_books", fmt="jwt", name="api-client", **form):
    flags = {"scope": scope}
    if fmt == "opaque":
        flags["access_token_format"] = "opaque"
    client = server.create_client(name=name, **flags)
    resp = server.token_basic(client, **form)
    assert resp.status_code == 200, resp.text
    return client, resp.json()["access_token"]


def single_challenge(resp):
    """The one WWW-Authenticate challenge (requests joins repeated headers)."""
    challenge = resp.headers.get("WWW-Authenticate", "")
    assert challenge.count("Bearer") == 1, challenge
    assert challenge.startswith('Bearer realm="oidcd"'), challenge
    return challenge


def books(nginx, token=None, headers=None):
    headers = dict(headers or {})
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return requests.get(nginx.url("/books"), headers=headers, timeout=HTTP_TIMEOUT)


@pytest.mark.parametrize("fmt", ["jwt", "opaque"])
def test_valid_token_reaches_upstream_with_identity(stack, fmt):
    server, upstream, nginx = stack
    client, token = make_client(server, fmt=fmt)
    before = len(upstream.requests)
    resp = books(nginx, token)
    assert resp.status_code == 200, (resp.status_code, resp.text, nginx.log_text())
    seen = resp.json()["headers"]
    assert seen["X-Auth-Subject"] == client["client_id"]
    assert seen["X-Auth-Client-Id"] == client["client_id"]
    assert set(seen["X-Auth-Scope"].split()) == {"read_books", "add_books"}
    assert len(upstream.requests) == before + 1


def test_post_with_body_is_checked_and_reaches_upstream(stack):
    # the auth subrequest carries no body; the API still gets the original one
    server, upstream, nginx = stack
    client, token = make_client(server, name="poster")
    resp = requests.post(nginx.url("/books"), data=b'{"title": "x"}', timeout=HTTP_TIMEOUT,
                         headers={"Authorization": f"Bearer {token}",
                                  "Content-Type": "application/json"})
    assert resp.status_code == 200, (resp.status_code, resp.text, nginx.log_text())
    echoed = resp.json()
    assert echoed["method"] == "POST"
    assert echoed["body"] == '{"title": "x"}'
    assert echoed["headers"]["X-Auth-Subject"] == client["client_id"]
    resp = requests.post(nginx.url("/books"), data=b"x", timeout=HTTP_TIMEOUT)
    assert resp.status_code == 401, resp.text


def test_client_cannot_spoof_identity_headers(stack):
    server, upstream, nginx = stack
    client, token = make_client(server, name="honest")
    resp = books(nginx, token, headers={"X-Auth-Subject": "admin",
                                        "X-Auth-Scope": "everything"})
    assert resp.status_code == 200, resp.text
    seen = resp.json()["headers"]
    assert seen["X-Auth-Subject"] == client["client_id"]
    assert seen["X-Auth-Scope"] != "everything"


def test_no_token_is_401_with_bare_challenge(stack):
    _, upstream, nginx = stack
    before = len(upstream.requests)
    resp = books(nginx)
    assert resp.status_code == 401, resp.text
    assert resp.headers.get("WWW-Authenticate") == 'Bearer realm="oidcd"', resp.headers
    assert len(upstream.requests) == before


def test_basic_credentials_are_401_with_bare_challenge(stack):
    server, upstream, nginx = stack
    client, _ = make_client(server, name="basic-user")
    raw = base64.b64encode(f"{client['client_id']}:{client['client_secret']}".encode())
    before = len(upstream.requests)
    resp = books(nginx, headers={"Authorization": f"Basic {raw.decode()}"})
    assert resp.status_code == 401, resp.text
    assert resp.headers.get("WWW-Authenticate") == 'Bearer realm="oidcd"', resp.headers
    assert len(upstream.requests) == before


def test_garbage_token_is_401_invalid_token(stack):
    _, upstream, nginx = stack
    before = len(upstream.requests)
    resp = books(nginx, base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("="))
    assert resp.status_code == 401, resp.text
    challenge = single_challenge(resp)
    assert 'error="invalid_token"' in challenge, challenge
    assert len(upstream.requests) == before


@pytest.mark.parametrize("fmt", ["jwt", "opaque"])
def test_token_without_read_books_is_403(stack, fmt):
    server, upstream, nginx = stack
    _, token = make_client(server, scope="add_books", fmt=fmt, name="writer")
    before = len(upstream.requests)
    resp = books(nginx, token)
    assert resp.status_code == 403, resp.text
    challenge = single_challenge(resp)
    assert 'error="insufficient_scope"' in challenge, challenge
    assert 'scope="read_books"' in challenge, challenge
    assert len(upstream.requests) == before


@pytest.mark.parametrize("fmt", ["jwt", "opaque"])
def test_token_for_another_api_is_401(stack, fmt):
    # the client may read books, but this token was issued for the films API
    server, upstream, nginx = stack
    _, token = make_client(server, scope="read_books read_films", fmt=fmt, name="films-reader",
                           resource=FILMS_AUDIENCE)
    before = len(upstream.requests)
    resp = books(nginx, token)
    assert resp.status_code == 401, resp.text
    assert 'error="invalid_token"' in single_challenge(resp)
    # a token of a scope no resource owns is for its client, not for the API
    _, token = make_client(server, scope="other", fmt=fmt, name="no-api")
    assert books(nginx, token).status_code == 401
    assert len(upstream.requests) == before
    # the same client's token for the books API passes
    _, token = make_client(server, scope="read_books read_films", fmt=fmt, name="books-reader",
                           resource=BOOKS_AUDIENCE)
    assert books(nginx, token).status_code == 200


@pytest.mark.parametrize("fmt", ["jwt", "opaque"])
def test_revoked_token_is_401(stack, fmt):
    server, upstream, nginx = stack
    client, token = make_client(server, fmt=fmt, name="revoker")
    assert books(nginx, token).status_code == 200
    resp = requests.post(server.url("/revoke"), data={"token": token}, timeout=HTTP_TIMEOUT,
                         auth=(client["client_id"], client["client_secret"]))
    assert resp.status_code == 200, resp.text
    before = len(upstream.requests)
    resp = books(nginx, token)
    assert resp.status_code == 401, resp.text
    assert 'error="invalid_token"' in single_challenge(resp)
    assert len(upstream.requests) == before


def test_tampered_token_is_401(stack):
    server, upstream, nginx = stack
    _, token = make_client(server, name="tamper")
    head, payload, sig = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4)))
    raw[len(raw) // 2] ^= 0x01
    forged = f"{head}.{payload}.{base64.urlsafe_b64encode(bytes(raw)).decode().rstrip('=')}"
    before = len(upstream.requests)
    resp = books(nginx, forged)
    assert resp.status_code == 401, resp.text
    assert 'error="invalid_token"' in single_challenge(resp)
    assert len(upstream.requests) == before


def test_auth_location_is_internal(stack):
    _, _, nginx = stack
    resp = requests.get(nginx.url("/_auth"), timeout=HTTP_TIMEOUT)
    assert resp.status_code == 404


def test_many_requests_in_a_row(stack):
    server, upstream, nginx = stack
    client, token = make_client(server, name="busy")
    with requests.Session() as session:
        for i in range(25):
            resp = session.get(nginx.url("/books"), timeout=HTTP_TIMEOUT,
                               headers={"Authorization": f"Bearer {token}"})
            assert resp.status_code == 200, (i, resp.text)
            assert resp.json()["headers"]["X-Auth-Subject"] == client["client_id"]
    for level in ("[crit]", "[alert]", "[emerg]"):
        assert level not in nginx.log_text(), nginx.log_text()
