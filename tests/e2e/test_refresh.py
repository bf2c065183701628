"""grant_type=refresh_token (RFC 6749 §6) with rotation and reuse detection
(RFC 9700 §4.14.2), through the real sign-in: rotation on every use, a
reused token revoking its whole family (refresh and access tokens), scope
narrowing, a new ID token, the user and client checks, two racing refreshes,
the code-replay revocation after rotation, /revoke and /introspect of refresh
tokens, discovery."""

import sqlite3
import threading
import time

import pytest
import requests

from conftest import HTTP_TIMEOUT, SLOW, verify_jwt, wait_until
from migration_support import undo_migrations_from
from signin_support import (alice, full_flow, left_half_hash, make_public_rp,  # noqa: F401
                            make_rp, make_user, redeem, user_cli, userinfo)

GRANTS = "authorization_code,refresh_token"
SCOPE = "openid email offline_access"


def refresh(server, client, token, **extra):
    """POST /token grant_type=refresh_token: Basic auth for a confidential
    client, client_id in the form for a public one."""
    data = {"grant_type": "refresh_token", "refresh_token": token, **extra}
    auth = None
    if client.get("client_secret"):
        auth = (client["client_id"], client["client_secret"])
    else:
        data["client_id"] = client["client_id"]
    return server.post_token(data, auth=auth)


def assert_error(resp, error, status=400):
    assert resp.status_code == status, (resp.status_code, resp.text)
    assert resp.json()["error"] == error, resp.text


def refreshed(server, client, token, **extra):
    resp = refresh(server, client, token, **extra)
    assert resp.status_code == 200, resp.text
    assert "no-store" in resp.headers.get("Cache-Control", "")
    return resp.json()


def signed_in(server, client, scope=SCOPE):
    flow = full_flow(server, client, scope=scope)
    assert flow["tokens"].get("refresh_token"), flow["tokens"]
    return flow


def make_introspector(server, *audiences):
    scope = " ".join(["token_introspection", *[a["client_id"] for a in audiences]])
    return server.create_client(name="rs", scope=scope)


def introspect(server, caller, token):
    resp = requests.post(server.url("/introspect"), data={"token": token},
                         auth=(caller["client_id"], caller["client_secret"]),
                         timeout=HTTP_TIMEOUT)
    assert resp.status_code == 200, resp.text
    return resp.json()


def revoke(server, client, token):
    resp = requests.post(server.url("/revoke"), data={"token": token},
                         auth=(client["client_id"], client["client_secret"]),
                         timeout=HTTP_TIMEOUT)
    assert resp.status_code == 200, resp.text


# -- rotation and reuse -----------------------------------------------------------


def test_refresh_rotates_and_issues_new_tokens(server, alice):
    rp = make_rp(server, grant_types=GRANTS)
    first = signed_in(server, rp)["tokens"]
    second = refreshed(server, rp, first["refresh_token"])
    assert second["token_type"] == "Bearer"
    assert second["scope"] == SCOPE
    assert second["refresh_token"] not in (first["refresh_token"], None)
    assert len(second["refresh_token"]) >= 43
    assert second["access_token"] != first["access_token"]
    assert userinfo(server, second["access_token"]).status_code == 200
    third = refreshed(server, rp, second["refresh_token"])
    assert third["refresh_token"] != second["refresh_token"]


def test_reuse_of_a_rotated_token_revokes_the_whole_family(server, alice):
    rp = make_rp(server, grant_types=GRANTS)
    rs = make_introspector(server, rp)
    first = signed_in(server, rp)["tokens"]
    second = refreshed(server, rp, first["refresh_token"])
    third = refreshed(server, rp, second["refresh_token"])
    assert introspect(server, rs, third["access_token"])["active"] is True
    # an attacker replays a rotated token
    assert_error(refresh(server, rp, first["refresh_token"]), "invalid_grant")
    # the legitimate holder's newest token is gone too, and every access token
    assert_error(refresh(server, rp, third["refresh_token"]), "invalid_grant")
    for tokens in (first, second, third):
        assert introspect(server, rs, tokens["access_token"]) == {"active": False}
        assert userinfo(server, tokens["access_token"]).status_code == 401


def test_reuse_revokes_opaque_access_tokens_too(server, alice):
    rp = make_rp(server, grant_types=GRANTS, access_token_format="opaque")
    first = signed_in(server, rp)["tokens"]
    second = refreshed(server, rp, first["refresh_token"])
    assert userinfo(server, second["access_token"]).status_code == 200
    assert_error(refresh(server, rp, first["refresh_token"]), "invalid_grant")
    assert userinfo(server, first["access_token"]).status_code == 401
    assert userinfo(server, second["access_token"]).status_code == 401


def test_two_concurrent_refreshes_exactly_one_succeeds(server, alice):
    rp = make_rp(server, grant_types=GRANTS)
    token = signed_in(server, rp)["tokens"]["refresh_token"]
    barrier = threading.Barrier(2)
    results = [None, None]

    def run(i):
        barrier.wait()
        results[i] = refresh(server, rp, token)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200, 400], [r.text for r in results]
    loser = next(r for r in results if r.status_code == 400)
    assert loser.json()["error"] == "invalid_grant"


def test_many_concurrent_refreshes_exactly_one_succeeds(server, alice):
    rp = make_rp(server, grant_types=GRANTS)
    token = signed_in(server, rp)["tokens"]["refresh_token"]
    n = 6
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        barrier.wait()
        results[i] = refresh(server, rp, token)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.status_code for r in results].count(200) == 1, [r.text for r in results]
    assert all(r.json()["error"] == "invalid_grant" for r in results if r.status_code != 200)


# -- who may refresh ------------------------------------------------------------------


def test_client_without_the_grant_is_unauthorized(server, alice):
    rp = make_rp(server, grant_types=GRANTS)
    token = signed_in(server, rp)["tokens"]["refresh_token"]
    other = make_rp(server, name="no refresh")  # authorization_code only
    assert_error(refresh(server, other, token), "unauthorized_client")
    machine = server.create_client(name="machine", scope="read")
    assert_error(refresh(server, machine, token), "unauthorized_client")
    # the owner's token is untouched
    refreshed(server, rp, token)


def test_another_clients_token_is_invalid_grant_and_stays_usable(server, alice):
    rp = make_rp(server, grant_types=GRANTS)
    thief = make_rp(server, name="thief", grant_types=GRANTS)
    token = signed_in(server, rp)["tokens"]["refresh_token"]
    assert_error(refresh(server, thief, token), "invalid_grant")
    refreshed(server, rp, token)


def test_public_client_refreshes_with_its_client_id(server, alice):
    app = make_public_rp(server, grant_types=GRANTS)
    first = signed_in(server, app)["tokens"]
    second = refreshed(server, app, first["refresh_token"])
    assert second["refresh_token"] != first["refresh_token"]
    # without a client_id the public client is not identified
    resp = server.post_token({"grant_type": "refresh_token",
                              "refresh_token": second["refresh_token"]})
    assert resp.status_code in (400, 401), resp.text
    assert resp.json()["error"] == "invalid_client", resp.text


def test_missing_unknown_and_expired_tokens(server, alice):
    rp = make_rp(server, grant_types=GRANTS)
    auth = (rp["client_id"], rp["client_secret"])
    assert_error(server.post_token({"grant_type": "refresh_token"}, auth=auth),
                 "invalid_request")
    assert_error(refresh(server, rp, "x" * 43), "invalid_grant")
    assert_error(refresh(server, rp, "short"), "invalid_grant")
    token = signed_in(server, rp)["tokens"]["refresh_token"]
    server.db_rows("UPDATE refresh_tokens SET expires_at = 1")
    assert_error(refresh(server, rp, token), "invalid_grant")


def test_disabled_or_deleted_user_cannot_refresh(server, alice):
    rp = make_rp(server, grant_types=GRANTS)
    token = signed_in(server, rp)["tokens"]["refresh_token"]
    assert user_cli(server, "update", "alice", "--disable").returncode == 0
    assert_error(refresh(server, rp, token), "invalid_grant")
    assert user_cli(server, "update", "alice", "--enable").returncode == 0
    token = refreshed(server, rp, token)["refresh_token"]
    assert user_cli(server, "delete", "alice").returncode == 0
    assert_error(refresh(server, rp, token), "invalid_grant")


def test_disabled_client_cannot_refresh(server, alice):
    rp = make_rp(server, grant_types=GRANTS)
    token = signed_in(server, rp)["tokens"]["refresh_token"]
    token = refreshed(server, rp, token)["refresh_token"]
    assert server.cli("client", "update", rp["client_id"], "--disable").returncode == 0
    bogus = {"grant_type": "authorization_code", "code": "x", "redirect_uri": "x"}
    auth = (rp["client_id"], rp["client_secret"])
    assert wait_until(lambda: server.post_token(bogus, auth=auth).status_code == 401)
    assert_error(refresh(server, rp, token), "invalid_client", status=401)



# -- the family's maximum lifetime ------------------------------------------------------

# long enough to sign in and refresh twice, under valgrind too
MAX_LIFETIME = 6 * SLOW


def test_rotation_does_not_extend_a_family_past_its_maximum_lifetime(make_server):
    """Each rotation restarts tokens.refresh_token_ttl, never the family's
    bound: counted from the code's redemption, it ends the family though
    every token was used well within the ttl."""
    server = make_server(config={"tokens": {"refresh_token_max_lifetime": MAX_LIFETIME}})
    make_user(server)
    rp = make_rp(server, grant_types=GRANTS, scope=SCOPE + " token_introspection")
    first = signed_in(server, rp)["tokens"]
    start = introspect(server, rp, first["refresh_token"])
    end = start["iat"] + MAX_LIFETIME
    assert start["exp"] == end, start
    second = refreshed(server, rp, first["refresh_token"])
    third = refreshed(server, rp, second["refresh_token"])
    body = introspect(server, rp, third["refresh_token"])
    assert body["iat"] >= start["iat"] and body["exp"] == end, body
    assert wait_until(lambda: time.time() >= end + 1, timeout=MAX_LIFETIME + 2)
    assert introspect(server, rp, third["refresh_token"]) == {"active": False}
    assert_error(refresh(server, rp, third["refresh_token"]), "invalid_grant")


def rotated_then_stopped(server):
    """A family rotated once, then the server stopped; (client, live token)."""
    make_user(server)
    rp = make_rp(server, grant_types=GRANTS)
    token = signed_in(server, rp)["tokens"]["refresh_token"]
    token = refreshed(server, rp, token)["refresh_token"]
    server.stop()
    return rp, token


def test_a_lowered_maximum_lifetime_ends_older_families(make_server):
    """A family issued under a longer bound ends by the bound in force."""
    server = make_server()
    rp, token = rotated_then_stopped(server)
    server.start(env={"OIDCD_TOKENS_REFRESH_TOKEN_MAX_LIFETIME": "1"})
    time.sleep(1.5)
    resp = refresh(server, rp, token)
    assert_error(resp, "invalid_grant")
    assert "maximum lifetime" in resp.json().get("error_description", ""), resp.text


@pytest.mark.sqlite_only("undoes SQLite migrations to check an upgrade from an old file")
def test_migration_starts_older_families_at_their_codes_redemption(make_server):
    """A family from before migration 11 whose rotated tokens the sweep
    deleted: its start is its code's redemption, not its oldest stored token,
    so the maximum lifetime (90 days by default) still ends it."""
    server = make_server()
    rp, token = rotated_then_stopped(server)
    long_ago = int(time.time()) - 100 * 86400
    db = sqlite3.connect(server.db_path)
    with db:
        (family,) = db.execute("SELECT DISTINCT family FROM refresh_tokens").fetchone()
        assert db.execute("UPDATE auth_codes SET used_at = ? WHERE rt_family = ?",
                          (long_ago, family)).rowcount == 1
        db.execute("DELETE FROM refresh_tokens WHERE used_at IS NOT NULL")  # as the sweep does
        undo_migrations_from(db, 11)
    db.close()
    server.start()
    db = sqlite3.connect(server.db_path)
    starts = [row[0] for row in db.execute("SELECT family_issued_at FROM refresh_tokens")]
    db.close()
    assert starts == [long_ago]
    resp = refresh(server, rp, token)
    assert_error(resp, "invalid_grant")
    assert "maximum lifetime" in resp.json().get("error_description", ""), resp.text


def client_update(server, client, *flags):
    """`oidcd client update ID FLAGS…`, then the second within which the
    server sees a client's change (DESIGN.md §8) passes."""
    assert server.cli("client", "update", client["client_id"], *flags).returncode == 0
    time.sleep(1.2)


@pytest.mark.parametrize("flags, error", [
    (("--grant-types", "authorization_code"), "unauthorized_client"),
    # every family was granted for offline_access
    (("--scope", "openid email"), "invalid_grant"),
])
def test_a_client_that_lost_the_grant_or_offline_access_may_refresh_no_more(
        server, alice, flags, error):
    rp = make_rp(server, grant_types=GRANTS)
    token = signed_in(server, rp)["tokens"]["refresh_token"]
    client_update(server, rp, *flags)
    assert_error(refresh(server, rp, token), error)


def test_deleted_client_cannot_refresh_nor_use_its_tokens(server, alice):
    rp = make_rp(server, grant_types=GRANTS)
    tokens = refreshed(server, rp, signed_in(server, rp)["tokens"]["refresh_token"])
    assert userinfo(server, tokens["access_token"]).status_code == 200
    assert server.cli("client", "delete", rp["client_id"]).returncode == 0
    assert wait_until(lambda: userinfo(server, tokens["access_token"]).status_code == 401)
    assert_error(refresh(server, rp, tokens["refresh_token"]), "invalid_client", status=401)
    # the family is gone with the client, not merely unusable
    rows = server.db_value("SELECT count(*) FROM refresh_tokens WHERE client_id = ?",
                           (rp["client_id"],))
    assert rows == 0


# -- scope ----------------------------------------------------------------------------


def test_scope_may_narrow_and_the_successor_keeps_the_original(server, alice):
    rp = make_rp(server, grant_types=GRANTS)
    first = signed_in(server, rp)["tokens"]
    narrow = refreshed(server, rp, first["refresh_token"], scope="email")
    assert narrow["scope"] == "email"
    assert "id_token" not in narrow
    _, claims = verify_jwt(narrow["access_token"], server.jwks())
    assert claims["scope"] == "email"
    again = refreshed(server, rp, narrow["refresh_token"])
    assert again["scope"] == SCOPE


def test_wider_scope_is_invalid_scope(server, alice):
    rp = make_rp(server, grant_types=GRANTS)
    token = signed_in(server, rp)["tokens"]["refresh_token"]
    assert_error(refresh(server, rp, token, scope="openid profile"), "invalid_scope")
    assert_error(refresh(server, rp, token, scope="openid offline_access unknown"),
                 "invalid_scope")
    # a refused request did not spend the token
    refreshed(server, rp, token)


# -- the ID token ------------------------------------------------------------------------



def test_a_narrowed_client_scope_narrows_what_refresh_grants(server, alice):
    """The client's current registration bounds every refresh: the token's
    scope is cut to it, and a scope asked for that it no longer holds is
    invalid_scope (RFC 6749 §6: never more than the original grant)."""
    rp = make_rp(server, grant_types=GRANTS)
    token = signed_in(server, rp)["tokens"]["refresh_token"]
    client_update(server, rp, "--scope", "openid offline_access")
    assert_error(refresh(server, rp, token, scope="email"), "invalid_scope")
    cut = refreshed(server, rp, token)
    assert cut["scope"] == "openid offline_access"
    _, claims = verify_jwt(cut["access_token"], server.jwks())
    assert claims["scope"] == "openid offline_access"
    assert "email" not in userinfo(server, cut["access_token"]).json()
    # the family keeps its grant: given back its scope, the client gets it again
    client_update(server, rp, "--scope", SCOPE)
    assert refreshed(server, rp, cut["refresh_token"])["scope"] == SCOPE


def test_new_id_token_keeps_sub_auth_time_and_sid_without_nonce(server, alice):
    rp = make_rp(server, grant_types=GRANTS)
    flow = signed_in(server, rp)
    _, before = verify_jwt(flow["tokens"]["id_token"], server.jwks())
    tokens = refreshed(server, rp, flow["tokens"]["refresh_token"])
    header, after = verify_jwt(tokens["id_token"], server.jwks())
    assert "nonce" not in after
    for claim in ("iss", "sub", "aud", "auth_time", "sid"):
        assert after[claim] == before[claim], claim
    assert after["sub"] == alice["sub"]
    assert after["at_hash"] == left_half_hash(tokens["access_token"], header["alg"])


def test_no_id_token_without_openid(server, alice):
    rp = make_rp(server, grant_types=GRANTS)
    tokens = signed_in(server, rp, scope="email offline_access")["tokens"]
    assert "id_token" not in tokens
    assert "id_token" not in refreshed(server, rp, tokens["refresh_token"])


# -- the code, /revoke, /introspect, discovery ------------------------------------------


def test_code_replay_after_rotation_revokes_the_family(server, alice):
    rp = make_rp(server, grant_types=GRANTS)
    flow = signed_in(server, rp)
    second = refreshed(server, rp, flow["tokens"]["refresh_token"])
    resp = redeem(server, rp, flow["code"], verifier=flow["pkce"].verifier)
    assert_error(resp, "invalid_grant")
    assert_error(refresh(server, rp, second["refresh_token"]), "invalid_grant")
    assert userinfo(server, second["access_token"]).status_code == 401


def test_revoking_a_refresh_token_revokes_its_family(server, alice):
    rp = make_rp(server, grant_types=GRANTS)
    rs = make_introspector(server, rp)
    first = signed_in(server, rp)["tokens"]
    second = refreshed(server, rp, first["refresh_token"])
    revoke(server, rp, second["refresh_token"])
    assert_error(refresh(server, rp, second["refresh_token"]), "invalid_grant")
    assert introspect(server, rs, second["access_token"]) == {"active": False}
    assert introspect(server, rs, first["access_token"]) == {"active": False}


def test_revoking_a_rotated_token_revokes_its_family(server, alice):
    rp = make_rp(server, grant_types=GRANTS)
    first = signed_in(server, rp)["tokens"]
    second = refreshed(server, rp, first["refresh_token"])
    revoke(server, rp, first["refresh_token"])
    assert_error(refresh(server, rp, second["refresh_token"]), "invalid_grant")


def test_another_client_cannot_revoke_a_refresh_token(server, alice):
    rp = make_rp(server, grant_types=GRANTS)
    other = make_rp(server, name="other", grant_types=GRANTS)
    token = signed_in(server, rp)["tokens"]["refresh_token"]
    revoke(server, other, token)
    refreshed(server, rp, token)


def test_introspection_reports_refresh_tokens(server, alice):
    """To the client they were issued to, and to no one else."""
    rp = make_rp(server, grant_types=GRANTS, scope=SCOPE + " token_introspection")
    token = signed_in(server, rp)["tokens"]["refresh_token"]
    body = introspect(server, rp, token)
    assert body["active"] is True, body
    assert body["token_type"] == "refresh_token"
    assert body["client_id"] == rp["client_id"]
    assert body["sub"] == alice["sub"]
    assert body["scope"] == SCOPE
    assert body["exp"] > body["iat"] > 0
    # rotated: no longer active; its successor is
    successor = refreshed(server, rp, token)["refresh_token"]
    assert introspect(server, rp, token) == {"active": False}
    assert introspect(server, rp, successor)["active"] is True
    # a resource server, even one the audience rule lets see the client's
    # access tokens, never sees a refresh token as active: one that checks
    # only active and scope would take it for a bearer token
    rs = make_introspector(server, rp)
    assert introspect(server, rs, successor) == {"active": False}
    assert introspect(server, make_introspector(server), successor) == {"active": False}


def test_a_refresh_token_is_no_bearer_token(server, alice):
    # introspection knows refresh tokens; userinfo (and the gate) still refuse them
    rp = make_rp(server, grant_types=GRANTS, scope=SCOPE + " token_introspection")
    token = signed_in(server, rp)["tokens"]["refresh_token"]
    assert introspect(server, rp, token)["active"] is True
    assert userinfo(server, token).status_code == 401
    resp = requests.get(server.url("/gate"), headers={"Authorization": f"Bearer {token}"},
                        timeout=HTTP_TIMEOUT)
    assert resp.status_code == 401, resp.text


def test_discovery_lists_the_refresh_token_grant(server):
    resp = requests.get(server.url("/.well-known/openid-configuration"), timeout=HTTP_TIMEOUT)
    assert "refresh_token" in resp.json()["grant_types_supported"]
