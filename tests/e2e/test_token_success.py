"""Successful client_credentials token requests (RFC 6749 §4.4, §5.1; RFC 9068)."""

import base64
import re
import time

from conftest import (assert_oauth_error, basic_header, jwt_header, percent_encode_all,
                      verify_jwt)

BASE64URL_43 = re.compile(r"^[A-Za-z0-9_-]{43,}$")


def assert_token_response(resp, expires_in=3600):
    assert resp.status_code == 200, resp.text
    assert resp.headers["Content-Type"].split(";")[0].strip() == "application/json"
    assert "no-store" in resp.headers.get("Cache-Control", "")
    assert resp.headers.get("Pragma", "").lower() == "no-cache"
    body = resp.json()
    assert body["token_type"] == "Bearer"
    assert isinstance(body["access_token"], str) and body["access_token"]
    assert body["expires_in"] == expires_in
    assert isinstance(body["scope"], str)
    assert "refresh_token" not in body
    return body


def test_token_with_http_basic(server, client):
    body = assert_token_response(server.token_basic(client))
    assert set(body["scope"].split()) == {"read", "write", "admin"}


def test_token_with_client_secret_post(server, post_client):
    body = assert_token_response(server.token_post(post_client))
    assert set(body["scope"].split()) == {"read", "write"}


def test_basic_credentials_are_form_urldecoded(server, client):
    header = basic_header(client["client_id"], client["client_secret"],
                          quote=percent_encode_all)
    resp = server.post_token(headers={"Authorization": header})
    assert_token_response(resp)


def test_basic_secret_with_encoded_dash_authenticates(server):
    # Secrets are base64url: look for one holding a '-' (bounded; if none shows
    # up, the percent-encoded first character still exercises the decoding).
    for attempt in range(12):
        client = server.create_client(name=f"dash{attempt}")
        if "-" in client["client_secret"]:
            break
    secret = client["client_secret"]
    encoded = percent_encode_all(secret[0]) + secret[1:].replace("-", "%2D").replace("_", "%5F")
    raw = f"{client['client_id']}:{encoded}".encode()
    header = "Basic " + base64.b64encode(raw).decode()
    assert_token_response(server.post_token(headers={"Authorization": header}))


def test_basic_credentials_not_decoded_twice(server, client):
    # "%252D" decodes once to "%2D", which is not the secret.
    secret = client["client_secret"]
    raw = f"{client['client_id']}:%25{percent_encode_all(secret[0])[1:]}{secret[1:]}"
    header = "Basic " + base64.b64encode(raw.encode()).decode()
    resp = server.post_token(headers={"Authorization": header})
    assert_oauth_error(resp, 401, "invalid_client")


def test_access_token_is_rs256_jwt(server, client):
    body = assert_token_response(server.token_basic(client))
    token = body["access_token"]
    header = jwt_header(token)
    assert header["typ"] == "at+jwt"
    assert header["alg"] == "RS256"
    jwks = server.jwks()
    assert header["kid"] in [key["kid"] for key in jwks["keys"]]

    _, claims = verify_jwt(token, jwks)
    now = time.time()
    assert claims["iss"] == server.issuer
    assert claims["sub"] == client["client_id"]
    aud = claims["aud"]
    assert aud == client["client_id"] or aud == [client["client_id"]]
    assert claims["client_id"] == client["client_id"]
    assert claims["scope"] == body["scope"]
    assert claims["exp"] - claims["iat"] == body["expires_in"]
    assert abs(claims["iat"] - now) < 60
    assert isinstance(claims["jti"], str) and claims["jti"]


def test_jti_is_unique(server, client):
    first = verify_jwt(server.token_basic(client).json()["access_token"], server.jwks())[1]
    second = verify_jwt(server.token_basic(client).json()["access_token"], server.jwks())[1]
    assert first["jti"] != second["jti"]


def test_tampered_token_does_not_verify(server, client):
    # Guards the helper itself: a modified payload must fail verification.
    token = server.token_basic(client).json()["access_token"]
    header, payload, signature = token.split(".")
    forged = f"{header}.{payload[:-2]}{'AA' if payload[-2:] != 'AA' else 'BB'}.{signature}"
    try:
        verify_jwt(forged, server.jwks())
    except Exception:
        return
    raise AssertionError("forged token verified")


def test_opaque_access_token(server):
    client = server.create_client(name="opaque", access_token_format="opaque")
    assert client["access_token_format"] == "opaque"
    body = assert_token_response(server.token_basic(client))
    token = body["access_token"]
    assert "." not in token
    assert BASE64URL_43.match(token), token
    second = server.token_basic(client).json()["access_token"]
    assert second != token


def test_expires_in_follows_configured_ttl(make_server):
    server = make_server(config={"tokens": {"access_token_ttl": 300}})
    client = server.create_client()
    body = assert_token_response(server.token_basic(client), expires_in=300)
    claims = verify_jwt(body["access_token"], server.jwks())[1]
    assert claims["exp"] - claims["iat"] == 300


# -- scope -----------------------------------------------------------------

def test_scope_subset_is_granted_exactly(server, client):
    body = assert_token_response(server.token_basic(client, scope="write read"))
    assert sorted(body["scope"].split()) == ["read", "write"]
    claims = verify_jwt(body["access_token"], server.jwks())[1]
    assert sorted(claims["scope"].split()) == ["read", "write"]


def test_single_scope_is_granted_exactly(server, client):
    body = assert_token_response(server.token_basic(client, scope="admin"))
    assert body["scope"] == "admin"


def test_no_scope_requested_gets_all_client_scope(server, client):
    body = assert_token_response(server.token_basic(client))
    assert sorted(body["scope"].split()) == ["admin", "read", "write"]
    claims = verify_jwt(body["access_token"], server.jwks())[1]
    assert sorted(claims["scope"].split()) == ["admin", "read", "write"]


def test_unregistered_scope_is_invalid_scope(server, client):
    assert_oauth_error(server.token_basic(client, scope="read delete"), 400, "invalid_scope")


def test_client_without_scope_gets_invalid_scope(server):
    client = server.create_client(name="noscope", scope=None)
    assert client["scope"] in ("", None)
    assert_oauth_error(server.token_basic(client), 400, "invalid_scope")
    assert_oauth_error(server.token_basic(client, scope="read"), 400, "invalid_scope")
