"""`oidcd user add-totp|factors|reset-factors` (docs/CLI.md): the key URI
printed once, the secret sealed in the database, the audit events."""

import base64
import urllib.parse

from mfa_support import add_totp, factors, secret_of_uri
from signin_support import alice, user_cli  # noqa: F401 (fixture)


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
