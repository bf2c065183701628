"""GET|POST /userinfo (OpenID Connect Core §5.3, RFC 6750): a user's token
with openid gives sub and the claims its scopes release; every refusal is a
Bearer challenge; any origin may call it (CORS) and its preflight needs no
token. A client_credentials token speaks for no user: 401 invalid_token, as
for a token whose user was deleted or disabled (docs/ENDPOINTS.md)."""

import json

import pytest
import requests

from conftest import HTTP_TIMEOUT, get_access_token
from user_token_support import CLAIMS, create_rp, create_user, user_tokens

BARE_CHALLENGE = 'Bearer realm="oidcd"'


def userinfo(server, token=None, method="GET", **kwargs):
    headers = kwargs.pop("headers", {})
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return requests.request(method, server.url("/userinfo"), headers=headers,
                            timeout=HTTP_TIMEOUT, **kwargs)


def challenge(resp):
    return resp.headers.get("WWW-Authenticate", "")


@pytest.fixture
def alice(server):
    return create_user(server)


@pytest.fixture
def rp(server):
    return create_rp(server)


# -- a user's token --------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["jwt", "opaque"])
def test_scopes_release_their_claims_get_and_post(server, alice, fmt):
    rp = create_rp(server, access_token_format=fmt)
    token = user_tokens(server, rp, alice["sub"], "openid email phone")["access_token"]
    expected = {"sub": alice["sub"], "email": CLAIMS["email"], "email_verified": True,
                "phone_number": CLAIMS["phone_number"], "phone_number_verified": False}
    for method in ("GET", "POST"):
        resp = userinfo(server, token, method)
        assert resp.status_code == 200, resp.text
        assert resp.headers["Content-Type"].split(";")[0] == "application/json"
        assert resp.headers["Access-Control-Allow-Origin"] == "*"
        assert resp.headers["Cache-Control"] == "no-store"
        assert resp.json() == expected  # false kept, name and address not granted


def test_openid_alone_is_sub_alone(server, alice, rp):
    token = user_tokens(server, rp, alice["sub"], "openid")["access_token"]
    assert userinfo(server, token).json() == {"sub": alice["sub"]}


def test_empty_claims_are_left_out(server, rp):
    bob = create_user(server, "bob", {"email": "bob@example.org"})
    token = user_tokens(server, rp, bob["sub"], "openid profile email address")["access_token"]
    assert userinfo(server, token).json() == {"sub": bob["sub"], "email": "bob@example.org"}


def test_token_in_the_form_body(server, alice, rp):
    token = user_tokens(server, rp, alice["sub"], "openid email")["access_token"]
    resp = requests.post(server.url("/userinfo"), data={"access_token": token},
                         timeout=HTTP_TIMEOUT)
    assert resp.status_code == 200, resp.text
    assert resp.json()["email"] == CLAIMS["email"]


def test_token_in_header_and_body_is_invalid_request(server, alice, rp):
    token = user_tokens(server, rp, alice["sub"], "openid")["access_token"]
    resp = userinfo(server, token, "POST", data={"access_token": token})
    assert resp.status_code == 400
    assert 'error="invalid_request"' in challenge(resp)


def test_token_in_a_get_body_or_query_is_not_read(server, alice, rp):
    token = user_tokens(server, rp, alice["sub"], "openid")["access_token"]
    resp = requests.get(server.url("/userinfo"), params={"access_token": token},
                        timeout=HTTP_TIMEOUT)
    assert resp.status_code == 401 and challenge(resp) == BARE_CHALLENGE


def test_without_openid_is_insufficient_scope(server, alice):
    rp = create_rp(server, scope="openid email read_books")
    token = user_tokens(server, rp, alice["sub"], "email read_books")["access_token"]
    resp = userinfo(server, token)
    assert resp.status_code == 403
    assert 'error="insufficient_scope"' in challenge(resp)
    assert 'scope="openid"' in challenge(resp)
    assert resp.headers["Access-Control-Allow-Origin"] == "*"


def test_revoked_token_is_refused(server, alice, rp):
    token = user_tokens(server, rp, alice["sub"], "openid")["access_token"]
    resp = requests.post(server.url("/revoke"), data={"token": token},
                         auth=(rp["client_id"], rp["client_secret"]), timeout=HTTP_TIMEOUT)
    assert resp.status_code == 200
    resp = userinfo(server, token)
    assert resp.status_code == 401 and 'error="invalid_token"' in challenge(resp)


@pytest.mark.parametrize("change", [("update", "--disable"), ("delete",)])
def test_disabled_or_deleted_user_is_invalid_token(server, alice, rp, change):
    token = user_tokens(server, rp, alice["sub"], "openid email")["access_token"]
    assert userinfo(server, token).status_code == 200
    assert server.cli("user", change[0], "alice", *change[1:]).returncode == 0
    resp = userinfo(server, token)
    assert resp.status_code == 401, resp.text
    assert 'error="invalid_token"' in challenge(resp)


# -- never an answer from before a change ----------------------------------------
# The server remembers users between requests; each test below asks first (so
# the user is remembered), changes the user from another process, and expects
# the very next answer to show the change.


def warm(server, token, times=8):
    """Asks enough times that every server thread has answered from memory."""
    for _ in range(times):
        resp = userinfo(server, token)
        assert resp.status_code == 200, resp.text
    return resp.json()


def test_claim_changed_by_the_cli_shows_at_once(server, alice, rp):
    token = user_tokens(server, rp, alice["sub"], "openid email phone")["access_token"]
    assert warm(server, token)["email"] == CLAIMS["email"]
    assert server.cli("user", "update", "alice", "--claim", "email=alice@new.example",
                      "--unset-claim", "phone_number").returncode == 0
    assert userinfo(server, token).json() == {"sub": alice["sub"],
                                              "email": "alice@new.example",
                                              "email_verified": True,
                                              "phone_number_verified": False}
    assert server.cli("user", "update", "alice", "--claim", "phone_number=+47 555 09 876"
                      ).returncode == 0
    assert userinfo(server, token).json()["phone_number"] == "+47 555 09 876"


def test_disable_enable_delete_show_at_once(server, alice, rp):
    token = user_tokens(server, rp, alice["sub"], "openid email")["access_token"]
    warm(server, token)
    assert server.cli("user", "update", "alice", "--disable").returncode == 0
    for _ in range(4):
        resp = userinfo(server, token)
        assert resp.status_code == 401, resp.text
        assert 'error="invalid_token"' in challenge(resp)
    assert server.cli("user", "update", "alice", "--enable").returncode == 0
    assert warm(server, token)["email"] == CLAIMS["email"]
    assert server.cli("user", "delete", "alice").returncode == 0
    resp = userinfo(server, token)
    assert resp.status_code == 401, resp.text
    assert 'error="invalid_token"' in challenge(resp)


def test_a_write_to_the_database_by_another_process_shows_at_once(server, alice, rp):
    """As another oidcd instance sharing the file would change a user."""
    token = user_tokens(server, rp, alice["sub"], "openid email")["access_token"]
    warm(server, token)
    server.db_rows("UPDATE users SET claims = ? WHERE sub = ?",
                   (json.dumps({"email": "other@example.org"}), alice["sub"]))
    assert userinfo(server, token).json() == {"sub": alice["sub"], "email": "other@example.org"}
    server.db_rows("UPDATE users SET enabled = ? WHERE sub = ?", (False, alice["sub"]))
    assert userinfo(server, token).status_code == 401


def test_each_token_gets_its_own_scopes_and_users_stay_apart(server, alice, rp):
    bob = create_user(server, "bob", {"email": "bob@example.org", "name": "Bob"})
    narrow = user_tokens(server, rp, alice["sub"], "openid")["access_token"]
    wide = user_tokens(server, rp, alice["sub"], "openid email profile")["access_token"]
    bobs = user_tokens(server, rp, bob["sub"], "openid profile")["access_token"]
    for _ in range(3):
        assert userinfo(server, narrow).json() == {"sub": alice["sub"]}
        assert userinfo(server, wide).json() == {
            "sub": alice["sub"], "name": CLAIMS["name"], "email": CLAIMS["email"],
            "email_verified": True}
        assert userinfo(server, bobs).json() == {"sub": bob["sub"], "name": "Bob"}


def no_duplicate_names(pairs):
    names = [name for name, _ in pairs]
    assert len(names) == len(set(names)), names
    return dict(pairs)


def test_a_claim_two_scopes_release_comes_once(make_server):
    server = make_server(config={"scope.contact": {"claims": "email phone_number"}})
    alice = create_user(server)
    rp = create_rp(server, scope="openid email phone contact")
    token = user_tokens(server, rp, alice["sub"], "openid email contact phone")["access_token"]
    for _ in range(3):
        resp = userinfo(server, token)
        assert resp.status_code == 200, resp.text
        body = json.loads(resp.text, object_pairs_hook=no_duplicate_names)
        assert body == {"sub": alice["sub"], "email": CLAIMS["email"], "email_verified": True,
                        "phone_number": CLAIMS["phone_number"],
                        "phone_number_verified": False}


# -- no token, a bad token, a client's token ---------------------------------------


def test_no_token_is_a_bare_challenge(server):
    for method in ("GET", "POST"):
        resp = userinfo(server, method=method)
        assert resp.status_code == 401
        assert challenge(resp) == BARE_CHALLENGE
        assert resp.headers["Access-Control-Allow-Origin"] == "*"
        assert "WWW-Authenticate" in resp.headers["Access-Control-Expose-Headers"]


def test_bad_token_is_invalid_token(server):
    resp = userinfo(server, "not-a-token")
    assert resp.status_code == 401
    assert 'error="invalid_token"' in challenge(resp)


@pytest.mark.parametrize("scope", ["openid email", "read"])
def test_client_credentials_token_is_invalid_token(server, scope):
    machine = server.create_client(name="machine", scope=scope)
    token = get_access_token(server, machine, scope=scope)
    resp = userinfo(server, token)
    assert resp.status_code == 401, resp.text
    assert 'error="invalid_token"' in challenge(resp)
    assert "not to a user" in challenge(resp)


# -- CORS --------------------------------------------------------------------------


def test_preflight_needs_no_token(server):
    resp = requests.options(server.url("/userinfo"), timeout=HTTP_TIMEOUT, headers={
        "Origin": "https://app.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert resp.status_code == 204, resp.text
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    methods = {m.strip() for m in resp.headers["Access-Control-Allow-Methods"].split(",")}
    assert {"GET", "POST"} <= methods
    headers = resp.headers["Access-Control-Allow-Headers"].lower()
    assert "authorization" in headers and "content-type" in headers
    assert "OPTIONS" in resp.headers["Allow"]


def test_options_elsewhere_is_not_allowed(server):
    resp = requests.options(server.url("/token"), timeout=HTTP_TIMEOUT)
    assert resp.status_code == 405
    assert "Access-Control-Allow-Origin" not in resp.headers


def test_other_methods_are_405_with_allow(server):
    resp = requests.delete(server.url("/userinfo"), timeout=HTTP_TIMEOUT)
    assert resp.status_code == 405
    assert resp.headers["Allow"] == "GET, HEAD, POST, OPTIONS"
