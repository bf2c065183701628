"""Passkeys (WebAuthn, the passkey plan part 2; docs/ENDPOINTS.md): added on
/account, used username-less from /login and as the second factor after the
password on /login/mfa, step-up to acr urn:oidcd:acr:phr, and every forged
answer refused with a clear page, a log line naming the reason and an audit
event. The browser and its authenticator are webauthn_support.py, which
reads the forms' data attributes as /static/passkey.js does and posts the
same fields. The issuer is http://localhost:PORT: an IP address is no RP ID
(passkeys are off there, test_passkeys_are_off_for_an_ip_issuer)."""

import hashlib
import json
import re
import secrets
import time
import urllib.parse

import pytest
import requests

from conftest import HTTP_TIMEOUT, START_TIMEOUT, verify_jwt, wait_until, write_ini
from mfa_support import (add_totp, browser_from, factors, mfa_form, totp,
                         type_second_factor_username)
from signin_support import (RP, SESSION_COOKIE, Browser, Callback, Pkce, alice,  # noqa: F401
                            assert_callback_error, assert_html_security_headers, consent_form,
                            login_form, make_user, parse_forms, redeem, rp, user_cli,
                            verify_id_token)
from webauthn_support import (EDDSA, ES256, RS256, Authenticator, PasskeyForm, RawCbor, b64url,
                              passkey_form)

PWD = "urn:oidcd:acr:pwd"
MFA = "urn:oidcd:acr:mfa"
PHR = "urn:oidcd:acr:phr"
REFUSED = "That passkey could not be used"
NOT_ADDED = "That passkey could not be added"
PASSWORD_ALONE = "signed in with the password alone"
BOB = {"name": "Bob", "email": "bob@example.org"}
USED = r"challenge is unknown or was used already"


def passkey_server(make_server, config=None):
    """A server whose issuer is http://localhost:PORT (RP ID localhost)."""
    server = make_server(config=config, start=False)
    server.issuer = f"http://localhost:{server.port}"
    server.sections["server"]["issuer"] = server.issuer
    write_ini(server.config_path, server.sections)
    return server.start()


@pytest.fixture
def server(make_server):
    return passkey_server(make_server)


# -- driving the pages -----------------------------------------------------------


def password_session(server, username="alice"):
    """A browser signed in with the password alone (the user has no second
    factor): it lands on /account. (browser, the account page)."""
    browser = Browser(server)
    resp = browser.follow(browser.get(server.url("/account")))
    assert login_form(resp) is not None, resp.text[:2000]
    resp = browser.follow(browser.login(resp, username))
    assert resp.status_code == 200 and resp.url.endswith("/account"), (resp.url, resp.text[:2000])
    return browser, resp


def answer_create(server, browser, page, form, auth, **knobs):
    """form (data-passkey="create", of page) answered by auth: the response."""
    fields = auth.make_credential(form, server.issuer, **knobs)
    return browser.post(form.url(page.url), form.post_data(fields))


def answer_get(server, browser, page, form, auth, **knobs):
    """form (data-passkey="get", of page) answered by auth: the response."""
    fields = auth.get_assertion(form, server.issuer, **knobs)
    return browser.post(form.url(page.url), form.post_data(fields))


def add_passkey(server, browser, page, auth, name=None, **knobs):
    """The add form of the account page answered by auth: the response."""
    form = passkey_form(page.text, "create")
    assert form is not None, f"no passkey form to add one:\n{page.text[:3000]}"
    return answer_create(server, browser, page, form, auth, name=name, **knobs)


def assert_added(server, resp):
    assert resp.status_code == 303, (resp.status_code, resp.text[:2000])
    assert urllib.parse.urljoin(resp.url, resp.headers["Location"]) == server.url("/account")


def enrol(server, username="alice", auth=None, name=None):
    """username adds a passkey from a password-only session: (authenticator,
    that browser, the account page after)."""
    auth = auth or Authenticator()
    browser, page = password_session(server, username)
    resp = add_passkey(server, browser, page, auth, name=name)
    assert_added(server, resp)
    return auth, browser, browser.follow(resp)


def use_passkey(server, browser, page, auth, **knobs):
    """The passkey form of page (/login or /login/mfa) answered by auth: the
    response to its POST."""
    form = passkey_form(page.text, "get")
    assert form is not None, f"no passkey form:\n{page.url}\n{page.text[:3000]}"
    return answer_get(server, browser, page, form, auth, **knobs)


def login_page(server, browser=None):
    browser = browser or Browser(server)
    page = browser.follow(browser.get(server.url("/login")))
    assert page.status_code == 200 and login_form(page) is not None, page.text[:2000]
    return browser, page


def passkey_session(server, auth):
    """A browser signed in username-less with auth's passkey: (browser, /account)."""
    browser, page = login_page(server)
    page = browser.follow(use_passkey(server, browser, page, auth))
    assert page.status_code == 200 and page.url.endswith("/account"), (page.url, page.text[:2000])
    return browser, page


def sign_in(server, client, browser, auth, first="passkey", code_of=None, scope="openid",
            **params):
    """One authorization round: at the login page the passkey (first =
    "passkey") or the password; on the second-factor page the passkey, or
    code_of()'s code when given. The verified ID token's claims, the pages
    shown in order and the token response."""
    pk, nonce, state = Pkce(), secrets.token_urlsafe(8), secrets.token_urlsafe(8)
    resp = browser.authorize(client, scope=scope, nonce=nonce, state=state, **pk.params(),
                             **params)
    shown = []
    for _ in range(10):
        step = browser.follow(resp)
        if isinstance(step, Callback):
            break
        assert step.status_code == 200, (step.status_code, step.url, step.text[:2000])
        if login_form(step) is not None:
            shown.append("login")
            resp = (use_passkey(server, browser, step, auth) if first == "passkey"
                    else browser.login(step))
        elif "/login/mfa" in step.url:
            shown.append("mfa")
            resp = (browser.submit(step, mfa_form(step), code=code_of()) if code_of
                    else use_passkey(server, browser, step, auth))
        else:
            assert consent_form(step) is not None, (step.url, step.text[:2000])
            shown.append("consent")
            resp = browser.consent(step)
    else:
        raise AssertionError("the flow did not reach the client")
    assert step.params.get("state") == state and "code" in step.params, step.params
    tokens = redeem(server, client, step.params["code"], RP, pk.verifier)
    assert tokens.status_code == 200, tokens.text
    tokens = tokens.json()
    return verify_id_token(server, client, tokens, nonce), shown, tokens


def events(server, *args):
    return server.cli_json("events", *args)["events"]


def passkeys_of(server, username="alice"):
    return factors(server, username)["passkeys"]


def new_log(server, since):
    """The log written after since characters (server.log_text())."""
    return server.log_text()[since:]


def assert_refused(server, browser, resp, reason, log_from, session_before=None):
    """A refused passkey: the 400 page, no new session, a log line with
    reason (a regular expression) and an audit event login.passkey refused."""
    assert resp.status_code == 400, (resp.status_code, resp.text[:2000])
    assert REFUSED in resp.text, resp.text[:2000]
    assert_html_security_headers(resp)
    assert browser.cookie(SESSION_COOKIE) == session_before
    log = wait_until(lambda: (lambda t: t if re.search(reason, t) else None)(
        new_log(server, log_from)), timeout=2.0)
    assert log, f"no log line matching {reason!r}:\n{new_log(server, log_from)}"
    refused = [e for e in events(server, "--type", "login.passkey") if e["outcome"] == "refused"]
    assert refused, events(server)
    return refused[0]


# -- adding a passkey ------------------------------------------------------------


def test_add_a_passkey_on_the_account_page(server, alice):
    browser, page = password_session(server)
    form = passkey_form(page.text, "create")
    assert form is not None, page.text[:3000]
    assert urllib.parse.urljoin(page.url, form.action) == server.url("/account/passkey")
    # the options, as the script hands them to navigator.credentials.create
    assert form.rp_id == "localhost"
    assert form.user_id == alice["sub"].encode()
    assert form.data["user-name"] == "alice" and form.data["user-display-name"]
    assert form.data["rp-name"]
    assert form.algs == [ES256, EDDSA, RS256]
    assert form.exclude == [] and form.data["exclude"] == ""
    assert form.data["timeout-ms"] == "300000"
    assert form.user_verification in ("required", "preferred")
    assert len(form.challenge) == 32 and form.fields["challenge"] == form.data["challenge"]
    assert form.fields["csrf_token"] and "name" in form.fields
    # the one script, from 'self', and no inline script allowed
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', page.text)
    assert any(s.endswith("/static/passkey.js") for s in scripts), scripts
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page.text)
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp, csp
    js = requests.get(server.url("/static/passkey.js"), timeout=HTTP_TIMEOUT)
    assert js.status_code == 200 and "javascript" in js.headers["Content-Type"]
    assert "navigator.credentials" in js.text

    # the challenge is kept only as a hash
    assert server.db_value("SELECT count(*) FROM webauthn_challenges") >= 1
    stored = server.stored_bytes()
    assert form.challenge not in stored and form.data["challenge"].encode() not in stored

    auth = Authenticator()
    resp = add_passkey(server, browser, page, auth, name="Laptop")
    assert_added(server, resp)
    page = browser.follow(resp)
    assert "Laptop" in page.text
    # what the server kept: the key as sent, the counter, the flags (as 0/1)
    [row] = server.db_rows("SELECT user_sub, alg, public_key, sign_count, fmt, transports, "
                           "user_verified, backup_eligible, backed_up FROM passkeys")
    row = tuple(int(v) if isinstance(v, bool) else v for v in row)
    assert row == (alice["sub"], ES256, auth.last.public_key_der(), 1, "none",
                   "internal hybrid", 1, 0, 0), row
    [pk] = passkeys_of(server)
    assert set(pk) == {"name", "credential_id", "created_at", "last_used_at", "synced"}, pk
    assert pk["credential_id"] == auth.last.id
    assert pk["name"] == "Laptop" and pk["created_at"] > time.time() - 60
    assert pk["last_used_at"] == 0 and pk["synced"] is False
    # the next add form excludes it
    assert passkey_form(page.text, "create").exclude == [auth.last.cred_id]
    added = events(server, "--type", "passkey.added")
    assert len(added) == 1 and added[0]["outcome"] == "ok"
    assert added[0]["user_sub"] == alice["sub"]


def test_a_passkey_without_a_name_is_called_passkey(server, alice):
    browser, page = password_session(server)
    assert_added(server, add_passkey(server, browser, page, Authenticator(), name=""))
    assert [p["name"] for p in passkeys_of(server)] == ["Passkey"]


def test_a_name_too_long_is_not_cut(server, alice):
    browser, page = password_session(server)
    long_name = "n" * 65
    resp = add_passkey(server, browser, page, Authenticator(), name=long_name)
    assert resp.status_code == 400 and NOT_ADDED in resp.text, (resp.status_code, resp.text[:2000])
    assert passkeys_of(server) == []
    # 64 bytes (of UTF-8) is the most
    page = browser.follow(browser.get(server.url("/account")))
    assert_added(server, add_passkey(server, browser, page, Authenticator(), name="\u00e9" * 32))
    assert [p["name"] for p in passkeys_of(server)] == ["\u00e9" * 32]


@pytest.mark.parametrize("alg,attestation", [(ES256, "none"), (EDDSA, "none"), (RS256, "none"),
                                             (ES256, "packed"), (EDDSA, "packed"),
                                             (RS256, "packed")])
def test_each_algorithm_registers_and_signs_in(server, alice, alg, attestation):
    auth = Authenticator(alg=alg)
    browser, page = password_session(server)
    assert_added(server, add_passkey(server, browser, page, auth, attestation=attestation))
    passkey_session(server, auth)
    passkey_session(server, auth)  # the counter moved on: still fine
    assert passkeys_of(server)[0]["last_used_at"] > 0


def test_attestation_kept_as_configured(make_server):
    """webauthn.attestation = none keeps "packed" self attestation and turns
    unverified formats into "none"; direct keeps the format."""
    for setting, chain_kept_as in (("none", "none"), ("direct", "packed")):
        server = passkey_server(make_server, {"webauthn": {"attestation": setting}})
        make_user(server)
        auth = Authenticator()
        browser, page = password_session(server)
        assert_added(server, add_passkey(server, browser, page, auth, name="none"))
        # from now on the user has a factor: the session that adds must show one
        browser, page = passkey_session(server, auth)
        for attestation in ("packed", "packed-x5c"):
            assert_added(server, add_passkey(server, browser, page, auth, name=attestation,
                                             attestation=attestation))
            page = browser.follow(browser.get(server.url("/account")))
        kept = dict(server.db_rows("SELECT name, fmt FROM passkeys"))
        assert kept == {"none": "none", "packed": "packed", "packed-x5c": chain_kept_as}, setting


def test_a_password_only_session_cannot_add_to_a_user_with_a_factor(server, alice):
    """Once alice has a passkey, a password-only session (a stolen password)
    must not add another, nor rename or remove hers."""
    auth, stale, page = enrol(server, name="Phone")
    page = stale.follow(stale.get(server.url("/account")))
    intruder = Authenticator()
    resp = add_passkey(server, stale, page, intruder, name="Intruder")
    assert resp.status_code == 403 and PASSWORD_ALONE in resp.text, (resp.status_code,
                                                                      resp.text[:3000])
    assert [p["name"] for p in passkeys_of(server)] == ["Phone"]
    cred = auth.last.id
    for action, more in (("passkey_rename", {"name": "Mine now"}), ("passkey_remove", {})):
        resp = stale.post(server.url("/account"), {"csrf_token": _csrf(page), "action": action,
                                                   "credential_id": cred, **more})
        assert PASSWORD_ALONE in stale.follow(resp).text
    assert [p["name"] for p in passkeys_of(server)] == ["Phone"]


@pytest.mark.parametrize("name", [b"\xff\xfe bad", b"lone \x80", b"overlong \xc0\xaf",
                                  b"surrogate \xed\xa0\x80"])
def test_a_name_that_is_not_text_is_refused(server, alice, name):
    """A name is shown on pages and listed by the CLI (JSON too): well-formed
    UTF-8, on adding and on renaming (control bytes stop at the form parser)."""
    browser, page = password_session(server)
    resp = add_passkey(server, browser, page, Authenticator(), name=name)
    assert resp.status_code == 400 and NOT_ADDED in resp.text, (resp.status_code, resp.text[:2000])
    assert passkeys_of(server) == []
    page = browser.follow(browser.get(server.url("/account")))
    auth = Authenticator()
    assert_added(server, add_passkey(server, browser, page, auth, name="Laptop"))
    browser, page = passkey_session(server, auth)  # a session that may change it
    resp = browser.post(server.url("/account"), {"csrf_token": _csrf(page),
                                                 "action": "passkey_rename",
                                                 "credential_id": auth.last.id, "name": name})
    assert "cannot be used" in browser.follow(resp).text
    assert [p["name"] for p in passkeys_of(server)] == ["Laptop"]


def test_an_old_session_changes_no_passkey(server, alice):
    """A session signed in with a passkey a long time ago (a cookie taken
    since) may neither add the taker's passkey, which would be a sign-in of
    its own, nor remove or rename the user's; signed in again, it may."""
    auth, _, _ = enrol(server, name="Mine")
    browser, page = passkey_session(server, auth)
    server.db_rows("UPDATE sessions SET auth_time = auth_time - 601")
    page = browser.follow(browser.get(server.url("/account")))
    resp = add_passkey(server, browser, page, Authenticator(), name="Taker")
    assert resp.status_code == 403 and "more than ten minutes ago" in resp.text, (
        resp.status_code, resp.text[:3000])
    page = browser.follow(browser.get(server.url("/account")))
    for action, more in (("passkey_rename", {"name": "Taken"}), ("passkey_remove", {})):
        resp = browser.post(server.url("/account"), {"csrf_token": _csrf(page), "action": action,
                                                     "credential_id": auth.last.id, **more})
        assert "more than ten minutes ago" in browser.follow(resp).text, action
    assert [p["name"] for p in passkeys_of(server)] == ["Mine"]
    browser, page = passkey_session(server, auth)
    assert_added(server, add_passkey(server, browser, page, Authenticator(), name="Second"))
    assert sorted(p["name"] for p in passkeys_of(server)) == ["Mine", "Second"]


def test_a_first_passkey_needs_a_recent_sign_in(server, alice):
    """With no factor yet, a session signed in more than ten minutes ago (a
    cookie taken later, say) must not add one: it would tie the account to
    the taker's key. A fresh sign-in may."""
    browser, page = password_session(server)
    server.db_rows("UPDATE sessions SET auth_time = auth_time - 601")
    page = browser.follow(browser.get(server.url("/account")))
    resp = add_passkey(server, browser, page, Authenticator(), name="Taker")
    assert resp.status_code == 403 and "more than ten minutes ago" in resp.text, (
        resp.status_code, resp.text[:3000])
    assert passkeys_of(server) == []
    refused = [e for e in events(server, "--type", "passkey.added") if e["outcome"] != "ok"]
    assert refused and "too long ago" in refused[0]["detail"], refused
    assert "signing in needs only your password" in page.text
    _, _, after = enrol(server, name="Mine")
    assert [p["name"] for p in passkeys_of(server)] == ["Mine"]
    # the page no longer says the password alone signs in
    assert "signing in needs only your password" not in after.text, after.text[:3000]


def _csrf(page):
    return [f for f in parse_forms(page.text) if "csrf_token" in f.fields][0].fields["csrf_token"]


def test_the_same_credential_twice_is_refused(server, alice):
    auth, _, _ = enrol(server)
    browser, page = passkey_session(server, auth)
    form = passkey_form(page.text, "create")
    assert form.exclude == [auth.last.cred_id]
    log_from = len(server.log_text())
    resp = add_passkey(server, browser, page, auth, cred_id=auth.last.cred_id)
    assert resp.status_code == 400 and NOT_ADDED in resp.text, (resp.status_code, resp.text[:2000])
    assert len(passkeys_of(server)) == 1
    assert wait_until(lambda: "registered already" in new_log(server, log_from))


def test_at_most_twenty_passkeys(server, alice):
    auth, _, _ = enrol(server)
    browser, page = passkey_session(server, auth)
    for _ in range(19):
        assert_added(server, add_passkey(server, browser, page, auth))
        page = browser.follow(browser.get(server.url("/account")))
    assert len(passkeys_of(server)) == 20
    resp = add_passkey(server, browser, page, auth, name="one more")
    assert resp.status_code == 400 and NOT_ADDED in resp.text, (resp.status_code, resp.text[:2000])
    assert len(passkeys_of(server)) == 20


REGISTRATION_FORGERIES = {
    "forged origin": ({"origin": "http://evil.example"}, r"origin"),
    "origin on another port": ({"origin": "http://localhost:1"}, r"origin"),
    "wrong rpIdHash": ({"rp_id": "example.com"}, r"rpIdHash"),
    "missing UP": ({"up": False}, r"user presence"),
    "get instead of create": ({"client_type": "webauthn.get"}, r"type"),
    "another challenge": ({"challenge": b"\x00" * 32}, r"challenge"),
    "truncated CBOR": ({"truncate": 7}, r"CBOR|truncated"),
    "oversized CBOR": ({"pad_to": 40000}, r"too large"),
    "bytes after the CBOR": ({"trailing": b"\x00"}, r"bytes after"),
    "CBOR claiming more than sent": ({"attestation_object": b"\xa3\x63fmt\x5b" + b"\xff" * 8},
                                     r"CBOR|attestation"),
    "bad self attestation": ({"attestation": "packed", "corrupt_attestation_signature": True},
                             r"attestation signature"),
    "rawId not the credential's": ({"raw_id": b"\x07" * 32}, r"credential"),
}


@pytest.mark.parametrize("case", list(REGISTRATION_FORGERIES))
def test_forged_registrations_are_refused(server, alice, case):
    knobs, reason = dict(REGISTRATION_FORGERIES[case][0]), REGISTRATION_FORGERIES[case][1]
    origin = knobs.pop("origin", server.issuer)
    browser, page = password_session(server)
    log_from = len(server.log_text())
    form = passkey_form(page.text, "create")
    fields = Authenticator().make_credential(form, origin, **knobs)
    resp = browser.post(form.url(page.url), form.post_data(fields))
    assert resp.status_code == 400 and NOT_ADDED in resp.text, (resp.status_code, resp.text[:2000])
    assert_html_security_headers(resp)
    assert passkeys_of(server) == []
    assert wait_until(lambda: re.search(reason, new_log(server, log_from))), new_log(server,
                                                                                     log_from)
    # the page still works: a right answer to a fresh form is kept
    page = browser.follow(browser.get(server.url("/account")))
    assert_added(server, add_passkey(server, browser, page, Authenticator()))


def test_a_registration_challenge_is_single_use(server, alice):
    browser, page = password_session(server)
    form = passkey_form(page.text, "create")
    auth = Authenticator()
    first = answer_create(server, browser, page, form, auth)
    assert_added(server, first)
    log_from = len(server.log_text())
    again = answer_create(server, browser, page, form, auth)
    assert again.status_code == 400 and NOT_ADDED in again.text, again.status_code
    assert len(passkeys_of(server)) == 1
    assert wait_until(lambda: re.search(USED, new_log(server, log_from))), new_log(server, log_from)


# -- signing in username-less ----------------------------------------------------------


def test_username_less_sign_in_is_acr_phr(server, alice, rp):
    auth, _, _ = enrol(server)
    browser = Browser(server)
    page = browser.follow(browser.authorize(rp, scope="openid"))
    form = passkey_form(page.text, "get")
    assert form is not None and login_form(page) is not None, page.text[:3000]
    assert urllib.parse.urljoin(page.url, form.action) == server.url("/login/passkey")
    assert form.data["allow"] == "" and form.allow == []
    assert form.user_verification == "required" and form.rp_id == "localhost"
    assert len(form.challenge) == 32 and form.fields["challenge"] == form.data["challenge"]
    assert form.fields["next"] == login_form(page).fields["next"] != ""
    assert form.fields["csrf_token"] == login_form(page).fields["csrf_token"]

    claims, shown, tokens = sign_in(server, rp, Browser(server), auth)
    assert shown == ["login", "consent"]
    assert claims["sub"] == alice["sub"]
    assert claims["acr"] == PHR and sorted(claims["amr"]) == ["hwk", "mfa", "user"]
    _, at = verify_jwt(tokens["access_token"], server.jwks())
    assert at["acr"] == PHR and sorted(at["amr"]) == ["hwk", "mfa", "user"]
    rs = server.create_client(name="rs", scope=f"token_introspection {rp['client_id']}")
    body = requests.post(server.url("/introspect"), data={"token": tokens["access_token"]},
                         auth=(rs["client_id"], rs["client_secret"]), timeout=HTTP_TIMEOUT).json()
    assert body["active"] is True and body["acr"] == PHR
    assert sorted(body["amr"]) == ["hwk", "mfa", "user"]
    assert body["auth_time"] == claims["auth_time"]
    [pk] = passkeys_of(server)
    assert pk["last_used_at"] >= claims["auth_time"] - 1
    ok = [e for e in events(server, "--type", "login.passkey") if e["outcome"] == "ok"]
    assert ok and ok[0]["user_sub"] == alice["sub"]


def test_a_synced_passkey_is_swk(server, alice, rp):
    auth, _, _ = enrol(server, auth=Authenticator(backup_eligible=True, backed_up=True,
                                                  counter_start=0, counter_step=0))
    assert passkeys_of(server)[0]["synced"] is True
    claims, _, _ = sign_in(server, rp, Browser(server), auth)
    assert claims["acr"] == PHR and sorted(claims["amr"]) == ["mfa", "swk", "user"]
    # no counter (always 0) is no clone
    claims, _, _ = sign_in(server, rp, Browser(server), auth)
    assert claims["acr"] == PHR


def test_an_empty_user_handle_is_accepted(server, alice):
    auth, _, _ = enrol(server)
    browser, page = login_page(server)
    page = browser.follow(use_passkey(server, browser, page, auth, user_handle=None))
    assert page.url.endswith("/account"), page.url


def test_username_less_sign_in_starts_a_new_session(server, alice):
    """The passkey replaces whatever session the browser had (no fixation)."""
    auth, browser, _ = enrol(server)
    old = browser.cookie(SESSION_COOKIE)
    browser, page = login_page(server, browser)
    page = browser.follow(use_passkey(server, browser, page, auth))
    assert page.url.endswith("/account")
    assert browser.cookie(SESSION_COOKIE) not in (None, old)


# -- the second factor and step-up ---------------------------------------------------------


def test_passkey_as_the_second_factor(server, alice, rp):
    """A user whose only factor is a passkey gets the second-factor page
    after the password, with her passkeys allowed, and uses one."""
    auth, _, _ = enrol(server)
    browser = Browser(server)
    page = browser.follow(browser.login(browser.follow(browser.authorize(rp, scope="openid"))))
    assert "/login/mfa" in page.url and page.status_code == 200, (page.url, page.text[:2000])
    form = passkey_form(page.text, "get")
    assert form is not None, page.text[:3000]
    assert form.allow == [auth.last.cred_id] and form.user_verification == "preferred"
    assert urllib.parse.urljoin(page.url, form.action) == server.url("/login/passkey")
    assert form.fields["next"]
    assert browser.cookie(SESSION_COOKIE) is None

    claims, shown, _ = sign_in(server, rp, Browser(server), auth, first="password")
    assert shown == ["login", "mfa", "consent"]
    assert claims["acr"] == PHR and sorted(claims["amr"]) == ["hwk", "mfa", "pwd", "user"]
    # user verification is preferred here, not required: presence is enough
    claims, shown, _ = sign_in(server, rp, Browser(server), _NoUv(auth), first="password")
    assert shown == ["login", "mfa"] and claims["acr"] == PHR


class _NoUv:
    """auth answering without user verification."""

    def __init__(self, auth):
        self.auth = auth

    def get_assertion(self, form, origin, **knobs):
        return self.auth.get_assertion(form, origin, uv=False, **knobs)


def test_second_factor_with_another_users_passkey_is_refused(server, alice, rp):
    make_user(server, "bob", claims=BOB)
    bobs, _, _ = enrol(server, "bob")
    enrol(server, "alice")
    browser = Browser(server)
    page = browser.follow(browser.login(browser.follow(browser.authorize(rp, scope="openid"))))
    log_from = len(server.log_text())
    resp = use_passkey(server, browser, page, bobs, credential=bobs.last)
    assert_refused(server, browser, resp, r"credential|user", log_from)


def test_second_factor_challenge_of_another_pending_sign_in(server, alice, rp):
    auth, _, _ = enrol(server)
    first, second = Browser(server), Browser(server)
    pages = [b.follow(b.login(b.follow(b.authorize(rp, scope="openid")))) for b in (first, second)]
    theirs = passkey_form(pages[0].text, "get")
    mine = passkey_form(pages[1].text, "get")
    fields = auth.get_assertion(theirs, server.issuer)
    log_from = len(server.log_text())
    resp = second.post(mine.url(pages[1].url), mine.post_data(fields))
    assert_refused(server, second, resp, r"challenge was issued to another browser", log_from)


def test_step_up_from_a_password_session_to_phr(server, alice, rp):
    browser, page = password_session(server)
    claims, shown, _ = sign_in(server, rp, browser, None)
    assert claims["acr"] == PWD and shown == ["consent"]
    # this password-only session adds the first factor: a passkey
    auth = Authenticator()
    assert_added(server, add_passkey(server, browser, page, auth))
    # prompt=none cannot ask for it
    resp = browser.authorize(rp, scope="openid", prompt="none", acr_values=PHR, state="s1")
    assert_callback_error(server, browser.follow(resp), "interaction_required", state="s1")
    claims, shown, _ = sign_in(server, rp, browser, auth, acr_values=PHR)
    assert shown == ["mfa"] and claims["acr"] == PHR
    assert sorted(claims["amr"]) == ["hwk", "mfa", "pwd", "user"]
    # the stepped-up session serves the next request without asking
    claims, shown, _ = sign_in(server, rp, browser, auth, acr_values=PHR)
    assert shown == [] and claims["acr"] == PHR


def test_step_up_from_mfa_to_phr_takes_the_passkey_only(server, alice, rp):
    """A session signed in with a one-time password (acr mfa) asked for phr
    goes to the second-factor page, where a code does not do and the passkey
    does."""
    secret = add_totp(server)["secret"]
    browser = Browser(server)
    claims, shown, _ = sign_in(server, rp, browser, None, first="password",
                               code_of=lambda: totp(secret))
    assert claims["acr"] == MFA and shown == ["login", "mfa", "consent"]
    page = browser.follow(browser.get(server.url("/account")))
    page = browser.submit(page, [f for f in parse_forms(page.text)
                                 if f.fields.get("action") == "recovery_regenerate"][0])
    codes = re.findall(r"<li><code>([a-z2-7-]+)</code></li>", page.text)
    assert len(codes) == 10
    auth = Authenticator()
    assert_added(server, add_passkey(server, browser, page, auth))

    step = browser.follow(browser.authorize(rp, scope="openid", acr_values=PHR, state="s",
                                            nonce="n", **Pkce().params()))
    assert not isinstance(step, Callback) and "/login/mfa" in step.url, step
    form = passkey_form(step.text, "get")
    assert form is not None and mfa_form(step) is None, step.text[:3000]
    # a recovery code posted anyway neither steps up nor is spent
    after = browser.follow(browser.post(server.url("/login/mfa"), {
        "csrf_token": form.fields["csrf_token"], "next": form.fields["next"], "code": codes[0]}))
    assert not isinstance(after, Callback), after.params
    assert factors(server)["recovery_codes"]["left"] == 10
    claims, shown, _ = sign_in(server, rp, browser, auth, acr_values=PHR)
    assert shown == ["mfa"] and claims["acr"] == PHR and "hwk" in claims["amr"]


def test_essential_acr_phr(server, alice, rp):
    auth, _, _ = enrol(server)
    ask = json.dumps({"id_token": {"acr": {"essential": True, "values": [PHR]}}})
    claims, shown, _ = sign_in(server, rp, Browser(server), auth, first="password", claims=ask)
    assert shown == ["login", "mfa", "consent"] and claims["acr"] == PHR


def test_acr_values_mfa_is_met_by_a_passkey(server, alice, rp):
    auth, _, _ = enrol(server)
    claims, shown, _ = sign_in(server, rp, Browser(server), auth, acr_values=MFA)
    assert shown == ["login", "consent"] and claims["acr"] == PHR


# -- refusals ------------------------------------------------------------------------------

BOB_SUB = object()  # placeholder: bob's sub, made in the test

SIGN_IN_FORGERIES = {
    "forged origin": ({"origin": "http://evil.example"}, r"origin"),
    "origin on another port": ({"origin": "http://localhost:1"}, r"origin"),
    "https origin": ({"origin": "https://localhost"}, r"origin"),
    "wrong rpIdHash": ({"rp_id": "example.com"}, r"rpIdHash"),
    "missing UP": ({"up": False}, r"user presence"),
    "missing UV": ({"uv": False}, r"user verification"),
    "bad signature": ({"corrupt_signature": True}, r"signature"),
    "signature of nothing": ({"signature": b""}, r"signature|missing|empty"),
    "create instead of get": ({"client_type": "webauthn.create"}, r"type"),
    "another challenge in the client data": ({"challenge": b"\x01" * 32}, r"challenge"),
    "cross-origin": ({"cross_origin": True}, r"crossOrigin"),
    "truncated CBOR": ({"extensions": RawCbor(b"\xa1\x63cre")}, r"CBOR|extension"),
    "oversized CBOR": ({"extensions": {"pad": bytes(17000)}}, r"too large"),
    "bytes after the authenticator data": ({"auth_data_suffix": b"\x00"}, r"bytes after"),
    "authenticator data cut short": ({"truncate_auth_data": 2}, r"shorter"),
    "unknown credential": ({"credential_id": b"\x42" * 32}, r"credential"),
    "user handle of another user": ({"user_handle": BOB_SUB}, r"user handle"),
    "user handle of nobody": ({"user_handle": b"nobody"}, r"user handle"),
}


@pytest.mark.parametrize("case", list(SIGN_IN_FORGERIES))
def test_forged_sign_ins_are_refused(server, alice, case):
    knobs, reason = dict(SIGN_IN_FORGERIES[case][0]), SIGN_IN_FORGERIES[case][1]
    if knobs.get("user_handle") is BOB_SUB:
        knobs["user_handle"] = make_user(server, "bob", claims=BOB)["sub"].encode()
    origin = knobs.pop("origin", server.issuer)
    auth, _, _ = enrol(server)
    browser, page = login_page(server)
    form = passkey_form(page.text, "get")
    log_from = len(server.log_text())
    fields = auth.get_assertion(form, origin, **knobs)
    resp = browser.post(form.url(page.url), form.post_data(fields))
    event = assert_refused(server, browser, resp, reason, log_from)
    assert event["address"] == "127.0.0.1"
    # the right answer to a fresh form still signs in
    browser, page = login_page(server, browser)
    assert browser.follow(use_passkey(server, browser, page, auth)).url.endswith("/account")


def test_a_sign_in_challenge_is_single_use(server, alice):
    auth, _, _ = enrol(server)
    browser, page = login_page(server)
    form = passkey_form(page.text, "get")
    first = answer_get(server, browser, page, form, auth)
    assert first.status_code == 303, first.text[:2000]
    session = browser.cookie(SESSION_COOKIE)
    # the same challenge again, in a fresh assertion (counter moved on)
    log_from = len(server.log_text())
    again = answer_get(server, browser, page, form, auth)
    assert_refused(server, browser, again, USED, log_from, session_before=session)
    # a challenge spent on a refused answer is spent too
    other = Browser(server)
    other, page = login_page(server, other)
    form = passkey_form(page.text, "get")
    assert answer_get(server, other, page, form, auth, corrupt_signature=True).status_code == 400
    log_from = len(server.log_text())
    good = answer_get(server, other, page, form, auth)
    assert_refused(server, other, good, USED, log_from)


def test_a_challenge_of_another_browser_is_refused(server, alice):
    auth, _, _ = enrol(server)
    victim, victims_page = login_page(server)
    attacker, attackers_page = login_page(server)
    theirs = passkey_form(victims_page.text, "get")
    mine = passkey_form(attackers_page.text, "get")
    assert theirs.challenge != mine.challenge
    # the attacker's CSRF pair with the victim's challenge
    fields = auth.get_assertion(theirs, server.issuer)
    log_from = len(server.log_text())
    resp = attacker.post(mine.url(attackers_page.url), mine.post_data(fields))
    assert_refused(server, attacker, resp, r"challenge was issued to another browser", log_from)


def test_a_registration_challenge_does_not_sign_in(server, alice):
    """The add form's challenge (bound to this browser's session) answered
    as a sign-in at /login/passkey, with the page's own CSRF pair."""
    auth, browser, page = enrol(server)
    page = browser.follow(browser.get(server.url("/account")))
    create = passkey_form(page.text, "create")
    get = PasskeyForm("/login/passkey", "get", {"challenge": create.data["challenge"],
                                                "rp-id": create.rp_id, "allow": ""},
                      {"csrf_token": create.fields["csrf_token"],
                       "challenge": create.fields["challenge"], "next": ""})
    fields = auth.get_assertion(get, server.issuer)
    log_from = len(server.log_text())
    resp = browser.post(get.url(page.url), get.post_data(fields))
    assert_refused(server, browser, resp, r"challenge was issued for another ceremony", log_from,
                   session_before=browser.cookie(SESSION_COOKIE))


def test_a_sign_in_challenge_does_not_add_a_passkey(server, alice):
    """The login page's challenge (signed for this browser's CSRF cookie)
    answered as a registration on the account page of the same browser."""
    browser = Browser(server)
    resp = browser.follow(browser.get(server.url("/account")))
    signin = passkey_form(resp.text, "get")
    assert signin is not None and login_form(resp) is not None, resp.text[:2000]
    page = browser.follow(browser.login(resp, "alice"))
    assert page.url.endswith("/account"), page.url
    create = passkey_form(page.text, "create")
    assert create.fields["csrf_token"] == signin.fields["csrf_token"]
    form = PasskeyForm(create.action, "create",
                       {**create.data, "challenge": signin.data["challenge"]},
                       {**create.fields, "challenge": signin.fields["challenge"]})
    log_from = len(server.log_text())
    resp = answer_create(server, browser, page, form, Authenticator())
    assert resp.status_code == 400 and NOT_ADDED in resp.text, (resp.status_code, resp.text[:2000])
    assert passkeys_of(server) == []
    assert wait_until(lambda: re.search(r"challenge was issued for another ceremony",
                                        new_log(server, log_from))), new_log(server, log_from)


def test_showing_the_login_page_stores_nothing(server, alice):
    """Anyone may load /login as often as they like: its passkey challenge is
    signed for the browser, not stored, so no view writes a row."""
    same, seen = Browser(server), set()
    for _ in range(5):
        for browser in (Browser(server), same):
            _, page = login_page(server, browser)
            form = passkey_form(page.text, "get")
            assert form is not None and len(form.challenge) == 32, page.text[:2000]
            seen.add(form.challenge)
    assert len(seen) == 10
    assert server.db_value("SELECT count(*) FROM webauthn_challenges") == 0
    # used, it is recorded (once, as spent) so that it serves once
    auth, _, _ = enrol(server)
    passkey_session(server, auth)
    rows = server.db_rows("SELECT purpose, count(*) FROM webauthn_challenges GROUP BY purpose")
    assert (2, 1) not in rows and dict(rows).get(4) == 1, rows


def test_an_expired_challenge_is_refused(make_server):
    """A sign-in's challenge carries its expiry (signed): the server cannot be
    told it is later than it is, so this waits the shortest timeout out."""
    server = passkey_server(make_server, {"webauthn": {"timeout_seconds": 30}})
    make_user(server)
    auth, _, _ = enrol(server)
    browser, page = login_page(server)
    form = passkey_form(page.text, "get")
    assert form.data["timeout-ms"] == "30000"
    expires = int.from_bytes(form.challenge[11:16], "big")
    assert abs(expires - (time.time() + 30)) <= 5, expires
    time.sleep(max(0.0, expires - time.time() + 1.1))
    log_from = len(server.log_text())
    resp = answer_get(server, browser, page, form, auth)
    assert_refused(server, browser, resp, r"challenge has expired", log_from)
    # nothing kept of it: only a used one's hash is (purpose 4)
    assert server.db_value("SELECT count(*) FROM webauthn_challenges WHERE purpose = 4") == 0


def test_an_expired_stored_challenge_is_refused(make_server):
    """A registration's challenge is stored: expired in the store, it is refused."""
    server = passkey_server(make_server, {"webauthn": {"timeout_seconds": 30}})
    make_user(server)
    browser, page = password_session(server)
    form = passkey_form(page.text, "create")
    kept = hashlib.sha256(form.challenge).digest()
    [(expires,)] = server.db_rows("SELECT expires_at FROM webauthn_challenges WHERE hash = ?",
                                  (kept,))
    assert abs(expires - (time.time() + 30)) <= 5, expires
    # thirty seconds later, as far as the server can tell
    server.db_rows("UPDATE webauthn_challenges SET expires_at = ? WHERE hash = ?",
                   (int(time.time()) - 1, kept))
    log_from = len(server.log_text())
    resp = answer_create(server, browser, page, form, Authenticator())
    assert resp.status_code == 400 and NOT_ADDED in resp.text, (resp.status_code, resp.text[:2000])
    assert passkeys_of(server) == []
    assert wait_until(lambda: re.search(r"challenge has expired", new_log(server, log_from))), \
        new_log(server, log_from)


def test_a_counter_going_back_is_refused(server, alice):
    auth, _, _ = enrol(server)  # registered at 1
    passkey_session(server, auth)  # 2
    browser, page = login_page(server)
    page = browser.follow(use_passkey(server, browser, page, auth, counter=10))
    assert page.url.endswith("/account")
    for count in (10, 9):  # not past the last one: a cloned authenticator?
        browser, page = login_page(server)
        log_from = len(server.log_text())
        resp = use_passkey(server, browser, page, auth, counter=count)
        assert_refused(server, browser, resp, r"counter", log_from)
    browser, page = login_page(server)
    assert browser.follow(use_passkey(server, browser, page, auth, counter=11)).url.endswith(
        "/account")


def test_counter_policy_log_lets_it_through(make_server):
    server = passkey_server(make_server, {"webauthn": {"counter_policy": "log"}})
    make_user(server)
    auth, _, _ = enrol(server)
    browser, page = login_page(server)
    assert browser.follow(use_passkey(server, browser, page, auth, counter=10)).url.endswith(
        "/account")
    browser, page = login_page(server)
    log_from = len(server.log_text())
    page = browser.follow(use_passkey(server, browser, page, auth, counter=3))
    assert page.status_code == 200 and page.url.endswith("/account"), page.text[:2000]
    assert wait_until(lambda: "counter" in new_log(server, log_from)), new_log(server, log_from)


def test_refusals_are_throttled(make_server):
    server = passkey_server(make_server, {"login": {"max_failures": "3", "lockout_seconds": "60"}})
    make_user(server)
    auth, _, _ = enrol(server)
    statuses = []
    for _ in range(4):
        browser, page = login_page(server)
        resp = use_passkey(server, browser, page, auth, corrupt_signature=True)
        statuses.append(resp.status_code)
    assert statuses[:3] == [400, 400, 400] and statuses[3] in (400, 429), statuses
    # locked: even the right answer waits, as the password does
    browser, page = login_page(server)
    locked = use_passkey(server, browser, page, auth)
    assert locked.status_code == 429, locked.text[:500]
    assert int(locked.headers["Retry-After"]) > 0
    assert browser.cookie(SESSION_COOKIE) is None


def test_refusals_lock_the_passkeys_account_from_new_addresses(make_server):
    """Failures with alice's passkey from three addresses lock her account:
    an address she never signed in from waits, the one she did is let
    through (login_throttle's rule for a known address)."""
    server = passkey_server(make_server, {"login": {"max_failures": "3", "lockout_seconds": "60"}})
    make_user(server)
    auth, _, _ = enrol(server)
    passkey_session(server, auth)  # she signs in with it from 127.0.0.1
    for source in ("127.0.0.2", "127.0.0.3", "127.0.0.4"):
        browser, page = login_page(server, browser_from(server, source))
        assert use_passkey(server, browser, page, auth, corrupt_signature=True).status_code == 400
    browser, page = login_page(server, browser_from(server, "127.0.0.5"))
    locked = use_passkey(server, browser, page, auth)
    assert locked.status_code == 429, locked.text[:500]
    browser, page = login_page(server)
    assert browser.follow(use_passkey(server, browser, page, auth)).url.endswith("/account")


def test_typed_usernames_cannot_lock_a_passkey(server, alice):
    """Wrong passwords for the username "mfa:" and alice's sub (public: it is
    in her ID tokens) must not count against her passkey."""
    auth, _, _ = enrol(server)
    type_second_factor_username(server, alice["sub"], "127.0.0.2")
    owner, page = login_page(server, browser_from(server, "127.0.0.3"))
    resp = use_passkey(server, owner, page, auth)
    assert resp.status_code == 303, (resp.status_code, resp.text[:1000])


# -- /account: rename and remove ------------------------------------------------------------


def account_form(page, action, credential_id=None):
    forms = [f for f in parse_forms(page.text) if f.fields.get("action") == action
             and (credential_id is None or f.fields.get("credential_id") == credential_id)]
    return forms[0] if forms else None


def test_rename_and_remove(server, alice):
    auth, _, _ = enrol(server, name="Laptop")
    browser, page = passkey_session(server, auth)
    first = auth.last.id
    assert_added(server, add_passkey(server, browser, page, auth, name="Phone"))
    page = browser.follow(browser.get(server.url("/account")))
    assert "Laptop" in page.text and "Phone" in page.text
    # listed oldest first, with when they were last used
    assert [p["name"] for p in passkeys_of(server)] == ["Laptop", "Phone"]
    assert [p["last_used_at"] > 0 for p in passkeys_of(server)] == [True, False]

    rename = account_form(page, "passkey_rename", first)
    assert rename is not None, page.text[:4000]
    page = browser.follow(browser.submit(page, rename, name="Work laptop"))
    assert page.status_code == 200 and "Work laptop" in page.text
    assert [p["name"] for p in passkeys_of(server)] == ["Work laptop", "Phone"]

    # another user's credential id, or one that does not exist, changes nothing
    for other in (b64url(b"\x01" * 32), "not base64url!"):
        resp = browser.post(server.url("/account"), {**rename.fields, "credential_id": other,
                                                     "name": "Hijack"})
        assert "That passkey is not on your account" in resp.text, resp.text[:3000]
    resp = browser.post(server.url("/account"), {**rename.fields, "name": "x" * 65})
    assert "That name cannot be used" in resp.text and "at most 64 bytes" in resp.text, (
        resp.text[:3000])
    assert [p["name"] for p in passkeys_of(server)] == ["Work laptop", "Phone"]

    remove = account_form(page, "passkey_remove", auth.last.id)
    page = browser.follow(browser.submit(page, remove))
    assert page.status_code == 200 and "Phone" not in page.text
    assert [p["name"] for p in passkeys_of(server)] == ["Work laptop"]
    # the removed passkey signs in no more
    other, login = login_page(server)
    log_from = len(server.log_text())
    resp = use_passkey(server, other, login, auth, credential=auth.last)
    assert_refused(server, other, resp, r"credential", log_from)
    types = [e["type"] for e in events(server, "--user", alice["sub"])]
    for kind in ("passkey.added", "passkey.renamed", "passkey.removed", "login.passkey"):
        assert kind in types, types


def test_another_users_passkey_cannot_be_renamed_or_removed(server, alice):
    make_user(server, "bob", claims=BOB)
    bobs, _, _ = enrol(server, "bob", name="Bob's key")
    auth, _, _ = enrol(server, "alice")
    browser, page = passkey_session(server, auth)
    rename = account_form(page, "passkey_rename")
    for action, more in (("passkey_rename", {"name": "Mine"}), ("passkey_remove", {})):
        resp = browser.post(server.url("/account"), {"csrf_token": rename.fields["csrf_token"],
                                                     "action": action,
                                                     "credential_id": bobs.last.id, **more})
        assert "That passkey is not on your account" in resp.text, resp.text[:3000]
    assert [p["name"] for p in passkeys_of(server, "bob")] == ["Bob's key"]


def test_changes_without_the_csrf_token_are_refused(server, alice):
    auth, _, _ = enrol(server, name="Laptop")
    browser, page = passkey_session(server, auth)
    resp = browser.post(server.url("/account"), {"action": "passkey_remove",
                                                 "credential_id": auth.last.id})
    assert resp.status_code == 403
    form = passkey_form(page.text, "create")
    fields = Authenticator().make_credential(form, server.issuer)
    resp = browser.post(form.url(page.url), {**form.post_data(fields), "csrf_token": "x" * 43})
    assert resp.status_code == 403
    assert [p["name"] for p in passkeys_of(server)] == ["Laptop"]


# -- the CLI -----------------------------------------------------------------------------------


def test_user_factors_shows_and_reset_factors_removes_passkeys(server, alice):
    auth, _, _ = enrol(server, name="Laptop",
                       auth=Authenticator(backup_eligible=True, backed_up=True))
    passkey_session(server, auth)
    [pk] = passkeys_of(server)
    assert pk["name"] == "Laptop" and pk["synced"] is True
    assert pk["created_at"] > 0 and pk["last_used_at"] >= pk["created_at"]
    text = user_cli(server, "factors", "alice")
    assert text.returncode == 0 and "Laptop" in text.stdout and "synced" in text.stdout, text.stdout

    result = user_cli(server, "reset-factors", "alice")
    assert result.returncode == 0, result.stderr
    assert passkeys_of(server) == []
    assert "Laptop" not in user_cli(server, "factors", "alice").stdout
    browser, page = login_page(server)
    log_from = len(server.log_text())
    assert_refused(server, browser, use_passkey(server, browser, page, auth), r"credential",
                   log_from)
    # the password alone signs in again
    password_session(server)


def test_deleting_the_user_removes_the_passkeys(server, alice):
    auth, _, _ = enrol(server)
    result = user_cli(server, "delete", "alice")
    assert result.returncode == 0, result.stderr
    browser, page = login_page(server)
    log_from = len(server.log_text())
    assert_refused(server, browser, use_passkey(server, browser, page, auth), r"credential",
                   log_from)


# -- configuration ---------------------------------------------------------------------------


def test_passkeys_are_off_for_an_ip_issuer(make_server):
    server = make_server()  # http://127.0.0.1:PORT
    make_user(server)
    browser = Browser(server)
    page = browser.follow(browser.get(server.url("/account")))
    assert login_form(page) is not None and passkey_form(page.text) is None
    account = browser.follow(browser.login(page))
    assert account.url.endswith("/account") and passkey_form(account.text) is None
    csrf = _csrf(account)
    for path in ("/login/passkey", "/account/passkey"):
        resp = browser.post(server.url(path), {"csrf_token": csrf})
        assert resp.status_code == 404, (path, resp.status_code, resp.text[:1000])
    warnings = [line for line in server.log_text().splitlines()
                if "level=warn" in line and "passkey" in line.lower()]
    assert len(warnings) == 1, server.log_text()


def test_rp_id_must_be_the_host_or_a_parent(make_server):
    server = make_server(config={"webauthn": {"rp_id": "example.com"}}, start=False)
    server.issuer = f"http://localhost:{server.port}"
    server.sections["server"]["issuer"] = server.issuer
    write_ini(server.config_path, server.sections)
    proc = server.spawn()
    assert wait_until(lambda: proc.poll() is not None, timeout=START_TIMEOUT)
    assert proc.returncode != 0
    assert "rp_id" in server.log_text(), server.log_text()


def test_rp_id_set_to_the_host(make_server):
    server = passkey_server(make_server, {"webauthn": {"rp_id": "localhost"}})
    make_user(server)
    auth, _, _ = enrol(server)
    passkey_session(server, auth)
