"""Signing a person in (issue 9): the authorization code flow driven over HTTP
as a browser would (signin_support.Browser), the ID token checked with
jwcrypto, userinfo per scope, sessions, remembered consent, form_post, logout
and discovery. The error paths are in test_signin_errors.py."""

import time

import pytest
import requests

from conftest import SLOW, jwt_claims_unverified
from signin_support import alice, rp  # noqa: F401 (fixtures)
from signin_support import (ALICE_CLAIMS, RP, SCOPE_CLAIMS, SESSION_COOKIE, Browser,
                            Pkce, assert_callback_error, assert_callback_ok,
                            assert_html_security_headers, consent_form, full_flow,
                            login_form, make_public_rp, make_rp, make_user, parse_forms,
                            redeem, userinfo, verify_id_token)


# -- the whole flow ------------------------------------------------------------


def test_code_flow_with_pkce_gives_verified_id_token(server, alice, rp):
    flow = full_flow(server, rp, scope="openid")
    assert flow["callback"].logged_in and flow["callback"].consented
    tokens = flow["tokens"]
    assert tokens["token_type"].lower() == "bearer"
    assert tokens["expires_in"] > 0
    assert tokens["scope"].split() == ["openid"]
    claims = verify_id_token(server, rp, tokens, flow["nonce"], alice)
    assert claims["sub"] != "alice"  # a random subject, never the username
    assert abs(claims["auth_time"] - time.time()) < 60 * SLOW
    for name in ("email", "name", "address"):  # id_token_include_claims is off
        assert name not in claims


def test_flow_under_issuer_path(make_server):
    server = make_server(issuer_path="/oidc")
    alice = make_user(server)
    rp = make_rp(server)
    flow = full_flow(server, rp)
    claims = verify_id_token(server, rp, flow["tokens"], flow["nonce"], alice)
    assert claims["iss"] == server.issuer


def test_public_client_with_pkce(server, alice):
    app = make_public_rp(server)
    flow = full_flow(server, app, scope="openid profile")
    verify_id_token(server, app, flow["tokens"], flow["nonce"], alice)


def test_authorize_by_post_works_like_get(server, alice, rp):
    pkce = Pkce()
    browser = Browser(server)
    callback = browser.run(browser.authorize(rp, method="POST", scope="openid", state="s1",
                                             nonce="n1", **pkce.params()))
    code = assert_callback_ok(server, callback, "s1")
    assert redeem(server, rp, code, verifier=pkce.verifier).status_code == 200


def test_redirect_uri_query_is_kept(server, alice):
    uri = "http://127.0.0.1:9/cb?app=one&x=a%20b"
    rp = make_rp(server, redirect_uri=uri)
    pkce = Pkce()
    callback = Browser(server).sign_in(rp, uri, scope="openid", state="st", **pkce.params())
    assert callback.base == "http://127.0.0.1:9/cb"
    assert callback.params["app"] == "one" and callback.params["x"] == "a b"
    code = assert_callback_ok(server, callback, "st")
    assert redeem(server, rp, code, uri, pkce.verifier).status_code == 200


def test_loopback_redirect_uri_any_port(server, alice):
    """RFC 8252 §7.3: a loopback redirect_uri matches whatever its port."""
    app = make_public_rp(server, redirect_uri="http://127.0.0.1/cb")
    flow = full_flow(server, app, redirect_uri="http://127.0.0.1:50123/cb")
    assert flow["callback"].base == "http://127.0.0.1:50123/cb"


def test_scopes_outside_client_scope_are_dropped(server, alice):
    rp = make_rp(server, scope="openid email")
    flow = full_flow(server, rp, scope="openid email profile phone")
    assert sorted(flow["tokens"]["scope"].split()) == ["email", "openid"]
    info = userinfo(server, flow["tokens"]["access_token"]).json()
    assert "email" in info and "name" not in info and "phone_number" not in info


def test_plain_oauth_without_openid_has_no_id_token(server, alice):
    rp = make_rp(server, scope="openid email read_books")
    flow = full_flow(server, rp, scope="read_books")
    assert "id_token" not in flow["tokens"]
    assert flow["tokens"]["scope"].split() == ["read_books"]
    resp = userinfo(server, flow["tokens"]["access_token"])
    assert resp.status_code == 403, resp.text
    assert "insufficient_scope" in resp.headers.get("WWW-Authenticate", "")


def test_refresh_token_with_offline_access(server, alice):
    rp = make_rp(server, grant_types="authorization_code,refresh_token")
    tokens = full_flow(server, rp, scope="openid offline_access")["tokens"]
    assert len(tokens["refresh_token"]) >= 43
    tokens = full_flow(server, rp, scope="openid")["tokens"]
    assert "refresh_token" not in tokens


def test_no_refresh_token_without_the_grant(server, alice, rp):
    tokens = full_flow(server, rp, scope="openid offline_access")["tokens"]
    assert "refresh_token" not in tokens


def test_id_token_include_claims(make_server):
    server = make_server(config={"tokens": {"id_token_include_claims": "true"}})
    alice = make_user(server)
    rp = make_rp(server)
    flow = full_flow(server, rp, scope="openid email")
    claims = verify_id_token(server, rp, flow["tokens"], flow["nonce"], alice)
    assert claims["email"] == ALICE_CLAIMS["email"]
    assert claims["email_verified"] is True
    assert "name" not in claims  # profile was not asked for


def test_access_token_is_for_the_user(server, alice, rp):
    tokens = full_flow(server, rp, scope="openid email")["tokens"]
    claims = jwt_claims_unverified(tokens["access_token"])
    assert claims["sub"] == alice["sub"]
    assert claims["client_id"] == rp["client_id"]
    assert sorted(claims["scope"].split()) == ["email", "openid"]


# -- userinfo ------------------------------------------------------------------


@pytest.mark.parametrize("scope", ["openid", "openid profile", "openid email", "openid phone",
                                   "openid address", "openid profile email phone address"])
def test_userinfo_per_scope(server, alice, rp, scope):
    tokens = full_flow(server, rp, scope=scope)["tokens"]
    expected = {"sub": alice["sub"]}
    for word in scope.split()[1:]:
        expected.update({name: ALICE_CLAIMS[name] for name in SCOPE_CLAIMS[word]})
    for method in ("GET", "POST"):
        resp = userinfo(server, tokens["access_token"], method)
        assert resp.status_code == 200, resp.text
        assert resp.headers["Content-Type"].split(";")[0].strip() == "application/json"
        assert resp.headers.get("Access-Control-Allow-Origin") == "*"
        assert resp.json() == expected


def test_userinfo_leaves_out_empty_claims(server, rp):
    bob = make_user(server, "bob", claims={"email": "bob@example.org"})
    pkce = Pkce()
    browser = Browser(server)
    callback = browser.run(browser.authorize(rp, scope="openid profile email phone", state="s",
                                             **pkce.params()), username="bob")
    code = assert_callback_ok(server, callback, "s")
    tokens = redeem(server, rp, code, verifier=pkce.verifier).json()
    assert userinfo(server, tokens["access_token"]).json() == {
        "sub": bob["sub"], "email": "bob@example.org"}


def test_userinfo_without_token_is_401_bearer(server):
    resp = userinfo(server, "", headers={"Authorization": ""})
    assert resp.status_code == 401
    assert resp.headers.get("WWW-Authenticate", "").lower().startswith("bearer")


def test_userinfo_bad_token_is_invalid_token(server):
    resp = userinfo(server, "not-a-token")
    assert resp.status_code == 401
    assert 'error="invalid_token"' in resp.headers.get("WWW-Authenticate", "")


def test_userinfo_preflight_needs_no_token(server):
    resp = requests.options(server.url("/userinfo"), timeout=10, headers={
        "Origin": "https://app.example", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization"})
    assert resp.status_code in (200, 204), resp.text
    assert resp.headers.get("Access-Control-Allow-Origin") == "*"
    assert "authorization" in resp.headers.get("Access-Control-Allow-Headers", "").lower()


# -- sessions and consent ------------------------------------------------------


def test_second_authorize_uses_session_and_remembered_consent(server, alice, rp):
    flow = full_flow(server, rp, scope="openid email")
    again = full_flow(server, rp, browser=flow["browser"], scope="openid email")
    assert not again["callback"].logged_in and not again["callback"].consented
    first = verify_id_token(server, rp, flow["tokens"], flow["nonce"], alice)
    second = verify_id_token(server, rp, again["tokens"], again["nonce"], alice)
    assert second["auth_time"] == first["auth_time"]
    assert second["sid"] == first["sid"]


def test_fewer_scopes_reuse_consent_more_scopes_ask_again(server, alice, rp):
    browser = full_flow(server, rp, scope="openid email profile")["browser"]
    assert not full_flow(server, rp, browser=browser, scope="openid email")["callback"].consented
    assert full_flow(server, rp, browser=browser, scope="openid email phone")["callback"].consented


def test_consent_remembered_across_sessions(server, alice, rp):
    full_flow(server, rp, scope="openid email")
    callback = full_flow(server, rp, scope="openid email")["callback"]  # a new browser
    assert callback.logged_in and not callback.consented


def test_client_without_reuse_consent_asks_every_time(server, alice):
    rp = make_rp(server, reuse_consent="false")
    browser = full_flow(server, rp)["browser"]
    callback = full_flow(server, rp, browser=browser)["callback"]
    assert not callback.logged_in and callback.consented


def test_client_without_require_consent_never_asks(server, alice):
    rp = make_rp(server, require_consent="false")
    callback = full_flow(server, rp, scope="openid email")["callback"]
    assert callback.logged_in and not callback.consented


def test_prompt_consent_asks_again(server, alice, rp):
    browser = full_flow(server, rp)["browser"]
    assert full_flow(server, rp, browser=browser, prompt="consent")["callback"].consented


def test_prompt_none_with_session_and_consent_gives_code(server, alice, rp):
    browser = full_flow(server, rp)["browser"]
    flow = full_flow(server, rp, browser=browser, prompt="none")
    assert not flow["callback"].logged_in and not flow["callback"].consented


def test_prompt_login_forces_new_login_and_auth_time(server, alice, rp):
    first = full_flow(server, rp)
    time.sleep(1.1)
    again = full_flow(server, rp, browser=first["browser"], prompt="login")
    assert again["callback"].logged_in and not again["callback"].consented
    t1 = verify_id_token(server, rp, first["tokens"], first["nonce"])["auth_time"]
    t2 = verify_id_token(server, rp, again["tokens"], again["nonce"])["auth_time"]
    assert t2 > t1


def test_max_age_older_than_session_forces_login(server, alice, rp):
    first = full_flow(server, rp)
    time.sleep(2.1)
    again = full_flow(server, rp, browser=first["browser"], max_age="1")
    assert again["callback"].logged_in
    t1 = verify_id_token(server, rp, first["tokens"], first["nonce"])["auth_time"]
    t2 = verify_id_token(server, rp, again["tokens"], again["nonce"])["auth_time"]
    assert t2 > t1
    # a max_age the session is younger than does not ask again
    fresh = full_flow(server, rp, browser=first["browser"], max_age="3600")
    assert not fresh["callback"].logged_in
    assert verify_id_token(server, rp, fresh["tokens"], fresh["nonce"])["auth_time"] == t2


def test_session_survives_restart(server, alice, rp):
    browser = full_flow(server, rp)["browser"]
    assert server.stop() == 0
    server.start()
    assert not full_flow(server, rp, browser=browser)["callback"].logged_in


# -- the pages -----------------------------------------------------------------


def test_login_page(server, alice, rp):
    browser = Browser(server)
    page = browser.follow(browser.authorize(rp, scope="openid", state="s"))
    assert page.status_code == 200
    assert_html_security_headers(page)
    form = login_form(page)
    assert form.method == "post"
    assert {"username", "password", "csrf_token", "next"} <= set(form.fields)
    assert 'autocomplete="username"' in page.text
    assert 'autocomplete="current-password"' in page.text
    assert "Example RP" in page.text  # the client's name
    assert "<html lang=" in page.text and "<title>" in page.text


def test_cookies_are_httponly_lax_and_not_secure_on_http_loopback(server, alice, rp):
    browser = Browser(server)
    page = browser.follow(browser.authorize(rp, scope="openid", state="s"))
    resp = browser.login(page)
    set_cookies = resp.raw.headers.getlist("Set-Cookie") + page.raw.headers.getlist("Set-Cookie")
    for name in (SESSION_COOKIE, "oidcd_csrf"):
        line = [c for c in set_cookies if c.startswith(name + "=")]
        assert line, (name, set_cookies)
        attrs = [a.strip().lower() for a in line[0].split(";")[1:]]
        assert "httponly" in attrs and "samesite=lax" in attrs and "path=/" in attrs, line
        assert "secure" not in attrs, line


def test_consent_page_names_client_and_scopes(server, alice, rp):
    browser = Browser(server)
    page = browser.follow(browser.login(browser.follow(
        browser.authorize(rp, scope="openid email phone", state="s"))))
    assert page.status_code == 200
    assert_html_security_headers(page)
    form = consent_form(page)
    assert ("decision", "allow") in form.buttons and ("decision", "deny") in form.buttons
    assert {"csrf_token", "next"} <= set(form.fields)
    assert "Example RP" in page.text
    assert "email" in page.text.lower() and "phone" in page.text.lower()


def test_extra_scope_description_on_consent_page(make_server):
    server = make_server(config={"scope.read_books": {
        "description": "Read the books on your shelf"}})
    make_user(server)
    rp = make_rp(server, scope="openid read_books")
    browser = Browser(server)
    page = browser.follow(browser.login(browser.follow(
        browser.authorize(rp, scope="openid read_books", state="s"))))
    assert "Read the books on your shelf" in page.text


def test_form_post_response_mode(server, alice, rp):
    pkce = Pkce()
    browser = Browser(server)
    callback = browser.sign_in(rp, scope="openid", state="fp", response_mode="form_post",
                               **pkce.params())
    assert callback.mode == "form_post"
    assert callback.url == RP
    page = callback.response
    assert page.status_code == 200
    assert_html_security_headers(page)
    assert set(callback.params) == {"code", "state", "iss"}
    forms = parse_forms(page.text)
    assert forms[0].buttons or "<noscript" in page.text  # works without script
    code = assert_callback_ok(server, callback, "fp")
    assert redeem(server, rp, code, verifier=pkce.verifier).status_code == 200


def test_form_post_error_is_posted_too(server, alice, rp):
    browser = Browser(server)
    callback = browser.run(browser.authorize(rp, scope="openid", state="fp",
                                             response_mode="form_post", prompt="none"))
    assert callback.mode == "form_post"
    assert_callback_error(server, callback, "login_required", "fp")


# -- logout --------------------------------------------------------------------


def test_logout_confirm_then_post_ends_session(server, alice, rp):
    browser = full_flow(server, rp)["browser"]
    old = browser.cookie()
    page = browser.get(server.url("/logout"))
    assert page.status_code == 200
    assert_html_security_headers(page)
    form = [f for f in parse_forms(page.text) if "csrf_token" in f.fields][0]
    assert browser.cookie() == old  # GET changes nothing
    done = browser.submit(page, form)
    assert done.status_code == 200, done.text
    assert_html_security_headers(done, no_store=False)
    assert not browser.cookie()
    # the old cookie no longer signs anyone in
    browser.session.cookies.set(SESSION_COOKIE, old)
    callback = browser.run(browser.authorize(rp, scope="openid", state="s", prompt="none"))
    assert_callback_error(server, callback, "login_required", "s")


# -- discovery -----------------------------------------------------------------


def test_discovery_advertises_sign_in(server):
    doc = server.get("/.well-known/openid-configuration").json()
    assert doc["authorization_endpoint"] == server.issuer + "/authorize"
    assert doc["userinfo_endpoint"] == server.issuer + "/userinfo"
    assert "code" in doc["response_types_supported"]
    assert {"query", "form_post"} <= set(doc["response_modes_supported"])
    assert doc["code_challenge_methods_supported"] == ["S256", "plain"] or \
        set(doc["code_challenge_methods_supported"]) == {"S256", "plain"}
    assert "authorization_code" in doc["grant_types_supported"]
    assert {"none", "login", "consent"} <= set(doc["prompt_values_supported"])
    assert doc["authorization_response_iss_parameter_supported"] is True
    assert doc["claims_parameter_supported"] is True
    assert doc["request_parameter_supported"] is False
    assert {"sub", "email", "name", "address", "phone_number"} <= set(doc["claims_supported"])
    assert "none" in doc["token_endpoint_auth_methods_supported"]
