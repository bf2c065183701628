"""Resource indicators at /authorize (RFC 8707 §2, §2.2): the resources an
authorization request names are checked there (invalid_target redirected to
the client), bound to the code and its refresh tokens, and every access token
of the grant is for them only: its aud is theirs and its scope cut to theirs;
a resource at /token must be one the request named (issue 10 §1)."""

import secrets

import pytest

from conftest import assert_oauth_error, verify_jwt
from signin_support import (Browser, Pkce, alice, assert_callback_error,  # noqa: F401
                            full_flow, redeem, userinfo, verify_id_token)
from signin_support import BOOKS, FILMS, create_apis

GRANTS = "authorization_code,refresh_token"
RP_SCOPE = "openid profile offline_access read_books add_books read_films"


@pytest.fixture
def apis(server):
    create_apis(server)
    return server


@pytest.fixture
def rp(apis):
    return apis.create_client(name="Library", scope=RP_SCOPE, redirect_uri=["http://127.0.0.1:9/cb"],
                              grant_types=GRANTS)


def access_claims(server, tokens):
    header, claims = verify_jwt(tokens["access_token"], server.jwks())
    assert header["typ"] == "at+jwt", header
    return claims


def refresh(server, client, token, **extra):
    data = {"grant_type": "refresh_token", "refresh_token": token, **extra}
    return server.post_token(data, auth=(client["client_id"], client["client_secret"]))


def signed_in(server, client, scope, **params):
    """A browser that signed in and consented (so the request went through
    /login and /consent), and the code exchanged without resource."""
    flow = full_flow(server, client, scope=scope, **params)
    assert flow["callback"].logged_in and flow["callback"].consented
    return flow


def code_for(server, client, scope, **params):
    """Sign in and stop at the code: (code, pkce)."""
    pk = Pkce()
    browser = Browser(server)
    state = secrets.token_urlsafe(8)
    callback = browser.run(browser.authorize(client, scope=scope, state=state, **pk.params(),
                                             **params))
    assert callback.params.get("state") == state and "code" in callback.params, callback.params
    return callback.params["code"], pk


# -- the code's token ---------------------------------------------------------------


def test_resource_at_authorize_sets_aud_and_cuts_the_scope(apis, rp, alice):
    flow = signed_in(apis, rp, "openid read_books read_films", resource=BOOKS)
    tokens = flow["tokens"]
    assert tokens["scope"] == "read_books"
    claims = access_claims(apis, tokens)
    assert claims["aud"] == BOOKS and claims["scope"] == "read_books"
    # the ID token is still for the client
    id_claims = verify_id_token(apis, rp, tokens, flow["nonce"], alice)
    assert id_claims["aud"] == rp["client_id"]


def test_several_resources_at_authorize_give_an_array_audience(apis, rp, alice):
    flow = signed_in(apis, rp, "openid read_books add_books read_films profile",
                     resource=[BOOKS, FILMS])
    tokens = flow["tokens"]
    assert tokens["scope"] == "read_books add_books read_films"
    claims = access_claims(apis, tokens)
    assert sorted(claims["aud"]) == [BOOKS, FILMS]


def test_resource_at_token_picks_one_of_those_named_at_authorize(apis, rp, alice):
    code, pk = code_for(apis, rp, "openid read_books read_films", resource=[BOOKS, FILMS])
    resp = redeem(apis, rp, code, verifier=pk.verifier, resource=FILMS)
    assert resp.status_code == 200, resp.text
    assert resp.json()["scope"] == "read_films"
    claims = access_claims(apis, resp.json())
    assert claims["aud"] == FILMS and claims["scope"] == "read_films"
    assert "id_token" in resp.json()


def test_resource_at_token_not_named_at_authorize_is_invalid_target(apis, rp, alice):
    code, pk = code_for(apis, rp, "openid read_books read_films", resource=BOOKS)
    resp = redeem(apis, rp, code, verifier=pk.verifier, resource=FILMS)
    assert_oauth_error(resp, 400, "invalid_target")
    # the code is used up: it never yields a token for another resource
    again = redeem(apis, rp, code, verifier=pk.verifier)
    assert_oauth_error(again, 400, "invalid_grant")
    code, pk = code_for(apis, rp, "openid read_books read_films", resource=BOOKS)
    both = redeem(apis, rp, code, verifier=pk.verifier, resource=[BOOKS, FILMS])
    assert_oauth_error(both, 400, "invalid_target")


def test_without_resource_at_authorize_the_token_is_as_before(apis, rp, alice):
    flow = signed_in(apis, rp, "openid read_books read_films")
    tokens = flow["tokens"]
    assert tokens["scope"] == "openid read_books read_films"
    assert sorted(access_claims(apis, tokens)["aud"]) == [BOOKS, FILMS]
    assert userinfo(apis, tokens["access_token"]).status_code == 200
    # a resource at /token narrows such a grant as at client_credentials
    code, pk = code_for(apis, rp, "openid read_books read_films")
    resp = redeem(apis, rp, code, verifier=pk.verifier, resource=BOOKS)
    assert resp.status_code == 200, resp.text
    assert access_claims(apis, resp.json())["aud"] == BOOKS
    assert resp.json()["scope"] == "read_books"


def test_a_token_for_a_resource_does_not_open_userinfo(apis, rp, alice):
    tokens = signed_in(apis, rp, "openid profile read_books", resource=BOOKS)["tokens"]
    assert tokens["scope"] == "read_books"
    assert userinfo(apis, tokens["access_token"]).status_code == 403


# -- /authorize refuses ---------------------------------------------------------------


@pytest.mark.parametrize("target", [
    "https://unknown.example.com",  # not registered
    FILMS,                          # the request's scope holds none of its scopes
    BOOKS + "#frag",                # a fragment
    "books",                        # not absolute
])
def test_a_resource_the_client_may_not_ask_for_is_redirected_invalid_target(apis, rp, alice,
                                                                             target):
    browser = Browser(apis)
    state = secrets.token_urlsafe(8)
    resp = browser.authorize(rp, scope="openid read_books", state=state, resource=[BOOKS, target],
                             **Pkce().params())
    callback = browser.follow(resp)
    assert_callback_error(apis, callback, "invalid_target", state)
    assert "resource" in callback.params["error_description"]
    assert apis.is_healthy()


def test_a_resource_outside_the_clients_scope_is_invalid_target(apis, alice):
    narrow = apis.create_client(name="Books only", scope="openid read_books",
                                redirect_uri=["http://127.0.0.1:9/cb"],
                                grant_types="authorization_code")
    browser = Browser(apis)
    resp = browser.authorize(narrow, scope="openid read_books read_films", state="s1",
                             resource=FILMS, **Pkce().params())
    assert_callback_error(apis, browser.follow(resp), "invalid_target", "s1")


def test_invalid_target_also_with_a_live_session(apis, rp, alice):
    flow = signed_in(apis, rp, "openid read_books", resource=BOOKS)
    browser = flow["browser"]
    resp = browser.authorize(rp, scope="openid read_books", state="s2",
                             resource="https://elsewhere.example.com", **Pkce().params())
    assert_callback_error(apis, browser.follow(resp), "invalid_target", "s2")


# -- refresh --------------------------------------------------------------------------


def test_refresh_keeps_the_resources_of_the_authorization_request(apis, rp, alice):
    flow = signed_in(apis, rp, "openid offline_access read_books read_films", resource=BOOKS)
    first = flow["tokens"]
    assert first["scope"] == "read_books" and first.get("refresh_token")
    resp = refresh(apis, rp, first["refresh_token"])
    assert resp.status_code == 200, resp.text
    second = resp.json()
    assert second["scope"] == "read_books" and "id_token" in second
    assert access_claims(apis, second)["aud"] == BOOKS
    # another resource is refused, and the refresh token is not spent by it
    other = refresh(apis, rp, second["refresh_token"], resource=FILMS)
    assert_oauth_error(other, 400, "invalid_target")
    narrowed = refresh(apis, rp, second["refresh_token"], scope="openid read_films")
    assert_oauth_error(narrowed, 400, "invalid_target")
    resp = refresh(apis, rp, second["refresh_token"], resource=BOOKS)
    assert resp.status_code == 200, resp.text
    assert access_claims(apis, resp.json())["aud"] == BOOKS
    # and the successor still holds the restriction
    later = refresh(apis, rp, resp.json()["refresh_token"])
    assert later.status_code == 200, later.text
    assert access_claims(apis, later.json())["aud"] == BOOKS


def test_refresh_picks_one_of_several_resources(apis, rp, alice):
    first = signed_in(apis, rp, "openid offline_access read_books read_films",
                      resource=[BOOKS, FILMS])["tokens"]
    assert sorted(access_claims(apis, first)["aud"]) == [BOOKS, FILMS]
    resp = refresh(apis, rp, first["refresh_token"], resource=FILMS)
    assert resp.status_code == 200, resp.text
    assert resp.json()["scope"] == "read_films"
    assert access_claims(apis, resp.json())["aud"] == FILMS
    # a narrower scope keeps the named resources that own part of it
    resp = refresh(apis, rp, resp.json()["refresh_token"], scope="offline_access read_books")
    assert resp.status_code == 200, resp.text
    assert resp.json()["scope"] == "read_books"
    assert access_claims(apis, resp.json())["aud"] == BOOKS


def test_the_resources_are_stored_with_the_code_and_the_refresh_token(apis, rp, alice):
    signed_in(apis, rp, "openid offline_access read_books read_films", resource=[FILMS, BOOKS])
    codes = apis.db_rows("SELECT resource FROM auth_codes")
    refresh_tokens = apis.db_rows("SELECT resource FROM refresh_tokens")
    assert codes == [(f"{FILMS} {BOOKS}",)]
    assert refresh_tokens == [(f"{FILMS} {BOOKS}",)]
