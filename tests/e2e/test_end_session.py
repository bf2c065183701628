"""RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0) at
/end-session: the id_token_hint (ours, bound to the signed-in user), the
post_logout_redirect_uri (registered for that client exactly), state passed
back, the question page when the hint does not settle it, and the session
ended (row and cookie)."""

import json
import time
import urllib.parse

import pytest

from conftest import b64url, flip_signature_byte, jwt_claims_unverified
from signin_support import (RP, SESSION_COOKIE, Browser, assert_callback_error,
                            assert_html_security_headers, full_flow, make_rp, make_user,
                            page_title, parse_forms)

RP_LOGOUT = "http://127.0.0.1:9/logged-out"
OTHER_LOGOUT = "http://127.0.0.1:9/other-logged-out"


@pytest.fixture
def alice(server):
    return make_user(server)


@pytest.fixture
def rp(server):
    return make_rp(server, post_logout_redirect_uri=RP_LOGOUT)


def sign_in(server, client, browser=None, password=None):
    """Signs alice in at client in browser; (browser, id_token)."""
    flow = full_flow(server, client, browser=browser) if password is None else \
        full_flow(server, client, browser=browser, password=password)
    return flow["browser"], flow["tokens"]["id_token"]


def signed_in(server, client, browser):
    """Whether browser's session still signs it in (prompt=none gets a code)."""
    callback = browser.run(browser.authorize(client, scope="openid", state="p", prompt="none"))
    return "code" in callback.params


def end_session(server, browser, method="GET", **params):
    if method == "POST":
        return browser.post(server.url("/end-session"), params)
    return browser.get(server.url("/end-session"), params=params)


def assert_signed_out_redirect(resp, state=None):
    assert resp.status_code == 302, (resp.status_code, resp.text[:1000])
    location = resp.headers["Location"]
    parts = urllib.parse.urlsplit(location)
    assert urllib.parse.urlunsplit((*parts[:3], "", "")) == RP_LOGOUT
    query = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
    assert query == ({} if state is None else {"state": state})


def assert_cookie_cleared(resp):
    cookies = resp.headers.get("Set-Cookie", "")
    assert f"{SESSION_COOKIE}=;" in cookies and "Max-Age=0" in cookies, cookies


def assert_question(resp):
    assert resp.status_code == 200, (resp.status_code, resp.text[:1000])
    assert_html_security_headers(resp)
    assert page_title(resp.text) == "Sign out"
    forms = [f for f in parse_forms(resp.text) if "csrf_token" in f.fields]
    assert len(forms) == 1, resp.text
    return forms[0]


def assert_error_page(resp):
    assert resp.status_code == 400, (resp.status_code, resp.text[:1000])
    assert "Location" not in resp.headers
    assert_html_security_headers(resp)
    assert page_title(resp.text) == "This sign-out link does not work"


# -- a valid hint of the signed-in user ends the session at once -----------------


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_hint_ends_session_at_once_and_redirects_with_state(server, alice, rp, method):
    browser, id_token = sign_in(server, rp)
    old = browser.cookie()
    resp = end_session(server, browser, method, id_token_hint=id_token,
                       post_logout_redirect_uri=RP_LOGOUT, state="st ate&=1")
    assert_signed_out_redirect(resp, "st ate&=1")
    assert_cookie_cleared(resp)
    assert not browser.cookie()
    # the session row is gone: the old cookie signs no one in
    browser.session.cookies.set(SESSION_COOKIE, old)
    assert not signed_in(server, rp, browser)


def test_hint_without_redirect_lands_on_signed_out_page(server, alice, rp):
    browser, id_token = sign_in(server, rp)
    resp = end_session(server, browser, id_token_hint=id_token)
    assert resp.status_code == 200
    assert_html_security_headers(resp)
    assert page_title(resp.text) == "Signed out"
    assert "You are signed out" in resp.text
    assert_cookie_cleared(resp)
    assert not signed_in(server, rp, browser)


def test_no_state_no_state_on_redirect(server, alice, rp):
    browser, id_token = sign_in(server, rp)
    resp = end_session(server, browser, id_token_hint=id_token,
                       post_logout_redirect_uri=RP_LOGOUT)
    assert_signed_out_redirect(resp)


def test_client_id_logout_hint_and_ui_locales_accepted(server, alice, rp):
    browser, id_token = sign_in(server, rp)
    resp = end_session(server, browser, id_token_hint=id_token, client_id=rp["client_id"],
                       post_logout_redirect_uri=RP_LOGOUT, state="s", logout_hint="alice",
                       ui_locales="nb en")
    assert_signed_out_redirect(resp, "s")
    assert not signed_in(server, rp, browser)


def test_expired_hint_still_accepted(make_server):
    server = make_server(config={"tokens": {"id_token_ttl": 1}})
    make_user(server)
    client = make_rp(server, post_logout_redirect_uri=RP_LOGOUT)
    browser, id_token = sign_in(server, client)
    time.sleep(jwt_claims_unverified(id_token)["exp"] - time.time() + 1.5)
    resp = end_session(server, browser, id_token_hint=id_token,
                       post_logout_redirect_uri=RP_LOGOUT, state="late")
    assert_signed_out_redirect(resp, "late")
    assert not signed_in(server, client, browser)


def test_cross_site_post_is_sent_back_as_get(server, alice, rp):
    """A SameSite=Lax cookie does not come with the RP's cross-site POST: the
    request comes back as a GET, which carries it."""
    browser, id_token = sign_in(server, rp)
    bare = Browser(server)  # the same POST as a browser sends it cross-site: no cookie
    params = {"id_token_hint": id_token, "post_logout_redirect_uri": RP_LOGOUT, "state": "x"}
    resp = end_session(server, bare, "POST", **params)
    assert resp.status_code == 303, resp.text[:1000]
    location = resp.headers["Location"]
    assert location.startswith(server.issuer + "/end-session?")
    assert dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query)) == params
    assert signed_in(server, rp, browser)
    assert_signed_out_redirect(browser.get(location), "x")
    assert not signed_in(server, rp, browser)


# -- otherwise the user is asked ------------------------------------------------------


def test_without_hint_asks_then_redirects(server, alice, rp):
    browser, _ = sign_in(server, rp)
    page = end_session(server, browser, client_id=rp["client_id"],
                       post_logout_redirect_uri=RP_LOGOUT, state="ask")
    form = assert_question(page)
    assert rp["name"] in page.text
    # the form posts to /logout, and may lead on to the RP
    assert "http://127.0.0.1:9" in page.headers["Content-Security-Policy"]
    assert form.action.endswith("/logout")
    assert form.fields["post_logout_redirect_uri"] == RP_LOGOUT
    assert form.fields["state"] == "ask"
    assert form.fields["client_id"] == rp["client_id"]
    assert signed_in(server, rp, browser)
    resp = browser.submit(page, form)
    assert_signed_out_redirect(resp, "ask")
    assert_cookie_cleared(resp)
    assert not signed_in(server, rp, browser)


def test_bare_request_asks_then_signed_out_page(server, alice, rp):
    browser, _ = sign_in(server, rp)
    page = end_session(server, browser)
    form = assert_question(page)
    assert set(form.fields) == {"csrf_token"}
    assert signed_in(server, rp, browser)
    done = browser.submit(page, form)
    assert done.status_code == 200 and page_title(done.text) == "Signed out"
    assert not signed_in(server, rp, browser)


def test_question_form_needs_csrf(server, alice, rp):
    browser, _ = sign_in(server, rp)
    resp = browser.post(server.url("/logout"), {"client_id": rp["client_id"],
                                                "post_logout_redirect_uri": RP_LOGOUT})
    assert resp.status_code == 403
    assert "Location" not in resp.headers
    assert signed_in(server, rp, browser)


def test_question_post_checks_redirect_again(server, alice, rp):
    browser, _ = sign_in(server, rp)
    page = end_session(server, browser, client_id=rp["client_id"],
                       post_logout_redirect_uri=RP_LOGOUT)
    form = assert_question(page)
    resp = browser.submit(page, form, post_logout_redirect_uri="https://evil.example/")
    assert_error_page(resp)
    assert signed_in(server, rp, browser)


def test_hint_of_another_user_asks(server, alice, rp):
    _, alice_token = sign_in(server, rp)
    make_user(server, "bob", claims={"name": "Bob"})
    bob = Browser(server)
    bob.run(bob.authorize(rp, scope="openid", state="b"), username="bob")
    page = end_session(server, bob, id_token_hint=alice_token,
                       post_logout_redirect_uri=RP_LOGOUT, state="b")
    form = assert_question(page)
    assert signed_in(server, rp, bob)
    assert_signed_out_redirect(bob.submit(page, form), "b")
    assert not signed_in(server, rp, bob)


def test_hint_of_another_session_of_the_same_user_asks(server, alice, rp):
    """Same sub, other sid: the hint is of a session that is not this one."""
    _, first_token = sign_in(server, rp)
    second, _ = sign_in(server, rp, browser=Browser(server))
    page = end_session(server, second, id_token_hint=first_token)
    assert_question(page)
    assert signed_in(server, rp, second)


# -- hints that are not ours ------------------------------------------------------


def hints(id_token, access_token):
    """Tokens that must not pass as an id_token_hint, by name."""
    head, payload, sig = id_token.split(".")
    claims = jwt_claims_unverified(id_token)
    claims["sub"] = "someone-else"
    forged = f"{head}.{b64url(json.dumps(claims).encode())}.{sig}"
    return {
        "bad signature": flip_signature_byte(id_token),
        "changed claims": forged,
        "access token": access_token,  # ours, signed, but typ at+jwt
        "not a jwt": "not-a-token",
    }


@pytest.mark.parametrize("kind", ["bad signature", "changed claims", "access token", "not a jwt"])
def test_foreign_hint_never_redirects(server, alice, rp, kind):
    flow = full_flow(server, rp)
    browser = flow["browser"]
    hint = hints(flow["tokens"]["id_token"], flow["tokens"]["access_token"])[kind]
    resp = end_session(server, browser, id_token_hint=hint, post_logout_redirect_uri=RP_LOGOUT)
    assert_error_page(resp)
    assert signed_in(server, rp, browser)
    # without a redirect it is no hint at all: the user is asked
    assert_question(end_session(server, browser, id_token_hint=hint))
    assert signed_in(server, rp, browser)


def test_hint_of_another_issuer_is_refused(make_server):
    """Same keys (one database and key file), another issuer: not our token."""
    server = make_server()
    make_user(server)
    client = make_rp(server, post_logout_redirect_uri=RP_LOGOUT)
    twin = make_server(config={"database": {"url": server.db_url},
                               "keys": {"encryption_key_file": server.kek_path}})
    _, twin_token = sign_in(twin, client)
    assert jwt_claims_unverified(twin_token)["iss"] == twin.issuer != server.issuer
    browser, _ = sign_in(server, client)
    resp = end_session(server, browser, id_token_hint=twin_token,
                       post_logout_redirect_uri=RP_LOGOUT)
    assert_error_page(resp)
    assert signed_in(server, client, browser)


# -- post_logout_redirect_uri -----------------------------------------------------


@pytest.mark.parametrize("uri", [
    RP,  # the login redirect_uri is not a post-logout one
    RP_LOGOUT + "/",
    RP_LOGOUT + "?a=1",
    RP_LOGOUT.upper(),
    RP_LOGOUT[:-1],
    "https://evil.example/logged-out",
])
def test_unregistered_redirect_is_an_error_page(server, alice, rp, uri):
    browser, id_token = sign_in(server, rp)
    resp = end_session(server, browser, id_token_hint=id_token, post_logout_redirect_uri=uri,
                       state="s")
    assert_error_page(resp)
    assert signed_in(server, rp, browser)


def test_redirect_of_another_client_is_refused(server, alice, rp):
    make_rp(server, name="Other RP", post_logout_redirect_uri=OTHER_LOGOUT)
    browser, id_token = sign_in(server, rp)
    assert_error_page(end_session(server, browser, id_token_hint=id_token,
                                  post_logout_redirect_uri=OTHER_LOGOUT))
    assert signed_in(server, rp, browser)


def test_client_id_must_agree_with_hint(server, alice, rp):
    other = make_rp(server, name="Other RP", post_logout_redirect_uri=OTHER_LOGOUT)
    browser, id_token = sign_in(server, rp)
    for uri in (RP_LOGOUT, OTHER_LOGOUT):
        assert_error_page(end_session(server, browser, id_token_hint=id_token,
                                      client_id=other["client_id"],
                                      post_logout_redirect_uri=uri))
    assert signed_in(server, rp, browser)


@pytest.mark.parametrize("client_id", [None, "no-such-client"])
def test_redirect_needs_a_known_client(server, alice, rp, client_id):
    browser, _ = sign_in(server, rp)
    params = {"post_logout_redirect_uri": RP_LOGOUT}
    if client_id:
        params["client_id"] = client_id
    assert_error_page(end_session(server, browser, **params))
    assert signed_in(server, rp, browser)


def test_repeated_parameter_is_an_error_page(server, alice, rp):
    browser, id_token = sign_in(server, rp)
    resp = browser.get(server.url("/end-session") + "?state=a&state=b&id_token_hint=" + id_token)
    assert_error_page(resp)
    assert signed_in(server, rp, browser)


# -- no session -------------------------------------------------------------------


def test_no_session_is_not_an_error(server, alice, rp):
    _, id_token = sign_in(server, rp)
    stranger = Browser(server)
    resp = end_session(server, stranger, id_token_hint=id_token,
                       post_logout_redirect_uri=RP_LOGOUT, state="gone")
    assert_signed_out_redirect(resp, "gone")
    plain = end_session(server, stranger)
    assert plain.status_code == 200 and page_title(plain.text) == "Signed out"
    # without a hint a registered redirect still needs its client named
    resp = end_session(server, stranger, client_id=rp["client_id"],
                       post_logout_redirect_uri=RP_LOGOUT)
    assert_signed_out_redirect(resp)


def test_logout_page_still_ends_the_session(server, alice, rp):
    browser, _ = sign_in(server, rp)
    page = browser.get(server.url("/logout"))
    done = browser.submit(page, assert_question(page))
    assert done.status_code == 200 and page_title(done.text) == "Signed out"
    assert not signed_in(server, rp, browser)
    callback = browser.run(browser.authorize(rp, scope="openid", state="s", prompt="none"))
    assert_callback_error(server, callback, "login_required", "s")


def test_hint_never_in_the_log(server, alice, rp):
    browser, id_token = sign_in(server, rp)
    end_session(server, Browser(server), "POST", id_token_hint=id_token)  # the 303 path
    end_session(server, browser, id_token_hint=flip_signature_byte(id_token))  # refused
    end_session(server, browser, id_token_hint=id_token, post_logout_redirect_uri=RP_LOGOUT)
    log = server.log_text()
    assert "/end-session" in log
    for part in id_token.split("."):
        assert part not in log
