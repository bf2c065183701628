"""The server's log: log.format = logfmt (default) or json, and a request id
on every line logged for a request, sent back as X-Request-Id (taken from
the request when a proxy set an acceptable one)."""

import json
import re

import pytest
import requests

from conftest import HTTP_TIMEOUT
from signin_support import make_user

GENERATED_ID = re.compile(r"^[0-9a-f]{16}$")


def request_lines(server, request_id):
    return [line for line in server.log_text().splitlines() if request_id in line]


def failed_password_grant(server, headers=None):
    """A request whose handler logs a line of its own ("login failed")."""
    make_user(server)
    client = server.create_client(name="app", scope="openid", grant_types="password")
    return requests.post(server.url("/token"), headers=headers or {}, timeout=HTTP_TIMEOUT,
                         auth=(client["client_id"], client["client_secret"]),
                         data={"grant_type": "password", "username": "alice",
                               "password": "not-her-password"})


def test_every_response_has_a_fresh_request_id(make_server):
    server = make_server()
    ids = set()
    for path in ("/healthz", "/jwks", "/no-such-endpoint"):
        resp = requests.get(server.url(path), timeout=HTTP_TIMEOUT)
        assert GENERATED_ID.match(resp.headers["X-Request-Id"]), resp.headers
        ids.add(resp.headers["X-Request-Id"])
    assert len(ids) == 3


def test_logfmt_lines_of_a_request_carry_its_id(make_server):
    server = make_server(config={"grants": {"password": "true"}})
    resp = failed_password_grant(server)
    assert resp.status_code == 400, resp.text
    request_id = resp.headers["X-Request-Id"]
    lines = request_lines(server, f"request_id={request_id}")
    assert any(" msg=\"login failed\" " in line for line in lines), lines
    assert any(" msg=request " in line and " path=/token " in line for line in lines), lines
    assert all(line.startswith("ts=") for line in server.log_text().splitlines())


def test_json_lines_are_objects_with_the_request_id(make_server):
    server = make_server(config={"grants": {"password": "true"}, "log": {"format": "json"}})
    resp = failed_password_grant(server)
    request_id = resp.headers["X-Request-Id"]
    records = [json.loads(line) for line in server.log_text().splitlines()]
    assert records and all(isinstance(r, dict) and {"ts", "level", "msg"} <= r.keys()
                           for r in records)
    mine = [r for r in records if r.get("request_id") == request_id]
    assert {r["msg"] for r in mine} == {"login failed", "request"}, mine
    access = next(r for r in mine if r["msg"] == "request")
    assert access["path"] == "/token" and access["status"] == "400", access
    # lines of no request (start-up) carry no id
    assert any("request_id" not in r for r in records)


@pytest.mark.parametrize("given", ["4f1c2a9e0b7d4e55a1b2c3d4e5f60718",
                                   "0e7c8a52-4c1d-4b5e-9f3a-2d6c1b0a9e87", "edge.proxy_1:42"])
def test_a_proxy_request_id_is_kept(make_server, given):
    server = make_server(config={"grants": {"password": "true"}})
    resp = failed_password_grant(server, headers={"X-Request-Id": given})
    assert resp.headers["X-Request-Id"] == given
    assert any(" msg=\"login failed\" " in line
               for line in request_lines(server, f"request_id={given}"))


@pytest.mark.parametrize("given", ["", "x" * 65, "has space", "quote\"d", "semi;colon",
                                   "caf\u00e9"])
def test_an_unacceptable_request_id_is_replaced(make_server, given):
    server = make_server()
    resp = requests.get(server.url("/healthz"), headers={"X-Request-Id": given.encode()},
                        timeout=HTTP_TIMEOUT)
    assert resp.status_code == 200
    assert GENERATED_ID.match(resp.headers["X-Request-Id"]), resp.headers
    if given:
        assert given.encode() not in server.log_path.read_bytes()


def test_unknown_log_format_is_refused(make_server):
    server = make_server(config={"log": {"format": "xml"}}, start=False)
    result = server.cli("client", "list")
    assert result.returncode == 2
    assert "log.format" in result.stderr
