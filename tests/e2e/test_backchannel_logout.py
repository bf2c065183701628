"""OpenID Connect Back-Channel Logout 1.0: clients register a
backchannel_logout_uri; when a session they signed into ends (logout,
/end-session, a user disabled, deleted or given a new password by the CLI),
oidcd POSTs each of them one signed logout_token from a background worker,
retrying failures and never holding up the user's request."""

import json
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from jwcrypto import jwk, jws

from conftest import (b64url, b64url_decode, free_port, jwt_claims_unverified, verify_jwt,
                      wait_until)
from signin_support import Browser, full_flow, make_rp, make_user, parse_forms, user_cli

EVENT = "http://schemas.openid.net/event/backchannel-logout"
DELIVERY_WAIT = 10.0


class Receiver:
    """An RP's back-channel endpoint on loopback: records every POST by path.
    behaviour[path] is "ok" (200), "no-content" (204), "fail-once" (500,
    then 200), "fail" (always 500) or "hang" (answers only after hang_s)."""

    def __init__(self, hang_s=30.0):
        self.calls = {}
        self.behaviour = {}
        self.hang_s = hang_s
        self.lock = threading.Lock()
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    calls = receiver.calls.setdefault(self.path, [])
                    calls.append({"headers": dict(self.headers), "body": body.decode()})
                    count = len(calls)
                mode = receiver.behaviour.get(self.path, "ok")
                if mode == "hang":
                    receiver.release.wait(receiver.hang_s)
                status = {"ok": 200, "no-content": 204, "fail": 500, "hang": 200,
                          "fail-once": 500 if count == 1 else 200}[mode]
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.send_header("Cache-Control", "no-store")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def received(self, path):
        with self.lock:
            return list(self.calls.get(path, []))

    def tokens(self, path):
        return [urllib.parse.parse_qs(c["body"])["logout_token"][0] for c in self.received(path)]

    def close(self):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def alice(server):
    return make_user(server)


def bc_rp(server, receiver, path, name, **flags):
    return make_rp(server, name=name, backchannel_logout_uri=receiver.url(path), **flags)


def sign_in(server, client, browser):
    """Signs alice in at client in browser; the ID token's claims."""
    flow = full_flow(server, client, browser=browser)
    return jwt_claims_unverified(flow["tokens"]["id_token"]), flow["tokens"]["id_token"]


def end_session(server, browser, id_token):
    return browser.get(server.url("/end-session"), params={"id_token_hint": id_token})


def sign_in_and_out(server, receiver, mode="ok"):
    """Client A at receiver's /a, answering mode; alice signs in there and
    out through /end-session, which must answer at once. A's ID token claims."""
    a = bc_rp(server, receiver, "/a", "A")
    receiver.behaviour["/a"] = mode
    browser = Browser(server)
    claims, id_token = sign_in(server, a, browser)
    started = time.monotonic()
    assert end_session(server, browser, id_token).status_code == 200
    assert time.monotonic() - started < 2.0
    return a, claims


def configured(make_server, **backchannel):
    server = make_server(config={"backchannel": backchannel})
    make_user(server)
    return server


def wait_for(receiver, path, count=1, timeout=DELIVERY_WAIT):
    assert wait_until(lambda: len(receiver.received(path)) >= count, timeout=timeout), \
        (path, receiver.calls)
    return receiver.received(path)


def assert_logout_token(server, token, client, sub, sid):
    """The logout token checked against /jwks and §2.4; returns its claims."""
    header, claims = verify_jwt(token, server.jwks())
    assert header["typ"] == "logout+jwt"
    assert header["alg"] != "none"
    now = time.time()
    assert claims["iss"] == server.issuer
    assert claims["aud"] == client["client_id"]
    assert isinstance(claims["iat"], int) and claims["iat"] <= now + 5
    assert isinstance(claims["exp"], int) and now < claims["exp"] <= claims["iat"] + 600
    assert isinstance(claims["jti"], str) and len(claims["jti"]) >= 16
    assert claims["events"] == {EVENT: {}}
    assert claims["sub"] == sub
    assert claims["sid"] == sid
    assert "nonce" not in claims
    return claims


def test_discovery_says_back_channel_logout_is_supported(server):
    doc = server.get("/.well-known/openid-configuration").json()
    assert doc["backchannel_logout_supported"] is True
    assert doc["backchannel_logout_session_supported"] is True


def test_logout_sends_each_client_exactly_one_token(server, alice, receiver):
    a = bc_rp(server, receiver, "/a", "A", backchannel_logout_session_required="true")
    b = bc_rp(server, receiver, "/b", "B")
    plain = make_rp(server, name="No back-channel")
    browser = Browser(server)
    claims_a, id_token = sign_in(server, a, browser)
    claims_b, _ = sign_in(server, b, browser)
    claims_c, _ = sign_in(server, plain, browser)
    sid = claims_a["sid"]
    assert claims_b["sid"] == sid == claims_c["sid"]
    assert receiver.calls == {}  # nothing while the session lives

    started = time.monotonic()
    resp = end_session(server, browser, id_token)
    assert resp.status_code == 200, resp.text[:500]
    assert time.monotonic() - started < 2.0

    call_a = wait_for(receiver, "/a")[0]
    call_b = wait_for(receiver, "/b")[0]
    time.sleep(1.5)  # a second delivery would show by now
    assert len(receiver.received("/a")) == 1 and len(receiver.received("/b")) == 1
    assert set(receiver.calls) == {"/a", "/b"}
    for call in (call_a, call_b):
        assert call["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
        assert list(urllib.parse.parse_qs(call["body"])) == ["logout_token"]
    got_a = assert_logout_token(server, receiver.tokens("/a")[0], a, alice["sub"], sid)
    got_b = assert_logout_token(server, receiver.tokens("/b")[0], b, alice["sub"], sid)
    assert got_a["jti"] != got_b["jti"]
    # the log names the delivery's failures only: a token is never written
    for part in receiver.tokens("/a")[0].split("."):
        assert part not in server.log_text()


def test_implicit_sign_in_counts(server, alice, receiver):
    """A client that got only an ID token from /authorize (no code) signed
    into the session too."""
    a = make_rp(server, name="Implicit", grant_types="implicit", response_types="id_token",
                backchannel_logout_uri=receiver.url("/a"))
    browser = Browser(server)
    nonce = secrets.token_urlsafe(12)
    callback = browser.run(browser.authorize(a, scope="openid", state="s", nonce=nonce,
                                             response_type="id_token"))
    id_token = callback.params["id_token"]
    claims = jwt_claims_unverified(id_token)
    assert end_session(server, browser, id_token).status_code == 200
    wait_for(receiver, "/a")
    assert_logout_token(server, receiver.tokens("/a")[0], a, alice["sub"], claims["sid"])


def test_logout_page_sends_the_token(server, alice, receiver):
    a = bc_rp(server, receiver, "/a", "A")
    browser = Browser(server)
    claims, _ = sign_in(server, a, browser)
    page = browser.get(server.url("/logout"))
    form = [f for f in parse_forms(page.text)
            if f.action.endswith("/logout")][0]
    done = browser.submit(page, form)
    assert done.status_code == 200
    wait_for(receiver, "/a")
    assert_logout_token(server, receiver.tokens("/a")[0], a, alice["sub"], claims["sid"])


def test_only_the_clients_of_the_ended_session_are_told(server, alice, receiver):
    a = bc_rp(server, receiver, "/a", "A")
    b = bc_rp(server, receiver, "/b", "B")
    first, second = Browser(server), Browser(server)
    _, token_a = sign_in(server, a, first)
    sign_in(server, b, second)
    end_session(server, first, token_a)
    wait_for(receiver, "/a")
    time.sleep(1.0)
    assert receiver.received("/b") == []


@pytest.mark.parametrize("change", ["disable", "delete", "password"])
def test_user_changed_by_the_cli_sends_tokens(server, alice, receiver, change):
    a = bc_rp(server, receiver, "/a", "A")
    b = bc_rp(server, receiver, "/b", "B")
    browser = Browser(server)
    claims, _ = sign_in(server, a, browser)
    sign_in(server, b, browser)
    if change == "disable":
        result = user_cli(server, "update", "alice", "--disable")
    elif change == "delete":
        result = user_cli(server, "delete", "alice")
    else:
        result = user_cli(server, "update", "alice", "--password-stdin",
                          password="a whole new passphrase 42")
    assert result.returncode == 0, result.stderr
    for path, client in (("/a", a), ("/b", b)):
        wait_for(receiver, path)
        assert_logout_token(server, receiver.tokens(path)[0], client, alice["sub"], claims["sid"])
    time.sleep(1.0)
    assert len(receiver.received("/a")) == 1 and len(receiver.received("/b")) == 1


def test_disabled_user_enabled_again_is_still_signed_out(server, alice, receiver):
    a = bc_rp(server, receiver, "/a", "A")
    browser = Browser(server)
    sign_in(server, a, browser)
    assert user_cli(server, "update", "alice", "--disable").returncode == 0
    wait_for(receiver, "/a")
    assert user_cli(server, "update", "alice", "--enable").returncode == 0
    callback = browser.run(browser.authorize(a, scope="openid", state="s", prompt="none"))
    assert callback.params.get("error") == "login_required", callback.params


def test_failed_delivery_is_retried(server, alice, receiver):
    a, claims = sign_in_and_out(server, receiver, "fail-once")
    calls = wait_for(receiver, "/a", count=2)
    time.sleep(2.5)  # delivered: no third attempt
    assert len(receiver.received("/a")) == 2
    first, second = receiver.tokens("/a")
    assert_logout_token(server, second, a, alice["sub"], claims["sid"])
    log = server.log_text()
    assert "back-channel logout failed" in log and a["client_id"] in log
    for token in (first, second):
        assert token.split(".")[1] not in log and token.split(".")[2] not in log
    assert calls[0]["body"] != ""


def test_retries_are_bounded(make_server, receiver):
    server = configured(make_server, retries=1)
    sign_in_and_out(server, receiver, "fail")
    wait_for(receiver, "/a", count=2)
    assert wait_until(lambda: "back-channel logout given up" in server.log_text(), timeout=5)
    time.sleep(3.0)
    assert len(receiver.received("/a")) == 2


def test_204_is_success(server, alice, receiver):
    sign_in_and_out(server, receiver, "no-content")
    wait_for(receiver, "/a")
    time.sleep(2.5)
    assert len(receiver.received("/a")) == 1
    assert "back-channel logout failed" not in server.log_text()


def test_hanging_receiver_delays_neither_logout_nor_shutdown(make_server, receiver):
    server = configured(make_server, timeout_ms=20000)
    sign_in_and_out(server, receiver, "hang")  # answered at once
    wait_for(receiver, "/a")  # the worker is now waiting on the receiver
    assert server.is_healthy()
    started = time.monotonic()
    assert server.stop() == 0
    assert time.monotonic() - started < 5.0


def test_timeout_is_a_failure_retried(make_server, receiver):
    server = configured(make_server, timeout_ms=500)
    sign_in_and_out(server, receiver, "hang")
    wait_for(receiver, "/a", count=2)
    assert "back-channel logout failed" in server.log_text()


def test_queue_survives_a_restart(server, alice, receiver):
    a = bc_rp(server, receiver, "/a", "A")
    browser = Browser(server)
    claims, _ = sign_in(server, a, browser)
    assert server.stop() == 0
    # the CLI ends the session while no server runs: the delivery waits
    assert user_cli(server, "update", "alice", "--disable").returncode == 0
    time.sleep(0.5)
    assert receiver.received("/a") == []
    server.start()
    wait_for(receiver, "/a")
    assert_logout_token(server, receiver.tokens("/a")[0], a, alice["sub"], claims["sid"])


def test_redirects_are_not_followed(server, alice, receiver):
    class Redirect(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(307)
            self.send_header("Location", receiver.url("/elsewhere"))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    redirector = ThreadingHTTPServer(("127.0.0.1", free_port()), Redirect)
    redirector.daemon_threads = True
    threading.Thread(target=redirector.serve_forever, daemon=True).start()
    try:
        uri = f"http://127.0.0.1:{redirector.server_address[1]}/bc"
        a = make_rp(server, name="A", backchannel_logout_uri=uri)
        browser = Browser(server)
        _, id_token = sign_in(server, a, browser)
        end_session(server, browser, id_token)
        assert wait_until(lambda: "back-channel logout failed" in server.log_text(), timeout=5)
        assert receiver.received("/elsewhere") == []
    finally:
        redirector.shutdown()
        redirector.server_close()


# -- registration ---------------------------------------------------------------


def create(server, *flags):
    return server.cli("client", "create", "--name", "x", "--redirect-uri",
                      "https://rp.example/cb", *flags, "--json")


@pytest.mark.parametrize("uri", [
    "https://rp.example/backchannel",
    "https://rp.example:8443/bc?tenant=1",
    "http://127.0.0.1:9/bc",
    "http://localhost/bc",
    "http://[::1]:8080/bc",
])
def test_cli_accepts_good_uris(server, uri):
    result = create(server, "--backchannel-logout-uri", uri,
                    "--backchannel-logout-session-required", "true")
    assert result.returncode == 0, result.stderr
    made = json.loads(result.stdout)
    assert made["backchannel_logout_uri"] == uri
    assert made["backchannel_logout_session_required"] is True
    shown = server.cli_json("client", "show", made["client_id"])
    assert shown["backchannel_logout_uri"] == uri
    assert shown["backchannel_logout_session_required"] is True
    text = server.cli("client", "show", made["client_id"]).stdout
    assert f"backchannel_logout_uri: {uri}" in text


@pytest.mark.parametrize("uri, why", [
    ("http://rp.example/bc", "https"),
    ("https://rp.example/bc#frag", "fragment"),
    ("/relative/bc", "absolute"),
    ("rp.example/bc", "absolute"),
    ("ftp://rp.example/bc", "https"),
    ("javascript:alert(1)", "javascript"),
    ("https://user@rp.example/bc", "user info"),
    ("https://", "host"),
    ("https://rp.example/" + "a" * 3000, "bytes"),
])
def test_cli_refuses_bad_uris(server, uri, why):
    result = create(server, "--backchannel-logout-uri", uri)
    assert result.returncode != 0
    assert "back-channel logout URI" in result.stderr and why in result.stderr, result.stderr
    assert server.cli_json("client", "list") == []


def test_cli_refuses_bad_session_required(server):
    result = create(server, "--backchannel-logout-session-required", "yes")
    assert result.returncode != 0
    assert "--backchannel-logout-session-required" in result.stderr


def test_cli_defaults_update_and_removal(server):
    made = json.loads(create(server).stdout)
    assert made["backchannel_logout_uri"] is None
    assert made["backchannel_logout_session_required"] is False
    cid = made["client_id"]
    result = server.cli("client", "update", cid, "--backchannel-logout-uri",
                        "https://rp.example/bc", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["backchannel_logout_uri"] == "https://rp.example/bc"
    bad = server.cli("client", "update", cid, "--backchannel-logout-uri", "http://rp.example/bc")
    assert bad.returncode != 0
    assert server.cli_json("client", "show", cid)["backchannel_logout_uri"] == \
        "https://rp.example/bc"
    result = server.cli("client", "update", cid, "--backchannel-logout-uri", "", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["backchannel_logout_uri"] is None


@pytest.mark.parametrize("alg", ["ES256", "HS256"])
def test_logout_token_is_signed_as_the_clients_id_tokens(server, alice, receiver, alg):
    """The RP verifies the logout token as it does its ID tokens: with the
    key of its ID token algorithm, or (HS256) its client secret."""
    a = bc_rp(server, receiver, "/a", "A", id_token_alg=alg)
    if alg == "ES256":
        assert wait_until(lambda: "ES256" in {k["alg"] for k in server.jwks()["keys"]})
    browser = Browser(server)
    claims, id_token = sign_in(server, a, browser)
    assert end_session(server, browser, id_token).status_code == 200
    token = wait_for(receiver, "/a") and receiver.tokens("/a")[0]
    header = json.loads(b64url_decode(token.split(".")[0]))
    assert header["alg"] == alg and header["typ"] == "logout+jwt"
    if alg == "ES256":
        assert_logout_token(server, token, a, alice["sub"], claims["sid"])
        return
    assert "kid" not in header
    signed = jws.JWS()
    signed.deserialize(token)
    signed.verify(jwk.JWK(kty="oct", k=b64url(a["client_secret"].encode())), alg="HS256")
    got = json.loads(signed.payload)
    assert got["aud"] == a["client_id"] and got["events"] == {EVENT: {}}
    assert got["sid"] == claims["sid"] and got["sub"] == alice["sub"]
