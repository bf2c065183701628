"""GET /metrics: off by default; with metrics.listen, served on that address
only, in the Prometheus text format 0.0.4 (read here with
prometheus_client's own parser): requests by endpoint and status, latency
histograms, connections open, tokens issued by grant and client, logins by
result, active sessions, signing-key ages, database latency and errors."""

import socket

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from conftest import HTTP_TIMEOUT, START_TIMEOUT, free_port, wait_until
from signin_support import PASSWORD, Browser, full_flow, make_rp, make_user

FAMILIES = {
    "oidcd_http_requests": "counter",
    "oidcd_http_request_duration_seconds": "histogram",
    "oidcd_http_connections_open": "gauge",
    "oidcd_tokens_issued": "counter",
    "oidcd_logins": "counter",
    "oidcd_sessions_active": "gauge",
    "oidcd_signing_key_age_seconds": "gauge",
    "oidcd_db_operation_duration_seconds": "histogram",
    "oidcd_db_errors": "counter",
}


@pytest.fixture
def server(make_server):
    port = free_port()
    server = make_server(config={"metrics": {"listen": f"127.0.0.1:{port}"},
                                 "grants": {"password": "true"}})
    server.metrics_url = f"http://127.0.0.1:{port}/metrics"
    # the metrics listener starts just after the public port answers /healthz
    assert wait_until(lambda: listening(port), timeout=START_TIMEOUT), server.log_text()
    return server


def listening(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=HTTP_TIMEOUT).close()
        return True
    except OSError:
        return False


def scrape(server):
    resp = requests.get(server.metrics_url, timeout=HTTP_TIMEOUT)
    assert resp.status_code == 200, resp.text
    assert resp.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return {f.name: f for f in text_string_to_metric_families(resp.text)}


def value(families, family, name=None, **labels):
    """The sample of family (sample name name, default the family's) whose
    labels include labels; 0 when there is none."""
    name = name or family
    found = [s.value for s in families[family].samples
             if s.name == name and labels.items() <= s.labels.items()]
    assert len(found) <= 1, (family, labels, found)
    return found[0] if found else 0


def test_off_by_default_and_never_on_the_public_port(make_server, server):
    plain = make_server()
    assert requests.get(plain.url("/metrics"), timeout=HTTP_TIMEOUT).status_code == 404
    assert requests.get(server.url("/metrics"), timeout=HTTP_TIMEOUT).status_code == 404
    shown = {(i["section"], i["key"]): (i["value"], i["origin"])
             for i in plain.cli_json("config", "show")}
    assert shown["metrics", "listen"] == ("", "default")


def test_every_family_is_there_with_its_type(server):
    families = scrape(server)
    for name, kind in FAMILIES.items():
        assert name in families, (name, sorted(families))
        assert families[name].type == kind, (name, families[name].type)


def test_requests_are_counted_by_endpoint_and_status(server):
    before = scrape(server)
    client = server.create_client(name="svc", scope="read")
    for _ in range(3):
        assert server.token_basic(client, scope="read").status_code == 200
    assert server.token_basic(client, scope="nope").status_code == 400
    requests.get(server.url("/no-such-thing"), timeout=HTTP_TIMEOUT)
    after = scrape(server)

    def delta(**labels):
        return (value(after, "oidcd_http_requests", "oidcd_http_requests_total", **labels)
                - value(before, "oidcd_http_requests", "oidcd_http_requests_total", **labels))

    assert delta(endpoint="/token", status="200") == 3
    assert delta(endpoint="/token", status="400") == 1
    assert delta(endpoint="unmatched", status="404") == 1
    count = value(after, "oidcd_http_request_duration_seconds",
                  "oidcd_http_request_duration_seconds_count", endpoint="/token")
    inf = value(after, "oidcd_http_request_duration_seconds",
                "oidcd_http_request_duration_seconds_bucket", endpoint="/token", le="+Inf")
    assert count == inf >= 4
    assert value(after, "oidcd_http_request_duration_seconds",
                 "oidcd_http_request_duration_seconds_sum", endpoint="/token") > 0
    issued = value(after, "oidcd_tokens_issued", "oidcd_tokens_issued_total",
                   grant="client_credentials", client_id=client["client_id"])
    assert issued == 3


def test_connections_open_is_a_live_gauge(server):
    held = [socket.create_connection(("127.0.0.1", server.port), timeout=5) for _ in range(3)]
    try:
        for sock in held:  # a request each, so each connection is surely accepted
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        assert value(scrape(server), "oidcd_http_connections_open") >= 3
    finally:
        for sock in held:
            sock.close()


def test_logins_sessions_and_user_tokens(server):
    make_user(server)
    rp = make_rp(server, grant_types="authorization_code,refresh_token")
    app = server.create_client(name="app", scope="openid", grant_types="password")
    before = scrape(server)
    browser = Browser(server)
    full_flow(server, rp, browser=browser)
    for password in ("wrong-1", PASSWORD):
        server.post_token({"grant_type": "password", "username": "alice", "password": password,
                           "scope": "openid"}, auth=(app["client_id"], app["client_secret"]))
    after = scrape(server)

    def delta(family, name, **labels):
        return value(after, family, name, **labels) - value(before, family, name, **labels)

    assert delta("oidcd_logins", "oidcd_logins_total", result="success", via="login_page") == 1
    assert delta("oidcd_logins", "oidcd_logins_total", result="success",
                 via="password_grant") == 1
    assert delta("oidcd_logins", "oidcd_logins_total", result="failure",
                 via="password_grant") == 1
    assert delta("oidcd_tokens_issued", "oidcd_tokens_issued_total",
                 grant="authorization_code", client_id=rp["client_id"]) == 1
    assert delta("oidcd_tokens_issued", "oidcd_tokens_issued_total",
                 grant="password", client_id=app["client_id"]) == 1
    assert value(after, "oidcd_sessions_active") == value(before, "oidcd_sessions_active") + 1


def test_signing_keys_and_database(server):
    server.cli("key", "rotate", "--publish-ahead", "60")
    families = scrape(server)
    states = sorted(s.labels["state"] for s in families["oidcd_signing_key_age_seconds"].samples)
    assert states == ["current", "next"], states
    assert all(s.value >= 0 and s.labels["kid"] and s.labels["alg"] == "RS256"
               for s in families["oidcd_signing_key_age_seconds"].samples)
    assert value(families, "oidcd_db_operation_duration_seconds",
                 "oidcd_db_operation_duration_seconds_count") > 0
    assert value(families, "oidcd_db_errors", "oidcd_db_errors_total") == 0


def test_metrics_port_in_use_is_refused_at_start(make_server):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        server = make_server(config={"metrics": {"listen": f"127.0.0.1:{port}"}}, start=False)
        result = server.cli("serve")
        assert result.returncode == 1
        assert "metrics.listen" in result.stderr


@pytest.mark.parametrize("bad", ["9100", "host:0", "[::1", "127.0.0.1:70000"])
def test_bad_metrics_listen_is_a_config_error(make_server, bad):
    server = make_server(config={"metrics": {"listen": bad}}, start=False)
    result = server.cli("config", "check")
    assert result.returncode == 2
    assert "metrics.listen" in result.stderr
