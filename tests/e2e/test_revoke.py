"""POST /revoke: OAuth 2.0 Token Revocation (RFC 7009).

A client revokes its own tokens; revoking a token it does not own, an unknown
token or an already revoked one answers 200 and changes nothing (RFC 7009 §2.2).
A revocation is committed before it is acknowledged, so it survives a restart.
"""

import base64
import json
import os
import time

import pytest
import requests

from conftest import b64url, get_access_token, make_owner
from conftest import (HTTP_TIMEOUT, assert_basic_challenge, assert_oauth_error,
                      wait_until)

FORMATS = ["jwt", "opaque"]


# -- helpers -------------------------------------------------------------------


def make_introspector(server, *audiences, name="rs"):
    scope = " ".join(["token_introspection", *[a["client_id"] for a in audiences]])
    return server.create_client(name=name, scope=scope)


def _form(data, kwargs):
    if not data:  # an empty form is still a form
        kwargs.setdefault("headers", {"Content-Type": "application/x-www-form-urlencoded"})
        return b""
    return data


def revoke(server, caller, token=None, data=None, **kwargs):
    if data is None:
        data = {"token": token}
    auth = (caller["client_id"], caller["client_secret"]) if caller else None
    kwargs.setdefault("timeout", HTTP_TIMEOUT)
    data = _form(data, kwargs)
    return requests.post(server.url("/revoke"), data=data, auth=auth, **kwargs)


def introspect(server, caller, token):
    return requests.post(server.url("/introspect"), data={"token": token},
                         auth=(caller["client_id"], caller["client_secret"]),
                         timeout=HTTP_TIMEOUT)


def is_active(server, rs, token):
    resp = introspect(server, rs, token)
    assert resp.status_code == 200, resp.text
    assert "no-store" in resp.headers.get("Cache-Control", "")
    body = resp.json()
    if body["active"] is False:
        assert body == {"active": False}, body
    return body["active"]


def gate(server, token, scope=None):
    params = {"scope": scope} if scope else None
    return requests.get(server.url("/gate"), params=params, timeout=HTTP_TIMEOUT,
                        headers={"Authorization": f"Bearer {token}"})


def assert_gate_invalid_token(resp):
    assert resp.status_code == 401, (resp.status_code, resp.text)
    challenge = resp.headers.get("WWW-Authenticate", "")
    assert challenge.startswith("Bearer "), challenge
    assert 'error="invalid_token"' in challenge, challenge


def assert_revoked_ok(resp):
    assert resp.status_code == 200, (resp.status_code, resp.text)


# -- the owner revokes -------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_owner_revokes_token(server, fmt):
    owner = make_owner(server, fmt)
    token = get_access_token(server, owner)
    rs = make_introspector(server, owner)
    assert is_active(server, rs, token)
    assert gate(server, token, "read_books").status_code == 200

    assert_revoked_ok(revoke(server, owner, token))

    assert not is_active(server, rs, token)
    assert_gate_invalid_token(gate(server, token, "read_books"))
    assert_gate_invalid_token(gate(server, token))


@pytest.mark.parametrize("fmt", FORMATS)
def test_owner_revokes_with_client_secret_post(server, fmt):
    owner = make_owner(server, fmt, token_endpoint_auth_method="client_secret_post")
    resp = server.token_post(owner)
    assert resp.status_code == 200, resp.text
    token = resp.json()["access_token"]
    rs = make_introspector(server, owner)
    assert is_active(server, rs, token)
    resp = requests.post(server.url("/revoke"), timeout=HTTP_TIMEOUT,
                         data={"token": token, "client_id": owner["client_id"],
                               "client_secret": owner["client_secret"]})
    assert_revoked_ok(resp)
    assert not is_active(server, rs, token)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("hint", ["access_token", "refresh_token", "no_such_type"])
def test_hint_does_not_prevent_revocation(server, fmt, hint):
    # RFC 7009 §2.1: a wrong hint extends the search; an invalid one is ignored
    owner = make_owner(server, fmt)
    token = get_access_token(server, owner)
    rs = make_introspector(server, owner)
    assert_revoked_ok(revoke(server, owner, data={"token": token, "token_type_hint": hint}))
    assert not is_active(server, rs, token)


@pytest.mark.parametrize("fmt", FORMATS)
def test_revoking_twice_is_200_both_times(server, fmt):
    owner = make_owner(server, fmt)
    token = get_access_token(server, owner)
    rs = make_introspector(server, owner)
    assert_revoked_ok(revoke(server, owner, token))
    assert_revoked_ok(revoke(server, owner, token))
    assert not is_active(server, rs, token)


@pytest.mark.parametrize("fmt", FORMATS)
def test_other_tokens_of_same_client_stay_active(server, fmt):
    owner = make_owner(server, fmt)
    tokens = [get_access_token(server, owner) for _ in range(3)]
    assert len(set(tokens)) == 3
    rs = make_introspector(server, owner)
    assert_revoked_ok(revoke(server, owner, tokens[1]))
    assert is_active(server, rs, tokens[0])
    assert not is_active(server, rs, tokens[1])
    assert is_active(server, rs, tokens[2])
    assert gate(server, tokens[0], "read_books").status_code == 200
    assert_gate_invalid_token(gate(server, tokens[1], "read_books"))
    assert gate(server, tokens[2], "read_books").status_code == 200
    # a token issued after the revocation is active too
    fresh = get_access_token(server, owner)
    assert is_active(server, rs, fresh)


@pytest.mark.parametrize("fmt", FORMATS)
def test_client_can_still_get_tokens_after_revocation(server, fmt):
    owner = make_owner(server, fmt)
    token = get_access_token(server, owner)
    assert_revoked_ok(revoke(server, owner, token))
    fresh = get_access_token(server, owner)
    assert fresh != token
    assert gate(server, fresh, "read_books").status_code == 200


# -- someone else's token ------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_other_client_cannot_revoke(server, fmt):
    owner = make_owner(server, fmt)
    intruder = make_owner(server, fmt, name="intruder")
    token = get_access_token(server, owner)
    rs = make_introspector(server, owner)
    assert_revoked_ok(revoke(server, intruder, token))
    assert is_active(server, rs, token)
    assert gate(server, token, "read_books").status_code == 200


def test_public_client_revokes_by_client_id_but_not_others_tokens(server):
    # RFC 7009 §2.1: a public client identifies itself with client_id alone
    owner = make_owner(server)
    token = get_access_token(server, owner)
    rs = make_introspector(server, owner)
    public = server.create_client(name="spa", type="public", grant_types="client_credentials")
    resp = requests.post(server.url("/revoke"),
                         data={"client_id": public["client_id"], "token": token},
                         timeout=HTTP_TIMEOUT)
    assert_revoked_ok(resp)
    assert is_active(server, rs, token)
    resp = requests.post(server.url("/revoke"), data={"token": token}, timeout=HTTP_TIMEOUT)
    assert_oauth_error(resp, 401, "invalid_client")


def test_introspector_cannot_revoke_others_token(server):
    # even a client allowed to introspect the token does not own it
    owner = make_owner(server)
    token = get_access_token(server, owner)
    rs = make_introspector(server, owner)
    assert_revoked_ok(revoke(server, rs, token))
    assert is_active(server, rs, token)


# -- tokens that are not there ---------------------------------------------------------

@pytest.mark.parametrize("token", [
    "garbage",
    pytest.param(b64url(os.urandom(32)), id="random-32-bytes"),
    "a.b.c",
    "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.AAAA",
    "x" * 4000,
])
def test_unknown_token_is_200(server, token):
    owner = make_owner(server)
    assert_revoked_ok(revoke(server, owner, token))
    # and nothing else was touched
    good = get_access_token(server, owner)
    assert gate(server, good).status_code == 200


def test_tampered_jwt_revocation_does_not_revoke_original(server):
    owner = make_owner(server)
    token = get_access_token(server, owner)
    rs = make_introspector(server, owner)
    head, payload, sig = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4)))
    raw[len(raw) // 2] ^= 0x01
    forged = f"{head}.{payload}.{b64url(bytes(raw))}"
    assert_revoked_ok(revoke(server, owner, forged))
    assert is_active(server, rs, token)


def test_foreign_jwt_revocation_is_200(make_server):
    server = make_server()
    stranger = make_server()
    stranger_owner = make_owner(stranger)
    foreign = get_access_token(stranger, stranger_owner)
    owner = make_owner(server)
    assert_revoked_ok(revoke(server, owner, foreign))
    # the stranger's own instance is not affected, of course
    rs = make_introspector(stranger, stranger_owner)
    assert is_active(stranger, rs, foreign)


def test_expired_token_revocation_is_200(make_server):
    server = make_server(env={"OIDCD_TOKENS_ACCESS_TOKEN_TTL": "1"})
    owner = make_owner(server)
    token = get_access_token(server, owner)
    time.sleep(2.2)
    assert_revoked_ok(revoke(server, owner, token))


# -- restart -------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_revocation_survives_restart(make_server, fmt):
    server = make_server()
    owner = make_owner(server, fmt)
    revoked = get_access_token(server, owner)
    kept = get_access_token(server, owner)
    rs = make_introspector(server, owner)
    assert_revoked_ok(revoke(server, owner, revoked))
    assert not is_active(server, rs, revoked)

    assert server.stop() == 0, server.log_text()
    server.start()

    assert not is_active(server, rs, revoked)
    assert_gate_invalid_token(gate(server, revoked, "read_books"))
    assert is_active(server, rs, kept)
    assert gate(server, kept, "read_books").status_code == 200


def test_revocation_right_before_sigterm_survives(make_server):
    # acknowledged means committed (DESIGN §8): stop at once after the 200
    server = make_server()
    owner = make_owner(server)
    tokens = [get_access_token(server, owner) for _ in range(3)]
    rs = make_introspector(server, owner)
    for token in tokens:
        assert_revoked_ok(revoke(server, owner, token))
    assert server.stop() == 0, server.log_text()
    server.start()
    for token in tokens:
        assert not is_active(server, rs, token)


# -- errors ----------------------------------------------------------------------------

def test_no_credentials_is_invalid_client(server):
    owner = make_owner(server)
    token = get_access_token(server, owner)
    resp = revoke(server, None, token)
    assert_oauth_error(resp, 401, "invalid_client")
    rs = make_introspector(server, owner)
    assert is_active(server, rs, token)


def test_wrong_secret_is_invalid_client(server):
    owner = make_owner(server)
    token = get_access_token(server, owner)
    secret = owner["client_secret"]
    bad = dict(owner, client_secret=secret[:-1] + ("A" if secret[-1] != "A" else "B"))
    resp = revoke(server, bad, token)
    assert_oauth_error(resp, 401, "invalid_client")
    assert_basic_challenge(resp)
    rs = make_introspector(server, owner)
    assert is_active(server, rs, token)


def test_unknown_client_is_invalid_client(server):
    resp = revoke(server, {"client_id": "no-such-client", "client_secret": "x" * 43},
                  "garbage")
    assert_oauth_error(resp, 401, "invalid_client")


def test_bad_credentials_without_token_is_401(server):
    resp = revoke(server, {"client_id": "no-such-client", "client_secret": "x"}, data={})
    assert_oauth_error(resp, 401, "invalid_client")


def test_disabled_client_cannot_revoke(server):
    owner = make_owner(server)
    token = get_access_token(server, owner)
    assert server.cli("client", "update", owner["client_id"], "--disable").returncode == 0
    resp = None
    for _ in range(30):  # changes show within a second (DESIGN §8)
        resp = revoke(server, owner, token)
        if resp.status_code == 401:
            break
        time.sleep(0.1)
    assert_oauth_error(resp, 401, "invalid_client")


def test_basic_client_using_body_credentials_is_refused(server):
    owner = make_owner(server)
    token = get_access_token(server, owner)
    resp = requests.post(server.url("/revoke"), timeout=HTTP_TIMEOUT,
                         data={"token": token, "client_id": owner["client_id"],
                               "client_secret": owner["client_secret"]})
    assert_oauth_error(resp, 401, "invalid_client")
    rs = make_introspector(server, owner)
    assert is_active(server, rs, token)


def test_missing_token_is_invalid_request(server):
    owner = make_owner(server)
    assert_oauth_error(revoke(server, owner, data={}), 400, "invalid_request")
    assert_oauth_error(revoke(server, owner, data={"token_type_hint": "access_token"}),
                       400, "invalid_request")


def test_duplicated_token_is_invalid_request(server):
    owner = make_owner(server)
    token = get_access_token(server, owner)
    resp = revoke(server, owner, data=[("token", token), ("token", token)])
    assert_oauth_error(resp, 400, "invalid_request")


def test_json_body_is_refused(server):
    owner = make_owner(server)
    token = get_access_token(server, owner)
    resp = requests.post(server.url("/revoke"), timeout=HTTP_TIMEOUT,
                         data=json.dumps({"token": token}),
                         headers={"Content-Type": "application/json"},
                         auth=(owner["client_id"], owner["client_secret"]))
    assert resp.status_code == 400, resp.text
    rs = make_introspector(server, owner)
    assert is_active(server, rs, token)


def test_get_is_405(server):
    owner = make_owner(server)
    token = get_access_token(server, owner)
    resp = requests.get(server.url("/revoke"), params={"token": token}, timeout=HTTP_TIMEOUT,
                        auth=(owner["client_id"], owner["client_secret"]))
    assert resp.status_code == 405, resp.text
    assert "POST" in resp.headers.get("Allow", ""), resp.headers  # RFC 9110 §15.5.6
    rs = make_introspector(server, owner)
    assert is_active(server, rs, token)


def test_revocation_does_not_log_token(server):
    owner = make_owner(server)
    token = get_access_token(server, owner)
    assert_revoked_ok(revoke(server, owner, token))
    # the access line is written after the answer: wait for it (bounded)
    assert wait_until(lambda: "path=/revoke " in server.log_text(), timeout=3.0), \
        server.log_text()
    text = server.log_text()
    for part in token.split("."):
        assert part not in text
    assert owner["client_secret"] not in text
