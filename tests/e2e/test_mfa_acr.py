"""acr and amr (issue 13, docs/ENDPOINTS.md): what ID tokens say about the
sign-in, how acr_values, an essential acr claim, a client's --require-mfa and
login.require_mfa ask for a second factor, and step-up from a password-only
session without a second password prompt."""

import json
import secrets

from mfa_support import add_totp, mfa_form, totp, wait_next_step
from signin_support import (RP, Browser, Callback, Pkce, alice, assert_callback_error,  # noqa: F401
                            consent_form, login_form, make_rp, make_user, redeem, rp, verify_id_token)

PWD = "urn:oidcd:acr:pwd"
MFA = "urn:oidcd:acr:mfa"


def id_claims(server, client, browser, code_of=None, expect_login=None, scope_extra=False,
              **params):
    """One authorization round in browser (password, and a code from code_of
    when the second-factor page shows); the verified ID token's claims and
    whether each page showed."""
    pk, nonce, state = Pkce(), secrets.token_urlsafe(8), secrets.token_urlsafe(8)
    scope = "openid offline_access" if scope_extra else "openid"
    resp = browser.authorize(client, scope=scope, nonce=nonce, state=state, **pk.params(),
                             **params)
    shown = {"login": False, "mfa": False}
    for _ in range(10):
        step = browser.follow(resp)
        if isinstance(step, Callback):
            break
        if login_form(step) is not None:
            assert not shown["login"]
            shown["login"] = True
            resp = browser.login(step)
        elif mfa_form(step) is not None:
            assert code_of is not None, "a second factor was asked for"
            assert not shown["mfa"]
            shown["mfa"] = True
            resp = browser.submit(step, mfa_form(step), code=code_of())
        else:
            resp = browser.consent(step)
    assert "code" in step.params, step.params
    tokens = redeem(server, client, step.params["code"], RP, pk.verifier).json()
    return verify_id_token(server, client, tokens, nonce), shown, tokens


def test_password_only_is_acr_pwd(server, alice, rp):
    claims, shown, _ = id_claims(server, rp, Browser(server))
    assert claims["amr"] == ["pwd"] and claims["acr"] == PWD
    assert shown == {"login": True, "mfa": False}


def test_totp_sign_in_is_acr_mfa(server, alice, rp):
    secret = add_totp(server)["secret"]
    claims, shown, _ = id_claims(server, rp, Browser(server), lambda: totp(secret))
    assert shown == {"login": True, "mfa": True}
    # RFC 8176: a password, a one-time password, and more than one factor
    assert sorted(claims["amr"]) == ["mfa", "otp", "pwd"] and claims["acr"] == MFA


def test_step_up_asks_only_for_the_second_factor(server, alice, rp):
    secret = add_totp(server)["secret"]
    # a password-only session from before the TOTP secret was added: reset
    # the factors, sign in, add the secret back
    server.cli("user", "reset-factors", "alice")
    browser = Browser(server)
    claims, shown, _ = id_claims(server, rp, browser)
    assert claims["acr"] == PWD
    secret = add_totp(server)["secret"]
    wait_next_step()
    # prompt=none cannot ask: interaction_required
    resp = browser.authorize(rp, scope="openid", prompt="none", acr_values=MFA, state="s1")
    assert_callback_error(server, browser.follow(resp), "interaction_required", state="s1")
    before = claims["auth_time"]
    claims, shown, _ = id_claims(server, rp, browser, lambda: totp(secret), acr_values=MFA)
    assert shown == {"login": False, "mfa": True}
    assert claims["acr"] == MFA and "otp" in claims["amr"]
    assert claims["auth_time"] >= before
    # the stepped-up session serves the next request without asking anything
    claims, shown, _ = id_claims(server, rp, browser, acr_values=MFA)
    assert shown == {"login": False, "mfa": False} and claims["acr"] == MFA


def test_acr_values_unknown_are_passed_over(server, alice, rp):
    claims, shown, _ = id_claims(server, rp, Browser(server), acr_values="urn:example:loa:9")
    assert claims["acr"] == PWD and not shown["mfa"]


def test_essential_acr(server, alice, rp):
    secret = add_totp(server)["secret"]
    ask = {"id_token": {"acr": {"essential": True, "values": [MFA]}}}
    claims, shown, _ = id_claims(server, rp, Browser(server), lambda: totp(secret),
                                 claims=json.dumps(ask))
    assert claims["acr"] == MFA
    # values this server never reaches cannot be met
    browser = Browser(server)
    bad = {"id_token": {"acr": {"essential": True, "values": ["urn:oidcd:acr:phr"]}}}
    resp = browser.authorize(rp, scope="openid", state="s2", claims=json.dumps(bad),
                             **Pkce().params())
    assert_callback_error(server, browser.follow(resp), "access_denied", state="s2")


def test_client_require_mfa_without_a_factor_is_refused(server, alice):
    client = make_rp(server, require_mfa="true")
    assert server.cli_json("client", "show", client["client_id"])["require_mfa"] is True
    browser = Browser(server)
    resp = browser.login(browser.follow(browser.authorize(client, scope="openid")))
    page = browser.follow(resp)
    assert page.status_code == 403 and "second factor is needed" in page.text
    # with a factor, the client's users give it
    secret = add_totp(server)["secret"]
    claims, shown, _ = id_claims(server, client, Browser(server), lambda: totp(secret))
    assert shown["mfa"] and claims["acr"] == MFA


def test_login_require_mfa(make_server):
    server = make_server(config={"login": {"require_mfa": "true"}})
    make_user(server)
    client = make_rp(server)
    browser = Browser(server)
    page = browser.follow(browser.login(browser.follow(browser.authorize(client, scope="openid"))))
    assert page.status_code == 403 and "second factor is needed" in page.text
    secret = add_totp(server)["secret"]
    claims, shown, _ = id_claims(server, client, Browser(server), lambda: totp(secret))
    assert shown == {"login": True, "mfa": True} and claims["acr"] == MFA


def test_login_require_mfa_changes_on_reload(server, alice):
    """SIGHUP turns login.require_mfa on and off for the next sign-in."""
    from test_reload import reload
    client = make_rp(server)
    lines = reload(server, {"login": {"require_mfa": "true"}})
    assert any("login.require_mfa" in line and "config reloaded" in line for line in lines), lines
    browser = Browser(server)
    page = browser.follow(browser.login(browser.follow(browser.authorize(client, scope="openid"))))
    assert page.status_code == 403 and "second factor is needed" in page.text
    reload(server, {"login": {"require_mfa": "false"}})
    claims, shown, _ = id_claims(server, client, Browser(server))
    assert shown == {"login": True, "mfa": False} and claims["acr"] == PWD


def test_access_token_and_introspection_carry_the_sign_in(server, alice, rp):
    import requests
    from conftest import HTTP_TIMEOUT, verify_jwt
    secret = add_totp(server)["secret"]
    claims, _, tokens = id_claims(server, rp, Browser(server), lambda: totp(secret))
    _, at = verify_jwt(tokens["access_token"], server.jwks())
    assert at["acr"] == MFA and sorted(at["amr"]) == ["mfa", "otp", "pwd"]
    assert at["auth_time"] == claims["auth_time"]
    rs = server.create_client(name="rs", scope=f"token_introspection {rp['client_id']}")
    resp = requests.post(server.url("/introspect"), data={"token": tokens["access_token"]},
                         auth=(rs["client_id"], rs["client_secret"]), timeout=HTTP_TIMEOUT)
    body = resp.json()
    assert body["active"] is True
    assert body["acr"] == MFA and sorted(body["amr"]) == ["mfa", "otp", "pwd"]
    assert body["auth_time"] == claims["auth_time"]
    # a machine token has no sign-in
    machine = server.create_client(name="m", scope="read")
    tok = requests.post(server.url("/token"), data={"grant_type": "client_credentials"},
                        auth=(machine["client_id"], machine["client_secret"]),
                        timeout=HTTP_TIMEOUT).json()["access_token"]
    _, mc = verify_jwt(tok, server.jwks())
    assert "acr" not in mc and "amr" not in mc


def test_refreshed_tokens_keep_the_sign_in(server, alice):
    import requests
    from conftest import HTTP_TIMEOUT, verify_jwt
    client = make_rp(server, grant_types="authorization_code,refresh_token")
    secret = add_totp(server)["secret"]
    claims, _, tokens = id_claims(server, client, Browser(server), lambda: totp(secret),
                                  scope_extra=True)
    assert "refresh_token" in tokens, tokens
    resp = requests.post(server.url("/token"), data={"grant_type": "refresh_token",
                                                     "refresh_token": tokens["refresh_token"]},
                         auth=(client["client_id"], client["client_secret"]),
                         timeout=HTTP_TIMEOUT)
    assert resp.status_code == 200, resp.text
    _, again = verify_jwt(resp.json()["id_token"], server.jwks())
    assert again["acr"] == MFA and sorted(again["amr"]) == ["mfa", "otp", "pwd"]
    assert again["auth_time"] == claims["auth_time"]
    _, at = verify_jwt(resp.json()["access_token"], server.jwks())
    assert at["acr"] == MFA and at["auth_time"] == claims["auth_time"]


def test_consent_page_is_no_way_past_the_step_up(server, alice, rp):
    """A password-only session must not get a code for a client that requires
    a second factor by going to /consent directly (its GET or its POST) with
    that client's request in next: the second factor is asked first."""
    strict = make_rp(server, name="Strict RP", require_mfa="true")
    browser = Browser(server)
    resp = browser.follow(browser.authorize(rp, scope="openid", state="s", **Pkce().params()))
    page = browser.follow(browser.login(resp))
    form = consent_form(page)
    assert form is not None, page.text[:2000]
    forged = form.fields["next"].replace(rp["client_id"], strict["client_id"])
    assert forged != form.fields["next"]
    shown = browser.get(server.url("/consent"), params={"next": forged})
    assert shown.status_code == 302 and "/login/mfa" in shown.headers["Location"], shown.text
    answer = browser.post(server.url("/consent"),
                          {**form.fields, "next": forged, "decision": "allow"})
    assert answer.status_code == 303, answer.text[:2000]
    assert "/login/mfa" in answer.headers["Location"]
    assert "code=" not in answer.headers["Location"]


def test_opaque_and_refresh_tokens_introspect_with_the_sign_in(server, alice):
    """An opaque access token and a refresh token are looked up, not read:
    the store keeps their sign-in so that introspection answers as for a JWT."""
    import requests
    from conftest import HTTP_TIMEOUT
    from signin_support import ALL_SCOPES
    client = make_rp(server, grant_types="authorization_code,refresh_token",
                     access_token_format="opaque", scope=f"{ALL_SCOPES} token_introspection")
    secret = add_totp(server)["secret"]
    claims, _, tokens = id_claims(server, client, Browser(server), lambda: totp(secret),
                                  scope_extra=True)
    assert tokens["access_token"].count(".") == 0, "an opaque token was asked for"
    rs = server.create_client(name="rs", scope=f"token_introspection {client['client_id']}")
    # a refresh token is shown to its own client only
    for kind, caller in (("access_token", rs), ("refresh_token", client)):
        body = requests.post(server.url("/introspect"), data={"token": tokens[kind]},
                             auth=(caller["client_id"], caller["client_secret"]),
                             timeout=HTTP_TIMEOUT).json()
        assert body["active"] is True, (kind, body)
        assert body["acr"] == MFA and sorted(body["amr"]) == ["mfa", "otp", "pwd"], (kind, body)
        assert body["auth_time"] == claims["auth_time"], (kind, body)
    # a machine's opaque token has no sign-in
    machine = server.create_client(name="m", scope="read", access_token_format="opaque")
    tok = requests.post(server.url("/token"), data={"grant_type": "client_credentials"},
                        auth=(machine["client_id"], machine["client_secret"]),
                        timeout=HTTP_TIMEOUT).json()["access_token"]
    rs2 = server.create_client(name="rs2", scope=f"token_introspection {machine['client_id']}")
    body = requests.post(server.url("/introspect"), data={"token": tok},
                         auth=(rs2["client_id"], rs2["client_secret"]),
                         timeout=HTTP_TIMEOUT).json()
    assert body["active"] is True and not {"acr", "amr", "auth_time"} & body.keys(), body
