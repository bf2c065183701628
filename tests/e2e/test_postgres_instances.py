"""Two oidcd processes on one PostgreSQL database, as behind a load
balancer: what one instance stores the other honours, and a code or a
refresh token presented at both at once is honoured once.

The database: as in test_postgres.py (OIDCD_TEST_DATABASE_URLS, else a
throwaway cluster; skipped without either), a fresh one per test."""

import threading

import pytest

from signin_support import Browser, assert_callback_ok, full_flow, make_rp, make_user, redeem
from test_postgres import pg_db, pg_server  # noqa: F401 (fixtures)

SCOPE = "openid email offline_access"
GRANTS = "authorization_code,refresh_token"
ROUNDS = 6


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
    """Of two redemptions racing at two instances one consumes the code;
    the other is a reuse, which revokes what the first issued (RFC 6749
    §4.1.2): never two sets of tokens, and none that outlives the reuse."""
    a, b, rp = pair
    browser = Browser(a)
    for _ in range(ROUNDS):
        code = code_at(a, rp, browser)
        answers = at_once(lambda: redeem(a, rp, code), lambda: redeem(b, rp, code))
        ok = [r for r in answers if r.status_code == 200]
        assert len(ok) <= 1, [r.text for r in answers]
        for resp in answers:
            if resp.status_code != 200:
                assert_invalid_grant(resp)
        for resp in ok:
            # the reuse revoked the winner's refresh family, at either instance
            assert_invalid_grant(refresh(b, rp, resp.json()["refresh_token"]))


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
