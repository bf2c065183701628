"""Pairwise subject identifiers (OpenID Connect Core §8.1): a client
registered with `--subject-type pairwise` (or every client, with
`tokens.subject_type = pairwise`) sees a sub of its own sector for each user:
the host of its redirect URIs, or of its `--sector-identifier-uri`, whose
JSON list must hold every redirect URI; a client whose redirect URIs are all
on loopback hosts or have none (RFC 8252 native apps) is a sector of its own. The sub is the same after a restart,
and it is the one in ID tokens, access tokens, userinfo, introspection,
logout tokens and the id_token_hint /end-session matches."""

import secrets
import sqlite3
import time

import pytest
import requests

from conftest import HTTP_TIMEOUT, free_port, jwt_claims_unverified, wait_until
from signin_support import (Browser, Pkce, full_flow, make_rp, make_user, redeem,  # noqa: F401
                            sectors, userinfo, verify_id_token)
from migration_support import undo_migrations_from
from test_backchannel_logout import Receiver
from test_introspect import introspect, make_introspector

A_CB = "https://a.example.com/cb"
A_CB2 = "https://a.example.com/other-cb"
B_CB = "https://b.example.org/cb"
C_CB = "https://c.example.net/cb"
NATIVE_CBS = ["http://127.0.0.1:9/cb", "http://localhost/cb", "http://[::1]/cb",
              "com.example.app:/cb"]


@pytest.fixture
def alice(server):
    return make_user(server)


def pairwise_rp(server, redirect_uri, name="Pairwise RP", **flags):
    flags.setdefault("grant_types", "authorization_code refresh_token")
    return make_rp(server, name=name, redirect_uri=redirect_uri, subject_type="pairwise",
                   **flags)


def sign_in(server, client, redirect_uri, browser=None, scope="openid"):
    """alice signs in at client; (flow, ID token claims checked against jwks)."""
    flow = full_flow(server, client, browser=browser, redirect_uri=redirect_uri, scope=scope)
    claims = verify_id_token(server, client, flow["tokens"], flow["nonce"])
    return flow, claims


def create_fails(server, *args):
    result = server.cli("client", "create", "--name", "x", "--scope", "openid",
                        "--grant-types", "authorization_code", *args)
    assert result.returncode != 0, result.stdout
    return result


def test_discovery_lists_pairwise(server):
    doc = server.get("/.well-known/openid-configuration").json()
    assert doc["subject_types_supported"] == ["public", "pairwise"]


def test_each_sector_sees_its_own_sub_and_a_public_client_the_users(server, alice):
    a = pairwise_rp(server, A_CB, name="A")
    b = pairwise_rp(server, B_CB, name="B")
    public = make_rp(server, name="Public", redirect_uri=C_CB)
    assert a["subject_type"] == "pairwise" and a["sector"] == "a.example.com"
    assert public["subject_type"] is None
    browser = Browser(server)
    flow_a, claims_a = sign_in(server, a, A_CB, browser)
    flow_b, claims_b = sign_in(server, b, B_CB, browser)
    _, claims_p = sign_in(server, public, C_CB, browser)

    assert claims_p["sub"] == alice["sub"]
    assert claims_a["sub"] != claims_b["sub"]
    assert alice["sub"] not in (claims_a["sub"], claims_b["sub"])
    # the access token (RFC 9068) and userinfo say the same as the ID token
    for flow, claims in ((flow_a, claims_a), (flow_b, claims_b)):
        at = flow["tokens"]["access_token"]
        assert jwt_claims_unverified(at)["sub"] == claims["sub"]
        resp = userinfo(server, at)
        assert resp.status_code == 200, resp.text
        assert resp.json()["sub"] == claims["sub"]
    # the same client and user again: the same sub
    _, again = sign_in(server, a, A_CB, Browser(server))
    assert again["sub"] == claims_a["sub"]


def test_each_sector_sees_its_own_sid_for_one_session(server, alice):
    """One browser session, three clients: the public client sees the
    session's sid, each pairwise sector one of its own, so relying parties
    cannot join their users on the sid; a client sees one sid all session
    long (a second login at it, and a refresh, say the same)."""
    a = pairwise_rp(server, A_CB, name="A", scope="openid offline_access")
    b = pairwise_rp(server, B_CB, name="B")
    public = make_rp(server, name="Public", redirect_uri=C_CB)
    browser = Browser(server)
    flow_a, claims_a = sign_in(server, a, A_CB, browser, scope="openid offline_access")
    _, claims_b = sign_in(server, b, B_CB, browser)
    _, claims_p = sign_in(server, public, C_CB, browser)
    sids = {claims_a["sid"], claims_b["sid"], claims_p["sid"]}
    assert len(sids) == 3 and all(sids)
    _, again = sign_in(server, a, A_CB, browser)
    assert again["sid"] == claims_a["sid"]
    resp = server.post_token({"grant_type": "refresh_token",
                              "refresh_token": flow_a["tokens"]["refresh_token"]},
                             auth=(a["client_id"], a["client_secret"]))
    assert resp.status_code == 200, resp.text
    assert jwt_claims_unverified(resp.json()["id_token"])["sid"] == claims_a["sid"]
    # another browser session: another sid
    _, other = sign_in(server, a, A_CB, Browser(server))
    assert other["sid"] != claims_a["sid"]


def test_userinfo_releases_the_users_claims_under_the_pairwise_sub(server, alice):
    a = pairwise_rp(server, A_CB)
    flow, claims = sign_in(server, a, A_CB, scope="openid profile email")
    body = userinfo(server, flow["tokens"]["access_token"]).json()
    assert body["sub"] == claims["sub"] != alice["sub"]
    assert body["name"] == "Alice Liddell"
    assert body["email"] == "alice@example.org"


def test_clients_sharing_a_sector_identifier_uri_see_the_same_sub(server, alice, sectors):
    uri = sectors.put("/sector.json", [A_CB, B_CB, "https://unused.example/cb"])
    a = pairwise_rp(server, A_CB, name="A", sector_identifier_uri=uri)
    b = pairwise_rp(server, B_CB, name="B", sector_identifier_uri=uri)
    other = pairwise_rp(server, B_CB, name="B alone")
    assert a["sector"] == b["sector"] == "127.0.0.1"
    assert a["sector_identifier_uri"] == uri
    _, claims_a = sign_in(server, a, A_CB)
    _, claims_b = sign_in(server, b, B_CB)
    _, claims_other = sign_in(server, other, B_CB)
    assert claims_a["sub"] == claims_b["sub"] != alice["sub"]
    assert claims_other["sub"] != claims_b["sub"]


def test_one_host_with_several_redirect_uris_is_one_sector(server, alice):
    a = pairwise_rp(server, [A_CB, A_CB2], name="A")
    assert a["sector"] == "a.example.com"
    _, one = sign_in(server, a, A_CB)
    _, two = sign_in(server, a, A_CB2)
    assert one["sub"] == two["sub"] != alice["sub"]


def test_pairwise_sub_is_stable_across_restarts(make_server):
    server = make_server()
    alice = make_user(server)
    a = pairwise_rp(server, A_CB)
    _, before = sign_in(server, a, A_CB)
    assert server.stop() == 0
    server.start()
    flow, after = sign_in(server, a, A_CB)
    assert after["sub"] == before["sub"] != alice["sub"]
    # a token issued before the restart still finds its user
    assert userinfo(server, flow["tokens"]["access_token"]).json()["sub"] == before["sub"]


def test_two_instances_on_one_database_agree(make_server, tmp_path):
    first = make_server()
    make_user(first)
    a = pairwise_rp(first, A_CB)
    second = make_server(config={"database": {"url": first.db_url},
                                 "keys": {"encryption_key_file": first.kek_path}})
    _, one = sign_in(first, a, A_CB)
    flow, two = sign_in(second, a, A_CB)
    assert one["sub"] == two["sub"]
    assert userinfo(second, flow["tokens"]["access_token"]).json()["sub"] == one["sub"]


@pytest.mark.parametrize("fmt", ["jwt", "opaque"])
def test_introspection_and_refresh_carry_the_pairwise_sub(server, alice, fmt):
    # a refresh token is introspected by its own client only
    a = pairwise_rp(server, A_CB, access_token_format=fmt,
                    scope="openid offline_access token_introspection")
    flow, claims = sign_in(server, a, A_CB, scope="openid offline_access")
    tokens = flow["tokens"]
    rs = make_introspector(server, a)
    for caller, token in ((rs, tokens["access_token"]), (a, tokens["refresh_token"])):
        body = introspect(server, caller, token).json()
        assert body["active"] is True, body
        assert body["sub"] == claims["sub"] != alice["sub"]
    resp = server.post_token({"grant_type": "refresh_token",
                              "refresh_token": tokens["refresh_token"]},
                             auth=(a["client_id"], a["client_secret"]))
    assert resp.status_code == 200, resp.text
    refreshed = resp.json()
    assert jwt_claims_unverified(refreshed["id_token"])["sub"] == claims["sub"]
    assert userinfo(server, refreshed["access_token"]).json()["sub"] == claims["sub"]
    body = introspect(server, rs, refreshed["access_token"]).json()
    assert body["sub"] == claims["sub"]


def test_client_credentials_keep_the_client_id_as_sub(server):
    a = server.create_client(name="machine", scope="read", subject_type="pairwise")
    token = server.token_basic(a).json()["access_token"]
    assert jwt_claims_unverified(token)["sub"] == a["client_id"]


def test_the_config_default_makes_clients_pairwise(make_server):
    server = make_server(config={"tokens": {"subject_type": "pairwise"}})
    alice = make_user(server)
    default = make_rp(server, name="Default", redirect_uri=A_CB)
    public = make_rp(server, name="Public", redirect_uri=B_CB, subject_type="public")
    _, claims_d = sign_in(server, default, A_CB)
    _, claims_p = sign_in(server, public, B_CB)
    assert claims_d["sub"] != alice["sub"]
    assert claims_p["sub"] == alice["sub"]
    # with the default pairwise, URIs on several hosts need a sector document
    result = create_fails(server, "--redirect-uri", A_CB, "--redirect-uri", B_CB)
    assert result.returncode == 2 and "sector identifier" in result.stderr


def test_back_channel_logout_token_carries_the_pairwise_sub(server, alice):
    receiver = Receiver()
    try:
        a = pairwise_rp(server, A_CB, backchannel_logout_uri=receiver.url("/a"))
        browser = Browser(server)
        flow, claims = sign_in(server, a, A_CB, browser)
        resp = browser.get(server.url("/end-session"),
                           params={"id_token_hint": flow["tokens"]["id_token"]})
        assert resp.status_code == 200
        assert wait_until(lambda: receiver.received("/a"), timeout=10.0)
        token = receiver.tokens("/a")[0]
        got = jwt_claims_unverified(token)
        assert got["sub"] == claims["sub"] != alice["sub"]
        assert got["sid"] == claims["sid"]
    finally:
        receiver.close()


def test_end_session_with_a_pairwise_hint_signs_out_at_once(server, alice):
    logout = "https://a.example.com/logged-out"
    a = pairwise_rp(server, A_CB, post_logout_redirect_uri=logout)
    browser = Browser(server)
    flow, _ = sign_in(server, a, A_CB, browser)
    resp = browser.get(server.url("/end-session"),
                       params={"id_token_hint": flow["tokens"]["id_token"],
                               "post_logout_redirect_uri": logout, "state": "s"})
    # the hint names the signed-in user: no question page, straight back
    assert resp.status_code == 302, resp.text[:500]
    assert resp.headers["Location"] == logout + "?state=s"


def test_end_session_with_another_users_pairwise_hint_asks(server, alice):
    """bob's ID token from the same pairwise client does not name alice, who
    is signed in: the question page, not a sign-out."""
    make_user(server, "bob", claims={})
    logout = "https://a.example.com/logged-out"
    a = pairwise_rp(server, A_CB, post_logout_redirect_uri=logout)
    bob = Browser(server)
    pk = Pkce()
    callback = bob.run(bob.authorize(a, A_CB, scope="openid", state="s",
                                     nonce=secrets.token_urlsafe(8), **pk.params()),
                       username="bob")
    bob_tokens = redeem(server, a, callback.params["code"], A_CB, pk.verifier).json()
    browser = Browser(server)
    flow, claims = sign_in(server, a, A_CB, browser)
    assert jwt_claims_unverified(bob_tokens["id_token"])["sub"] != claims["sub"]
    resp = browser.get(server.url("/end-session"),
                       params={"id_token_hint": bob_tokens["id_token"],
                               "post_logout_redirect_uri": logout})
    assert resp.status_code == 200, resp.text[:500]
    assert "csrf_token" in resp.text  # the question, the session still there


def test_sector_document_must_list_every_redirect_uri(server, sectors):
    uri = sectors.put("/partial.json", [A_CB])
    result = create_fails(server, "--subject-type", "pairwise", "--redirect-uri", A_CB,
                          "--redirect-uri", B_CB, "--sector-identifier-uri", uri)
    assert result.returncode == 2
    assert "does not list every redirect URI" in result.stderr
    assert server.cli_json("client", "list") == []


@pytest.mark.parametrize("body,why", [
    ('{"redirect_uris": []}', "JSON array"),
    ("not json", "JSON array"),
    ('["https://a.example.com/cb", 7]', "other than strings"),
])
def test_sector_document_must_be_a_list_of_strings(server, sectors, body, why):
    uri = sectors.put("/bad.json", body)
    result = create_fails(server, "--subject-type", "pairwise", "--redirect-uri", A_CB,
                          "--sector-identifier-uri", uri)
    assert result.returncode == 2 and why in result.stderr, result.stderr


def test_sector_document_that_is_missing_or_unreachable_is_refused(server, sectors):
    missing = sectors.put("/x.json", []).replace("/x.json", "/missing.json")
    result = create_fails(server, "--subject-type", "pairwise", "--redirect-uri", A_CB,
                          "--sector-identifier-uri", missing)
    assert "did not answer 200" in result.stderr
    dead = f"http://127.0.0.1:{free_port()}/sector.json"
    result = create_fails(server, "--subject-type", "pairwise", "--redirect-uri", A_CB,
                          "--sector-identifier-uri", dead)
    assert result.returncode == 1 and "cannot fetch" in result.stderr


def test_sector_identifier_uri_must_be_https_off_loopback(server):
    result = create_fails(server, "--subject-type", "pairwise", "--redirect-uri", A_CB,
                          "--sector-identifier-uri", "http://sector.example.com/s.json")
    assert result.returncode == 2 and "https" in result.stderr


def test_several_hosts_need_a_sector_identifier_uri(server):
    result = create_fails(server, "--subject-type", "pairwise", "--redirect-uri", A_CB,
                          "--redirect-uri", B_CB)
    assert result.returncode == 2
    assert "sector identifier URI" in result.stderr
    # a public client may have them
    public = make_rp(server, name="Two hosts", redirect_uri=[A_CB, B_CB])
    assert public["sector"] is None


def test_bad_subject_type_is_a_usage_error(server):
    result = create_fails(server, "--subject-type", "secret", "--redirect-uri", A_CB)
    assert result.returncode == 2 and "public or pairwise" in result.stderr


def test_update_rechecks_the_sector_when_redirect_uris_change(server, alice, sectors):
    uri = sectors.put("/sector.json", [A_CB, B_CB])
    a = pairwise_rp(server, A_CB, sector_identifier_uri=uri)
    _, before = sign_in(server, a, A_CB)
    # a redirect URI the document does not list: refused, nothing changed
    result = server.cli("client", "update", a["client_id"], "--redirect-uri", C_CB)
    assert result.returncode == 2, result.stdout
    assert "does not list every redirect URI" in result.stderr
    # one it lists: the sector (and so the sub) stays
    updated = server.cli_json("client", "update", a["client_id"], "--redirect-uri", B_CB)
    assert updated["sector"] == "127.0.0.1"
    time.sleep(1.1)  # the server's client cache holds a client for a second
    _, after = sign_in(server, a, B_CB)
    assert after["sub"] == before["sub"]
    # leaving the sector document for a single host: that host is the sector
    updated = server.cli_json("client", "update", a["client_id"], "--sector-identifier-uri",
                              "", "--redirect-uri", C_CB, "--change-sector")
    assert updated["sector"] == "c.example.net" and updated["sector_identifier_uri"] is None
    time.sleep(1.1)
    _, moved = sign_in(server, a, C_CB)
    assert moved["sub"] != before["sub"]
    # and switching to public shows the user's own sub
    server.cli_json("client", "update", a["client_id"], "--subject-type", "public")
    time.sleep(1.1)
    _, public = sign_in(server, a, C_CB)
    assert public["sub"] == alice["sub"]


def test_the_subject_key_is_sealed_not_stored_in_plaintext(server, alice):
    a = pairwise_rp(server, A_CB)
    sign_in(server, a, A_CB)
    rows = dict(server.db_rows("SELECT name, length(sealed) FROM server_secrets"))
    assert rows["pairwise_subject"] > 64  # nonce, key and tag: sealed
    assert rows["passkey_signin"] > 32  # the passkey sign-in key, made at start-up, too
    assert requests.get(server.url("/healthz"), timeout=HTTP_TIMEOUT).status_code == 200


def test_implicit_id_token_has_the_pairwise_sub_and_the_users_claims(server, alice):
    """response_type=id_token: the claims travel in the ID token, found by
    the user behind the pairwise sub."""
    a = make_rp(server, name="Implicit", redirect_uri=A_CB, grant_types="implicit",
                response_types="id_token", subject_type="pairwise")
    _, code_claims = sign_in(server, pairwise_rp(server, A_CB, name="Same host"), A_CB)
    browser = Browser(server)
    callback = browser.run(browser.authorize(a, A_CB, scope="openid profile", state="s",
                                             nonce="n", response_type="id_token"))
    claims = jwt_claims_unverified(callback.params["id_token"])
    assert claims["sub"] == code_claims["sub"] != alice["sub"]  # one host, one sector
    assert claims["name"] == "Alice Liddell"


@pytest.mark.parametrize("uri", NATIVE_CBS)
def test_native_apps_on_one_loopback_host_see_unrelated_subs(server, alice, uri):
    """RFC 8252 native apps share the loopback host (or have none): each is a
    sector of its own, not one with every other native app."""
    one = pairwise_rp(server, uri, name="Native one")
    two = pairwise_rp(server, uri, name="Native two")
    _, claims_one = sign_in(server, one, uri)
    _, claims_two = sign_in(server, two, uri)
    _, again = sign_in(server, one, uri)
    assert claims_one["sub"] != claims_two["sub"]
    assert one["sector"] is None and two["sector"] is None
    assert alice["sub"] not in (claims_one["sub"], claims_two["sub"])
    assert again["sub"] == claims_one["sub"]


def test_a_native_app_on_several_loopback_hosts_is_one_sector(server, alice):
    a = pairwise_rp(server, NATIVE_CBS, name="Native")
    assert a["sector"] is None
    subs = {sign_in(server, a, uri)[1]["sub"] for uri in NATIVE_CBS}
    assert len(subs) == 1 and alice["sub"] not in subs


def test_native_apps_sharing_a_sector_identifier_uri_see_the_same_sub(server, alice, sectors):
    uri = sectors.put("/native.json", NATIVE_CBS[:2])
    a = pairwise_rp(server, NATIVE_CBS[0], name="A", sector_identifier_uri=uri)
    b = pairwise_rp(server, NATIVE_CBS[1], name="B", sector_identifier_uri=uri)
    alone = pairwise_rp(server, NATIVE_CBS[1], name="B alone")
    _, claims_a = sign_in(server, a, NATIVE_CBS[0])
    _, claims_b = sign_in(server, b, NATIVE_CBS[1])
    _, claims_alone = sign_in(server, alone, NATIVE_CBS[1])
    assert claims_a["sub"] == claims_b["sub"] != alice["sub"]
    assert claims_alone["sub"] != claims_a["sub"]


def test_a_native_app_given_a_web_host_is_still_refused_several_hosts(server):
    result = create_fails(server, "--subject-type", "pairwise", "--redirect-uri", A_CB,
                          "--redirect-uri", NATIVE_CBS[0])
    assert result.returncode == 2 and "sector identifier URI" in result.stderr


def test_update_that_moves_a_pairwise_client_to_another_sector_needs_change_sector(
        server, alice, sectors):
    uri = sectors.put("/sector.json", [A_CB, B_CB])
    a = pairwise_rp(server, A_CB)
    _, before = sign_in(server, a, A_CB)
    moves = [("--redirect-uri", B_CB, "host:a.example.com", "host:b.example.org"),
             ("--redirect-uri", NATIVE_CBS[0], "host:a.example.com",
              "client:" + a["client_id"]),
             ("--sector-identifier-uri", uri, "host:a.example.com", "host:127.0.0.1")]
    for flag, value, old, new in moves:
        result = server.cli("client", "update", a["client_id"], flag, value)
        assert result.returncode == 2, result.stdout
        assert old in result.stderr and new in result.stderr, result.stderr
        assert "--change-sector" in result.stderr
    shown = server.cli_json("client", "show", a["client_id"])
    assert shown["sector"] == "a.example.com" and shown["redirect_uris"] == [A_CB]
    assert shown["sector_identifier_uri"] is None
    time.sleep(1.1)  # the server's client cache holds a client for a second
    _, still = sign_in(server, a, A_CB)
    assert still["sub"] == before["sub"]
    # a change within the sector needs nothing; a move with --change-sector is made
    same = server.cli_json("client", "update", a["client_id"], "--redirect-uri", A_CB2)
    assert same["sector"] == "a.example.com"
    moved = server.cli_json("client", "update", a["client_id"], "--redirect-uri", B_CB,
                            "--change-sector")
    assert moved["sector"] == "b.example.org"
    time.sleep(1.1)
    _, after = sign_in(server, a, B_CB)
    assert after["sub"] != before["sub"]
    # a public client has no pairwise subs to lose
    public = make_rp(server, name="Public", redirect_uri=A_CB)
    updated = server.cli_json("client", "update", public["client_id"], "--redirect-uri", C_CB)
    assert updated["sector"] == "c.example.net"


@pytest.mark.sqlite_only("undoes SQLite migrations to check an upgrade from an old file")
def test_migration_gives_stored_native_apps_their_own_sector(server, sectors):
    """Clients stored while a loopback host was a sector: migration 17 clears
    it, and only it."""
    uri = sectors.put("/native.json", [NATIVE_CBS[0]])
    old = {pairwise_rp(server, NATIVE_CBS[0])["client_id"]: "127.0.0.1",
           pairwise_rp(server, NATIVE_CBS[1])["client_id"]: "localhost",
           pairwise_rp(server, NATIVE_CBS[2])["client_id"]: "::1"}
    kept = {pairwise_rp(server, NATIVE_CBS[0], sector_identifier_uri=uri)["client_id"]:
            "127.0.0.1",
            pairwise_rp(server, A_CB)["client_id"]: "a.example.com",
            pairwise_rp(server, "https://127.1.2.3.example/cb")["client_id"]:
            "127.1.2.3.example"}
    db = sqlite3.connect(server.db_path)
    with db:
        for client_id, sector in old.items():
            db.execute("UPDATE clients SET sector = ? WHERE id = ?", (sector, client_id))
        undo_migrations_from(db, 17)
    db.close()
    assert server.cli("migrate").returncode == 0
    for client_id in old:
        assert server.cli_json("client", "show", client_id)["sector"] is None
    for client_id, sector in kept.items():
        assert server.cli_json("client", "show", client_id)["sector"] == sector
