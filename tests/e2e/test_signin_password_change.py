"""A new password set by the operator signs the user out everywhere; other
changes to the user do not."""

from signin_support import alice, rp  # noqa: F401 (fixtures)
from signin_support import (PASSWORD, Browser, assert_callback_error, assert_callback_ok,
                            full_flow, login_form, user_cli)

NEW_PASSWORD = "a-new-password-4kQ"


def test_new_password_ends_the_users_sessions(server, alice, rp):
    browser = full_flow(server, rp)["browser"]
    # the session works before the change
    callback = browser.run(browser.authorize(rp, scope="openid", state="s", prompt="none"))
    assert_callback_ok(server, callback, "s")
    assert user_cli(server, "update", "alice", "--password-stdin",
                    password=NEW_PASSWORD).returncode == 0
    callback = browser.run(browser.authorize(rp, scope="openid", state="s", prompt="none"))
    assert_callback_error(server, callback, "login_required", "s")
    # the old password no longer works, the new one does
    page = browser.follow(browser.authorize(rp, scope="openid", state="s"))
    page = browser.login(page, "alice", PASSWORD)
    assert login_form(page) is not None
    full_flow(server, rp, browser=Browser(server), password=NEW_PASSWORD)


def test_claims_update_keeps_the_session(server, alice, rp):
    browser = full_flow(server, rp)["browser"]
    assert user_cli(server, "update", "alice", "--claim", "name=Alice A.").returncode == 0
    callback = browser.run(browser.authorize(rp, scope="openid", state="s", prompt="none"))
    assert_callback_ok(server, callback, "s")

