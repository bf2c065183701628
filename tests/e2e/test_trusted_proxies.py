"""server.trusted_proxies: only a proxy named there may say, with
X-Forwarded-For, which client it forwards for (the address the login
throttle counts, the audit trail and /account show) and, with X-Request-Id,
which id a request has. Anyone else's headers are ignored."""
import base64
import http.client
import urllib.parse

import requests

from conftest import HTTP_TIMEOUT
from signin_support import make_user


def failed_login(server, headers):
    client = server.create_client(name="app", scope="openid", grant_types="password")
    return requests.post(server.url("/token"), headers=headers, timeout=HTTP_TIMEOUT,
                         auth=(client["client_id"], client["client_secret"]),
                         data={"grant_type": "password", "username": "alice",
                               "password": "not-her-password"})


def login_addresses(server):
    events = server.cli_json("events", "--type", "login", "--limit", "100")["events"]
    return [e["address"] for e in events]


def test_a_trusted_proxy_names_the_client_and_the_request_id(make_server):
    # the default trusts the loopback addresses: a proxy on the same host
    server = make_server(config={"grants": {"password": "true"}})
    make_user(server)
    resp = failed_login(server, {
        "X-Forwarded-For": "198.51.100.7, 203.0.113.9",  # the first, the client wrote itself
        "X-Request-Id": "edge-42"})
    assert resp.status_code == 400
    assert resp.headers["X-Request-Id"] == "edge-42"
    assert login_addresses(server) == ["203.0.113.9"]


def test_hops_through_trusted_proxies_are_walked_past(make_server):
    server = make_server(config={"grants": {"password": "true"},
                                 "server": {"trusted_proxies": "127.0.0.1 10.0.0.0/8"}})
    make_user(server)
    failed_login(server, {"X-Forwarded-For": "203.0.113.9, 10.1.2.3"})
    assert login_addresses(server) == ["203.0.113.9"]


def test_only_the_last_forwarded_for_line_counts(make_server):
    """A proxy appends to the last line it got; lines before it are the
    client's own."""
    server = make_server(config={"grants": {"password": "true"}})
    make_user(server)
    client = server.create_client(name="app", scope="openid", grant_types="password")
    basic = base64.b64encode(f"{client['client_id']}:{client['client_secret']}".encode())
    body = urllib.parse.urlencode({"grant_type": "password", "username": "alice",
                                   "password": "not-her-password"})
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=HTTP_TIMEOUT)
    conn.putrequest("POST", server.url("/token")[len(f"http://127.0.0.1:{server.port}"):])
    for name, value in (("Authorization", b"Basic " + basic),
                        ("Content-Type", "application/x-www-form-urlencoded"),
                        ("Content-Length", str(len(body))),
                        ("X-Forwarded-For", "192.0.2.66"), ("X-Forwarded-For", "192.0.2.1")):
        conn.putheader(name, value)
    conn.endheaders(body.encode())
    assert conn.getresponse().status == 400
    conn.close()
    assert login_addresses(server) == ["192.0.2.1"]


def test_a_peer_that_is_not_trusted_cannot_claim_an_address_or_an_id(make_server):
    server = make_server(config={"grants": {"password": "true"},
                                 "server": {"trusted_proxies": "10.0.0.0/8"}})
    make_user(server)
    resp = failed_login(server, {"X-Forwarded-For": "203.0.113.9", "X-Request-Id": "forged-1"})
    assert resp.status_code == 400
    assert resp.headers["X-Request-Id"] != "forged-1"
    assert b"forged-1" not in server.log_path.read_bytes()
    assert login_addresses(server) == ["127.0.0.1"]


def test_a_malformed_list_is_a_configuration_error(make_server):
    server = make_server(start=False)
    for bad in ("localhost", "10.0.0.1/8", "10.0.0.0/33"):
        result = server.cli("config", "show", env={"OIDCD_SERVER_TRUSTED_PROXIES": bad})
        assert result.returncode == 2, (bad, result.returncode, result.stderr)
        assert "server.trusted_proxies" in result.stderr, result.stderr
