"""A real relying party: authlib's OAuth 2 client (Debian python3-authlib)
signs in knowing only the issuer's discovery document, with PKCE S256; the
ID token is checked by authlib's own OIDC rules (CodeIDToken: iss, aud, exp,
nonce, at_hash), then userinfo is fetched with the token authlib holds."""

import secrets

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt
from authlib.oidc.core import CodeIDToken

from conftest import HTTP_TIMEOUT
from signin_support import ALICE_CLAIMS, RP, Browser, make_public_rp, make_rp, make_user


def discover(server):
    resp = requests.get(server.url("/.well-known/openid-configuration"), timeout=HTTP_TIMEOUT)
    assert resp.status_code == 200
    return resp.json()


def sign_in_with_authlib(server, client_id, client_secret, scope, **session_kwargs):
    doc = discover(server)
    session = OAuth2Session(client_id, client_secret, scope=scope, redirect_uri=RP,
                            code_challenge_method="S256", **session_kwargs)
    verifier = generate_token(64)
    nonce = secrets.token_urlsafe(16)
    url, state = session.create_authorization_url(doc["authorization_endpoint"],
                                                  code_verifier=verifier, nonce=nonce)
    browser = Browser(server)
    callback = browser.run(browser.get(url))
    assert callback.params.get("iss") == doc["issuer"]
    token = session.fetch_token(doc["token_endpoint"], authorization_response=callback.url,
                                state=state, code_verifier=verifier, timeout=HTTP_TIMEOUT)
    keys = JsonWebKey.import_key_set(requests.get(doc["jwks_uri"], timeout=HTTP_TIMEOUT).json())
    claims = jwt.decode(token["id_token"], keys, claims_cls=CodeIDToken,
                        claims_options={"iss": {"essential": True, "value": doc["issuer"]}},
                        claims_params={"nonce": nonce, "client_id": client_id,
                                       "access_token": token["access_token"]})
    claims.validate(leeway=5)
    return doc, session, token, claims


def test_authlib_confidential_client(server):
    alice = make_user(server)
    rp = make_rp(server)
    doc, session, token, claims = sign_in_with_authlib(
        server, rp["client_id"], rp["client_secret"], "openid email profile")
    assert claims["sub"] == alice["sub"]
    info = session.get(doc["userinfo_endpoint"], timeout=HTTP_TIMEOUT)
    assert info.status_code == 200, info.text
    body = info.json()
    assert body["sub"] == alice["sub"]
    assert body["email"] == ALICE_CLAIMS["email"]
    assert body["name"] == ALICE_CLAIMS["name"]
    assert "phone_number" not in body


def test_authlib_public_client(server):
    alice = make_user(server)
    app = make_public_rp(server)
    doc, session, token, claims = sign_in_with_authlib(
        server, app["client_id"], None, "openid", token_endpoint_auth_method="none")
    info = session.get(doc["userinfo_endpoint"], timeout=HTTP_TIMEOUT).json()
    assert info == {"sub": alice["sub"]}
