"""`oidcd consent list|revoke`: an operator takes back what a user allowed a
client. The consent goes, and with it everything it let the client hold for
that user (refresh tokens, the access tokens issued with them or by its
codes, unredeemed codes); the user stays signed in at oidcd, and the next
/authorize asks again."""

import json

import pytest
import requests

from conftest import HTTP_TIMEOUT, wait_until
from signin_support import (Browser, Pkce, alice, assert_callback_ok, full_flow,  # noqa: F401
                            make_rp, make_user, redeem, userinfo)

GRANTS = "authorization_code,refresh_token"
SCOPE = "openid email offline_access"


def refresh(server, client, token):
    return server.post_token({"grant_type": "refresh_token", "refresh_token": token},
                             auth=(client["client_id"], client["client_secret"]))


def introspect(server, caller, token):
    resp = requests.post(server.url("/introspect"), data={"token": token},
                         auth=(caller["client_id"], caller["client_secret"]),
                         timeout=HTTP_TIMEOUT)
    assert resp.status_code == 200, resp.text
    return resp.json()


def sign_in_as(server, client, username, browser=None, scope=SCOPE):
    """full_flow for another user than alice: sign in, consent, redeem."""
    browser = browser or Browser(server)
    pk = Pkce()
    callback = browser.run(browser.authorize(client, scope=scope, state="st", **pk.params()),
                           username=username)
    resp = redeem(server, client, assert_callback_ok(server, callback, "st"), verifier=pk.verifier)
    assert resp.status_code == 200, resp.text
    return {"browser": browser, "tokens": resp.json()}


def consents(server, *args):
    return server.cli_json("consent", "list", *args)


def events(server):
    return server.cli_json("events", "--type", "consent")["events"]


@pytest.fixture
def rps(server):
    jwt = make_rp(server, name="JWT RP", grant_types=GRANTS)
    opaque = make_rp(server, name="Opaque RP", grant_types=GRANTS, access_token_format="opaque")
    rs = server.create_client(name="rs", scope=" ".join(
        ["token_introspection", jwt["client_id"], opaque["client_id"]]))
    return jwt, opaque, rs


def test_revoke_one_client(server, alice, rps):
    jwt, opaque, rs = rps
    browser = Browser(server)
    first = full_flow(server, jwt, browser=browser, scope=SCOPE)
    second = full_flow(server, opaque, browser=browser, scope=SCOPE)
    listed = consents(server, "--user", "alice")["consents"]
    assert {c["client_id"] for c in listed} == {jwt["client_id"], opaque["client_id"]}
    assert all(c["user_sub"] == alice["sub"] and "email" in c["scope"] for c in listed)

    assert userinfo(server, first["tokens"]["access_token"]).status_code == 200
    # an unredeemed code goes with the consent too
    pk = Pkce()
    pending = browser.run(browser.authorize(jwt, scope=SCOPE, state="s1", **pk.params()),
                          expect_consent=False)
    pending_code = assert_callback_ok(server, pending, "s1")

    result = server.cli("consent", "revoke", "--user", "alice", "--client", jwt["client_id"])
    assert result.returncode == 0, result.stderr
    assert jwt["client_id"] in result.stdout

    left = consents(server, "--user", alice["sub"])["consents"]
    assert [c["client_id"] for c in left] == [opaque["client_id"]]
    # the refresh token and the access token are gone; the code too
    resp = refresh(server, jwt, first["tokens"]["refresh_token"])
    assert resp.status_code == 400 and resp.json()["error"] == "invalid_grant", resp.text
    assert wait_until(lambda: not introspect(server, rs, first["tokens"]["access_token"])["active"])
    assert userinfo(server, first["tokens"]["access_token"]).status_code == 401
    resp = redeem(server, jwt, pending_code, verifier=pk.verifier)
    assert resp.status_code == 400 and resp.json()["error"] == "invalid_grant", resp.text
    # the other client keeps what it holds
    assert introspect(server, rs, second["tokens"]["access_token"])["active"]
    assert refresh(server, opaque, second["tokens"]["refresh_token"]).status_code == 200

    # still signed in, but asked again
    again = browser.run(browser.authorize(jwt, scope=SCOPE, state="s2", **Pkce().params()),
                        expect_login=False, expect_consent=True)
    assert_callback_ok(server, again, "s2")

    revoked = [e for e in events(server) if e["type"] == "consent.revoked"]
    assert len(revoked) == 1, revoked
    event = revoked[0]
    assert event["actor"].startswith("cli:") and event["outcome"] == "ok"
    assert event["user_sub"] == alice["sub"] and event["client_id"] == jwt["client_id"]
    assert "email" in event["detail"] and "offline_access" in event["detail"]


def test_revoke_every_client_of_a_user(server, alice, rps):
    jwt, opaque, rs = rps
    browser = Browser(server)
    flows = [full_flow(server, c, browser=browser, scope=SCOPE) for c in (jwt, opaque)]
    bob = make_user(server, "bob")
    bob_flow = sign_in_as(server, jwt, "bob")

    result = server.cli("consent", "revoke", "--user", alice["sub"])
    assert result.returncode == 0, result.stderr
    assert consents(server, "--user", "alice")["consents"] == []
    for client, flow in zip((jwt, opaque), flows):
        assert refresh(server, client, flow["tokens"]["refresh_token"]).status_code == 400
        assert not introspect(server, rs, flow["tokens"]["access_token"])["active"]
        assert userinfo(server, flow["tokens"]["access_token"]).status_code == 401
    assert len([e for e in events(server) if e["type"] == "consent.revoked"]) == 2
    # bob's consent and tokens stay
    assert [c["user_sub"] for c in consents(server)["consents"]] == [bob["sub"]]
    assert introspect(server, rs, bob_flow["tokens"]["access_token"])["active"]


def test_list_filters_and_pages(server, rps):
    jwt, opaque, _ = rps
    users = [make_user(server, name) for name in ("ann", "ben", "cat")]
    for user in users:
        for client in (jwt, opaque):
            sign_in_as(server, client, user["username"], scope="openid email")
    everything = consents(server)["consents"]
    assert len(everything) == 6
    assert everything == sorted(everything, key=lambda c: (c["user_sub"], c["client_id"]))
    by_client = consents(server, "--client", opaque["client_id"])["consents"]
    assert len(by_client) == 3 and {c["client_id"] for c in by_client} == {opaque["client_id"]}
    both = consents(server, "--user", "ben", "--client", jwt["client_id"])["consents"]
    assert [(c["user_sub"], c["client_id"]) for c in both] == [(users[1]["sub"], jwt["client_id"])]

    pages, after = [], None
    while True:
        page = consents(server, "--limit", "4", *(["--after", after] if after else []))
        pages.append(page["consents"])
        after = page["next_after"]
        if after is None:
            break
    assert [len(p) for p in pages] == [4, 2]
    assert [c for p in pages for c in p] == everything

    text = server.cli("consent", "list", "--limit", "4")
    assert text.returncode == 0 and "(more: add --after" in text.stdout
    assert len(text.stdout.splitlines()) == 5


def test_errors(server, alice, rps):
    jwt, _, _ = rps
    result = server.cli("consent", "revoke", "--user", "nobody")
    assert result.returncode == server.cli("user", "show", "nobody").returncode == 1
    assert "no user nobody" in result.stderr
    result = server.cli("consent", "list", "--user", "nobody")
    assert result.returncode == 1 and "no user nobody" in result.stderr
    result = server.cli("consent", "revoke", "--user", "alice")
    assert result.returncode == 1 and "no consent" in result.stderr
    result = server.cli("consent", "revoke", "--user", "alice", "--client", "no-such-client")
    assert result.returncode == 1 and "no client" in result.stderr
    result = server.cli("consent", "revoke", "--client", jwt["client_id"])
    assert result.returncode == 2 and "--user" in result.stderr
    for args in (["list", "--limit", "0"], ["list", "--after", "nospace"],
                 ["list", "--after", "a " + "b" * 600], ["list", "--bogus"],
                 ["revoke", "--user", "alice", "--json"], ["frob"]):
        result = server.cli("consent", *args)
        assert result.returncode == 2, (args, result.stderr)
    assert events(server) == [] or all(e["type"] != "consent.revoked" for e in events(server))
    assert json.loads(server.cli("consent", "list", "--json").stdout)["consents"] == []
