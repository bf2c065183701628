"""Helpers for the second-factor tests: RFC 6238 codes computed here with
Python's hmac (independent of the server's code), and the CLI enrolment."""

import base64
import hashlib
import hmac
import json
import struct
import time
import urllib.parse

from signin_support import user_cli


def totp(secret_b32, at=None, step_offset=0):
    """The 6-digit RFC 6238 code (HMAC-SHA1, 30 s) of a base32 secret."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    counter = int((time.time() if at is None else at) // 30) + step_offset
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def secret_of_uri(uri):
    parts = urllib.parse.urlsplit(uri)
    assert parts.scheme == "otpauth" and parts.netloc == "totp", uri
    return urllib.parse.parse_qs(parts.query)["secret"][0]


def add_totp(server, username="alice"):
    """`oidcd user add-totp USERNAME --json`: the JSON (otpauth_uri, secret)."""
    result = user_cli(server, "add-totp", username, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def factors(server, username="alice"):
    result = user_cli(server, "factors", username, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
