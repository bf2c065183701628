"""Per-client ID token signing algorithm (`--id-token-alg RS256|ES256|HS256`):
ID tokens of the code, refresh and implicit flows verified independently
(jwcrypto) with the published key or, for HS256, the client secret (OpenID
Connect Core §10.1); access tokens keep keys.algorithm; ES256 keys rotate on
their own; the secret of an HS256 client is sealed, never plaintext; an HS256
id_token_hint ends a session at /end-session."""

import json
import secrets
import time

import pytest
from jwcrypto import jwk, jws

from conftest import b64url, flip_signature_byte, jwt_claims_unverified, jwt_header, \
    verify_jwt, wait_until
from signin_support import (RP, Browser, full_flow, make_public_rp, make_rp, make_user,
                            verify_id_token)

RP_LOGOUT = "http://127.0.0.1:9/logged-out"
GRANTS = "authorization_code,implicit,refresh_token"
SCOPE = "openid email offline_access"


@pytest.fixture
def alice(server):
    return make_user(server)


def rp_with(server, alg, **flags):
    """A client whose ID tokens are alg; once the server has the key (a new
    ES256 key shows within a second)."""
    client = make_rp(server, name=f"RP {alg}", grant_types=GRANTS,
                     response_types="code,id_token,id_token token", id_token_alg=alg,
                     post_logout_redirect_uri=RP_LOGOUT, **flags)
    if alg != "HS256" and server.is_running():
        assert wait_until(lambda: alg in {k["alg"] for k in server.jwks()["keys"]})
    return client


def oct_key(secret):
    return jwk.JWK(kty="oct", k=b64url(secret.encode()))


def verify_hs256(token, secret):
    """Verifies with the client secret's octets as the HMAC key; the claims."""
    signed = jws.JWS()
    signed.deserialize(token)
    signed.verify(oct_key(secret), alg="HS256")
    return json.loads(signed.payload)


def assert_signed_as(server, client, token, alg):
    """token is signed with alg by the right key, and by no other."""
    header = jwt_header(token)
    assert header["alg"] == alg, header
    if alg == "HS256":
        assert "kid" not in header
        claims = verify_hs256(token, client["client_secret"])
        with pytest.raises(Exception):
            verify_hs256(token, secrets.token_urlsafe(32))
        with pytest.raises(Exception):
            verify_jwt(token, server.jwks())
        return claims
    _, claims = verify_jwt(token, server.jwks())
    other = jwk.JWK.generate(kty="EC", crv="P-256") if alg == "ES256" else \
        jwk.JWK.generate(kty="RSA", size=2048)
    signed = jws.JWS()
    signed.deserialize(token)
    with pytest.raises(Exception):
        signed.verify(other, alg=alg)
    return claims


def refresh(server, client, token):
    return server.post_token({"grant_type": "refresh_token", "refresh_token": token},
                             auth=(client["client_id"], client["client_secret"]))


# -- each algorithm, each flow ---------------------------------------------------------


@pytest.mark.parametrize("alg", ["RS256", "ES256", "HS256"])
def test_code_and_refresh_id_tokens_follow_the_clients_alg(server, alice, alg):
    client = rp_with(server, alg)
    assert client["id_token_signed_response_alg"] == alg
    flow = full_flow(server, client, scope=SCOPE)
    tokens = flow["tokens"]
    claims = assert_signed_as(server, client, tokens["id_token"], alg)
    assert claims["aud"] == client["client_id"] and claims["nonce"] == flow["nonce"]
    assert claims["sub"] == alice["sub"]
    # access tokens keep keys.algorithm, whatever the client's ID tokens use
    assert jwt_header(tokens["access_token"])["alg"] == "RS256"
    verify_jwt(tokens["access_token"], server.jwks())
    resp = refresh(server, client, tokens["refresh_token"])
    assert resp.status_code == 200, resp.text
    assert_signed_as(server, client, resp.json()["id_token"], alg)


@pytest.mark.parametrize("alg", ["ES256", "HS256"])
def test_implicit_id_token_follows_the_clients_alg(server, alice, alg):
    client = rp_with(server, alg)
    browser = Browser(server)
    nonce = secrets.token_urlsafe(12)
    callback = browser.run(browser.authorize(client, response_type="id_token token",
                                             scope="openid", state="s", nonce=nonce))
    token = callback.params["id_token"]
    claims = assert_signed_as(server, client, token, alg)
    assert claims["nonce"] == nonce


def test_tampered_hs256_id_token_fails(server, alice):
    client = rp_with(server, "HS256")
    token = full_flow(server, client)["tokens"]["id_token"]
    with pytest.raises(Exception):
        verify_hs256(flip_signature_byte(token), client["client_secret"])


# -- keys ---------------------------------------------------------------------------------


def test_es256_key_is_made_with_the_first_es256_client(server, alice):
    assert {k["alg"] for k in server.cli_json("key", "list")} == {"RS256"}
    client = rp_with(server, "ES256")
    assert {k["alg"] for k in server.cli_json("key", "list")} == {"RS256", "ES256"}
    token = full_flow(server, client)["tokens"]["id_token"]
    assert_signed_as(server, client, token, "ES256")


def test_serve_makes_a_key_for_each_clients_alg(make_server):
    server = make_server(start=False)
    make_rp(server, id_token_alg="ES256")  # no keys yet: serve makes both
    server.start()
    assert sorted(k["alg"] for k in server.cli_json("key", "list")) == ["ES256", "RS256"]


def test_es256_rotation_while_rs256_keeps_signing(server, alice):
    es = rp_with(server, "ES256")
    rs = rp_with(server, "RS256")
    keys = server.cli_json("key", "list")
    rs_kid = [k["kid"] for k in keys if k["alg"] == "RS256"][0]
    es_old = [k["kid"] for k in keys if k["alg"] == "ES256"][0]
    result = server.cli("key", "rotate", "--alg", "ES256", "--publish-ahead", "3")
    assert result.returncode == 0, result.stderr
    es_new = [k["kid"] for k in server.cli_json("key", "list")
              if k["kid"] not in (rs_kid, es_old)][0]
    assert wait_until(lambda: es_new in [k["kid"] for k in server.jwks()["keys"]])
    # published ahead: the old ES256 key signs until then
    token = full_flow(server, es)["tokens"]["id_token"]
    assert jwt_header(token)["kid"] == es_old
    time.sleep(3.5)
    browser = Browser(server)
    token = full_flow(server, es, browser=browser)["tokens"]["id_token"]
    assert jwt_header(token)["kid"] == es_new
    assert_signed_as(server, es, token, "ES256")
    # the old ES256 key stays published; RS256 was not rotated
    kids = [k["kid"] for k in server.jwks()["keys"]]
    assert es_old in kids and rs_kid in kids
    flow = full_flow(server, rs)
    assert jwt_header(flow["tokens"]["id_token"])["kid"] == rs_kid
    assert jwt_header(flow["tokens"]["access_token"])["kid"] == rs_kid
    states = {k["kid"]: k["state"] for k in server.cli_json("key", "list")}
    assert states == {rs_kid: "current", es_old: "retired", es_new: "current"}


def test_discovery_lists_every_id_token_alg(server):
    doc = server.get("/.well-known/openid-configuration").json()
    assert set(doc["id_token_signing_alg_values_supported"]) == {"RS256", "ES256", "HS256"}


# -- the CLI -------------------------------------------------------------------------------


def test_cli_refuses_hs256_for_a_public_client(server):
    result = server.cli("client", "create", "--name", "app", "--type", "public",
                        "--redirect-uri", RP, "--id-token-alg", "HS256")
    assert result.returncode == 2, result.stderr
    assert "public" in result.stderr
    public = make_public_rp(server)
    result = server.cli("client", "update", public["client_id"], "--id-token-alg", "HS256")
    assert result.returncode == 2, result.stderr


def test_cli_refuses_an_unknown_alg(server):
    result = server.cli("client", "create", "--name", "x", "--id-token-alg", "none")
    assert result.returncode == 2
    assert "RS256, ES256 or HS256" in result.stderr


def test_switching_to_hs256_needs_a_new_secret(server, alice):
    client = rp_with(server, "RS256")
    result = server.cli("client", "update", client["client_id"], "--id-token-alg", "HS256")
    assert result.returncode == 2
    assert "--rotate-secret" in result.stderr
    assert server.cli_json("client", "show", client["client_id"])[
        "id_token_signed_response_alg"] == "RS256"
    updated = server.cli_json("client", "update", client["client_id"], "--id-token-alg", "HS256",
                              "--rotate-secret")
    assert updated["client_secret"] != client["client_secret"]
    assert updated["id_token_signed_response_alg"] == "HS256"
    client = {**client, "client_secret": updated["client_secret"]}
    time.sleep(1.1)  # the server's client cache
    token = full_flow(server, client)["tokens"]["id_token"]
    assert_signed_as(server, client, token, "HS256")
    # and back: the sealed copy goes
    assert server.cli("client", "update", client["client_id"], "--id-token-alg",
                      "ES256").returncode == 0
    assert sealed_of(server, client) is None


def test_show_and_list_give_the_alg(server):
    client = rp_with(server, "ES256")
    result = server.cli("client", "show", client["client_id"])
    assert "id_token_alg:" in result.stdout and "ES256" in result.stdout
    listed = server.cli_json("client", "list")
    assert [c["id_token_signed_response_alg"] for c in listed] == ["ES256"]


# -- storage ---------------------------------------------------------------------------------


def sealed_of(server, client):
    (row,) = server.db_rows("SELECT secret_sealed, id_token_alg FROM clients WHERE id = ?",
                            (client["client_id"],))
    return row[0]


def test_database_holds_no_plaintext_secret(server):
    rs = rp_with(server, "RS256")
    hs = rp_with(server, "HS256")
    rotated = server.cli_json("client", "rotate-secret", hs["client_id"])
    assert sealed_of(server, rs) is None
    sealed = sealed_of(server, hs)
    assert sealed and rotated["client_secret"].encode() not in sealed
    data = server.stored_bytes()
    assert client_id_in(data, rs)
    for secret in (rs["client_secret"], hs["client_secret"], rotated["client_secret"]):
        assert secret.encode() not in data


def client_id_in(data, client):
    return client["client_id"].encode() in data


def test_rotated_hs256_secret_keys_the_next_id_token(server, alice):
    client = rp_with(server, "HS256")
    rotated = server.cli_json("client", "rotate-secret", client["client_id"])
    client = {**client, "client_secret": rotated["client_secret"]}
    time.sleep(1.1)
    token = full_flow(server, client)["tokens"]["id_token"]
    assert_signed_as(server, client, token, "HS256")


# -- end-session ----------------------------------------------------------------------------


def test_end_session_takes_an_hs256_hint(server, alice):
    client = rp_with(server, "HS256")
    flow = full_flow(server, client)
    browser, token = flow["browser"], flow["tokens"]["id_token"]
    resp = browser.get(server.url("/end-session"),
                       params={"id_token_hint": token, "post_logout_redirect_uri": RP_LOGOUT,
                               "state": "x"})
    assert resp.status_code == 302, resp.text[:500]
    assert resp.headers["Location"].startswith(RP_LOGOUT)


def test_end_session_refuses_a_forged_hs256_hint(server, alice):
    client = rp_with(server, "HS256")
    flow = full_flow(server, client)
    claims = jwt_claims_unverified(flow["tokens"]["id_token"])
    forged = jws.JWS(json.dumps(claims).encode())
    forged.add_signature(oct_key(secrets.token_urlsafe(32)), alg="HS256",
                         protected=json.dumps({"alg": "HS256", "typ": "JWT"}))
    resp = flow["browser"].get(server.url("/end-session"),
                               params={"id_token_hint": forged.serialize(compact=True),
                                       "post_logout_redirect_uri": RP_LOGOUT})
    assert resp.status_code == 400
    assert "Location" not in resp.headers
    assert "id_token_hint refused" in server.log_text()
