"""POST /introspect: OAuth 2.0 Token Introspection (RFC 7662), DESIGN.md §6.

The caller authenticates as a client whose scope holds `token_introspection`;
with `[introspection] validate_audience_scope` on (the default) a token is
active for the caller only if the token's audience (the issuing client) is
also a word of the caller's scope.
"""

import json
import os
import time
import urllib.parse

import pytest
import requests

from conftest import b64url, b64url_decode, flip_signature_byte, make_owner, get_token
from conftest import (HTTP_TIMEOUT, assert_basic_challenge, assert_oauth_error,
                      basic_header, jwt_claims_unverified, verify_jwt, wait_until)

FORMATS = ["jwt", "opaque"]


# -- helpers -------------------------------------------------------------------


def make_introspector(server, *audiences, name="rs", extra="", **flags):
    scope = " ".join(["token_introspection", *[a["client_id"] for a in audiences]])
    if extra:
        scope += " " + extra
    return server.create_client(name=name, scope=scope, **flags)


def introspect(server, caller, token=None, data=None, **kwargs):
    if data is None:
        data = {"token": token}
    auth = (caller["client_id"], caller["client_secret"]) if caller else None
    kwargs.setdefault("timeout", HTTP_TIMEOUT)
    if not data:  # an empty form is still a form
        data = b""
        kwargs.setdefault("headers", {"Content-Type": "application/x-www-form-urlencoded"})
    return requests.post(server.url("/introspect"), data=data, auth=auth, **kwargs)


def assert_json_no_store(resp, status):
    assert resp.status_code == status, (resp.status_code, resp.text)
    assert resp.headers.get("Content-Type", "").split(";")[0].strip() == "application/json"
    assert "no-store" in resp.headers.get("Cache-Control", ""), resp.headers
    return resp.json()


def assert_inactive(resp):
    body = assert_json_no_store(resp, 200)
    assert body == {"active": False}, body


def assert_active(resp, server, owner, issued=None, scope_key=False):
    body = assert_json_no_store(resp, 200)
    assert body["active"] is True, body
    assert body["client_id"] == owner["client_id"]
    assert body["sub"] == owner["client_id"]
    aud = body["aud"]
    assert aud == owner["client_id"] or aud == [owner["client_id"]], aud
    assert body["iss"] == server.issuer
    assert body["token_type"] == "Bearer"
    assert isinstance(body["exp"], int) and isinstance(body["iat"], int)
    now = time.time()
    assert body["iat"] <= now + 5
    assert body["exp"] > now
    if issued is not None:
        assert body["exp"] - body["iat"] == issued["expires_in"]
        token = issued["access_token"]
        if token.count(".") == 2:
            claims = jwt_claims_unverified(token)
            assert body["exp"] == claims["exp"]
            assert body["iat"] == claims["iat"]
    if scope_key:
        assert "scope" in body, body
        if issued is not None:
            assert set(body["scope"].split()) == set(issued["scope"].split())
    else:
        assert "scope" not in body, body
    return body


# -- discovery -----------------------------------------------------------------

@pytest.mark.parametrize("path", ["/.well-known/openid-configuration",
                                  "/.well-known/oauth-authorization-server"])
def test_discovery_lists_introspection_and_revocation(server, path):
    resp = server.get(path)
    assert resp.status_code == 200, resp.text
    doc = resp.json()
    assert doc["issuer"] == server.issuer
    assert doc["introspection_endpoint"] == server.issuer + "/introspect"
    assert doc["revocation_endpoint"] == server.issuer + "/revoke"
    assert "client_secret_basic" in doc["introspection_endpoint_auth_methods_supported"]
    assert "client_secret_basic" in doc["revocation_endpoint_auth_methods_supported"]
    assert "none" not in doc["introspection_endpoint_auth_methods_supported"]
    # RFC 7009 §2.1: a public client revokes its own tokens with its client_id
    assert "none" in doc["revocation_endpoint_auth_methods_supported"]


# -- active responses ------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_active_token_response(server, fmt):
    owner = make_owner(server, fmt)
    issued = get_token(server, owner)
    if fmt == "jwt":
        verify_jwt(issued["access_token"], server.jwks())
    else:
        assert issued["access_token"].count(".") == 0
    rs = make_introspector(server, owner)
    assert_active(introspect(server, rs, issued["access_token"]), server, owner, issued)


@pytest.mark.parametrize("fmt", FORMATS)
def test_response_scope_enabled_in_config(make_server, fmt):
    server = make_server(config={"introspection": {"response_scope": "true"}})
    owner = make_owner(server, fmt)
    issued = get_token(server, owner)
    rs = make_introspector(server, owner)
    body = assert_active(introspect(server, rs, issued["access_token"]), server, owner,
                         issued, scope_key=True)
    assert set(body["scope"].split()) == {"read_books", "add_books"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_response_scope_enabled_by_env(make_server, fmt):
    server = make_server(env={"OIDCD_INTROSPECTION_RESPONSE_SCOPE": "true"})
    owner = make_owner(server, fmt)
    issued = get_token(server, owner, scope="read_books")
    rs = make_introspector(server, owner)
    body = assert_active(introspect(server, rs, issued["access_token"]), server, owner,
                         issued, scope_key=True)
    assert body["scope"] == "read_books"


def test_response_scope_explicitly_false_has_no_scope(make_server):
    server = make_server(config={"introspection": {"response_scope": "false"}})
    owner = make_owner(server)
    issued = get_token(server, owner)
    rs = make_introspector(server, owner)
    assert_active(introspect(server, rs, issued["access_token"]), server, owner, issued)


def test_introspector_using_client_secret_post(server):
    owner = make_owner(server)
    issued = get_token(server, owner)
    rs = make_introspector(server, owner, token_endpoint_auth_method="client_secret_post")
    resp = requests.post(server.url("/introspect"), timeout=HTTP_TIMEOUT,
                         data={"token": issued["access_token"],
                               "client_id": rs["client_id"],
                               "client_secret": rs["client_secret"]})
    assert_active(resp, server, owner, issued)


def test_basic_credentials_are_form_urldecoded(server):
    owner = make_owner(server)
    issued = get_token(server, owner)
    rs = make_introspector(server, owner)
    header = basic_header(rs["client_id"], rs["client_secret"],
                          quote=lambda s: "".join(f"%{b:02X}" for b in s.encode()))
    resp = requests.post(server.url("/introspect"), data={"token": issued["access_token"]},
                         headers={"Authorization": header}, timeout=HTTP_TIMEOUT)
    assert_active(resp, server, owner, issued)


# -- token_type_hint -------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("hint", ["access_token", "refresh_token", "no_such_type", ""])
def test_token_type_hint_is_only_a_hint(server, fmt, hint):
    owner = make_owner(server, fmt)
    issued = get_token(server, owner)
    rs = make_introspector(server, owner)
    resp = introspect(server, rs, data={"token": issued["access_token"],
                                        "token_type_hint": hint})
    assert_active(resp, server, owner, issued)


def test_unknown_hint_with_unknown_token_is_inactive(server):
    owner = make_owner(server)
    rs = make_introspector(server, owner)
    resp = introspect(server, rs, data={"token": "nope", "token_type_hint": "weird"})
    assert_inactive(resp)


# -- validate_audience_scope -----------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_audience_rule_default_hides_foreign_token(server, fmt):
    owner = make_owner(server, fmt)
    other = make_owner(server, fmt, name="other")
    issued = get_token(server, owner)
    rs = make_introspector(server, other)  # lists another client, not the owner
    assert_inactive(introspect(server, rs, issued["access_token"]))
    rs_none = make_introspector(server, name="rs-none")  # lists no client at all
    assert_inactive(introspect(server, rs_none, issued["access_token"]))
    # the same token is active for a caller that lists the owner
    rs_ok = make_introspector(server, other, owner, name="rs-ok")
    assert_active(introspect(server, rs_ok, issued["access_token"]), server, owner, issued)


@pytest.mark.parametrize("fmt", FORMATS)
def test_audience_rule_on_explicitly_in_config(make_server, fmt):
    server = make_server(config={"introspection": {"validate_audience_scope": "true"}})
    owner = make_owner(server, fmt)
    issued = get_token(server, owner)
    assert_inactive(introspect(server, make_introspector(server), issued["access_token"]))
    assert_active(introspect(server, make_introspector(server, owner, name="rs2"),
                             issued["access_token"]), server, owner, issued)


@pytest.mark.parametrize("fmt", FORMATS)
def test_audience_rule_matches_whole_words_only(server, fmt):
    owner = make_owner(server, fmt)
    issued = get_token(server, owner)
    cid = owner["client_id"]
    for i, word in enumerate([cid[:-1], cid + "x", "x" + cid, cid.lower() if cid.lower() != cid
                              else cid.upper()]):
        rs = server.create_client(name=f"rs{i}", scope=f"token_introspection {word}")
        assert_inactive(introspect(server, rs, issued["access_token"]))


@pytest.mark.parametrize("fmt", FORMATS)
def test_audience_rule_off_in_config(make_server, fmt):
    server = make_server(config={"introspection": {"validate_audience_scope": "false"}})
    owner = make_owner(server, fmt)
    issued = get_token(server, owner)
    rs = make_introspector(server)  # only token_introspection
    assert_active(introspect(server, rs, issued["access_token"]), server, owner, issued)


@pytest.mark.parametrize("fmt", FORMATS)
def test_audience_rule_off_by_env(make_server, fmt):
    server = make_server(env={"OIDCD_INTROSPECTION_VALIDATE_AUDIENCE_SCOPE": "false"})
    owner = make_owner(server, fmt)
    issued = get_token(server, owner)
    rs = make_introspector(server)
    assert_active(introspect(server, rs, issued["access_token"]), server, owner, issued)


def test_env_overrides_config_for_audience_rule(make_server):
    server = make_server(config={"introspection": {"validate_audience_scope": "true"}},
                         env={"OIDCD_INTROSPECTION_VALIDATE_AUDIENCE_SCOPE": "false"})
    owner = make_owner(server)
    issued = get_token(server, owner)
    assert_active(introspect(server, make_introspector(server), issued["access_token"]),
                  server, owner, issued)


def test_audience_rule_off_still_needs_introspection_scope(make_server):
    server = make_server(config={"introspection": {"validate_audience_scope": "false"}})
    owner = make_owner(server)
    issued = get_token(server, owner)
    caller = server.create_client(name="plain", scope=f"read {owner['client_id']}")
    resp = introspect(server, caller, issued["access_token"])
    assert_oauth_error(resp, 403, "insufficient_scope")


def test_audience_rule_off_still_hides_bad_tokens(make_server):
    server = make_server(config={"introspection": {"validate_audience_scope": "false"}})
    owner = make_owner(server)
    issued = get_token(server, owner)
    rs = make_introspector(server)
    assert_inactive(introspect(server, rs, flip_signature_byte(issued["access_token"])))
    assert_inactive(introspect(server, rs, "garbage-token"))


# -- caller authentication and authorization -------------------------------------

def test_no_credentials_is_invalid_client(server):
    owner = make_owner(server)
    issued = get_token(server, owner)
    resp = introspect(server, None, issued["access_token"])
    assert_oauth_error(resp, 401, "invalid_client")
    assert "active" not in resp.json()


def test_public_client_cannot_introspect(server):
    # RFC 7662 §2.1/§4: the caller must authenticate; a client_id alone is not that
    owner = make_owner(server)
    issued = get_token(server, owner)
    public = server.create_client(name="spa", type="public", grant_types="client_credentials",
                                  scope=f"token_introspection {owner['client_id']}")
    assert public["type"] == "public"
    resp = requests.post(server.url("/introspect"),
                         data={"client_id": public["client_id"], "token": issued["access_token"]},
                         timeout=HTTP_TIMEOUT)
    assert_oauth_error(resp, 401, "invalid_client")
    assert "active" not in resp.json()


def raw_post(server, path, headers, body):
    """POST a form with header lines sent exactly as given: (status, JSON answer)."""
    status, _, answer = server.raw(
        "POST", path, [("Content-Type", "application/x-www-form-urlencoded"), *headers], body)
    return status, json.loads(answer)


def test_empty_authorization_header_is_no_method(server):
    owner = make_owner(server)
    issued = get_token(server, owner)
    rs = make_introspector(server, owner, token_endpoint_auth_method="client_secret_post")
    body = urllib.parse.urlencode({"client_id": rs["client_id"],
                                   "client_secret": rs["client_secret"],
                                   "token": issued["access_token"]}).encode()
    for empty in ("", "  ", "\t"):
        status, answer = raw_post(server, "/introspect", [("Authorization", empty)], body)
        assert status == 200, answer
        assert answer["active"] is True


def test_two_authorization_headers_are_invalid_request(server):
    owner = make_owner(server)
    issued = get_token(server, owner)
    rs = make_introspector(server, owner)
    good = basic_header(rs["client_id"], rs["client_secret"])
    body = f"token={issued['access_token']}".encode()
    for pair in ((good, "Basic eDp5"), ("Basic eDp5", good), (good, good)):
        status, answer = raw_post(server, "/introspect",
                                  [("Authorization", value) for value in pair], body)
        assert status == 400
        assert answer["error"] == "invalid_request"


def test_wrong_secret_is_invalid_client(server):
    owner = make_owner(server)
    issued = get_token(server, owner)
    rs = make_introspector(server, owner)
    bad = dict(rs, client_secret=rs["client_secret"][:-1] + ("A" if rs["client_secret"][-1] != "A"
                                                             else "B"))
    resp = introspect(server, bad, issued["access_token"])
    assert_oauth_error(resp, 401, "invalid_client")
    assert_basic_challenge(resp)
    assert "active" not in resp.json()


def test_unknown_client_is_invalid_client(server):
    owner = make_owner(server)
    issued = get_token(server, owner)
    resp = introspect(server, {"client_id": "no-such-client", "client_secret": "x" * 43},
                      issued["access_token"])
    assert_oauth_error(resp, 401, "invalid_client")
    assert "active" not in resp.json()


def test_bad_credentials_with_garbage_token_is_still_401(server):
    resp = introspect(server, {"client_id": "no-such-client", "client_secret": "s"},
                      "garbage")
    assert_oauth_error(resp, 401, "invalid_client")


def test_bad_credentials_without_token_is_401(server):
    resp = introspect(server, {"client_id": "no-such-client", "client_secret": "s"},
                      data={})
    assert_oauth_error(resp, 401, "invalid_client")


def test_body_credentials_for_basic_client_are_refused(server):
    owner = make_owner(server)
    issued = get_token(server, owner)
    rs = make_introspector(server, owner)
    assert rs["token_endpoint_auth_method"] == "client_secret_basic"
    resp = requests.post(server.url("/introspect"), timeout=HTTP_TIMEOUT,
                         data={"token": issued["access_token"],
                               "client_id": rs["client_id"],
                               "client_secret": rs["client_secret"]})
    assert_oauth_error(resp, 401, "invalid_client")


def test_disabled_introspector_is_invalid_client(server):
    owner = make_owner(server)
    issued = get_token(server, owner)
    rs = make_introspector(server, owner)
    assert server.cli("client", "update", rs["client_id"], "--disable").returncode == 0
    ok = None
    for _ in range(30):  # changes show within a second (DESIGN §8)
        resp = introspect(server, rs, issued["access_token"])
        if resp.status_code == 401:
            ok = resp
            break
        time.sleep(0.1)
    assert ok is not None, (resp.status_code, resp.text)
    assert_oauth_error(ok, 401, "invalid_client")


def test_caller_without_introspection_scope_is_403(server):
    owner = make_owner(server)
    issued = get_token(server, owner)
    caller = server.create_client(name="nope", scope=f"read {owner['client_id']}")
    resp = introspect(server, caller, issued["access_token"])
    assert_oauth_error(resp, 403, "insufficient_scope")
    assert "active" not in resp.json()


def test_owner_without_introspection_scope_is_403_on_own_token(server):
    owner = make_owner(server)
    issued = get_token(server, owner)
    resp = introspect(server, owner, issued["access_token"])
    assert_oauth_error(resp, 403, "insufficient_scope")


def test_introspection_scope_prefix_is_not_enough(server):
    owner = make_owner(server)
    issued = get_token(server, owner)
    caller = server.create_client(name="nope",
                                  scope=f"token_introspectionx {owner['client_id']}")
    resp = introspect(server, caller, issued["access_token"])
    assert_oauth_error(resp, 403, "insufficient_scope")


# -- inactive tokens ---------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_expired_token_is_inactive(make_server, fmt):
    server = make_server(env={"OIDCD_TOKENS_ACCESS_TOKEN_TTL": "1"})
    owner = make_owner(server, fmt)
    issued = get_token(server, owner)
    assert issued["expires_in"] == 1
    rs = make_introspector(server, owner)
    time.sleep(2.2)
    assert_inactive(introspect(server, rs, issued["access_token"]))


@pytest.mark.parametrize("fmt", FORMATS)
def test_revoked_token_is_inactive(server, fmt):
    owner = make_owner(server, fmt)
    issued = get_token(server, owner)
    rs = make_introspector(server, owner)
    assert_active(introspect(server, rs, issued["access_token"]), server, owner, issued)
    resp = requests.post(server.url("/revoke"), data={"token": issued["access_token"]},
                         auth=(owner["client_id"], owner["client_secret"]),
                         timeout=HTTP_TIMEOUT)
    assert resp.status_code == 200, resp.text
    assert_inactive(introspect(server, rs, issued["access_token"]))


@pytest.mark.parametrize("token", [
    "x",
    "not-a-token-at-all",
    pytest.param(b64url(os.urandom(32)), id="random-32-bytes"),
    pytest.param(b64url(os.urandom(48)), id="random-48-bytes"),
    "a.b.c",
    "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0",
    "eyJhbGciOiJSUzI1NiJ9..",
    "...",
    "eyJ%%%.eyJ.sig",
    "x" * 4000,
])
def test_unknown_or_malformed_token_is_inactive(server, token):
    owner = make_owner(server)
    rs = make_introspector(server, owner)
    assert_inactive(introspect(server, rs, token))


def test_random_lookalike_opaque_token_is_inactive(server):
    owner = make_owner(server, "opaque")
    issued = get_token(server, owner)
    rs = make_introspector(server, owner)
    token = issued["access_token"]
    fake = b64url(os.urandom(len(b64url_decode(token))))
    assert len(fake) == len(token)
    assert_inactive(introspect(server, rs, fake))
    # one character changed
    changed = ("A" if token[0] != "A" else "B") + token[1:]
    assert_inactive(introspect(server, rs, changed))


def test_truncated_jwt_is_inactive(server):
    owner = make_owner(server)
    issued = get_token(server, owner)
    rs = make_introspector(server, owner)
    token = issued["access_token"]
    head, payload, sig = token.split(".")
    for bad in (f"{head}.{payload}", f"{head}.{payload}.", token[:-10], f"{head}..{sig}",
                f".{payload}.{sig}"):
        assert_inactive(introspect(server, rs, bad))


def test_jwt_with_flipped_signature_byte_is_inactive(server):
    owner = make_owner(server)
    issued = get_token(server, owner)
    rs = make_introspector(server, owner)
    assert_active(introspect(server, rs, issued["access_token"]), server, owner, issued)
    assert_inactive(introspect(server, rs, flip_signature_byte(issued["access_token"])))


def test_jwt_with_tampered_payload_is_inactive(server):
    owner = make_owner(server, scope="read_books")
    issued = get_token(server, owner)
    rs = make_introspector(server, owner)
    head, payload, sig = issued["access_token"].split(".")
    claims = json.loads(b64url_decode(payload))
    claims["scope"] = "read_books add_books admin"
    claims["exp"] = claims["exp"] + 86400
    forged = f"{head}.{b64url(json.dumps(claims).encode())}.{sig}"
    assert_inactive(introspect(server, rs, forged))


def test_jwt_with_alg_none_is_inactive(server):
    owner = make_owner(server)
    issued = get_token(server, owner)
    rs = make_introspector(server, owner)
    claims = jwt_claims_unverified(issued["access_token"])
    head = b64url(json.dumps({"alg": "none", "typ": "at+jwt"}).encode())
    for forged in (f"{head}.{b64url(json.dumps(claims).encode())}.",
                   f"{head}.{b64url(json.dumps(claims).encode())}"):
        assert_inactive(introspect(server, rs, forged))


def test_jwt_from_another_instance_is_inactive(make_server):
    server = make_server()
    stranger = make_server()
    owner = make_owner(server)
    issued = get_token(server, owner)
    rs = make_introspector(server, owner)
    # a token for a client of the same id cannot be made there, but the
    # stranger's token names its own client; list it so only keys decide
    foreign_owner = make_owner(stranger)
    foreign = get_token(stranger, foreign_owner)["access_token"]
    rs_both = server.create_client(
        name="rs-both",
        scope=f"token_introspection {owner['client_id']} {foreign_owner['client_id']}")
    assert_inactive(introspect(server, rs_both, foreign))
    assert_inactive(introspect(server, rs, foreign))
    # sanity: the local token is still active for the same caller
    assert_active(introspect(server, rs_both, issued["access_token"]), server, owner, issued)


def test_jwt_from_another_instance_with_audience_rule_off_is_inactive(make_server):
    server = make_server(config={"introspection": {"validate_audience_scope": "false"}})
    stranger = make_server()
    foreign = get_token(stranger, make_owner(stranger))["access_token"]
    rs = make_introspector(server)
    assert_inactive(introspect(server, rs, foreign))


def test_opaque_token_from_another_instance_is_inactive(make_server):
    server = make_server(config={"introspection": {"validate_audience_scope": "false"}})
    stranger = make_server()
    foreign = get_token(stranger, make_owner(stranger, "opaque"))["access_token"]
    rs = make_introspector(server)
    assert_inactive(introspect(server, rs, foreign))


def _until_inactive(server, rs, token, tries=30):
    """Client changes show within a second (DESIGN §8): poll, bounded."""
    resp = None
    for _ in range(tries):
        resp = introspect(server, rs, token)
        if resp.status_code == 200 and resp.json() == {"active": False}:
            return resp
        time.sleep(0.1)
    return resp


@pytest.mark.parametrize("fmt", FORMATS)
def test_token_of_deleted_client_is_inactive(server, fmt):
    owner = make_owner(server, fmt)
    issued = get_token(server, owner)
    rs = make_introspector(server, owner)
    assert_active(introspect(server, rs, issued["access_token"]), server, owner, issued)
    result = server.cli("client", "delete", owner["client_id"])
    assert result.returncode == 0, result.stderr
    assert_inactive(_until_inactive(server, rs, issued["access_token"]))


@pytest.mark.parametrize("fmt", FORMATS)
def test_token_of_disabled_client_is_inactive(server, fmt):
    owner = make_owner(server, fmt)
    issued = get_token(server, owner)
    rs = make_introspector(server, owner)
    assert_active(introspect(server, rs, issued["access_token"]), server, owner, issued)
    result = server.cli("client", "update", owner["client_id"], "--disable")
    assert result.returncode == 0, result.stderr
    assert_inactive(_until_inactive(server, rs, issued["access_token"]))


def test_token_of_deleted_client_inactive_with_audience_rule_off(make_server):
    server = make_server(config={"introspection": {"validate_audience_scope": "false"}})
    owner = make_owner(server)
    issued = get_token(server, owner)
    rs = make_introspector(server)
    assert_active(introspect(server, rs, issued["access_token"]), server, owner, issued)
    assert server.cli("client", "delete", owner["client_id"]).returncode == 0
    assert_inactive(_until_inactive(server, rs, issued["access_token"]))


# -- request errors ----------------------------------------------------------------

def test_missing_token_is_invalid_request(server):
    rs = make_introspector(server)
    assert_oauth_error(introspect(server, rs, data={}), 400, "invalid_request")
    assert_oauth_error(introspect(server, rs, data={"token_type_hint": "access_token"}),
                       400, "invalid_request")


def test_duplicated_token_is_invalid_request(server):
    owner = make_owner(server)
    issued = get_token(server, owner)
    rs = make_introspector(server, owner)
    resp = introspect(server, rs, data=[("token", issued["access_token"]),
                                        ("token", issued["access_token"])])
    assert_oauth_error(resp, 400, "invalid_request")


def test_json_body_is_refused(server):
    owner = make_owner(server)
    issued = get_token(server, owner)
    rs = make_introspector(server, owner)
    resp = requests.post(server.url("/introspect"), timeout=HTTP_TIMEOUT,
                         data=json.dumps({"token": issued["access_token"]}),
                         headers={"Content-Type": "application/json"},
                         auth=(rs["client_id"], rs["client_secret"]))
    assert resp.status_code == 400, resp.text
    assert "no-store" in resp.headers.get("Cache-Control", "")
    assert "active" not in resp.text


def test_missing_content_type_is_refused(server):
    owner = make_owner(server)
    issued = get_token(server, owner)
    rs = make_introspector(server, owner)
    resp = requests.post(server.url("/introspect"), timeout=HTTP_TIMEOUT,
                         data=f"token={issued['access_token']}".encode(),
                         auth=(rs["client_id"], rs["client_secret"]))
    assert "Content-Type" not in resp.request.headers
    assert resp.status_code == 400, resp.text
    assert "no-store" in resp.headers.get("Cache-Control", "")


def test_token_in_query_string_is_not_read(server):
    owner = make_owner(server)
    issued = get_token(server, owner)
    rs = make_introspector(server, owner)
    resp = requests.post(server.url("/introspect"), timeout=HTTP_TIMEOUT,
                         params={"token": issued["access_token"]}, data={"x": "y"},
                         auth=(rs["client_id"], rs["client_secret"]))
    assert_oauth_error(resp, 400, "invalid_request")


def test_get_is_405(server):
    owner = make_owner(server)
    issued = get_token(server, owner)
    rs = make_introspector(server, owner)
    resp = requests.get(server.url("/introspect"), params={"token": issued["access_token"]},
                        auth=(rs["client_id"], rs["client_secret"]), timeout=HTTP_TIMEOUT)
    assert resp.status_code == 405, resp.text
    assert "POST" in resp.headers.get("Allow", ""), resp.headers  # RFC 9110 §15.5.6
    assert "no-store" in resp.headers.get("Cache-Control", "")


def test_every_response_is_no_store(server):
    owner = make_owner(server)
    issued = get_token(server, owner)
    rs = make_introspector(server, owner)
    plain = server.create_client(name="plain", scope="read")
    responses = [
        introspect(server, rs, issued["access_token"]),           # active
        introspect(server, rs, "garbage"),                        # inactive
        introspect(server, None, issued["access_token"]),         # 401
        introspect(server, plain, issued["access_token"]),        # 403
        introspect(server, rs, data={}),                          # 400
    ]
    statuses = [r.status_code for r in responses]
    assert statuses == [200, 200, 401, 403, 400], statuses
    for resp in responses:
        assert "no-store" in resp.headers.get("Cache-Control", ""), (resp.status_code,
                                                                      resp.headers)


def test_introspection_does_not_log_token(server):
    owner = make_owner(server)
    issued = get_token(server, owner)
    rs = make_introspector(server, owner)
    token = issued["access_token"]
    assert_active(introspect(server, rs, token), server, owner, issued)
    assert_inactive(introspect(server, rs, flip_signature_byte(token)))
    # the access line is written after the answer: wait for it (bounded)
    assert wait_until(lambda: "path=/introspect " in server.log_text(), timeout=3.0), \
        server.log_text()
    text = server.log_text()
    for part in token.split("."):
        assert part not in text
    assert rs["client_secret"] not in text
