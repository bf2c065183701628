"""Helpers for the second-factor tests: RFC 6238 codes computed here with
Python's hmac (independent of the server's code), and the CLI enrolment."""

import base64
import hashlib
import hmac
import json
import struct
import time
import urllib.parse

import requests.adapters

from signin_support import Browser, login_form, user_cli


def totp(secret_b32, at=None, step_offset=0):
    """The 6-digit RFC 6238 code (HMAC-SHA1, 30 s) of a base32 secret."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    counter = int((time.time() if at is None else at) // 30) + step_offset
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def secret_of_uri(uri):
    parts = urllib.parse.urlsplit(uri)
    assert parts.scheme == "otpauth" and parts.netloc == "totp", uri
    return urllib.parse.parse_qs(parts.query)["secret"][0]


def add_totp(server, username="alice"):
    """`oidcd user add-totp USERNAME --json`: the JSON (otpauth_uri, secret)."""
    result = user_cli(server, "add-totp", username, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def factors(server, username="alice"):
    result = user_cli(server, "factors", username, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def mfa_form(resp):
    """The second-factor form: a field `code`, CSRF and next."""
    from signin_support import parse_forms
    forms = [f for f in parse_forms(resp.text) if "code" in f.fields and "password" not in f.fields]
    return forms[0] if forms else None


def wait_next_step():
    """Sleeps into the next 30-second step (a code of the current step may be
    spent already)."""
    time.sleep(30 - time.time() % 30 + 0.2)


def sign_in_with_code(browser, client, code_of, **params):
    """authorize → password → second factor (code_of() gives the code) →
    consent → the Callback; asserts the second-factor page showed."""
    resp = browser.follow(browser.authorize(client, **params))
    resp = browser.follow(browser.login(resp))
    form = mfa_form(resp)
    assert form is not None, f"no second-factor form:\n{resp.status_code} {resp.text[:2000]}"
    assert "csrf_token" in form.fields and "next" in form.fields, form
    resp = browser.submit(resp, form, code=code_of())
    return browser.run(resp, expect_login=False)


class SourceAdapter(requests.adapters.HTTPAdapter):
    """Connects from another loopback address: the server sees another client."""

    def __init__(self, source):
        self.source = source
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


def browser_from(server, source):
    browser = Browser(server)
    browser.session.mount("http://", SourceAdapter(source))
    return browser


def type_second_factor_username(server, sub, source, times=8):
    """Wrong passwords at /login from source for the username "mfa:" and
    sub (the name the second step's failures are counted under), until the
    login page stops showing."""
    attacker = browser_from(server, source)
    for _ in range(times):
        page = attacker.follow(attacker.get(server.url("/login")))
        if login_form(page) is None:
            break
        attacker.login(page, username="mfa:" + sub, password="wrong")
