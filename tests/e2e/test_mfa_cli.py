"""`oidcd user add-totp|factors|reset-factors` (docs/CLI.md): the key URI
printed once, the secret sealed in the database, the audit events, the
passkeys listed and removed."""

import base64
import json
import urllib.parse

from mfa_support import add_totp, factors, secret_of_uri
from signin_support import alice, make_user, user_cli  # noqa: F401 (fixture)


def test_add_totp_prints_the_key_uri_once_and_seals_the_secret(server, alice):
    out = add_totp(server)
    assert set(out) == {"sub", "username", "otpauth_uri", "secret"}
    assert out["sub"] == alice["sub"] and out["username"] == "alice"
    uri = urllib.parse.urlsplit(out["otpauth_uri"])
    query = urllib.parse.parse_qs(uri.query)
    # the label is ISSUER:ACCOUNT, each percent-encoded (a ':' in either too)
    host = urllib.parse.urlsplit(server.issuer).netloc
    assert uri.path == "/" + urllib.parse.quote(host, safe="") + ":alice"
    assert query["digits"] == ["6"] and query["period"] == ["30"] and query["algorithm"] == ["SHA1"]
    assert secret_of_uri(out["otpauth_uri"]) == out["secret"] and len(out["secret"]) == 32
    status = factors(server)
    assert status["totp"]["enrolled"] is True and status["totp"]["confirmed"] is True
    assert status["recovery_codes"] == {"total": 0, "left": 0, "last_used_at": 0}
    # nothing in the database holds the secret in the clear
    assert server.db_value("SELECT count(*) FROM totp_factors") == 1
    stored = server.stored_bytes()
    raw = base64.b32decode(out["secret"] + "=" * (-len(out["secret"]) % 8))
    for form in (raw, raw.hex().encode(), out["secret"].encode(), out["secret"].lower().encode()):
        assert form not in stored
    # a second add-totp replaces the secret
    again = add_totp(server)
    assert again["secret"] != out["secret"]


def test_reset_factors_and_events(server, alice):
    add_totp(server)
    result = user_cli(server, "reset-factors", "alice")
    assert result.returncode == 0, result.stderr
    assert factors(server)["totp"]["enrolled"] is False
    text = user_cli(server, "factors", "alice")
    assert text.returncode == 0 and "totp:           none" in text.stdout
    events = server.cli_json("events", "--user", alice["sub"])
    types = [e["type"] for e in events["events"]]
    assert "mfa.enrolled" in types and "mfa.removed" in types


def test_usage_errors(server, alice):
    assert user_cli(server, "add-totp").returncode == 2
    assert user_cli(server, "add-totp", "alice", "--bogus").returncode == 2
    assert user_cli(server, "reset-factors", "alice", "--json").returncode == 2
    missing = user_cli(server, "factors", "nobody")
    assert missing.returncode == 1 and "no user nobody" in missing.stderr


# -- passkeys --------------------------------------------------------------------
# No command registers a passkey (a browser does, on /account): these tests
# store the rows as a registration leaves them, then drive the CLI.

def add_passkey(server, sub, cred_id, name, created_at, last_used_at=None, backed_up=False):
    server.db_rows(
        "INSERT INTO passkeys (cred_id, user_sub, name, alg, public_key, sign_count, aaguid, "
        "user_verified, backup_eligible, backed_up, fmt, transports, created_at, last_used_at) "
        "VALUES (?, ?, ?, -7, ?, 0, ?, ?, ?, ?, 'none', 'internal', ?, ?)",
        (cred_id, sub, name, b"\x30\x59" + bytes(89), bytes(16), True, backed_up, backed_up,
         created_at, last_used_at))


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def passkeys_of(server, sub):
    return server.db_value("SELECT count(*) FROM passkeys WHERE user_sub = ?", (sub,))


def test_factors_lists_passkeys(server, alice):
    assert factors(server)["passkeys"] == []
    text = user_cli(server, "factors", "alice")
    assert text.returncode == 0 and "passkeys:       0\n" in text.stdout
    bob = make_user(server, "bob")
    laptop, key = b"\x00\x01laptop\xff", b"security-key"
    # stored out of order: listed oldest first
    add_passkey(server, alice["sub"], key, "Work\x1b[2Jkey", 1700000500)
    add_passkey(server, alice["sub"], laptop, "Laptop", 1700000000, 1700000100, backed_up=True)
    add_passkey(server, bob["sub"], b"bobs", "Bob's", 1700000000)
    listed = factors(server)["passkeys"]
    assert listed == [
        {"name": "Laptop", "credential_id": b64url(laptop), "created_at": 1700000000,
         "last_used_at": 1700000100, "synced": True},
        {"name": "Work\x1b[2Jkey", "credential_id": b64url(key), "created_at": 1700000500,
         "last_used_at": 0, "synced": False},
    ]
    text = user_cli(server, "factors", "alice")
    assert text.returncode == 0, text.stderr
    assert text.stdout.endswith(
        "passkeys:       2\n"
        "  Laptop: created 2023-11-14T22:13:20Z, last used 2023-11-14T22:15:00Z, synced\n"
        # a control character in a name reaches no terminal
        "  Work?[2Jkey: created 2023-11-14T22:21:40Z, last used never\n")
    # nothing of the key itself
    assert "public" not in json.dumps(factors(server))


def test_reset_factors_removes_passkeys(server, alice):
    bob = make_user(server, "bob")
    add_passkey(server, alice["sub"], b"alice-1", "One", 1700000000)
    add_passkey(server, alice["sub"], b"alice-2", "Two", 1700000001)
    add_passkey(server, bob["sub"], b"bob-1", "Bob's", 1700000000)
    assert len(factors(server)["passkeys"]) == 2
    result = user_cli(server, "reset-factors", "alice")
    assert result.returncode == 0, result.stderr
    assert factors(server)["passkeys"] == []
    assert passkeys_of(server, alice["sub"]) == 0
    # another user's stay
    assert len(factors(server, "bob")["passkeys"]) == 1
    # and go with their user
    deleted = user_cli(server, "delete", "bob")
    assert deleted.returncode == 0, deleted.stderr
    assert passkeys_of(server, bob["sub"]) == 0
