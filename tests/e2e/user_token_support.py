"""Tokens issued to a user without driving the browser pages: a code is
written into the database as /authorize would have stored it (SHA-256 of the
code, bound to client, redirect_uri, user and scope) and redeemed at /token
by the real authorization_code grant. For endpoints that act on a user's
token (userinfo, user deletion) and the ID token's claims."""

import hashlib
import json
import secrets
import time

RP_REDIRECT = "https://rp.example/cb"
CLAIMS = {
    "name": "Alice Liddell",
    "email": "alice@example.org",
    "email_verified": True,
    "phone_number": "+47 555 01 234",
    "phone_number_verified": False,
    "address": {"locality": "Oslo", "country": "NO"},
}


def create_user(server, username="alice", claims=None):
    """`oidcd user create` with claims (JSON values); the printed object."""
    args = ["user", "create", username]
    for key, value in (CLAIMS if claims is None else claims).items():
        args += ["--claim", f"{key}={value if isinstance(value, str) else json.dumps(value)}"]
    return server.cli_json(*args)


def create_rp(server, scope="openid profile email phone address", **flags):
    flags.setdefault("grant_types", "authorization_code")
    return server.create_client(name="rp", scope=scope, redirect_uri=RP_REDIRECT, **flags)


def seed_code(server, rp, sub, scope, nonce=None, sid="sid-test"):
    """A fresh code for sub, stored as /authorize stores one; the code."""
    code = secrets.token_urlsafe(32)
    now = int(time.time())
    server.db_rows(
        "INSERT INTO auth_codes (hash, client_id, redirect_uri, user_sub, scope, nonce, "
        "auth_time, amr, sid, created_at, expires_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (hashlib.sha256(code.encode()).digest(), rp["client_id"], RP_REDIRECT, sub, scope,
         nonce, now, "pwd", sid, now, now + 600))
    return code


def redeem_code(server, rp, code):
    return server.post_token({"grant_type": "authorization_code", "code": code,
                              "redirect_uri": RP_REDIRECT},
                             auth=(rp["client_id"], rp["client_secret"]))


def user_tokens(server, rp, sub, scope):
    """The token response of a code grant for sub with scope."""
    resp = redeem_code(server, rp, seed_code(server, rp, sub, scope))
    assert resp.status_code == 200, resp.text
    return resp.json()
