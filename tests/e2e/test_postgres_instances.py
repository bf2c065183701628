"""Two oidcd processes on one PostgreSQL database, as behind a load
balancer: what one instance stores the other honours, and a code or a
refresh token presented at both at once is honoured once.

The database: as in test_postgres.py (OIDCD_TEST_DATABASE_URLS, else a
throwaway cluster; skipped without either), a fresh one per test."""

import threading

import pytest
import requests

from conftest import HTTP_TIMEOUT, jwt_header, verify_jwt, wait_until, write_ini
from signin_support import (SESSION_COOKIE, Browser, assert_callback_ok, full_flow, make_rp,
                            make_user, redeem)
from webauthn_support import passkey_form
from test_passkeys import USED, assert_refused, enrol, login_page
from test_postgres import pg_db, pg_server  # noqa: F401 (fixtures)
from test_userinfo import userinfo
from user_token_support import create_rp, user_tokens

SCOPE = "openid email offline_access"
GRANTS = "authorization_code,refresh_token"
ROUNDS = 6
CODE_ROUNDS = 30


@pytest.fixture
def pair(pg_db, make_server):  # noqa: F811
    """Instances a and b on one database and one key-encryption key, a user
    alice and a client that may refresh (made through a's CLI)."""
    _, url = pg_db
    a = make_server(config={"database": {"url": url}})
    b = make_server(config={"database": {"url": url},
                            "keys": {"encryption_key_file": a.kek_path}})
    make_user(a)
    return a, b, make_rp(a, grant_types=GRANTS)


def test_a_passkey_sign_in_offered_by_one_instance_is_answered_at_the_other(  # noqa: F811
        pg_db, make_server):
    """/login's challenge is signed, not stored, with the key every instance
    on the database shares (server_secrets): the other instance takes it,
    and it serves once across both."""
    _, url = pg_db
    a = make_server(config={"database": {"url": url}}, start=False)
    b = make_server(config={"database": {"url": url}}, start=False)
    a.issuer = f"http://localhost:{a.port}"  # b's own URL reaches b
    for server in (a, b):  # one issuer, as behind a load balancer: a's
        server.sections["server"]["issuer"] = a.issuer
        server.sections.setdefault("keys", {})["encryption_key_file"] = str(a.kek_path)
        write_ini(server.config_path, server.sections)
    a.start()
    b.start()
    make_user(a)
    auth, _, _ = enrol(a)
    browser, page = login_page(a)
    form = passkey_form(page.text, "get")
    fields = auth.get_assertion(form, a.issuer)
    at_b = f"http://localhost:{b.port}/login/passkey"
    resp = browser.post(at_b, form.post_data(fields))
    assert resp.status_code == 303, (resp.status_code, resp.text[:2000])
    session = browser.cookie(SESSION_COOKIE)
    log_from = len(a.log_text())
    fields = auth.get_assertion(form, a.issuer)  # a fresh assertion: the counter moved on
    again = browser.post(a.url("/login/passkey"), form.post_data(fields))
    assert_refused(a, browser, again, USED, log_from, session_before=session)


def at_once(*calls):
    """Runs the calls on threads released together; their results in order."""
    results = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(i, call):
        start.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def refresh(server, client, token):
    return server.post_token({"grant_type": "refresh_token", "refresh_token": token},
                             auth=(client["client_id"], client["client_secret"]))


def assert_invalid_grant(resp):
    assert resp.status_code == 400, (resp.status_code, resp.text)
    assert resp.json()["error"] == "invalid_grant", resp.text


def code_at(server, client, browser):
    """A code from server's /authorize for browser (signed in there or not)."""
    flow = browser.run(browser.authorize(client, scope=SCOPE, state="s", nonce="n"))
    return assert_callback_ok(server, flow, "s")


def test_a_session_and_a_code_from_one_instance_serve_at_the_other(pair):
    a, b, rp = pair
    browser = Browser(a)
    code = code_at(a, rp, browser)
    resp = redeem(b, rp, code)
    assert resp.status_code == 200, resp.text
    tokens = resp.json()
    # the browser's session, made at a, is b's too: no login page there
    at_b = Browser(b)
    at_b.session.cookies = browser.session.cookies
    callback = at_b.run(at_b.authorize(rp, scope=SCOPE, state="s2", nonce="n2"),
                        expect_login=False)
    assert_callback_ok(b, callback, "s2")
    # the refresh token from b rotates at a
    resp = refresh(a, rp, tokens["refresh_token"])
    assert resp.status_code == 200, resp.text


def test_a_code_redeemed_at_both_at_once_is_honoured_once(pair):
    """Of two redemptions racing at two instances one consumes the code and
    gets the tokens; the other is a reuse, which waits for the first to
    record what it issued, revokes that (RFC 6749 §4.1.2) and is refused:
    exactly one 200 and one invalid_grant every time, and nothing the winner
    got outlives the reuse."""
    a, b, rp = pair
    browser = Browser(a)
    for _ in range(CODE_ROUNDS):
        code = code_at(a, rp, browser)
        answers = at_once(lambda: redeem(a, rp, code), lambda: redeem(b, rp, code))
        assert sorted(r.status_code for r in answers) == [200, 400], [r.text for r in answers]
        assert_invalid_grant(next(r for r in answers if r.status_code == 400))
        winner = next(r for r in answers if r.status_code == 200).json()
        # the reuse revoked the winner's refresh family, at either instance
        assert_invalid_grant(refresh(b, rp, winner["refresh_token"]))


def test_a_refresh_token_presented_at_both_at_once_rotates_once(pair):
    """One rotation wins; the other is a reuse that revokes the family, the
    winner's new token included (RFC 9700 §4.14.2)."""
    a, b, rp = pair
    for _ in range(ROUNDS):
        token = full_flow(a, rp, scope=SCOPE)["tokens"]["refresh_token"]
        answers = at_once(lambda: refresh(a, rp, token), lambda: refresh(b, rp, token))
        assert sorted(r.status_code for r in answers) == [200, 400], [r.text for r in answers]
        winner = next(r for r in answers if r.status_code == 200).json()
        assert_invalid_grant(next(r for r in answers if r.status_code == 400))
        assert_invalid_grant(refresh(a, rp, winner["refresh_token"]))


# -- changes seen across instances within a second ---------------------------------------
#
# Each instance caches what it reads (clients and token states for 1 s, users
# and signing keys until their counter in the database moves): a change made
# through one instance, or its CLI, reaches the other within about a second.

SEEN_WITHIN = 1.5  # the documented 1 s, and room for a loaded machine


@pytest.fixture
def twins(pg_db, make_server):  # noqa: F811
    """Instances a and b as behind a load balancer: one database, one key
    file and one issuer (a's URL; each is still reached at its own port)."""
    _, url = pg_db
    a = make_server(config={"database": {"url": url}})
    b = make_server(config={"database": {"url": url}, "server": {"issuer": a.issuer},
                            "keys": {"encryption_key_file": a.kek_path}})
    b.issuer = a.issuer.rsplit(":", 1)[0] + f":{b.port}"  # b's URLs, a's issuer inside
    make_user(a)
    return a, b


def machine(server, fmt="jwt"):
    flags = {"access_token_format": "opaque"} if fmt == "opaque" else {}
    return server.create_client(name=f"machine-{fmt}", scope="read write", **flags)


def token_status(server, client, **form):
    return server.token_basic(client, **form).status_code


def warm_token(server, client, times=8):
    """Token requests enough for every thread of server to have cached client."""
    for _ in range(times):
        assert token_status(server, client) == 200


def test_a_client_disabled_changed_or_deleted_at_one_instance_is_seen_at_the_other(pair):
    a, b, _ = pair
    client = machine(a)
    warm_token(b, client)
    a.cli("client", "update", client["client_id"], "--disable")
    assert wait_until(lambda: token_status(b, client) == 401, timeout=SEEN_WITHIN)
    a.cli("client", "update", client["client_id"], "--enable")
    assert wait_until(lambda: token_status(b, client) == 200, timeout=SEEN_WITHIN)

    warm_token(b, client, times=4)
    assert token_status(b, client, scope="write") == 200
    assert a.cli("client", "update", client["client_id"], "--scope", "read").returncode == 0
    assert wait_until(lambda: token_status(b, client, scope="write") == 400,
                      timeout=SEEN_WITHIN)
    assert token_status(b, client, scope="read") == 200

    assert a.cli("client", "delete", client["client_id"]).returncode == 0
    assert wait_until(lambda: token_status(b, client) == 401, timeout=SEEN_WITHIN)


def kids(server):
    return {k["kid"] for k in server.jwks()["keys"]}


def test_a_key_rotated_through_one_instance_is_published_and_used_by_the_other(pair):
    a, b, _ = pair
    client = machine(a)
    before = kids(b)
    assert before == kids(a)
    result = a.cli("key", "rotate", "--publish-ahead", "0")
    assert result.returncode == 0, result.stderr
    assert wait_until(lambda: len(kids(a) - before) == 1, timeout=SEEN_WITHIN)
    (new,) = kids(a) - before
    assert wait_until(lambda: new in kids(b), timeout=SEEN_WITHIN)
    token = b.token_basic(client).json()["access_token"]
    assert jwt_header(token)["kid"] == new
    verify_jwt(token, a.jwks())


def introspect(server, rs, token):
    resp = requests.post(server.url("/introspect"), data={"token": token},
                         auth=(rs["client_id"], rs["client_secret"]),
                         timeout=HTTP_TIMEOUT)
    assert resp.status_code == 200, resp.text
    return resp.json()


@pytest.mark.parametrize("fmt", ["jwt", "opaque"])
def test_a_token_revoked_at_one_instance_is_refused_at_the_other(twins, fmt):
    a, b = twins
    client = machine(a, fmt)
    rs = a.create_client(name="rs", scope="token_introspection " + client["client_id"])
    token = a.token_basic(client).json()["access_token"]
    for _ in range(8):  # every thread of a has the token's state cached as active
        assert introspect(a, rs, token)["active"] is True
    resp = requests.post(b.url("/revoke"), data={"token": token},
                         auth=(client["client_id"], client["client_secret"]),
                         timeout=HTTP_TIMEOUT)
    assert resp.status_code == 200, resp.text
    assert introspect(b, rs, token) == {"active": False}
    assert wait_until(lambda: introspect(a, rs, token) == {"active": False},
                      timeout=SEEN_WITHIN)


def test_a_user_changed_at_one_instance_is_seen_by_the_other(twins):
    a, b = twins
    alice = a.cli_json("user", "show", "alice")
    rp = create_rp(a, scope="openid email")
    token = user_tokens(a, rp, alice["sub"], "openid email")["access_token"]
    for _ in range(8):  # every thread of a has alice cached
        assert userinfo(a, token).status_code == 200
    b.cli("user", "update", "alice", "--claim", "email=other@example.org")
    assert wait_until(lambda: userinfo(a, token).json().get("email") == "other@example.org",
                      timeout=SEEN_WITHIN)
    b.cli("user", "update", "alice", "--disable")
    assert wait_until(lambda: userinfo(a, token).status_code == 401, timeout=SEEN_WITHIN)
