"""What lands on disk: the SQLite files and the stderr access log."""

import base64
import re
import sqlite3

import pytest

from conftest import wait_until


def database_bytes(server):
    """Raw bytes of the database (SQLite: with its WAL file)."""
    return server.stored_bytes()


def issue_tokens(server, client, count=3):
    tokens = []
    for _ in range(count):
        resp = server.token_basic(client)
        assert resp.status_code == 200, resp.text
        tokens.append(resp.json()["access_token"])
    return tokens


def test_client_secret_not_stored_in_plaintext(server, client):
    issue_tokens(server, client)
    rotated = server.cli_json("client", "rotate-secret", client["client_id"])
    data = database_bytes(server)
    assert client["client_id"].encode() in data  # sanity: we read the right file
    assert client["client_secret"].encode() not in data
    assert rotated["client_secret"].encode() not in data


def test_private_keys_not_stored_in_plaintext(server, client):
    assert server.cli("key", "rotate", "--alg", "ES256", "--publish-ahead", "0").returncode == 0
    issue_tokens(server, client)
    data = database_bytes(server)
    assert b"PRIVATE KEY" not in data
    assert re.search(rb'"(d|p|q|dp|dq|qi)"\s*:', data) is None


def test_opaque_tokens_not_stored_in_plaintext(server):
    client = server.create_client(name="opaque", access_token_format="opaque")
    tokens = issue_tokens(server, client)
    data = database_bytes(server)
    for token in tokens:
        assert token.encode() not in data


@pytest.mark.sqlite_only("SQLite's journal mode")
def test_database_uses_wal(server):
    uri = f"file:{server.db_path}?mode=ro"
    with sqlite3.connect(uri, uri=True, timeout=5) as conn:
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    conn.close()
    assert mode.lower() == "wal"


# -- access log --------------------------------------------------------------------

def token_log_lines(server, client_id):
    return [line for line in server.log_text().splitlines()
            if "method=POST" in line.split() and "path=/token" in line.split()
            and f"client_id={client_id}" in line.split()]


def test_access_log_line_per_token_request(server, client):
    before = len(token_log_lines(server, client["client_id"]))
    issue_tokens(server, client, count=3)
    assert wait_until(lambda: len(token_log_lines(server, client["client_id"])) >= before + 3)
    lines = token_log_lines(server, client["client_id"])[before:]
    assert len(lines) == 3
    for line in lines:
        assert "status=200" in line.split()


def test_access_log_records_failed_request(server, client):
    resp = server.post_token(auth=(client["client_id"], "wrong"))
    assert resp.status_code == 401
    assert wait_until(lambda: any("status=401" in line.split() and "path=/token" in line.split()
                                  for line in server.log_text().splitlines()))


def test_log_holds_no_secret_or_token(server, client, post_client):
    opaque = server.create_client(name="opaque", access_token_format="opaque")
    tokens = issue_tokens(server, client) + issue_tokens(server, opaque)
    resp = server.token_post(post_client)
    assert resp.status_code == 200
    tokens.append(resp.json()["access_token"])
    wrong = client["client_secret"][::-1]
    assert server.post_token(auth=(client["client_id"], wrong)).status_code == 401
    basic = base64.b64encode(f"{client['client_id']}:{client['client_secret']}".encode())

    assert wait_until(lambda: len(token_log_lines(server, client["client_id"])) >= 3)
    log = server.log_text()
    for secret in (client["client_secret"], post_client["client_secret"],
                   opaque["client_secret"], wrong):
        assert secret not in log
    assert basic.decode() not in log
    for token in tokens:
        assert token not in log
        assert token.split(".")[-1] not in log  # not even a JWT signature
