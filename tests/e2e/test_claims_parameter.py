"""The claims request parameter (OpenID Connect Core §5.5): the id_token
member's claims go into the ID token (code, implicit, hybrid, refresh), the
userinfo member's into /userinfo, each besides the scope's claims and only
where asked; the consent page lists them and a remembered consent must cover
them; malformed claims are invalid_request sent back with state; a sub value
that is not the signed-in user's, or an essential acr this server cannot
assert, is refused; unknown names are ignored. ID tokens are checked with
jwcrypto against /jwks."""

import json
import re
import secrets
import time

import pytest

from conftest import verify_jwt
from signin_support import alice, rp  # noqa: F401 (fixtures)
from signin_support import (ALICE_CLAIMS, RP, Browser, Callback, Pkce, assert_callback_error,
                            consent_form, form_post_callback, full_flow, make_rp, redeem,
                            userinfo, verify_id_token)

ID_TOKEN_ONLY = {"id_token": {"email": None, "name": {"essential": True},
                              "nickname": {"essential": True}}}
USERINFO_ONLY = {"userinfo": {"phone_number": None, "address": {"essential": False}}}


def claims_param(value):
    return json.dumps(value, separators=(",", ":"))


def signed_in_flow(server, client, claims, scope="openid", **params):
    """full_flow with the claims parameter; also verifies the ID token."""
    flow = full_flow(server, client, scope=scope, claims=claims_param(claims), **params)
    flow["id_claims"] = verify_id_token(server, client, flow["tokens"], flow["nonce"])
    return flow


def listed_claims(page):
    """The claims the consent page lists (its items of class claim)."""
    return re.findall(r'<li class="claim">[^<]*<span class="scope">([^<]*)</span>', page.text)


def test_discovery_advertises_the_claims_parameter(server):
    doc = server.get("/.well-known/openid-configuration").json()
    assert doc["claims_parameter_supported"] is True


def test_id_token_member_goes_into_the_id_token_only(server, alice, rp):
    flow = signed_in_flow(server, rp, ID_TOKEN_ONLY)
    claims = flow["id_claims"]
    assert claims["sub"] == alice["sub"]
    assert claims["email"] == ALICE_CLAIMS["email"]
    assert claims["name"] == ALICE_CLAIMS["name"]
    # essential and absent (alice has no nickname): left out, not an error
    assert "nickname" not in claims
    # what the email scope would add, not asked for: left out
    assert "email_verified" not in claims
    info = userinfo(server, flow["tokens"]["access_token"])
    assert info.status_code == 200, info.text
    assert info.json() == {"sub": alice["sub"]}


def test_userinfo_member_goes_to_userinfo_only(server, alice, rp):
    flow = signed_in_flow(server, rp, USERINFO_ONLY)
    assert "phone_number" not in flow["id_claims"] and "address" not in flow["id_claims"]
    info = userinfo(server, flow["tokens"]["access_token"]).json()
    assert info == {"sub": alice["sub"], "phone_number": ALICE_CLAIMS["phone_number"],
                    "address": ALICE_CLAIMS["address"]}


def test_requested_claims_come_besides_the_scope_claims(server, alice, rp):
    flow = signed_in_flow(server, rp, {"userinfo": {"name": None}, "id_token": {"email": None}},
                          scope="openid email")
    info = userinfo(server, flow["tokens"]["access_token"]).json()
    assert info["email"] == ALICE_CLAIMS["email"] and info["email_verified"] is True
    assert info["name"] == ALICE_CLAIMS["name"]
    assert flow["id_claims"]["email"] == ALICE_CLAIMS["email"]
    assert "name" not in flow["id_claims"]


def test_the_jwt_access_token_carries_names_not_values(server, alice, rp):
    flow = signed_in_flow(server, rp, USERINFO_ONLY)
    _, at = verify_jwt(flow["tokens"]["access_token"], server.jwks())
    assert sorted(at["userinfo_claims"].split()) == ["address", "phone_number"]
    assert ALICE_CLAIMS["phone_number"] not in json.dumps(at)


def test_an_opaque_access_token_releases_the_userinfo_claims(server, alice):
    client = make_rp(server, access_token_format="opaque")
    flow = signed_in_flow(server, client, USERINFO_ONLY)
    assert flow["tokens"]["access_token"].count(".") == 0
    info = userinfo(server, flow["tokens"]["access_token"]).json()
    assert info["phone_number"] == ALICE_CLAIMS["phone_number"]
    assert info["address"] == ALICE_CLAIMS["address"]


def test_refresh_keeps_the_requested_claims(server, alice):
    client = make_rp(server, grant_types="authorization_code,refresh_token")
    claims = {"id_token": {"email": None}, "userinfo": {"name": None}}
    flow = signed_in_flow(server, client, claims, scope="openid offline_access")
    tokens = flow["tokens"]
    for _ in range(2):  # the successor keeps them too
        resp = server.post_token({"grant_type": "refresh_token",
                                  "refresh_token": tokens["refresh_token"]},
                                 auth=(client["client_id"], client["client_secret"]))
        assert resp.status_code == 200, resp.text
        tokens = resp.json()
        _, id_claims = verify_jwt(tokens["id_token"], server.jwks())
        assert id_claims["email"] == ALICE_CLAIMS["email"]
        assert "name" not in id_claims
        info = userinfo(server, tokens["access_token"]).json()
        assert info == {"sub": alice["sub"], "name": ALICE_CLAIMS["name"]}


def test_refresh_holds_to_the_client_registration_as_it_is_now(server, alice):
    client = make_rp(server, grant_types="authorization_code,refresh_token")
    claims = {"id_token": {"email": None, "name": None}, "userinfo": {"email": None}}
    flow = signed_in_flow(server, client, claims, scope="openid offline_access")
    assert server.cli("client", "update", client["client_id"], "--scope",
                      "openid profile offline_access").returncode == 0
    time.sleep(1.2)  # a client's change shows within a second (DESIGN.md §8)
    auth = (client["client_id"], client["client_secret"])
    resp = server.post_token({"grant_type": "refresh_token",
                              "refresh_token": flow["tokens"]["refresh_token"]}, auth=auth)
    assert resp.status_code == 200, resp.text
    _, id_claims = verify_jwt(resp.json()["id_token"], server.jwks())
    assert "email" not in id_claims and id_claims["name"] == ALICE_CLAIMS["name"]
    assert userinfo(server, resp.json()["access_token"]).json() == {"sub": alice["sub"]}
    # registered again: the family still holds what was asked
    assert server.cli("client", "update", client["client_id"], "--scope",
                      "openid email profile offline_access").returncode == 0
    time.sleep(1.2)
    resp = server.post_token({"grant_type": "refresh_token",
                              "refresh_token": resp.json()["refresh_token"]}, auth=auth)
    assert resp.status_code == 200, resp.text
    _, id_claims = verify_jwt(resp.json()["id_token"], server.jwks())
    assert id_claims["email"] == ALICE_CLAIMS["email"]


def test_the_consent_page_lists_the_claims_and_remembers_them(server, alice, rp):
    browser = Browser(server)
    query = {"scope": "openid", "state": "s1", "nonce": "n1", **Pkce().params(),
             "claims": claims_param({"userinfo": {"phone_number": None}})}
    page = browser.follow(browser.login(browser.follow(browser.authorize(rp, **query))))
    form = consent_form(page)
    assert form is not None, page.text[:2000]
    assert listed_claims(page) == ["phone_number"]
    assert isinstance(browser.run(browser.consent(page)), Callback)
    # the same claims again: remembered
    again = browser.run(browser.authorize(rp, **{**query, "state": "s2"}))
    assert not again.consented and again.params.get("code")
    # a claim not consented yet: asked again, and the page names it
    more = {**query, "state": "s3",
            "claims": claims_param({"userinfo": {"phone_number": None, "email": None}})}
    page = browser.follow(browser.authorize(rp, **more))
    assert consent_form(page) is not None, "a new claim must be consented to"
    assert listed_claims(page) == ["phone_number", "email"]
    # the audit trail says what was consented to, claims included
    given = server.cli_json("events", "--type", "consent.given")["events"]
    assert [e["detail"] for e in given] == ["openid; claims: phone_number"], given


def test_claims_a_remembered_scope_releases_need_no_new_consent(server, alice, rp):
    browser = full_flow(server, rp, scope="openid email")["browser"]
    callback = browser.run(browser.authorize(
        rp, scope="openid", state="s", nonce="n", **Pkce().params(),
        claims=claims_param({"id_token": {"email": None}})))
    assert not callback.consented and callback.params.get("code")


def test_prompt_none_with_unconsented_claims_is_consent_required(server, alice, rp):
    browser = full_flow(server, rp, scope="openid")["browser"]
    step = browser.follow(browser.authorize(
        rp, scope="openid", state="st", nonce="n", prompt="none", **Pkce().params(),
        claims=claims_param({"userinfo": {"email": None}})))
    assert isinstance(step, Callback), step.text[:2000]
    assert_callback_error(server, step, "consent_required", state="st")


@pytest.mark.parametrize("bad", [
    "not json",
    "[]",
    '"userinfo"',
    '{"userinfo": []}',
    '{"id_token": "email"}',
    '{"id_token": {"email": 1}}',
    '{"userinfo": {"email": {"essential": "yes"}}}',
    '{"userinfo": {"email": {"values": "a@b"}}}',
    '{"userinfo": {"email": null, "email": null}}',
    '{"userinfo": {"name": null}, "pad": "' + "x" * 5000 + '"}',
])
def test_malformed_claims_are_invalid_request_with_state(server, rp, bad):
    browser = Browser(server)
    step = browser.follow(browser.authorize(rp, scope="openid", state="keep-me", nonce="n",
                                            **Pkce().params(), claims=bad))
    assert isinstance(step, Callback), step.text[:2000]
    assert_callback_error(server, step, "invalid_request", state="keep-me")
    assert "claims" in step.params.get("error_description", "")
    assert server.get("/healthz").status_code == 200


def test_malformed_claims_are_logged(server, rp):
    browser = Browser(server)
    browser.follow(browser.authorize(rp, scope="openid", state="s", nonce="n",
                                     **Pkce().params(), claims="{"))
    assert "invalid_request" in server.log_text()


def test_a_sub_value_of_another_user_is_refused(server, alice, rp):
    browser = full_flow(server, rp)["browser"]
    other = {"id_token": {"sub": {"value": "someone-else", "essential": True}}}
    base = {"scope": "openid", "nonce": "n", **Pkce().params(), "claims": claims_param(other)}
    step = browser.follow(browser.authorize(rp, state="a", **base))
    assert isinstance(step, Callback), step.text[:2000]
    assert_callback_error(server, step, "access_denied", state="a")
    step = browser.follow(browser.authorize(rp, state="b", prompt="none", **base))
    assert_callback_error(server, step, "login_required", state="b")


def test_a_sub_value_of_the_signed_in_user_is_answered(server, alice, rp):
    flow = signed_in_flow(server, rp, {"id_token": {"sub": {"value": alice["sub"]}},
                                       "userinfo": {"sub": {"values": ["x", alice["sub"]]}}})
    assert flow["id_claims"]["sub"] == alice["sub"]


def test_a_pairwise_client_names_the_sub_it_sees(server, alice):
    client = make_rp(server, subject_type="pairwise")
    flow = full_flow(server, client)
    seen = verify_id_token(server, client, flow["tokens"], flow["nonce"])["sub"]
    assert seen != alice["sub"]
    browser = flow["browser"]
    step = browser.follow(browser.authorize(
        client, scope="openid", state="own", nonce="n", **Pkce().params(),
        claims=claims_param({"id_token": {"sub": {"value": alice["sub"]}}})))
    assert_callback_error(server, step, "access_denied", state="own")
    callback = browser.run(browser.authorize(
        client, scope="openid", state="seen", nonce="n", **Pkce().params(),
        claims=claims_param({"id_token": {"sub": {"value": seen}}})))
    assert callback.params.get("code"), callback.params


def test_a_sub_value_refused_after_a_fresh_login(server, alice, rp):
    browser = Browser(server)
    other = claims_param({"userinfo": {"sub": {"value": "nobody"}}})
    callback = browser.run(browser.authorize(rp, scope="openid", state="c", nonce="n",
                                             **Pkce().params(), claims=other))
    # the sub is judged once the user has allowed the client (below)
    assert callback.logged_in and callback.consented
    assert_callback_error(server, callback, "access_denied", state="c")


def test_a_client_not_allowed_cannot_probe_who_is_signed_in(server, alice, rp):
    """Before the user has allowed a client anything, prompt=none with a sub
    value answers consent_required whether the sub is the signed-in user's
    or not: the answer must not tell the client who is signed in."""
    browser = full_flow(server, rp)["browser"]
    stranger = make_rp(server, name="Stranger")
    answers = []
    for sub in (alice["sub"], "someone-else"):
        step = browser.follow(browser.authorize(
            stranger, scope="openid", state="p", nonce="n", prompt="none", **Pkce().params(),
            claims=claims_param({"id_token": {"sub": {"value": sub}}})))
        assert isinstance(step, Callback), step.text[:2000]
        answers.append((step.params.get("error"), step.params.get("error_description")))
    assert answers[0] == answers[1]
    assert answers[0][0] == "consent_required"


def test_an_essential_acr_with_unknown_values_cannot_be_met(server, rp):
    browser = Browser(server)
    acr = {"id_token": {"acr": {"essential": True, "values": ["urn:example:loa:3"]}}}
    step = browser.follow(browser.authorize(rp, scope="openid", state="acr", nonce="n",
                                            **Pkce().params(), claims=claims_param(acr)))
    assert isinstance(step, Callback), step.text[:2000]
    assert_callback_error(server, step, "access_denied", state="acr")


def test_a_voluntary_acr_is_no_error(server, alice, rp):
    # a voluntary acr is answered with the level the sign-in reached
    flow = signed_in_flow(server, rp, {"id_token": {"acr": {"values": ["urn:example:loa:3"]}}})
    assert flow["id_claims"]["acr"] == "urn:oidcd:acr:pwd"


def test_unknown_names_and_claims_of_unregistered_scopes_are_ignored(server, alice):
    client = make_rp(server, scope="openid email")
    browser, pkce = Browser(server), Pkce()
    asked = {"userinfo": {"favourite_colour": None, "email": {"value": "x@example.org"},
                          "phone_number": None}}
    query = {"scope": "openid", "state": "u", "nonce": "n", **pkce.params(),
             "claims": claims_param(asked)}
    page = browser.follow(browser.login(browser.follow(browser.authorize(client, **query))))
    assert consent_form(page) is not None
    assert listed_claims(page) == ["email"]
    callback = browser.run(browser.consent(page))
    resp = redeem(server, client, callback.params["code"], verifier=pkce.verifier)
    assert resp.status_code == 200, resp.text
    info = userinfo(server, resp.json()["access_token"]).json()
    # a value is a hint: the user's real one is released
    assert info == {"sub": alice["sub"], "email": ALICE_CLAIMS["email"]}


def test_without_openid_the_claims_parameter_is_ignored(server, alice):
    client = make_rp(server, scope="email read")
    flow = full_flow(server, client, scope="read", claims="not even json")
    assert "id_token" not in flow["tokens"]


# -- implicit and hybrid -------------------------------------------------------


@pytest.fixture
def hybrid(server):
    return make_rp(server, name="Hybrid RP", grant_types="authorization_code,implicit",
                   response_types="code,id_token,id_token token,code id_token")


def front_channel(server, client, response_type, claims):
    browser = Browser(server)
    query = {"response_type": response_type, "scope": "openid", "state": secrets.token_urlsafe(8),
             "nonce": secrets.token_urlsafe(8), "claims": claims_param(claims)}
    step = browser.run(browser.get(server.url("/authorize"), params={
        "client_id": client["client_id"], "redirect_uri": RP, **query}))
    if not isinstance(step, Callback):
        step = form_post_callback(browser, step)
    assert "error" not in step.params, step.params
    _, id_claims = verify_jwt(step.params["id_token"], server.jwks())
    assert id_claims["nonce"] == query["nonce"]
    return step, id_claims


def test_implicit_id_token_releases_the_id_token_claims(server, alice, hybrid):
    _, id_claims = front_channel(server, hybrid, "id_token",
                                 {"id_token": {"email": None}, "userinfo": {"name": None}})
    assert id_claims["email"] == ALICE_CLAIMS["email"]
    assert "name" not in id_claims


def test_implicit_access_token_releases_the_userinfo_claims(server, alice, hybrid):
    step, id_claims = front_channel(server, hybrid, "id_token token",
                                    {"userinfo": {"name": None}})
    assert "name" not in id_claims
    info = userinfo(server, step.params["access_token"]).json()
    assert info == {"sub": alice["sub"], "name": ALICE_CLAIMS["name"]}


def test_hybrid_front_and_back_id_tokens_carry_the_claims(server, alice, hybrid):
    step, id_claims = front_channel(server, hybrid, "code id_token", {"id_token": {"email": None}})
    assert id_claims["email"] == ALICE_CLAIMS["email"]
    resp = redeem(server, hybrid, step.params["code"])
    assert resp.status_code == 200, resp.text
    _, back = verify_jwt(resp.json()["id_token"], server.jwks())
    assert back["email"] == ALICE_CLAIMS["email"]
