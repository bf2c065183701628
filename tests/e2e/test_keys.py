"""Signing keys: JWKS contents, `oidcd key list`, `oidcd key rotate`."""

import os
import stat
import subprocess
import time

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


def test_rotate_es256_publishes_a_key_and_access_tokens_keep_keys_algorithm(server, client):
    # each algorithm has keys of its own: an ES256 key signs ES256 ID tokens,
    # access tokens keep keys.algorithm (RS256) and its key
    old_token = server.token_basic(client).json()["access_token"]
    old_kid = jwt_header(old_token)["kid"]

    result = server.cli("key", "rotate", "--alg", "ES256", "--publish-ahead", "0")
    assert result.returncode == 0, result.stderr
    es_kid = [k["kid"] for k in server.cli_json("key", "list") if k["alg"] == "ES256"][0]
    assert wait_until(lambda: es_kid in kids(server.jwks()))

    token = server.token_basic(client).json()["access_token"]
    header = jwt_header(token)
    assert header["alg"] == "RS256" and header["kid"] == old_kid
    assert header["typ"] == "at+jwt"

    jwks = server.jwks()
    assert old_kid in kids(jwks) and es_kid in kids(jwks)
    new_key = [k for k in jwks["keys"] if k["kid"] == es_kid][0]
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
    # states are per algorithm: the RS256 key still signs RS256 tokens
    assert old["state"] == "current" and old["retire_after"] is None
    assert server.cli("key", "rotate", "--alg", "ES256", "--publish-ahead", "0").returncode == 0
    last = server.cli_json("key", "list")
    assert [k["state"] for k in last if k["alg"] == "ES256"] == ["retired", "current"]
    assert [k["state"] for k in last if k["alg"] == "RS256"] == ["current"]
    assert [k for k in last if k["kid"] == new["kid"]][0]["retire_after"] is not None


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


# -- the key-encryption key --------------------------------------------------------

def one_line(stderr):
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def assert_keys_untouched(server, client, kid, log_from):
    """Only kid is stored, published and signing; the server never tried to
    load a key it cannot open."""
    assert [k["kid"] for k in server.cli_json("key", "list")] == [kid]
    time.sleep(1.2)  # the server looks for key changes every 500 ms
    assert kids(server.jwks()) == [kid]
    token = server.token_basic(client).json()["access_token"]
    assert jwt_header(token)["kid"] == kid
    verify_jwt(token, server.jwks())
    assert "cannot reload signing keys" not in server.log_text()[log_from:]


def test_rotate_with_a_missing_kek_file_stores_nothing(server, client, tmp_path):
    kid = jwt_header(server.token_basic(client).json()["access_token"])["kid"]
    other = tmp_path / "other.kek"
    log_from = len(server.log_text())
    result = server.cli("key", "rotate", "--publish-ahead", "0",
                        env={"OIDCD_KEYS_ENCRYPTION_KEY_FILE": str(other)})
    assert result.returncode != 0
    assert str(other) in one_line(result.stderr)
    assert not other.exists(), "a new key-encryption key was made for a database with keys"
    assert_keys_untouched(server, client, kid, log_from)
    assert server.stop() == 0
    server.start()  # the right key still opens everything
    assert jwt_header(server.token_basic(client).json()["access_token"])["kid"] == kid


def test_rotate_with_another_kek_stores_nothing(server, client, tmp_path):
    kid = jwt_header(server.token_basic(client).json()["access_token"])["kid"]
    other = tmp_path / "other.kek"
    other.write_text(os.urandom(32).hex() + "\n")
    other.chmod(0o600)
    content = other.read_bytes()
    log_from = len(server.log_text())
    result = server.cli("key", "rotate", "--alg", "ES256", "--publish-ahead", "0",
                        env={"OIDCD_KEYS_ENCRYPTION_KEY_FILE": str(other)})
    assert result.returncode != 0
    assert str(other) in one_line(result.stderr)
    assert other.read_bytes() == content
    assert_keys_untouched(server, client, kid, log_from)


def test_rotate_makes_the_kek_file_for_an_empty_key_table(make_server):
    server = make_server(start=False)
    assert not server.kek_path.exists()
    result = server.cli("key", "rotate", "--publish-ahead", "0")
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(server.kek_path.stat().st_mode) == 0o600
    kid = server.cli_json("key", "list")[0]["kid"]
    server.start()
    client = server.create_client()
    assert jwt_header(server.token_basic(client).json()["access_token"])["kid"] == kid


def test_serve_does_not_replace_a_missing_kek_file(make_server):
    server = make_server()
    assert server.stop() == 0
    saved = server.kek_path.read_bytes()
    server.kek_path.unlink()
    proc = server.spawn()
    try:
        code = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        raise AssertionError("oidcd served without the key its signing keys were sealed with")
    assert code != 0
    assert not server.kek_path.exists()
    server.kek_path.write_bytes(saved)
    server.kek_path.chmod(0o600)
    server.start()
    assert len(server.jwks()["keys"]) == 1


def test_rotate_without_alg_follows_keys_algorithm(make_server):
    server = make_server(config={"keys": {"algorithm": "ES256"}})
    assert [k["alg"] for k in server.cli_json("key", "list")] == ["ES256"]
    result = server.cli("key", "rotate", "--publish-ahead", "0")
    assert result.returncode == 0, result.stderr
    assert [k["alg"] for k in server.cli_json("key", "list")] == ["ES256", "ES256"]
    result = server.cli("key", "rotate", "--alg", "RS256", "--publish-ahead", "600")
    assert result.returncode == 0, result.stderr
    assert sorted(k["alg"] for k in server.cli_json("key", "list")) == ["ES256", "ES256", "RS256"]
    # access tokens keep keys.algorithm
    client = server.create_client()
    token = server.token_basic(client).json()["access_token"]
    assert jwt_header(token)["alg"] == "ES256"
    verify_jwt(token, server.jwks())


def test_pending_key_superseded_by_a_later_rotation_never_signs(server, client):
    # B is to sign in 3 s; C, made after it, signs at once. When B's time comes
    # C must go on signing: B was superseded before it began, and it is
    # retired (its tokens would outlive its place in the JWKS).
    before = {k["kid"] for k in server.cli_json("key", "list")}
    assert server.cli("key", "rotate", "--publish-ahead", "3").returncode == 0
    pending = {k["kid"] for k in server.cli_json("key", "list")} - before
    assert server.cli("key", "rotate", "--publish-ahead", "0").returncode == 0
    latest = {k["kid"] for k in server.cli_json("key", "list")} - before - pending
    assert len(pending) == 1 and len(latest) == 1
    latest_kid = latest.pop()
    assert wait_until(lambda: jwt_header(server.token_basic(client).json()["access_token"])["kid"]
                      == latest_kid, timeout=5)
    time.sleep(4)  # past B's not_before
    for _ in range(5):
        token = server.token_basic(client).json()["access_token"]
        assert jwt_header(token)["kid"] == latest_kid
        verify_jwt(token, server.jwks())
    states = {k["kid"]: k["state"] for k in server.cli_json("key", "list")}
    assert states[latest_kid] == "current"
    assert states[pending.pop()] == "retired"


def test_first_key_signs_from_the_epoch(make_server):
    # a clock set back must not find the only key "not yet valid". (ES256: the
    # valgrind harness makes RS256 first keys with the CLI, never ES256 ones.)
    server = make_server(env={"OIDCD_KEYS_ALGORITHM": "ES256"})
    assert "created first signing key" in server.log_text()
    keys = server.cli_json("key", "list")
    assert len(keys) == 1
    assert keys[0]["not_before"] == 0
