"""login_hint fills in the username; prompt=select_account shows the login
page, where another account can be chosen, even with a live session."""

from signin_support import alice, rp  # noqa: F401 (fixtures)
from signin_support import (PASSWORD, Browser, assert_callback_ok, full_flow, login_form,
                            make_user, verify_id_token)


def test_login_hint_fills_in_the_username(server, alice, rp):
    browser = Browser(server)
    page = browser.follow(browser.authorize(rp, scope="openid", state="s",
                                            login_hint="alice@example.com"))
    form = login_form(page)
    assert form is not None
    assert form.fields["username"] == "alice@example.com"
    # no hint, no username
    page = Browser(server).follow(Browser(server).authorize(rp, scope="openid", state="s"))
    assert login_form(page).fields.get("username", "") == ""


def test_select_account_lets_another_user_sign_in(server, alice, rp):
    make_user(server, "bob")
    first = full_flow(server, rp)
    browser = first["browser"]
    callback = browser.run(browser.authorize(rp, scope="openid", state="s2", nonce="n2",
                                             prompt="select_account"),
                           username="bob", password=PASSWORD)
    assert callback.logged_in
    assert_callback_ok(server, callback, "s2")
    alice_sub = verify_id_token(server, rp, first["tokens"], first["nonce"])["sub"]
    again = full_flow(server, rp, browser=browser)
    assert not again["callback"].logged_in  # bob's session, no new login
    assert verify_id_token(server, rp, again["tokens"], again["nonce"])["sub"] != alice_sub
