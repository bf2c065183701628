"""What the sign-in endpoints do beyond test_signin_flow/errors: a code or
session of a user disabled or deleted since, the throttle per client
address, the re-hash of an old password hash, the login log lines, a
request too large to carry through the login page, and max_age=0."""

import re
import time

from conftest import assert_oauth_error
from signin_support import alice, rp  # noqa: F401 (fixtures)
from signin_support import (LOGIN_ERROR, PASSWORD, Browser, Pkce, assert_callback_error,
                            assert_callback_ok, full_flow, login_form, make_rp, make_user,
                            redeem, user_cli, verify_id_token)


def code_and_verifier(server, client):
    pkce = Pkce()
    callback = Browser(server).sign_in(client, scope="openid", state="s", **pkce.params())
    return assert_callback_ok(server, callback, "s"), pkce.verifier


def test_code_of_a_user_disabled_since_is_invalid_grant(server, alice, rp):
    code, verifier = code_and_verifier(server, rp)
    assert user_cli(server, "update", "alice", "--disable").returncode == 0
    assert_oauth_error(redeem(server, rp, code, verifier=verifier), 400, "invalid_grant")


def test_code_of_a_user_deleted_since_is_invalid_grant(server, alice, rp):
    code, verifier = code_and_verifier(server, rp)
    assert user_cli(server, "delete", "alice").returncode == 0
    assert_oauth_error(redeem(server, rp, code, verifier=verifier), 400, "invalid_grant")


def test_session_of_a_disabled_user_is_no_session(server, alice, rp):
    browser = full_flow(server, rp)["browser"]
    assert user_cli(server, "update", "alice", "--disable").returncode == 0
    callback = browser.run(browser.authorize(rp, scope="openid", state="s", prompt="none"))
    assert_callback_error(server, callback, "login_required", "s")


def test_throttle_per_client_address(make_server):
    """Failures spread over many usernames still lock the address out."""
    server = make_server(config={"login": {"max_failures": 3, "lockout_seconds": 60}})
    make_user(server)
    rp = make_rp(server)
    browser = Browser(server)
    page = browser.follow(browser.authorize(rp, scope="openid", state="s"))
    for name in ("mallory", "trudy", "eve"):
        page = browser.login(page, name, "guess")
        assert page.status_code == 200 and LOGIN_ERROR in page.text
    resp = browser.login(page, "alice", PASSWORD)
    assert resp.status_code == 429, resp.text[:2000]
    assert int(resp.headers["Retry-After"]) > 0


def password_hash(server, username):
    return server.db_value("SELECT password_hash FROM users WHERE username = ?", (username,))


def test_old_hash_is_rehashed_at_the_next_good_login(server, alice, rp):
    old = password_hash(server, "alice")
    assert ",t=1," in old
    assert server.stop() == 0
    server.start(env={"OIDCD_PASSWORDS_ARGON2_ITERATIONS": "2"})
    browser = Browser(server)
    page = browser.follow(browser.authorize(rp, scope="openid", state="s"))
    browser.login(page, "alice", "wrong")  # a failure changes nothing
    assert password_hash(server, "alice") == old
    full_flow(server, rp)
    new = password_hash(server, "alice")
    assert ",t=2," in new and new != old
    full_flow(server, rp)  # and the new hash still verifies


def test_logins_are_logged_without_secrets(server, alice, rp):
    browser = Browser(server)
    page = browser.follow(browser.authorize(rp, scope="openid", state="s"))
    page = browser.login(page, "alice", "wrong-canary-9xQ")
    full_flow(server, rp, browser=browser)
    log = server.log_text()
    assert re.search(r'msg="login failed" request_id=[0-9a-f]{16} username=alice '
                     r'reason="wrong password"', log), log
    assert re.search(r"msg=login request_id=[0-9a-f]{16} username=alice ", log), log
    assert "wrong-canary-9xQ" not in log and PASSWORD not in log


def test_request_too_large_for_the_login_page_is_invalid_request(server, alice, rp):
    """The login page's URL carries the whole request, percent-encoded again;
    one that would not fit a request target goes back as invalid_request."""
    browser = Browser(server)
    # a POST carries what a GET could not: 2,000 bytes of id_token_hint
    # become 6,000 in next and 10,000 in the login page's URL
    resp = browser.authorize(rp, method="POST", scope="openid", state="s",
                             id_token_hint="%" * 2000)
    assert resp.status_code == 302, resp.text[:2000]
    step = browser.follow(resp)
    assert_callback_error(server, step, "invalid_request", "s")
    # one that fits goes to the login page
    step = browser.follow(browser.authorize(rp, method="POST", scope="openid", state="s",
                                            id_token_hint="%" * 1000))
    assert login_form(step) is not None


def test_max_age_zero_logs_in_once(server, alice, rp):
    """A fresh login satisfies max_age, even when the clock ticks on the way
    back to /authorize."""
    flow = full_flow(server, rp)
    time.sleep(1.1)
    again = full_flow(server, rp, browser=flow["browser"], max_age="0")
    assert again["callback"].logged_in
    first = verify_id_token(server, rp, flow["tokens"], flow["nonce"])["auth_time"]
    assert verify_id_token(server, rp, again["tokens"], again["nonce"])["auth_time"] > first
