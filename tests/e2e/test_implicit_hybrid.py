"""Implicit and hybrid flows (OpenID Connect Core §3.2, §3.3; OAuth 2.0
Multiple Response Type Encoding Practices; Form Post Response Mode): every
response type by fragment and form_post, query refused, nonce required, the
client's registration, at_hash and c_hash computed here, the ID token's
signature checked with jwcrypto against /jwks, errors by fragment with state
and iss, and the hybrid code redeemed at /token."""

import secrets
import time
import urllib.parse

import pytest

from conftest import verify_jwt
from signin_support import alice, rp  # noqa: F401 (fixtures)
from signin_support import BOOKS, FILMS, create_apis
from signin_support import (ALICE_CLAIMS, ALL_SCOPES, RP, Browser, Callback, Pkce,
                            assert_callback_error, form_post_callback, left_half_hash, make_public_rp, make_rp,
                            make_user, redeem, userinfo, verify_id_token)

ALL_TYPES = "code,id_token,id_token token,code id_token,code token,code id_token token"
FRONT_TYPES = ["id_token", "id_token token", "code id_token", "code token",
               "code id_token token"]


@pytest.fixture
def hybrid(server):
    """A confidential client registered for every response type."""
    return make_rp(server, name="Hybrid RP", grant_types="authorization_code,implicit,"
                   "refresh_token", response_types=ALL_TYPES)


def start(server, client, browser=None, **params):
    """An authorize request with a fresh state and nonce (None drops one)."""
    browser = browser or Browser(server)
    query = {"scope": "openid email profile", "state": secrets.token_urlsafe(12),
             "nonce": secrets.token_urlsafe(12), **params}
    query = {k: v for k, v in query.items() if v is not None}
    return browser, query, browser.authorize(client, **query)


def sign_in(server, client, browser=None, **params):
    """Signs alice in through login and consent; (callback, query)."""
    browser, query, resp = start(server, client, browser, **params)
    return browser.run(resp), query


def straight_back(server, client, browser=None, **params):
    """An authorize request answered at once (an error, or a live session)."""
    browser, query, resp = start(server, client, browser, **params)
    step = browser.follow(resp)
    if not isinstance(step, Callback):
        step = form_post_callback(browser, step)
    return step, query


def check_id_token(server, client, callback, query):
    """The ID token of the callback: signature against /jwks, iss, aud, exp,
    nonce, auth_time, sid, amr, and at_hash / c_hash computed here."""
    token = callback.params["id_token"]
    header, claims = verify_jwt(token, server.jwks())
    assert header["alg"] != "none"
    now = time.time()
    assert claims["iss"] == server.issuer
    assert claims["aud"] == client["client_id"]
    assert claims["exp"] > now and claims["iat"] <= now + 5
    assert claims["nonce"] == query["nonce"]
    assert isinstance(claims["auth_time"], int) and claims["auth_time"] <= now + 5
    assert claims["sid"]
    assert claims["amr"] == ["pwd"]
    if "access_token" in callback.params:
        assert claims["at_hash"] == left_half_hash(callback.params["access_token"], header["alg"])
    else:
        assert "at_hash" not in claims
    if "code" in callback.params:
        assert claims["c_hash"] == left_half_hash(callback.params["code"], header["alg"])
    else:
        assert "c_hash" not in claims
    return claims


@pytest.mark.parametrize("mode", ["fragment", "form_post"])
@pytest.mark.parametrize("response_type", FRONT_TYPES)
def test_each_response_type(server, alice, hybrid, response_type, mode):
    extra = {"response_mode": "form_post"} if mode == "form_post" else {}
    callback, query = sign_in(server, hybrid, response_type=response_type, **extra)
    assert callback.mode == mode
    assert callback.base == RP
    p = callback.params
    assert "error" not in p, p
    assert p["state"] == query["state"] and p["iss"] == server.issuer
    if mode == "fragment":  # nothing in the query: tokens never travel there
        assert urllib.parse.urlsplit(callback.url).query == ""
    words = set(response_type.split())
    assert ("code" in p) == ("code" in words)
    assert ("access_token" in p) == ("token" in words)
    assert ("id_token" in p) == ("id_token" in words)
    assert "refresh_token" not in p  # never from the front channel
    if "code" in words:
        assert len(p["code"]) >= 43
    if "token" in words:
        assert p["token_type"] == "Bearer"
        assert int(p["expires_in"]) == 3600
        assert p["scope"].split() == ["openid", "email", "profile"]
        resp = userinfo(server, p["access_token"])
        assert resp.status_code == 200, resp.text
        assert resp.json()["sub"] == alice["sub"]
    else:
        assert "token_type" not in p and "expires_in" not in p
    if "id_token" in words:
        claims = check_id_token(server, hybrid, callback, query)
        assert claims["sub"] == alice["sub"]


def test_words_may_come_in_any_order(server, alice, hybrid):
    callback, query = sign_in(server, hybrid, response_type="token id_token code")
    assert {"code", "access_token", "id_token"} <= set(callback.params)
    check_id_token(server, hybrid, callback, query)


def test_id_token_alone_carries_the_claims_of_its_scopes(server, alice, hybrid):
    callback, query = sign_in(server, hybrid, response_type="id_token",
                              scope="openid email profile")
    claims = check_id_token(server, hybrid, callback, query)
    for name in ("email", "email_verified", "name", "given_name", "family_name",
                 "preferred_username"):
        assert claims[name] == ALICE_CLAIMS[name], name
    assert "phone_number" not in claims and "address" not in claims


def test_id_token_with_access_token_leaves_claims_to_userinfo(server, alice, hybrid):
    callback, query = sign_in(server, hybrid, response_type="id_token token")
    claims = check_id_token(server, hybrid, callback, query)
    assert "email" not in claims and "name" not in claims
    assert userinfo(server, callback.params["access_token"]).json()["email"] == \
        ALICE_CLAIMS["email"]


@pytest.mark.parametrize("response_type", ["code id_token", "code token", "code id_token token"])
def test_hybrid_code_redeems_at_token(server, alice, hybrid, response_type):
    callback, query = sign_in(server, hybrid, response_type=response_type,
                              scope="openid email offline_access")
    front = callback.params
    resp = redeem(server, hybrid, front["code"])
    assert resp.status_code == 200, resp.text
    tokens = resp.json()
    # the new ID token: at_hash of the new access token, the nonce carried
    claims = verify_id_token(server, hybrid, tokens, query["nonce"], alice)
    assert tokens["access_token"] != front.get("access_token")
    assert "refresh_token" in tokens  # the back channel may give one
    if "id_token" in front:
        front_claims = check_id_token(server, hybrid, callback, query)
        assert front_claims["sub"] == claims["sub"]
        assert front_claims["sid"] == claims["sid"]
    # single use, as any code
    again = redeem(server, hybrid, front["code"])
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


@pytest.mark.parametrize("response_type", ["code token", "code id_token token"])
@pytest.mark.parametrize("format", ["jwt", "opaque"])
def test_hybrid_code_replay_revokes_the_front_access_token(server, alice, response_type, format):
    """RFC 6749 §4.1.2: a code used twice revokes what it was issued with,
    the access token /authorize sent beside it included."""
    client = make_rp(server, grant_types="authorization_code,implicit", response_types=ALL_TYPES,
                     access_token_format=format)
    callback, _ = sign_in(server, client, response_type=response_type)
    front = callback.params["access_token"]
    assert userinfo(server, front).status_code == 200
    first = redeem(server, client, callback.params["code"])
    assert first.status_code == 200, first.text
    assert userinfo(server, front).status_code == 200  # one redemption revokes nothing
    again = redeem(server, client, callback.params["code"])
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    assert userinfo(server, front).status_code == 401
    assert userinfo(server, first.json()["access_token"]).status_code == 401


def test_code_may_go_by_fragment(server, alice, hybrid):
    """OAuth 2.0 Multiple Response Type Encoding Practices §2.1: response_mode
    fragment with response_type code puts the code in the fragment, through
    the login and consent pages too."""
    callback, query = sign_in(server, hybrid, response_type="code", response_mode="fragment",
                              nonce=None)
    assert callback.mode == "fragment"
    assert urllib.parse.urlsplit(callback.url).query == ""
    p = callback.params
    assert p["state"] == query["state"] and p["iss"] == server.issuer
    assert "access_token" not in p and "id_token" not in p
    resp = redeem(server, hybrid, p["code"])
    assert resp.status_code == 200, resp.text


def test_hybrid_code_is_bound_to_its_redirect_uri(server, alice, hybrid):
    callback, _ = sign_in(server, hybrid, response_type="code id_token")
    resp = redeem(server, hybrid, callback.params["code"], redirect_uri=RP + "/other")
    assert resp.status_code == 400 and resp.json()["error"] == "invalid_grant"


def test_response_too_large_for_a_redirect_is_a_server_error_by_fragment(server, hybrid):
    """An ID token whose claims do not fit a Location: the client still gets
    an answer, a small server_error through the same channel; form_post has
    no such limit."""
    big = {name: name[0] * 1000 for name in ("name", "given_name", "family_name",
                                              "middle_name", "nickname")}
    big["address"] = {name: name[0] * 1000 for name in ("formatted", "street_address",
                                                        "locality", "region", "country")}
    make_user(server, claims={**ALICE_CLAIMS, **big})
    scope = "openid profile address"
    callback, query = sign_in(server, hybrid, response_type="id_token", scope=scope)
    assert callback.mode == "fragment"
    assert_callback_error(server, callback, "server_error", query["state"])
    assert "id_token" not in callback.params
    assert "too large" in server.log_text()
    callback, query = sign_in(server, hybrid, response_type="id_token", scope=scope,
                              response_mode="form_post")
    assert callback.mode == "form_post"
    claims = check_id_token(server, hybrid, callback, query)
    assert claims["name"] == big["name"] and claims["address"] == big["address"]


# -- errors, the way the success would have gone ---------------------------------


@pytest.mark.parametrize("response_type", FRONT_TYPES)
def test_query_mode_is_refused(server, hybrid, response_type):
    callback, query = straight_back(server, hybrid, response_type=response_type,
                                    response_mode="query")
    assert callback.mode == "fragment"
    assert_callback_error(server, callback, "invalid_request", query["state"])
    assert "fragment or form_post" in callback.params["error_description"]


@pytest.mark.parametrize("response_type", ["token", "code token token", "id_token code code",
                                           "token device"])
def test_unsupported_type_naming_a_token_is_refused_by_fragment(server, hybrid, response_type):
    """RFC 6749 §4.2.2.1: the errors of a token response go in the fragment,
    even when the type is not one served."""
    callback, query = straight_back(server, hybrid, response_type=response_type)
    assert callback.mode == "fragment"
    assert urllib.parse.urlsplit(callback.url).query == ""
    assert_callback_error(server, callback, "unsupported_response_type", query["state"])


def test_unsupported_type_naming_no_token_is_refused_by_query(server, hybrid):
    callback, query = straight_back(server, hybrid, response_type="device tokens")
    assert callback.mode == "query"
    assert_callback_error(server, callback, "unsupported_response_type", query["state"])


@pytest.mark.parametrize("response_type", ["id_token", "id_token token", "code id_token",
                                           "code id_token token"])
@pytest.mark.parametrize("mode", ["fragment", "form_post"])
def test_nonce_is_required_with_id_token(server, hybrid, response_type, mode):
    extra = {"response_mode": "form_post"} if mode == "form_post" else {}
    callback, query = straight_back(server, hybrid, response_type=response_type, nonce=None,
                                    **extra)
    assert callback.mode == mode
    assert_callback_error(server, callback, "invalid_request", query["state"])
    assert "nonce" in callback.params["error_description"]


def test_code_token_needs_no_nonce(server, alice, hybrid):
    callback, _ = sign_in(server, hybrid, response_type="code token", nonce=None)
    assert "code" in callback.params and "access_token" in callback.params
    assert "id_token" not in callback.params


def test_id_token_needs_openid(server, hybrid):
    callback, query = straight_back(server, hybrid, response_type="id_token", scope="email")
    assert_callback_error(server, callback, "invalid_request", query["state"])


@pytest.mark.parametrize("response_type", FRONT_TYPES)
def test_client_not_registered_for_the_type(server, rp, response_type):
    callback, query = straight_back(server, rp, response_type=response_type)
    assert callback.mode == "fragment"
    assert_callback_error(server, callback, "unauthorized_client", query["state"])


def test_client_registered_for_another_front_type(server):
    client = make_rp(server, grant_types="implicit", response_types="id_token")
    callback, query = straight_back(server, client, response_type="id_token token")
    assert callback.mode == "fragment"
    assert_callback_error(server, callback, "unauthorized_client", query["state"])


def test_prompt_none_without_session_is_login_required_by_fragment(server, alice, hybrid):
    callback, query = straight_back(server, hybrid, response_type="id_token token",
                                    prompt="none")
    assert callback.mode == "fragment"
    assert_callback_error(server, callback, "login_required", query["state"])


def test_prompt_none_needing_consent_is_consent_required_by_fragment(server, alice, hybrid):
    browser = Browser(server)
    sign_in(server, hybrid, browser=browser, response_type="id_token", scope="openid")
    callback, query = straight_back(server, hybrid, browser=browser, response_type="id_token",
                                    scope="openid phone", prompt="none")
    assert callback.mode == "fragment"
    assert_callback_error(server, callback, "consent_required", query["state"])


def test_prompt_none_with_session_and_consent_answers_at_once(server, alice, hybrid):
    browser = Browser(server)
    sign_in(server, hybrid, browser=browser, response_type="id_token")
    callback, query = straight_back(server, hybrid, browser=browser, response_type="id_token",
                                    prompt="none")
    assert callback.mode == "fragment"
    check_id_token(server, hybrid, callback, query)


def test_deny_is_access_denied_by_form_post(server, alice, hybrid):
    browser, query, resp = start(server, hybrid, response_type="code id_token token",
                                 response_mode="form_post")
    callback = browser.run(resp, decision="deny")
    assert callback.mode == "form_post"
    assert_callback_error(server, callback, "access_denied", query["state"])
    assert "access_token" not in callback.params and "id_token" not in callback.params


# -- public clients ---------------------------------------------------------------


def test_public_client_implicit_needs_no_pkce(server, alice):
    spa = make_public_rp(server, grant_types="implicit", response_types="id_token token")
    callback, query = sign_in(server, spa, response_type="id_token token")
    check_id_token(server, spa, callback, query)
    assert userinfo(server, callback.params["access_token"]).status_code == 200


def test_public_client_hybrid_code_still_needs_pkce(server, alice):
    spa = make_public_rp(server, grant_types="authorization_code,implicit",
                         response_types="code id_token")
    callback, query = straight_back(server, spa, response_type="code id_token")
    assert_callback_error(server, callback, "invalid_request", query["state"])
    pk = Pkce()
    callback, query = sign_in(server, spa, response_type="code id_token", **pk.params())
    check_id_token(server, spa, callback, query)
    resp = redeem(server, spa, callback.params["code"], verifier=pk.verifier)
    assert resp.status_code == 200, resp.text


def test_public_client_not_registered_for_implicit_is_refused(server):
    spa = make_public_rp(server)
    callback, query = straight_back(server, spa, response_type="id_token token")
    assert_callback_error(server, callback, "unauthorized_client", query["state"])


# -- the access token's format is the client's --------------------------------


def test_opaque_access_token_when_the_client_asks_for_it(server, alice):
    client = make_rp(server, grant_types="implicit", response_types="id_token token",
                     access_token_format="opaque")
    callback, query = sign_in(server, client, response_type="id_token token")
    token = callback.params["access_token"]
    assert token.count(".") == 0
    assert int(callback.params["expires_in"]) == 3600
    check_id_token(server, client, callback, query)
    assert userinfo(server, token).status_code == 200


def test_bad_input_is_logged_and_the_server_keeps_serving(server, hybrid):
    callback, query = straight_back(server, hybrid, response_type="id_token id_token")
    assert callback.mode == "fragment"  # not a response type, but it names id_token
    assert_callback_error(server, callback, "unsupported_response_type", query["state"])
    assert server.get("/healthz").status_code == 200
    assert "unsupported_response_type" in server.log_text()


def test_no_token_or_code_in_the_log(server, alice, hybrid):
    callback, _ = sign_in(server, hybrid, response_type="code id_token token")
    log = server.log_text()
    for name in ("code", "access_token", "id_token"):
        assert callback.params[name] not in log, name
    # nor the signature part alone of a JWT
    assert callback.params["id_token"].rsplit(".", 1)[1] not in log


# -- resources (RFC 8707): the front channel's token is aimed as the code's -------

@pytest.fixture
def library(server):
    create_apis(server)
    return make_rp(server, name="Library", scope="openid email read_books read_films",
                   grant_types="authorization_code,implicit", response_types=ALL_TYPES)


@pytest.mark.parametrize("resource", [None, BOOKS])
def test_access_token_is_aimed_as_the_codes(server, alice, library, resource):
    callback, query = sign_in(server, library, response_type="code token",
                              scope="openid read_books read_films", resource=resource)
    front = callback.params
    _, front_claims = verify_jwt(front["access_token"], server.jwks())
    tokens = redeem(server, library, front["code"]).json()
    _, back_claims = verify_jwt(tokens["access_token"], server.jwks())
    assert front_claims["aud"] == back_claims["aud"]
    assert front_claims["scope"] == back_claims["scope"] == front["scope"] == tokens["scope"]
    if resource:
        assert front_claims["aud"] == BOOKS and front["scope"] == "read_books"
    else:
        assert sorted(front_claims["aud"]) == sorted([BOOKS, FILMS])


def test_resource_with_implicit_keeps_the_id_token_for_the_client(server, alice, library):
    callback, query = sign_in(server, library, response_type="id_token token",
                              scope="openid read_books", resource=BOOKS)
    _, at = verify_jwt(callback.params["access_token"], server.jwks())
    assert at["aud"] == BOOKS
    check_id_token(server, library, callback, query)


def test_unknown_resource_is_invalid_target_by_fragment(server, library):
    callback, query = straight_back(server, library, response_type="id_token token",
                                    scope="openid read_books", resource="https://nope.example")
    assert callback.mode == "fragment"
    assert_callback_error(server, callback, "invalid_target", query["state"])
