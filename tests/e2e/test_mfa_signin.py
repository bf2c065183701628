"""Sign-in with a second factor (issue 13, docs/ENDPOINTS.md /login/mfa): a
user with a TOTP secret gives a code after the password; codes are computed
here with hmac (RFC 6238); a code works once; wrong codes are throttled like
passwords; recovery codes work once; the half-signed-in state reaches
nothing."""

import secrets

import requests

from conftest import HTTP_TIMEOUT
from mfa_support import (add_totp, browser_from, mfa_form, sign_in_with_code, totp,
                         type_second_factor_username, wait_next_step)
from signin_support import (RP, SESSION_COOKIE, Browser, Callback, alice,  # noqa: F401
                            login_form, rp)


def test_password_then_totp_code(server, alice, rp):
    secret = add_totp(server)["secret"]
    browser = Browser(server)
    resp = browser.follow(browser.authorize(rp, scope="openid"))
    resp = browser.login(resp)
    # the password alone makes no session: only the pending cookie
    assert browser.cookie(SESSION_COOKIE) is None
    resp = browser.follow(resp)
    assert resp.status_code == 200 and mfa_form(resp) is not None, resp.text[:2000]
    assert "/login/mfa" in resp.url
    callback = browser.run(browser.submit(resp, mfa_form(resp), code=totp(secret)),
                           expect_login=False)
    assert isinstance(callback, Callback) and "code" in callback.params
    assert browser.cookie(SESSION_COOKIE)


def test_a_wrong_code_shows_the_form_again(server, alice, rp):
    secret = add_totp(server)["secret"]
    browser = Browser(server)
    resp = browser.follow(browser.login(browser.follow(browser.authorize(rp, scope="openid"))))
    good = totp(secret)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    again = browser.submit(resp, mfa_form(resp), code=wrong)
    assert again.status_code == 200 and mfa_form(again) is not None
    assert "That code did not work" in again.text
    assert browser.cookie(SESSION_COOKIE) is None
    again = browser.submit(again, mfa_form(again), code="not a code at all")
    assert again.status_code == 200 and "That code did not work" in again.text
    callback = browser.run(browser.submit(again, mfa_form(again), code=good), expect_login=False)
    assert "code" in callback.params


def test_a_code_works_once(server, alice, rp):
    secret = add_totp(server)["secret"]
    wait_next_step()
    code = totp(secret)
    first = sign_in_with_code(Browser(server), rp, lambda: code, scope="openid")
    assert "code" in first.params
    # the same code, in another browser, within its step: refused
    browser = Browser(server)
    resp = browser.follow(browser.login(browser.follow(browser.authorize(rp, scope="openid"))))
    again = browser.submit(resp, mfa_form(resp), code=code)
    assert again.status_code == 200 and "That code did not work" in again.text
    # an older code after a newer one: refused too
    older = totp(secret, step_offset=-1)
    again = browser.submit(again, mfa_form(again), code=older)
    assert "That code did not work" in again.text


def test_wrong_codes_are_throttled(make_server):
    server = make_server(config={"login": {"max_failures": "3", "lockout_seconds": "60"}})
    from signin_support import make_rp, make_user
    make_user(server)
    client = make_rp(server)
    secret = add_totp(server)["secret"]
    browser = Browser(server)
    resp = browser.follow(browser.login(browser.follow(browser.authorize(client, scope="openid"))))
    wrong = f"{(int(totp(secret)) + 500_000) % 1_000_000:06d}"
    for _ in range(3):
        resp = browser.submit(resp, mfa_form(resp), code=wrong)
        assert resp.status_code == 200
    # locked: even the right code waits, as the login page does
    locked = browser.submit(resp, mfa_form(resp), code=totp(secret))
    assert locked.status_code == 429, locked.text[:500]
    assert int(locked.headers["Retry-After"]) > 0
    assert browser.cookie(SESSION_COOKIE) is None
    assert server.is_healthy()


def test_the_pending_state_reaches_nothing(server, alice, rp):
    add_totp(server)
    browser = Browser(server)
    resp = browser.login(browser.follow(browser.authorize(rp, scope="openid", prompt=None)))
    pending = browser.cookie("oidcd_pending")
    assert pending
    # /authorize with the pending token as the session cookie: no session
    other = requests.Session()
    other.cookies.set(SESSION_COOKIE, pending)
    r = other.get(server.url("/authorize"), params={
        "response_type": "code", "client_id": rp["client_id"], "redirect_uri": RP, "scope": "openid",
        "prompt": "none", "state": "s"}, allow_redirects=False, timeout=HTTP_TIMEOUT)
    assert r.status_code in (302, 303)
    assert "error=login_required" in r.headers["Location"]
    # the pending browser itself, asking /authorize, is sent to log in again
    r = browser.get(server.url("/authorize"), params={
        "response_type": "code", "client_id": rp["client_id"],
        "redirect_uri": RP, "scope": "openid", "prompt": "none",
        "state": "s"})
    assert "error=login_required" in r.headers["Location"]


def test_second_factor_page_without_pending_state(server, alice, rp):
    browser = Browser(server)
    r = browser.get(server.url("/login/mfa"))
    assert r.status_code == 400 and "expired" in r.text
    # with a request: back to the login page
    auth = browser.authorize(rp, scope="openid")
    login = browser.follow(auth)
    nxt = login_form(login).fields["next"]
    r = browser.get(server.url("/login/mfa"), params={"next": nxt})
    assert r.status_code == 303 and "/login?next=" in r.headers["Location"]


def test_a_user_without_totp_signs_in_with_the_password_alone(server, alice, rp):
    callback = Browser(server).sign_in(rp, scope="openid")
    assert "code" in callback.params


def test_typed_usernames_cannot_lock_anyones_second_factor(server, alice, rp):
    """Failures at /login count against the username typed; typing
    "mfa:" and alice's sub (public: it is in her ID tokens) must not count
    against her second-factor step, which she takes from another address."""
    secret = add_totp(server)["secret"]
    type_second_factor_username(server, alice["sub"], "127.0.0.2")
    owner = browser_from(server, "127.0.0.3")
    resp = owner.follow(owner.login(owner.follow(owner.authorize(rp, scope="openid"))))
    assert mfa_form(resp) is not None, resp.text[:2000]
    answer = owner.submit(resp, mfa_form(resp), code=totp(secret))
    assert answer.status_code != 429, answer.text[:1000]
    callback = owner.run(answer, expect_login=False)
    assert isinstance(callback, Callback) and "code" in callback.params
