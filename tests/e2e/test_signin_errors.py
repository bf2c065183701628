"""Sign-in error paths (issue 9 and its contract): error pages that never
redirect, errors redirected with state and iss, prompt/max_age, CSRF, session
fixation, login failures and throttling, deny, code reuse and races, PKCE,
redirect_uri binding, security headers, and no secret in the database or
the log."""

import threading
import time
import urllib.parse

import pytest
import requests

from conftest import HTTP_TIMEOUT, assert_oauth_error
from signin_support import alice, rp  # noqa: F401 (fixtures)
from signin_support import (CSRF_COOKIE, LOGIN_ERROR, PASSWORD, RP, SESSION_COOKIE, Browser,
                            Callback, Pkce, assert_callback_error, assert_callback_ok,
                            assert_html_security_headers, consent_form, full_flow,
                            login_form, make_public_rp, make_rp, make_user, redeem,
                            user_cli)


def make_introspector(server, *audiences):
    scope = " ".join(["token_introspection", *[a["client_id"] for a in audiences]])
    return server.create_client(name="rs", scope=scope)


def is_active(server, caller, token):
    resp = requests.post(server.url("/introspect"), data={"token": token},
                         auth=(caller["client_id"], caller["client_secret"]), timeout=HTTP_TIMEOUT)
    assert resp.status_code == 200, resp.text
    return resp.json()["active"]


def authorize_error(server, client, redirect_uri=RP, browser=None, **params):
    """An authorize request expected to be redirected straight to the client."""
    browser = browser or Browser(server)
    step = browser.follow(browser.authorize(client, redirect_uri, **params))
    assert isinstance(step, Callback), (step.status_code, step.text[:2000])
    return step


def assert_error_page(resp, status=400):
    assert resp.status_code == status, (resp.status_code, resp.text[:2000])
    assert "Location" not in resp.headers, resp.headers
    assert_html_security_headers(resp, no_store=False)
    assert "<title>" in resp.text


def login_page(server, client, browser=None, **params):
    browser = browser or Browser(server)
    page = browser.follow(browser.authorize(client, scope="openid", state="s", **params))
    assert login_form(page) is not None, page.text[:2000]
    return browser, page


# -- never a redirect ----------------------------------------------------------


def test_unknown_client_is_error_page(server):
    browser = Browser(server)
    resp = browser.authorize({"client_id": "no-such-client"}, scope="openid", state="s")
    assert_error_page(resp)


def test_disabled_client_is_error_page(server, rp):
    assert server.cli("client", "update", rp["client_id"], "--disable").returncode == 0
    assert_error_page(Browser(server).authorize(rp, scope="openid", state="s"))


@pytest.mark.parametrize("uri", [
    None, "", "http://127.0.0.1:9/other", "http://127.0.0.1:9/cb/", "http://127.0.0.1:9/cb?x=1",
    "https://127.0.0.1:9/cb", "http://127.0.0.1:9/CB", "http://evil.example/cb",
    "http://127.0.0.1:9/cb#frag"])
def test_unregistered_redirect_uri_is_error_page(server, rp, uri):
    assert_error_page(Browser(server).authorize(rp, redirect_uri=uri, scope="openid", state="s"))


def test_loopback_port_exception_is_for_loopback_only(server):
    rp = make_rp(server, redirect_uri="http://localhost.example/cb")
    resp = Browser(server).authorize(rp, "http://localhost.example:8080/cb", scope="openid")
    assert_error_page(resp)


# -- redirected errors ---------------------------------------------------------


@pytest.mark.parametrize("params,error", [
    ({"response_type": "token"}, "unsupported_response_type"),
    ({"response_type": None}, "invalid_request"),
    ({"request": "eyJhbGciOiJub25lIn0.e30."}, "request_not_supported"),
    ({"request_uri": "https://rp.example/req.jwt"}, "request_uri_not_supported"),
    ({"prompt": "none login"}, "invalid_request"),
    ({"code_challenge": "x" * 43, "code_challenge_method": "S512"}, "invalid_request"),
    ({"max_age": "soon"}, "invalid_request"),
    ({"response_mode": "fragment_jwt"}, "invalid_request"),
])
def test_errors_are_redirected_with_state_and_iss(server, rp, params, error):
    query = {"scope": "openid", "state": "xyz", **params}
    callback = authorize_error(server, rp, **query)
    assert_callback_error(server, callback, error, "xyz")
    assert callback.base == RP


def test_error_redirect_keeps_existing_query_and_encodes_state(server):
    uri = "http://127.0.0.1:9/cb?app=one&x=a%20b"
    rp = make_rp(server, redirect_uri=uri)
    state = "a b&c=d/é?#%"
    callback = authorize_error(server, rp, uri, scope="openid", state=state,
                               response_type="device")  # a token type's would go by fragment
    assert callback.params["app"] == "one" and callback.params["x"] == "a b"
    assert_callback_error(server, callback, "unsupported_response_type", state)
    assert "#" not in callback.url  # the state's '#' is encoded, not a fragment
    assert callback.url.startswith("http://127.0.0.1:9/cb?app=one&x=a%20b&")


def test_error_without_state_has_no_state(server, rp):
    callback = authorize_error(server, rp, scope="openid", response_type="token")
    assert_callback_error(server, callback, "unsupported_response_type", None)
    assert callback.mode == "fragment"  # RFC 6749 §4.2.2.1


def test_prompt_none_without_session_is_login_required(server, alice, rp):
    callback = authorize_error(server, rp, scope="openid", state="s", prompt="none")
    assert_callback_error(server, callback, "login_required", "s")


def test_prompt_none_needing_consent_is_consent_required(server, alice, rp):
    browser = full_flow(server, rp, scope="openid")["browser"]
    callback = authorize_error(server, rp, browser=browser, scope="openid email", state="s",
                               prompt="none")
    assert_callback_error(server, callback, "consent_required", "s")


def test_deny_sends_access_denied(server, alice, rp):
    browser = Browser(server)
    callback = browser.run(browser.authorize(rp, scope="openid", state="d"), decision="deny")
    assert callback.consented
    assert_callback_error(server, callback, "access_denied", "d")


def test_deny_is_not_remembered(server, alice, rp):
    browser = Browser(server)
    browser.run(browser.authorize(rp, scope="openid", state="d"), decision="deny")
    callback = browser.run(browser.authorize(rp, scope="openid", state="e", **Pkce().params()))
    assert callback.consented
    assert_callback_ok(server, callback, "e")


def test_public_client_without_pkce_is_refused(server, alice):
    app = make_public_rp(server)
    callback = authorize_error(server, app, scope="openid", state="s")
    assert_callback_error(server, callback, "invalid_request", "s")


def test_public_client_plain_pkce_is_refused(server, alice):
    app = make_public_rp(server)
    callback = authorize_error(server, app, scope="openid", state="s",
                               code_challenge="a" * 43, code_challenge_method="plain")
    assert_callback_error(server, callback, "invalid_request", "s")


# -- the login form ------------------------------------------------------------


def test_wrong_user_and_wrong_password_look_the_same(server, alice, rp):
    browser, page = login_page(server, rp)
    wrong_password = browser.login(page, "alice", "not the password")
    browser, page = login_page(server, rp)
    wrong_user = browser.login(page, "mallory", PASSWORD)
    for resp in (wrong_password, wrong_user):
        assert resp.status_code == 200, resp.text[:2000]
        assert LOGIN_ERROR in resp.text
        assert login_form(resp) is not None
        assert_html_security_headers(resp)
        assert not browser.cookie(SESSION_COOKIE)


def test_disabled_user_cannot_log_in(server, alice, rp):
    assert user_cli(server, "update", "alice", "--disable").returncode == 0
    browser, page = login_page(server, rp)
    resp = browser.login(page)
    assert resp.status_code == 200 and LOGIN_ERROR in resp.text


@pytest.mark.parametrize("csrf", [None, "", "forged-value"])
def test_login_without_right_csrf_is_403(server, alice, rp, csrf):
    browser, page = login_page(server, rp)
    form = login_form(page)
    fields = {**form.fields, "username": "alice", "password": PASSWORD}
    if csrf is None:
        del fields["csrf_token"]
    else:
        fields["csrf_token"] = csrf
    resp = browser.post(urllib.parse.urljoin(page.url, form.action), fields)
    assert resp.status_code == 403, resp.text[:2000]
    assert_html_security_headers(resp, no_store=False)
    assert not browser.cookie(SESSION_COOKIE)


def test_login_csrf_cookie_missing_is_403(server, alice, rp):
    browser, page = login_page(server, rp)
    form = login_form(page)
    browser.session.cookies.clear()
    resp = browser.post(urllib.parse.urljoin(page.url, form.action),
                        {**form.fields, "username": "alice", "password": PASSWORD})
    assert resp.status_code == 403


@pytest.mark.parametrize("csrf", [None, "forged-value"])
def test_consent_without_right_csrf_is_403(server, alice, rp, csrf):
    browser, page = login_page(server, rp)
    page = browser.follow(browser.login(page))
    form = consent_form(page)
    fields = {**form.fields, "decision": "allow"}
    if csrf is None:
        del fields["csrf_token"]
    else:
        fields["csrf_token"] = csrf
    resp = browser.post(urllib.parse.urljoin(page.url, form.action), fields)
    assert resp.status_code == 403
    assert "Location" not in resp.headers


def test_logout_without_csrf_is_403_and_keeps_session(server, alice, rp):
    browser = full_flow(server, rp)["browser"]
    resp = browser.post(server.url("/logout"), {})
    assert resp.status_code == 403
    assert full_flow(server, rp, browser=browser, prompt="none")["code"]


def test_session_fixation(server, alice, rp):
    browser, page = login_page(server, rp)
    planted = "A" * 43
    browser.session.cookies.set(SESSION_COOKIE, planted, domain="127.0.0.1", path="/")
    callback = browser.run(browser.login(page))
    after = browser.cookie(SESSION_COOKIE)
    assert after and after != planted
    # a second login (prompt=login) gets yet another id
    again = full_flow(server, rp, browser=browser, prompt="login")
    assert again["callback"].logged_in
    assert browser.cookie(SESSION_COOKIE) not in (after, planted)
    assert "code" in callback.params


def test_planted_session_cookie_is_no_session(server, alice, rp):
    browser = Browser(server)
    browser.session.cookies.set(SESSION_COOKIE, "A" * 43, domain="127.0.0.1", path="/")
    callback = authorize_error(server, rp, browser=browser, scope="openid", state="s",
                               prompt="none")
    assert_callback_error(server, callback, "login_required", "s")


def test_throttled_after_max_failures(make_server):
    server = make_server(config={"login": {"max_failures": 3, "lockout_seconds": 60}})
    make_user(server)
    rp = make_rp(server)
    browser, page = login_page(server, rp)
    for _ in range(3):
        page = browser.login(page, "alice", "wrong")
        assert page.status_code == 200 and LOGIN_ERROR in page.text
    resp = browser.login(page, "alice", PASSWORD)  # even the right password waits
    assert resp.status_code == 429, resp.text[:2000]
    assert "Too many failed attempts" in resp.text
    assert_html_security_headers(resp, no_store=False)
    assert not browser.cookie(SESSION_COOKIE)


# -- the code at /token ----------------------------------------------------------


def test_code_is_single_use_and_reuse_revokes(server, alice, rp):
    flow = full_flow(server, rp)
    rs = make_introspector(server, rp)
    access = flow["tokens"]["access_token"]
    assert is_active(server, rs, access)
    again = redeem(server, rp, flow["code"], verifier=flow["pkce"].verifier)
    assert_oauth_error(again, 400, "invalid_grant")
    assert not is_active(server, rs, access)


def test_concurrent_redemptions_exactly_one_wins(server, alice, rp):
    pkce = Pkce()
    callback = Browser(server).sign_in(rp, scope="openid", state="s", **pkce.params())
    code = assert_callback_ok(server, callback, "s")
    barrier = threading.Barrier(4)
    results = []

    def redeem_once():
        barrier.wait()
        results.append(redeem(server, rp, code, verifier=pkce.verifier).status_code)

    threads = [threading.Thread(target=redeem_once) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200, 400, 400, 400], results


def test_redirect_uri_must_match_at_token(server, alice):
    rp = make_rp(server, redirect_uri=[RP, "http://127.0.0.1:9/other"])
    pkce = Pkce()
    code = assert_callback_ok(server, Browser(server).sign_in(
        rp, scope="openid", state="s", **pkce.params()), "s")
    assert_oauth_error(redeem(server, rp, code, "http://127.0.0.1:9/other", pkce.verifier),
                       400, "invalid_grant")


def test_redirect_uri_missing_at_token(server, alice, rp):
    pkce = Pkce()
    code = assert_callback_ok(server, Browser(server).sign_in(
        rp, scope="openid", state="s", **pkce.params()), "s")
    resp = redeem(server, rp, code, None, pkce.verifier)
    assert resp.status_code == 400
    assert resp.json()["error"] in ("invalid_request", "invalid_grant")


def test_code_of_another_client(server, alice, rp):
    other = make_rp(server, name="Other RP")
    pkce = Pkce()
    code = assert_callback_ok(server, Browser(server).sign_in(
        rp, scope="openid", state="s", **pkce.params()), "s")
    assert_oauth_error(redeem(server, other, code, verifier=pkce.verifier), 400, "invalid_grant")


@pytest.mark.parametrize("verifier", [None, "wrong" * 10, "short"])
def test_pkce_missing_or_wrong_verifier(server, alice, rp, verifier):
    pkce = Pkce()
    code = assert_callback_ok(server, Browser(server).sign_in(
        rp, scope="openid", state="s", **pkce.params()), "s")
    resp = redeem(server, rp, code, verifier=verifier)
    assert resp.status_code == 400
    assert resp.json()["error"] in ("invalid_grant", "invalid_request")


def test_verifier_for_code_without_challenge(server, alice, rp):
    code = assert_callback_ok(server, Browser(server).sign_in(rp, scope="openid", state="s"), "s")
    assert_oauth_error(redeem(server, rp, code, verifier=Pkce().verifier), 400, "invalid_grant")


def test_plain_pkce_for_confidential_client(server, alice, rp):
    verifier = Pkce().verifier
    code = assert_callback_ok(server, Browser(server).sign_in(
        rp, scope="openid", state="s", code_challenge=verifier, code_challenge_method="plain"),
        "s")
    assert redeem(server, rp, code, verifier=verifier).status_code == 200


def test_public_client_needs_no_secret_but_its_verifier(server, alice):
    """A refused try spends the code (or not: the store's call, as for a code
    tried by another client), so the verifier's success is shown on a code
    of its own."""
    app = make_public_rp(server)
    browser = Browser(server)
    codes = []
    for _ in range(2):
        pkce = Pkce()
        codes.append((assert_callback_ok(server, browser.sign_in(
            app, scope="openid", state="s", **pkce.params()), "s"), pkce))
    assert_oauth_error(redeem(server, app, codes[0][0], verifier=None), 400, "invalid_grant")
    assert redeem(server, app, codes[1][0], verifier=codes[1][1].verifier).status_code == 200


def test_unknown_code(server, rp):
    assert_oauth_error(redeem(server, rp, "A" * 43, verifier=Pkce().verifier), 400,
                       "invalid_grant")


def test_expired_code(make_server):
    server = make_server(config={"tokens": {"code_ttl": 1}})
    make_user(server)
    rp = make_rp(server)
    pkce = Pkce()
    code = assert_callback_ok(server, Browser(server).sign_in(
        rp, scope="openid", state="s", **pkce.params()), "s")
    time.sleep(2.1)
    assert_oauth_error(redeem(server, rp, code, verifier=pkce.verifier), 400, "invalid_grant")


# -- nothing in plaintext ----------------------------------------------------------


def test_no_password_code_or_session_id_in_database_or_log(server, rp):
    password = "plaintext-canary-Zq8v3"
    make_user(server, password=password)
    flow = full_flow(server, rp, scope="openid email", password=password)
    browser = flow["browser"]
    # a session id and a CSRF token from a login, a failed login, a consent
    browser2, page = login_page(server, rp)
    browser2.login(page, "alice", "failed-canary-Kp2w")
    secrets_seen = {
        "password": password,
        "failed password": "failed-canary-Kp2w",
        "code": flow["code"],
        "session id": browser.cookie(SESSION_COOKIE),
    }
    if flow["tokens"].get("refresh_token"):
        secrets_seen["refresh token"] = flow["tokens"]["refresh_token"]
    assert all(secrets_seen.values()), secrets_seen
    assert browser.cookie(CSRF_COOKIE)
    server.log_text()  # let the batched request lines reach the file
    blobs = {path.name: path.read_bytes() for path in server.dir.iterdir()
             if path.is_file() and path.suffix == ".log"}
    blobs["the database"] = server.stored_bytes()
    assert blobs["the database"] and "server.log" in blobs, list(blobs)
    for what, value in secrets_seen.items():
        for name, data in blobs.items():
            assert value.encode() not in data, f"{what} in plaintext in {name}"
