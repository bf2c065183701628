"""A plain-http issuer on a host that is not loopback starts, but the server
warns once that RFC 8414 and OpenID Connect require https (issue 10 §2)."""

import requests

from conftest import HTTP_TIMEOUT, START_TIMEOUT, wait_until

WARNING = "RFC 8414 and OpenID Connect Discovery require https"


def healthy(server):
    try:
        return requests.get(server.root_url("/healthz"), timeout=HTTP_TIMEOUT).status_code == 200
    except requests.RequestException:
        return False


def test_plain_http_issuer_on_a_public_host_warns_once(make_server):
    server = make_server(config={"server": {"issuer": "http://oidc.example.test"}}, start=False)
    server.spawn()
    assert wait_until(lambda: healthy(server), timeout=START_TIMEOUT), server.log_text()
    log = server.log_text()
    assert log.count(WARNING) == 1, log


def test_loopback_and_https_issuers_do_not_warn(make_server):
    server = make_server()
    assert WARNING not in server.log_text()
    https = make_server(config={"server": {"issuer": "https://oidc.example.test"}}, start=False)
    https.spawn()
    assert wait_until(lambda: healthy(https), timeout=START_TIMEOUT), https.log_text()
    assert WARNING not in https.log_text()
