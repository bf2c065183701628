"""`oidcd user delete` takes with the user everything that speaks for them —
sessions, unredeemed codes, consents, refresh tokens — in one transaction;
other users' rows stay. A code seeded before the deletion no longer redeems."""

import time

from user_token_support import create_rp, create_user, redeem_code, seed_code, user_tokens

OWNED = ("sessions", "auth_codes", "consents", "refresh_tokens")


def rows_of(server, sub):
    return {table: server.db_value(f"SELECT count(*) FROM {table} WHERE user_sub = ?", (sub,))
            for table in OWNED}


def seed_session_and_consent(server, rp, sub, tag):
    now = int(time.time())
    server.db_rows("INSERT INTO sessions (id_hash, sid, user_sub, auth_time, amr, created_at, "
                   "expires_at) VALUES (?,?,?,?,?,?,?)",
                   (tag.encode() * 4, f"sid-{tag}", sub, now, "pwd", now, now + 600))
    server.db_rows("INSERT INTO consents (user_sub, client_id, scope, created_at, expires_at) "
                   "VALUES (?,?,?,?,?)", (sub, rp["client_id"], "openid", now, now + 600))


def test_delete_takes_the_users_rows_and_leaves_others(server):
    alice, bob = create_user(server, "alice"), create_user(server, "bob")
    rp = create_rp(server, scope="openid offline_access",
                   grant_types="authorization_code,refresh_token")
    for user, tag in ((alice, "a"), (bob, "b")):
        assert "refresh_token" in user_tokens(server, rp, user["sub"], "openid offline_access")
        seed_session_and_consent(server, rp, user["sub"], tag * 8)
        seed_code(server, rp, user["sub"], "openid")
    pending = seed_code(server, rp, alice["sub"], "openid")
    assert all(rows_of(server, alice["sub"]).values())

    result = server.cli("user", "delete", "alice")
    assert result.returncode == 0, result.stderr
    assert rows_of(server, alice["sub"]) == {table: 0 for table in OWNED}
    assert all(rows_of(server, bob["sub"]).values())
    resp = redeem_code(server, rp, pending)
    assert resp.status_code == 400 and resp.json()["error"] == "invalid_grant"
