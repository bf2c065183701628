"""acr urn:oidcd:acr:phr at the second-factor page (docs/ENDPOINTS.md): only
a passkey reaches it, so a request asking for it gets the passkey form and no
form for a code, a code posted anyway is neither accepted nor spent, and a
user without a passkey is told one is needed. The passkey ceremonies are
test_passkeys.py's; here a passkey row is stored as a registration leaves it.
The issuer is http://localhost:PORT (an IP address has no passkeys)."""

import pytest

from conftest import write_ini
from mfa_support import add_totp, mfa_form, totp
from signin_support import (SESSION_COOKIE, Browser, Callback, Pkce, alice,  # noqa: F401
                            parse_forms, rp)

PHR = "urn:oidcd:acr:phr"
MFA = "urn:oidcd:acr:mfa"


@pytest.fixture
def server(make_server):
    server = make_server(start=False)
    server.issuer = f"http://localhost:{server.port}"
    server.sections["server"]["issuer"] = server.issuer
    write_ini(server.config_path, server.sections)
    return server.start()


def add_passkey_row(server, sub):
    server.db_rows(
        "INSERT INTO passkeys (cred_id, user_sub, name, alg, public_key, sign_count, aaguid, "
        "user_verified, backup_eligible, backed_up, fmt, transports, created_at, last_used_at) "
        "VALUES (?, ?, 'Laptop', -7, ?, 0, ?, ?, ?, ?, 'none', 'internal', 1700000000, NULL)",
        (b"cred-" + sub.encode(), sub, b"\x30\x59" + bytes(89), bytes(16), True, False, False))


def second_factor_page(server, rp, browser, acr_values):
    """The page after the password, for a request asking for acr_values."""
    page = browser.follow(browser.authorize(rp, scope="openid", acr_values=acr_values,
                                            state="s", **Pkce().params()))
    return browser.follow(browser.login(page))


def test_phr_takes_no_code(server, alice, rp):
    secret = add_totp(server)["secret"]
    add_passkey_row(server, alice["sub"])
    browser = Browser(server)
    page = second_factor_page(server, rp, browser, PHR)
    assert page.status_code == 200 and "/login/mfa" in page.url, (page.url, page.text[:2000])
    assert mfa_form(page) is None and 'data-passkey="get"' in page.text
    # a right code, posted anyway: not checked, so not spent either
    code = totp(secret)
    form = [f for f in parse_forms(page.text) if "challenge" in f.fields][0]
    resp = browser.post(server.url("/login/mfa"), {"csrf_token": form.fields["csrf_token"],
                                                   "next": form.fields["next"], "code": code})
    assert resp.status_code == 200 and "a code does not do here" in resp.text, resp.text[:2000]
    assert browser.cookie(SESSION_COOKIE) is None
    # where a code meets the level, the very same code still signs in
    other = Browser(server)
    page = second_factor_page(server, rp, other, MFA)
    assert mfa_form(page) is not None and 'data-passkey="get"' in page.text
    step = other.follow(other.submit(page, mfa_form(page), code=code))
    while not isinstance(step, Callback):
        step = other.follow(other.consent(step))
    assert "code" in step.params, step.params


def test_phr_without_a_passkey_is_refused(server, alice, rp):
    add_totp(server)
    page = second_factor_page(server, rp, Browser(server), PHR)
    assert page.status_code == 403 and "A passkey is needed" in page.text, page.text[:2000]
