"""OpenID Connect Session Management 1.0 with `session.management = true`:
session_state in every successful authorization response (code by query,
implicit and hybrid by fragment, form_post), recomputed here from the
browser-state cookie as §3 defines it; the cookie itself (readable by
script, new on every login, deleted on logout, never the session token);
discovery's check_session_iframe; the check-session page's headers (any site
may frame it, no inline script). Off by default, none of it shows."""

import hashlib
import re
import secrets
import urllib.parse

import pytest
import requests

from conftest import HTTP_TIMEOUT
from signin_support import alice  # noqa: F401 (fixture)
from signin_support import (RP, Browser, Callback, assert_callback_error, form_post_callback,
                            make_rp, make_user, parse_forms)

BS_COOKIE = "oidcd_bs"
SESSION_COOKIE = "oidcd_session"
ALL_TYPES = "code,id_token,id_token token,code id_token,code token,code id_token token"
STATE_RE = re.compile(r"^([0-9a-f]{64})\.([0-9a-f]+)$")


@pytest.fixture
def server(make_server):
    return make_server(config={"session": {"management": "true"}})


@pytest.fixture
def hybrid(server):
    return make_rp(server, name="Hybrid RP", redirect_uri=[RP, "https://App.Example.ORG:443/cb"],
                   grant_types="authorization_code,implicit", response_types=ALL_TYPES)


def origin_of(uri):
    """The origin a browser gives a page at uri (HTML's serialisation)."""
    parts = urllib.parse.urlsplit(uri)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    port = "" if parts.port in (None, default) else f":{parts.port}"
    return f"{parts.scheme}://{parts.hostname}{port}"


def expected_state(client_id, redirect_uri, browser_state, salt):
    text = f"{client_id} {origin_of(redirect_uri)} {browser_state} {salt}"
    return hashlib.sha256(text.encode()).hexdigest()


def assert_session_state(callback, client, browser_state, redirect_uri=RP):
    """session_state is hex(SHA-256(client_id origin browser_state salt)).salt."""
    value = callback.params.get("session_state")
    assert value, callback.params
    match = STATE_RE.match(value)
    assert match, value
    assert len(match.group(2)) >= 32, value  # at least 128 bits of salt
    assert match.group(1) == expected_state(client["client_id"], redirect_uri, browser_state,
                                            match.group(2)), value
    return value


def set_cookies(resp):
    """The Set-Cookie lines of resp, by cookie name."""
    lines = resp.raw.headers.getlist("Set-Cookie")
    return {line.split("=", 1)[0]: line for line in lines}


def attributes(line):
    return [a.strip().lower() for a in line.split(";")[1:]]


def start(browser, client, redirect_uri=RP, **params):
    query = {"scope": "openid", "state": secrets.token_urlsafe(8),
             "nonce": secrets.token_urlsafe(8), **params}
    return browser.authorize(client, redirect_uri, **query)


def login_at(browser, client, **params):
    """Authorize, then log in: the login POST's response (with its cookies)
    and the Callback the flow ends at."""
    page = browser.follow(start(browser, client, **params))
    posted = browser.login(page)
    return posted, browser.run(posted)


def answered(browser, resp):
    step = browser.follow(resp)
    return step if isinstance(step, Callback) else form_post_callback(browser, step)


def test_code_response_carries_session_state_of_the_browser_state(server, alice):
    rp = make_rp(server)
    browser = Browser(server)
    posted, callback = login_at(browser, rp)
    line = set_cookies(posted)[BS_COOKIE]
    state = browser.cookie(BS_COOKIE)
    assert state and len(state) >= 43, line
    assert callback.mode == "query"
    first = assert_session_state(callback, rp, state)
    # signed in: each response has its own salt over the same browser state
    again = answered(browser, start(browser, rp))
    second = assert_session_state(again, rp, state)
    assert first.split(".")[1] != second.split(".")[1]
    assert "session_state" not in callback.params.get("iss", "")


@pytest.mark.parametrize("response_type,mode", [
    ("id_token", None), ("id_token token", None), ("code id_token", None),
    ("code token", "form_post"), ("code", "fragment"), ("code", "form_post"),
])
def test_front_channel_responses_carry_session_state(server, alice, hybrid, response_type,
                                                      mode):
    browser = Browser(server)
    login_at(browser, hybrid)
    resp = start(browser, hybrid, response_type=response_type, response_mode=mode)
    callback = answered(browser, resp)
    assert callback.mode == (mode or "fragment"), callback
    assert_session_state(callback, hybrid, browser.cookie(BS_COOKIE))


def test_origin_is_the_browsers_lower_case_without_default_port(server, alice, hybrid):
    browser = Browser(server)
    login_at(browser, hybrid)
    uri = "https://App.Example.ORG:443/cb"
    callback = answered(browser, start(browser, hybrid, redirect_uri=uri))
    value = callback.params["session_state"]
    digest, salt = value.split(".")
    text = f"{hybrid['client_id']} https://app.example.org {browser.cookie(BS_COOKIE)} {salt}"
    assert digest == hashlib.sha256(text.encode()).hexdigest()


def test_error_responses_carry_no_session_state(server, alice):
    rp = make_rp(server)
    browser = Browser(server)
    login_at(browser, rp)
    # signed in, the user denies: an error has no session_state
    callback = browser.run(start(browser, rp, prompt="consent"), decision="deny",
                           expect_login=False, expect_consent=True)
    assert_callback_error(server, callback, "access_denied", callback.params.get("state"))
    assert "session_state" not in callback.params


def test_browser_state_cookie(server, alice):
    rp = make_rp(server)
    browser = Browser(server)
    posted, _ = login_at(browser, rp)
    line = set_cookies(posted)[BS_COOKIE]
    attrs = attributes(line)
    # the check-session page's script reads it
    assert "httponly" not in attrs, line
    # a plain-http loopback issuer: no Secure, so SameSite=None is out
    assert "secure" not in attrs and "samesite=lax" in attrs, line
    assert "path=/" in attrs and "max-age=86400" in attrs, line
    state, token = browser.cookie(BS_COOKIE), browser.cookie(SESSION_COOKIE)
    assert state != token
    assert state not in (hashlib.sha256(token.encode()).hexdigest(),
                         urllib.parse.quote(token))


def test_browser_state_changes_on_every_login(server, alice):
    rp = make_rp(server)
    browser = Browser(server)
    _, first = login_at(browser, rp)
    before = browser.cookie(BS_COOKIE)
    # prompt=login asks again: a new session, a new browser state
    _, second = login_at(browser, rp, prompt="login")
    after = browser.cookie(BS_COOKIE)
    assert after and after != before
    assert_session_state(second, rp, after)
    digest, salt = first.params["session_state"].split(".")
    assert digest != expected_state(rp["client_id"], RP, after, salt)


@pytest.mark.parametrize("way", ["logout", "end-session"])
def test_logout_deletes_browser_state(server, alice, way):
    rp = make_rp(server)
    browser = Browser(server)
    login_at(browser, rp)
    assert browser.cookie(BS_COOKIE)
    # without a hint /end-session asks first, and its form posts to /logout
    page = browser.get(server.url("/" + way))
    assert page.status_code == 200, page.text[:500]
    form = [f for f in parse_forms(page.text) if f.action.endswith("/logout")][0]
    resp = browser.submit(page, form)
    assert resp.status_code in (200, 302), resp.text[:500]
    line = set_cookies(resp)[BS_COOKIE]
    assert "max-age=0" in attributes(line), line
    assert browser.cookie(BS_COOKIE) is None
    # signed in again: a browser state never seen before
    login_at(browser, rp)
    assert browser.cookie(BS_COOKIE)


def test_a_session_without_browser_state_gets_one(server, alice):
    rp = make_rp(server)
    browser = Browser(server)
    login_at(browser, rp)
    old = browser.cookie(BS_COOKIE)
    browser.session.cookies.clear(domain=urllib.parse.urlsplit(server.issuer).hostname,
                                  path="/", name=BS_COOKIE)
    assert browser.cookie(BS_COOKIE) is None
    resp = start(browser, rp)
    new = browser.cookie(BS_COOKIE)
    assert new and new != old
    assert_session_state(answered(browser, resp), rp, new)


def test_discovery_lists_check_session_iframe(server):
    doc = requests.get(server.url("/.well-known/openid-configuration"),
                       timeout=HTTP_TIMEOUT).json()
    assert doc["check_session_iframe"] == server.issuer + "/check-session"


def test_check_session_page_is_frameable_and_scripted_from_static(server):
    resp = requests.get(server.url("/check-session"), timeout=HTTP_TIMEOUT)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("text/html")
    csp = resp.headers["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives["frame-ancestors"] == ["*"], csp
    assert directives["script-src"] == ["'self'"], csp
    assert directives["default-src"] == ["'none'"], csp
    assert "X-Frame-Options" not in resp.headers
    assert resp.headers.get("X-Content-Type-Options") == "nosniff"
    assert "<script>" not in resp.text  # no inline script
    assert f'data-cookie="{BS_COOKIE}"' in resp.text
    src = re.search(r'<script src="([^"]+)"', resp.text).group(1)
    script = requests.get(urllib.parse.urljoin(resp.url, src), timeout=HTTP_TIMEOUT)
    assert script.status_code == 200
    assert script.headers["Content-Type"].startswith("text/javascript")
    assert "postMessage" in script.text and "crypto.subtle" in script.text


def test_other_pages_stay_unframeable(server):
    resp = requests.get(server.url("/login"), timeout=HTTP_TIMEOUT)
    assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]


def test_off_by_default(make_server):
    server = make_server()
    make_user(server)
    rp = make_rp(server)
    browser = Browser(server)
    posted, callback = login_at(browser, rp)
    assert BS_COOKIE not in set_cookies(posted)
    assert "session_state" not in callback.params
    assert "code" in callback.params
    doc = requests.get(server.url("/.well-known/openid-configuration"),
                       timeout=HTTP_TIMEOUT).json()
    assert "check_session_iframe" not in doc
    page = requests.get(server.url("/check-session"), timeout=HTTP_TIMEOUT)
    assert page.status_code == 404
