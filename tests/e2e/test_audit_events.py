"""Audit events: every security-relevant change and attempt is stored with
its time, actor, user, client, address and outcome (never a secret), kept
audit.retention_days, and shown newest first by `oidcd events`, filtered and
paged."""

import getpass
import time

import pytest
import requests

from conftest import wait_until
from signin_support import PASSWORD, Browser, full_flow, make_rp, make_user, user_cli

CLI_ACTOR = f"cli:{getpass.getuser()}"


@pytest.fixture
def server(make_server):
    server = make_server(config={"grants": {"password": "true"}, "login": {"max_failures": "2"}})
    # what the set-up recorded (under memcheck the first key is made by the
    # CLI, a key.rotated event) is not the test's
    server.audit_baseline = max((e["id"] for e in events(server)), default=0)
    return server


def events(server, *args):
    """The events since the server's set-up, newest first."""
    listed = server.cli_json("events", "--limit", "1000", *args)["events"]
    return [e for e in listed if e["id"] > getattr(server, "audit_baseline", 0)]


def types(evs):
    return [e["type"] for e in evs]


def test_cli_changes_are_recorded_with_their_actor(server):
    client = server.create_client(name="svc", scope="read")
    cid = client["client_id"]
    server.cli("client", "update", cid, "--scope", "read write")
    server.cli("client", "rotate-secret", cid)
    server.cli("client", "delete", cid)
    alice = make_user(server)
    user_cli(server, "update", "alice", "--disable")
    user_cli(server, "update", "alice", "--password-stdin", password="another-long-passw0rd")
    user_cli(server, "delete", "alice")
    server.cli("key", "rotate", "--publish-ahead", "0")
    evs = events(server)
    assert types(evs) == ["key.rotated", "user.deleted", "user.updated", "user.password_set",
                          "user.updated", "user.disabled", "user.created", "client.deleted",
                          "client.secret_rotated", "client.updated", "client.created"], types(evs)
    assert all(e["actor"] == CLI_ACTOR and e["outcome"] == "ok" for e in evs)
    assert {e["client_id"] for e in evs if e["type"].startswith("client.")} == {cid}
    assert {e["user_sub"] for e in evs if e["type"].startswith("user.")} == {alice["sub"]}
    ids = [e["id"] for e in evs]
    assert ids == sorted(ids, reverse=True)
    assert all(abs(e["at"] - time.time()) < 120 for e in evs)


def test_logins_lockout_consent_revocation_and_reuse(server):
    alice = make_user(server)
    rp = make_rp(server, grant_types="authorization_code,refresh_token")
    app = server.create_client(name="app", scope="openid", grant_types="password")

    def password_grant(password):
        return server.post_token({"grant_type": "password", "username": "alice",
                                  "password": password, "scope": "openid"},
                                 auth=(app["client_id"], app["client_secret"]))

    # the login page (with consent), then refresh-token reuse and a revocation
    flow = full_flow(server, rp, scope="openid offline_access")
    rt = flow["tokens"]["refresh_token"]
    assert server.post_token({"grant_type": "refresh_token", "refresh_token": rt},
                             auth=(rp["client_id"], rp["client_secret"])).status_code == 200
    assert server.post_token({"grant_type": "refresh_token", "refresh_token": rt},
                             auth=(rp["client_id"], rp["client_secret"])).status_code == 400
    requests.post(server.url("/revoke"), data={"token": flow["tokens"]["access_token"],
                                              "token_type_hint": "access_token"},
                  auth=(rp["client_id"], rp["client_secret"]), timeout=10)
    # the password grant: a success, two failures, then the lock
    assert password_grant(PASSWORD).status_code == 200
    for _ in range(2):
        password_grant("wrong-password-1")
    assert password_grant(PASSWORD).status_code == 400  # locked
    before = len(events(server))
    for _ in range(5):  # refused by the lock, nothing checked: nothing written
        assert password_grant("wrong-password-1").status_code == 400
    assert len(events(server)) == before

    evs = list(reversed(events(server, "--since", "1h")))
    server_evs = [e for e in evs if not e["actor"].startswith("cli:")]
    assert types(server_evs) == ["login", "consent.given", "refresh.reused", "token.revoked",
                                 "login", "login", "login", "login.locked"], types(server_evs)
    page_login, consent, reuse, revoked, ok, bad1, bad2, locked = server_evs
    assert page_login["outcome"] == "ok" and page_login["user_sub"] == alice["sub"]
    assert page_login["actor"] == "alice" and page_login["address"] == "127.0.0.1"
    assert page_login["detail"] == "login_page"
    assert consent["user_sub"] == alice["sub"] and consent["client_id"] == rp["client_id"]
    assert "offline_access" in consent["detail"]
    assert reuse["outcome"] == "refused" and reuse["user_sub"] == alice["sub"]
    assert reuse["client_id"] == rp["client_id"]
    assert revoked["client_id"] == rp["client_id"] and revoked["detail"] == "access_token"
    assert ok["outcome"] == "ok" and ok["client_id"] == app["client_id"]
    assert bad1["outcome"] == bad2["outcome"] == locked["outcome"] == "refused"
    assert bad1["detail"] == bad2["detail"] == "wrong password"
    assert locked["detail"] == "locked for 60 s" and locked["actor"] == "alice"
    # every password-grant event names alice's account, failures too
    assert {e["user_sub"] for e in (ok, bad1, bad2, locked)} == {alice["sub"]}
    assert [e["type"] for e in events(server, "--user", "alice", "--type", "login")] == [
        "login.locked", "login", "login", "login", "login"]

    # no secret anywhere in the stored events
    rows = server.db_rows("SELECT * FROM audit_events")
    text = repr(rows)
    for secret in (PASSWORD, "wrong-password-1", rp["client_secret"], app["client_secret"], rt,
                   flow["tokens"]["access_token"], flow["code"]):
        assert secret not in text


def test_hostile_text_is_stored_cut_and_printable(server):
    rp = make_rp(server)
    browser = Browser(server)
    page = browser.follow(browser.authorize(rp, scope="openid", state="s"))
    # (a control byte is refused before any handler: the form parser's 400)
    username = "evil\"<\u00e9\u202e" + "x" * 5000
    assert browser.login(page, username, "whatever-password").status_code == 200
    evs = events(server, "--type", "login")
    assert len(evs) == 1 and evs[0]["outcome"] == "refused" and evs[0]["user_sub"] is None
    assert evs[0]["actor"] == "evil\"<?????" + "x" * 117  # 128 bytes
    text = server.cli("events", "--type", "login").stdout
    assert text.isascii() and text.count("\n") == 1


def test_filters_and_pages(server):
    a = server.create_client(name="a", scope="read")
    b = server.create_client(name="b", scope="read")
    alice = make_user(server)
    make_user(server, username="bob")
    server.cli("client", "rotate-secret", a["client_id"])

    assert types(events(server, "--client", a["client_id"])) == ["client.secret_rotated",
                                                                 "client.created"]
    assert types(events(server, "--type", "client")) == [
        "client.secret_rotated", "client.created", "client.created"]
    assert types(events(server, "--type", "client.created")) == ["client.created"] * 2
    assert events(server, "--type", "clie") == []  # a prefix only before a dot
    by_name = events(server, "--user", "alice")
    assert [e["user_sub"] for e in by_name] == [alice["sub"]]
    assert events(server, "--user", alice["sub"]) == by_name
    assert events(server, "--since", "2000-01-01") == events(server)
    assert events(server, "--since", "2999-01-01T00:00:00Z") == []

    everything = events(server)
    seen, before = [], None
    while True:
        args = ["--limit", "2"] + (["--before", str(before)] if before else [])
        page = server.cli_json("events", *args)
        seen += page["events"]
        if page["next_before"] is None:
            break
        assert len(page["events"]) == 2
        before = page["next_before"]
    seen = [e for e in seen if e["id"] > server.audit_baseline]
    assert seen == everything and len(seen) == 5
    assert b["client_id"] in {e["client_id"] for e in everything}


def test_old_events_are_deleted_after_retention(make_server):
    server = make_server(config={"audit": {"retention_days": "1"}}, start=False)
    server.cli("migrate")
    server.create_client(name="recent", scope="read")
    server.db_rows("INSERT INTO audit_events (at, type, ok, actor) VALUES (?, 'client.created', "
                   "?, 'cli:old')", (int(time.time()) - 2 * 86400, True))
    assert sorted(e["actor"] for e in events(server)) == sorted([CLI_ACTOR, "cli:old"])
    server.start()
    assert wait_until(lambda: "cli:old" not in [e["actor"] for e in events(server)], timeout=10)
    assert [e["type"] for e in events(server, "--type", "client")] == ["client.created"]


@pytest.mark.parametrize("args", [("--since", "yesterday"), ("--limit", "0"),
                                  ("--limit", "1001"), ("--before", "x"), ("--type", ""),
                                  ("--bogus",)])
def test_usage_errors(server, args):
    result = server.cli("events", *args)
    assert result.returncode == 2, result
    assert result.stderr.startswith("oidcd: ")


def test_text_output(server):
    client = server.create_client(name="svc", scope="read")
    out = server.cli("events", "--type", "client").stdout.splitlines()
    assert len(out) == 1
    assert "client.created" in out[0] and f"client={client['client_id']}" in out[0]
    assert f"actor={CLI_ACTOR}" in out[0] and out[0].endswith("  svc")
