"""Two oidcd processes on one PostgreSQL database behind a real nginx that
balances round-robin, as docs/SCALING.md describes: one issuer (nginx's
address), one key-encryption key. Everything goes through nginx; nginx's
X-Upstream header says which instance answered, so the tests can check
that a flow's steps were served by both.

The database: as in test_postgres.py (OIDCD_TEST_DATABASE_URLS, else a
throwaway cluster; skipped without either), a fresh one per test. Skipped
without nginx (Debian's nginx package)."""

import os
import urllib.parse

import pytest
import requests

from conftest import HTTP_TIMEOUT, SLOW, free_port, verify_jwt, wait_until
from nginx_support import NGINX_BIN, Balancer
from signin_support import Browser, Pkce, assert_callback_ok, make_rp, make_user, redeem, \
    verify_id_token
from test_postgres import pg_db, pg_server  # noqa: F401 (fixtures)

SEEN_WITHIN = 1.5 * SLOW  # the documented 1 s of a token's cached state, and room


class Front:
    """What a client sees: the issuer at nginx's address. Enough of
    conftest's Server for signin_support's helpers (url, issuer, post_token,
    jwks), each request going through nginx."""

    def __init__(self, balancer, first):
        self.balancer = balancer
        self.issuer = balancer.url("")
        self.first = first  # an instance, for the CLI

    def url(self, path):
        return self.issuer + path

    def post_token(self, data=None, auth=None, headers=None, **kwargs):
        data = data if data is not None else {"grant_type": "client_credentials"}
        kwargs.setdefault("timeout", HTTP_TIMEOUT)
        return requests.post(self.url("/token"), data=data, auth=auth, headers=headers,
                             **kwargs)

    def jwks(self):
        resp = requests.get(self.url("/jwks"), timeout=HTTP_TIMEOUT)
        assert resp.status_code == 200, resp.text
        return resp.json()


@pytest.fixture
def cluster(pg_db, make_server, tmp_path):  # noqa: F811
    """Instances a and b on one database and key file, nginx in front; the
    Front, and the instances' host:port as nginx names them."""
    if not os.access(NGINX_BIN, os.X_OK):
        pytest.skip("no nginx: apt-get install nginx")
    _, url = pg_db
    balancer = Balancer(tmp_path / "nginx", port=free_port())
    issuer = balancer.url("")
    a = make_server(config={"database": {"url": url}, "server": {"issuer": issuer}})
    b = make_server(config={"database": {"url": url}, "server": {"issuer": issuer},
                            "keys": {"encryption_key_file": a.kek_path}})
    balancer.write([a.port, b.port]).start()
    try:
        assert wait_until(lambda: requests.get(balancer.url("/healthz"),
                                               timeout=HTTP_TIMEOUT).status_code == 200,
                          timeout=5 * SLOW)
        yield Front(balancer, a), {f"127.0.0.1:{s.port}" for s in (a, b)}, (a, b)
    finally:
        assert balancer.stop() == 0, balancer.log_text()


def upstream(resp):
    return resp.headers.get("X-Upstream")


def test_jwks_is_the_same_from_both_instances(cluster):
    front, instances, (a, b) = cluster
    direct = [requests.get(s.root_url("/jwks"), timeout=HTTP_TIMEOUT) for s in (a, b)]
    assert [r.status_code for r in direct] == [200, 200]
    assert direct[0].json() == direct[1].json()
    assert direct[0].json()["keys"]
    seen = {}
    for _ in range(4):
        resp = requests.get(front.url("/jwks"), timeout=HTTP_TIMEOUT)
        assert resp.status_code == 200, resp.text
        seen[upstream(resp)] = resp.json()
    assert set(seen) == instances, seen.keys()
    assert all(keys == direct[0].json() for keys in seen.values())


def introspect(front, rs, token):
    resp = requests.post(front.url("/introspect"), data={"token": token},
                         auth=(rs["client_id"], rs["client_secret"]), timeout=HTTP_TIMEOUT)
    assert resp.status_code == 200, resp.text
    return upstream(resp), resp.json()


@pytest.mark.parametrize("fmt", ["jwt", "opaque"])
def test_a_client_credentials_token_is_introspected_and_revoked_through_nginx(cluster, fmt):
    front, instances, _ = cluster
    flags = {"access_token_format": "opaque"} if fmt == "opaque" else {}
    client = front.first.create_client(name="machine", scope="read write", **flags)
    rs = front.first.create_client(name="rs",
                                   scope="token_introspection " + client["client_id"])
    resp = front.post_token(auth=(client["client_id"], client["client_secret"]))
    assert resp.status_code == 200, resp.text
    token = resp.json()["access_token"]
    if fmt == "jwt":
        verify_jwt(token, front.jwks())
    answered = {}
    for _ in range(4):  # both instances, and both with the state cached
        where, body = introspect(front, rs, token)
        assert body["active"] is True, body
        assert body["client_id"] == client["client_id"]
        answered[where] = body
    assert set(answered) == instances
    resp = requests.post(front.url("/revoke"), data={"token": token},
                         auth=(client["client_id"], client["client_secret"]),
                         timeout=HTTP_TIMEOUT)
    assert resp.status_code == 200, resp.text
    revoked_at = upstream(resp)
    # the instance that revoked it knows at once; the other within its cache's second
    where, body = introspect(front, rs, token)
    if where == revoked_at:
        assert body == {"active": False}
    inactive = set()

    def both_say_inactive():
        where, body = introspect(front, rs, token)
        if body == {"active": False}:
            inactive.add(where)
        else:
            inactive.discard(where)
        return inactive == instances

    assert wait_until(both_say_inactive, timeout=SEEN_WITHIN + 1)


def test_a_sign_in_through_nginx_is_served_by_both_instances(cluster):
    """/authorize, the login page, the login POST, consent and /token: with
    round-robin they alternate, so the login form is posted to the instance
    that did not show it (its CSRF cookie and the pending request come from
    the database) and the code is redeemed at the instance that did not
    issue it."""
    front, instances, _ = cluster
    make_user(front.first)
    rp = make_rp(front.first)
    hops = []
    browser = Browser(front)
    browser.session.hooks["response"].append(
        lambda resp, *args, **kwargs: hops.append(
            (resp.request.method, urllib.parse.urlsplit(resp.url).path, upstream(resp))))
    pkce = Pkce()
    callback = browser.run(browser.authorize(rp, scope="openid email", state="st", nonce="nn",
                                             **pkce.params()), expect_login=True)
    code = assert_callback_ok(front, callback, "st")
    assert all(where in instances for _, _, where in hops), hops
    paths = {(method, path) for method, path, _ in hops}
    assert ("GET", "/authorize") in paths and ("POST", "/login") in paths, hops
    assert {where for _, _, where in hops} == instances, hops
    login_page = next(i for i, (m, p, _) in enumerate(hops) if m == "GET" and p == "/login")
    assert hops[login_page + 1][:2] == ("POST", "/login"), hops
    assert hops[login_page][2] != hops[login_page + 1][2], hops
    resp = redeem(front, rp, code, verifier=pkce.verifier)
    assert resp.status_code == 200, resp.text
    assert upstream(resp) != hops[-1][2], (upstream(resp), hops)  # not the code's issuer
    tokens = resp.json()
    verify_id_token(front, rp, tokens, "nn")
    # the code is spent at both
    again = [redeem(front, rp, code, verifier=pkce.verifier) for _ in range(2)]
    assert {upstream(r) for r in again} == instances
    for r in again:
        assert r.status_code == 400 and r.json()["error"] == "invalid_grant", r.text
