"""Signing keys: JWKS contents, `oidcd key list`, `oidcd key rotate`."""

from conftest import PRIVATE_JWK_MEMBERS, jwt_header, verify_jwt, wait_until


def kids(jwks):
    return [key["kid"] for key in jwks["keys"]]


def test_jwks_has_one_rs256_public_key_at_start(server):
    resp = server.get("/jwks")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].split(";")[0].strip() in (
        "application/json", "application/jwk-set+json")
    keys = resp.json()["keys"]
    assert len(keys) == 1
    key = keys[0]
    assert key["kty"] == "RSA"
    assert key["alg"] == "RS256"
    assert key["use"] == "sig"
    assert key["kid"]
    assert key["n"] and key["e"]
    for member in PRIVATE_JWK_MEMBERS:
        assert member not in key


def test_key_list_at_start(server):
    keys = server.cli_json("key", "list")
    assert len(keys) == 1
    assert keys[0]["alg"] == "RS256"
    assert keys[0]["state"] == "current"
    assert keys[0]["kid"] == server.jwks()["keys"][0]["kid"]


def test_rotate_es256_signs_at_once_and_keeps_old_key(server, client):
    old_token = server.token_basic(client).json()["access_token"]
    old_kid = jwt_header(old_token)["kid"]

    result = server.cli("key", "rotate", "--alg", "ES256", "--publish-ahead", "0")
    assert result.returncode == 0, result.stderr

    def new_token():
        token = server.token_basic(client).json()["access_token"]
        return token if jwt_header(token)["alg"] == "ES256" else None

    token = wait_until(new_token)
    assert token, "tokens still not ES256 after 2 s"
    header = jwt_header(token)
    assert header["kid"] != old_kid
    assert header["typ"] == "at+jwt"

    jwks = server.jwks()
    assert old_kid in kids(jwks) and header["kid"] in kids(jwks)
    new_key = [k for k in jwks["keys"] if k["kid"] == header["kid"]][0]
    assert new_key["kty"] == "EC" and new_key["crv"] == "P-256"
    assert new_key["alg"] == "ES256" and new_key["use"] == "sig"
    for key in jwks["keys"]:
        for member in PRIVATE_JWK_MEMBERS:
            assert member not in key

    assert verify_jwt(old_token, jwks)[1]["sub"] == client["client_id"]
    assert verify_jwt(token, jwks)[1]["sub"] == client["client_id"]

    discovery = server.get("/.well-known/openid-configuration").json()
    assert "ES256" in discovery["id_token_signing_alg_values_supported"]
    assert "RS256" in discovery["id_token_signing_alg_values_supported"]


def test_key_list_after_rotation(server):
    before = server.cli_json("key", "list")
    assert server.cli("key", "rotate", "--alg", "ES256", "--publish-ahead", "0").returncode == 0
    after = server.cli_json("key", "list")
    assert len(after) == 2
    old = [k for k in after if k["kid"] == before[0]["kid"]][0]
    new = [k for k in after if k["kid"] != before[0]["kid"]][0]
    assert new["alg"] == "ES256"
    assert new["state"] == "current"
    assert old["state"] == "retired"
    assert [k["state"] for k in after].count("current") == 1


def test_rotate_with_publish_ahead_publishes_before_signing(server, client):
    old_kid = jwt_header(server.token_basic(client).json()["access_token"])["kid"]
    result = server.cli("key", "rotate", "--alg", "RS256", "--publish-ahead", "600")
    assert result.returncode == 0, result.stderr

    keys = server.cli_json("key", "list")
    assert len(keys) == 2
    upcoming = [k for k in keys if k["kid"] != old_kid][0]
    assert upcoming["state"] == "next"
    assert [k for k in keys if k["kid"] == old_kid][0]["state"] == "current"

    assert wait_until(lambda: upcoming["kid"] in kids(server.jwks()))
    # Published, but it must not sign before its time.
    for _ in range(5):
        token = server.token_basic(client).json()["access_token"]
        assert jwt_header(token)["kid"] == old_kid


def test_default_rotation_does_not_sign_at_once(server, client):
    old_kid = jwt_header(server.token_basic(client).json()["access_token"])["kid"]
    assert server.cli("key", "rotate").returncode == 0
    keys = server.cli_json("key", "list")
    assert len(keys) == 2
    new_kid = [k["kid"] for k in keys if k["kid"] != old_kid][0]
    assert wait_until(lambda: new_kid in kids(server.jwks()))
    token = server.token_basic(client).json()["access_token"]
    assert jwt_header(token)["kid"] == old_kid


def test_rotate_rs256_new_kid_signs(server, client):
    old_kid = jwt_header(server.token_basic(client).json()["access_token"])["kid"]
    assert server.cli("key", "rotate", "--alg", "RS256", "--publish-ahead", "0").returncode == 0

    def new_kid_token():
        token = server.token_basic(client).json()["access_token"]
        return token if jwt_header(token)["kid"] != old_kid else None

    token = wait_until(new_kid_token)
    assert token
    assert jwt_header(token)["alg"] == "RS256"
    jwks = server.jwks()
    assert old_kid in kids(jwks)
    verify_jwt(token, jwks)


def test_rotate_with_bad_alg_fails(server):
    result = server.cli("key", "rotate", "--alg", "none", "--publish-ahead", "0")
    assert result.returncode != 0
    assert len(server.cli_json("key", "list")) == 1


def test_keys_survive_restart(make_server):
    server = make_server()
    client = server.create_client()
    kid = jwt_header(server.token_basic(client).json()["access_token"])["kid"]
    assert server.stop() == 0
    server.start()
    assert kids(server.jwks()) == [kid]
    token = server.token_basic(client).json()["access_token"]
    assert jwt_header(token)["kid"] == kid
    verify_jwt(token, server.jwks())
