"""The account page (/account, docs/ENDPOINTS.md): claims shown, the
authenticator app set up from the page (its key read from the page, codes
computed here), confirmed only by a code, recovery codes shown once and
single use, turning the app off with the password, CSRF refused, sign-out."""

import hashlib
import re

from mfa_support import factors, mfa_form, totp, wait_next_step
from signin_support import (PASSWORD, SESSION_COOKIE, Browser, alice, login_form,  # noqa: F401
                            parse_forms)


def account_form(resp, action):
    forms = [f for f in parse_forms(resp.text) if f.fields.get("action") == action]
    return forms[0] if forms else None


FIREFOX_ON_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_ON_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
                    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1")


def signed_in(server, user_agent=None):
    """A browser signed in with the password alone (no application): it lands
    on /account. It sends user_agent as its User-Agent, when given."""
    browser = Browser(server)
    if user_agent is not None:
        browser.session.headers["User-Agent"] = user_agent
    resp = browser.follow(browser.get(server.url("/account")))
    assert login_form(resp) is not None
    resp = browser.follow(browser.login(resp))
    assert resp.status_code == 200 and resp.url.endswith("/account"), resp.url
    return browser, resp


def secret_on(page):
    m = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', page.text)
    assert m, page.text[:3000]
    return m.group(1)


def test_enrol_on_the_page_then_sign_in_with_the_code(server, alice):
    browser, page = signed_in(server)
    assert "Alice Liddell" in page.text and "alice@example.org" in page.text
    assert account_form(page, "totp_start") is not None
    page = browser.submit(page, account_form(page, "totp_start"))
    assert page.status_code == 200 and "<svg" in page.text and 'role="img"' in page.text
    secret = secret_on(page)
    # not confirmed yet: it does not count
    assert factors(server)["totp"] == {**factors(server)["totp"], "enrolled": True,
                                       "confirmed": False}
    wrong = f"{(int(totp(secret)) + 1) % 1_000_000:06d}"
    page = browser.submit(page, account_form(page, "totp_confirm"), code=wrong)
    assert "That code did not work" in page.text
    assert factors(server)["totp"]["confirmed"] is False
    page = browser.submit(page, account_form(page, "totp_confirm"), code=totp(secret))
    assert "The authenticator app is on" in page.text
    assert factors(server)["totp"]["confirmed"] is True
    # recovery codes come with it, shown once
    codes = re.findall(r"<li><code>([a-z2-7-]+)</code></li>", page.text)
    assert len(codes) == 10
    again = browser.get(server.url("/account"))
    assert not re.findall(r"<li><code>", again.text) and "10 of 10 recovery codes left" in again.text
    # sign out, then in: the password, then the app's code
    page = browser.follow(browser.submit(again, [f for f in parse_forms(again.text)
                                                 if f.action.endswith("/logout")][0]))
    assert browser.cookie(SESSION_COOKIE) in (None, "")
    other = Browser(server)
    resp = other.follow(other.login(other.follow(other.get(server.url("/login")))))
    assert mfa_form(resp) is not None
    wait_next_step()
    resp = other.follow(other.submit(resp, mfa_form(resp), code=totp(secret)))
    assert resp.url.endswith("/account") and "On since" in resp.text
    # a recovery code works once
    third = Browser(server)
    resp = third.follow(third.login(third.follow(third.get(server.url("/login")))))
    resp = third.follow(third.submit(resp, mfa_form(resp), code=codes[0].upper()))
    assert resp.url.endswith("/account") and "9 of 10 recovery codes left" in resp.text
    fourth = Browser(server)
    resp = fourth.follow(fourth.login(fourth.follow(fourth.get(server.url("/login")))))
    resp = fourth.submit(resp, mfa_form(resp), code=codes[0])
    assert "That code did not work" in resp.text
    events = [e["type"] for e in server.cli_json("events", "--user", alice["sub"])["events"]]
    for kind in ("mfa.enrolled", "recovery_codes.regenerated", "recovery_code.used",
                 "login.second_factor"):
        assert kind in events, events


def test_turn_off_with_the_password(server, alice):
    browser, page = signed_in(server)
    page = browser.submit(page, account_form(page, "totp_start"))
    secret = secret_on(page)
    page = browser.submit(page, account_form(page, "totp_confirm"), code=totp(secret))
    page = browser.submit(page, account_form(page, "totp_remove"), proof="wrong password")
    assert "did not work" in page.text and factors(server)["totp"]["confirmed"] is True
    page = browser.submit(page, account_form(page, "totp_remove"), proof=PASSWORD)
    assert "The authenticator app is off" in page.text
    assert factors(server)["totp"]["enrolled"] is False
    events = [e["type"] for e in server.cli_json("events", "--user", alice["sub"])["events"]]
    assert "mfa.removed" in events


def test_changes_without_the_csrf_token_are_refused(server, alice):
    browser, page = signed_in(server)
    form = account_form(page, "totp_start")
    resp = browser.post(server.url("/account"), {"action": "totp_start"})
    assert resp.status_code == 403
    resp = browser.post(server.url("/account"), {"action": "totp_start", "csrf_token": "x" * 43})
    assert resp.status_code == 403
    assert factors(server)["totp"]["enrolled"] is False
    assert form is not None


def test_regenerate_replaces_the_codes(server, alice):
    browser, page = signed_in(server)
    page = browser.submit(page, account_form(page, "recovery_regenerate"))
    first = re.findall(r"<li><code>([a-z2-7-]+)</code></li>", page.text)
    assert len(first) == 10
    # the codes are a second factor now: this password-only session may not
    # mint more (a stolen one could otherwise keep a way in)
    page = browser.submit(page, account_form(page, "recovery_regenerate"))
    assert "signed in with the password alone" in page.text
    assert not re.findall(r"<li><code>", page.text)
    # a session that showed a second factor may
    other = Browser(server)
    resp = other.follow(other.login(other.follow(other.get(server.url("/login")))))
    page = other.follow(other.submit(resp, mfa_form(resp), code=first[0]))
    assert page.url.endswith("/account"), page.url
    page = other.submit(page, account_form(page, "recovery_regenerate"))
    second = re.findall(r"<li><code>([a-z2-7-]+)</code></li>", page.text)
    assert len(second) == 10 and not set(first) & set(second)
    assert factors(server)["recovery_codes"]["left"] == 10


def test_a_password_only_session_cannot_replace_a_working_app(server, alice):
    browser, page = signed_in(server)
    page = browser.submit(page, account_form(page, "totp_start"))
    secret = secret_on(page)
    page = browser.submit(page, account_form(page, "totp_confirm"), code=totp(secret))
    assert factors(server)["totp"]["confirmed"] is True
    # a session from before the app (password only) tries to start a new one
    stale = browser.post(server.url("/account"), {**account_form(page, "totp_remove").fields,
                                                  "action": "totp_start"})
    assert "signed in with the password alone" in stale.text
    assert factors(server)["totp"]["confirmed"] is True


def test_sessions_listed_and_signed_out(server, alice):
    first, _ = signed_in(server)
    second, _ = signed_in(server)
    third, page = signed_in(server)
    items = re.findall(r'name="sid" value="([^"]+)"', page.text)
    # three sessions; a sign-out button for the two others only
    assert page.text.count(", since ") == 3 and "(this browser)" in page.text
    assert len(items) == 2 and "127.0.0.1" in page.text
    forms = [f for f in parse_forms(page.text) if f.fields.get("action") == "session_end"]
    page = third.submit(page, forms[0])
    assert "That session is signed out" in page.text and page.text.count(", since ") == 2
    # one of first and second is signed out now
    alive = [b for b in (first, second)
             if b.get(server.url("/account")).status_code == 200]
    assert len(alive) == 1
    page = third.submit(page, account_form(page, "sessions_end_others"))
    assert "signed out everywhere else" in page.text and page.text.count(", since ") == 1
    assert alive[0].get(server.url("/account")).status_code == 303
    assert third.get(server.url("/account")).status_code == 200
    # another user's session cannot be named
    resp = third.post(server.url("/account"), {**account_form(page, "totp_start").fields,
                                               "action": "session_end", "sid": "nope"})
    assert "had ended already" in resp.text


def session_lines(page):
    """The account page's sessions, as (what it was started in, is this
    browser) pairs, newest first."""
    return [(what, bool(current)) for what, current in re.findall(
        r'<li><span>([^<]*), since [^<]*</span>( <strong>\(this browser\)</strong>)?', page.text)]


def test_sessions_show_the_browser_they_were_started_in(server, alice):
    signed_in(server, FIREFOX_ON_LINUX)
    signed_in(server, SAFARI_ON_IPHONE)
    # a header no browser sends is no label, and nothing of it reaches the page
    hostile, page = signed_in(server, "<script>alert(1)</script>")
    assert session_lines(page) == [("Unknown browser", True), ("Safari on iPhone", False),
                                   ("Firefox on Linux", False)], page.text
    assert "<script>alert" not in page.text and "&lt;script&gt;" not in page.text
    huge, page = signed_in(server, FIREFOX_ON_LINUX + " " + "A" * 4000)
    assert session_lines(page)[0] == ("Unknown browser", True)
    # only the label is stored, never the header
    assert sorted(r[0] for r in server.db_rows("SELECT browser FROM sessions")) == [
        "Firefox on Linux", "Safari on iPhone", "Unknown browser", "Unknown browser"]
    assert b"Gecko/20100101" not in server.stored_bytes()
    # a session from before labels were kept is shown as unknown too
    server.db_rows("UPDATE sessions SET browser = NULL WHERE browser = 'Safari on iPhone'")
    page = huge.get(server.url("/account"))
    assert [what for what, _ in session_lines(page)] == [
        "Unknown browser", "Unknown browser", "Unknown browser", "Firefox on Linux"]


def test_a_first_factor_needs_a_recent_sign_in(server, alice):
    """With no factor yet, a session signed in more than ten minutes ago
    cannot start an authenticator app or make recovery codes: a cookie taken
    later must not tie the account to the taker's factor."""
    browser, page = signed_in(server)
    server.db_rows("UPDATE sessions SET auth_time = auth_time - 601")
    page = browser.follow(browser.get(server.url("/account")))
    for action in ("totp_start", "recovery_regenerate"):
        form = account_form(page, action)
        assert form is not None, (action, page.text[:3000])
        resp = browser.follow(browser.submit(page, form))
        assert "more than ten minutes ago" in resp.text, (action, resp.text[:3000])
        assert "<svg" not in resp.text
    listed = factors(server)
    assert not listed["totp"]["enrolled"] and not listed["recovery_codes"]["total"], listed
    # signed in again: allowed
    browser, page = signed_in(server)
    page = browser.submit(page, account_form(page, "totp_start"))
    assert page.status_code == 200 and "<svg" in page.text


def test_an_old_session_cannot_finish_an_enrolment(server, alice):
    """An app set up from a fresh session but not yet confirmed: an old
    session (a cookie taken since) is neither shown its key nor let confirm
    it with a code, which would make the taker's app the user's factor."""
    fresh, page = signed_in(server)
    page = fresh.submit(page, account_form(page, "totp_start"))
    secret = secret_on(page)
    stale, stale_page = signed_in(server)
    server.db_rows("UPDATE sessions SET auth_time = auth_time - 601 WHERE id_hash = ?",
                   (hashlib.sha256(stale.cookie().encode()).digest(),))
    stale_page = stale.follow(stale.get(server.url("/account")))
    assert secret not in stale_page.text and "<svg" not in stale_page.text
    form = account_form(stale_page, "totp_confirm")
    if form is None:  # the page offers no confirmation: post one as a forger would
        form = account_form(stale_page, "totp_start")
        form.fields["action"] = "totp_confirm"
    resp = stale.follow(stale.submit(stale_page, form, code=totp(secret)))
    assert "more than ten minutes ago" in resp.text, resp.text[:3000]
    assert not factors(server)["totp"]["confirmed"]
    # the fresh session finishes it
    page = fresh.follow(fresh.get(server.url("/account")))
    resp = fresh.follow(fresh.submit(page, account_form(page, "totp_confirm"),
                                     code=totp(secret)))
    assert factors(server)["totp"]["confirmed"], resp.text[:3000]
