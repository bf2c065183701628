"""`key rotate` keeps the superseded key published as long as the longest
token lifetime a server of the database uses, not its own configuration's
(issue 10 §2)."""

import time


def test_rotate_retires_by_the_servers_longer_ttl(make_server):
    server = make_server(config={"tokens": {"access_token_ttl": 7200}})
    before = int(time.time())
    # the CLI's own configuration says 60 s
    result = server.cli("key", "rotate", "--publish-ahead", "0",
                        env={"OIDCD_TOKENS_ACCESS_TOKEN_TTL": "60",
                             "OIDCD_TOKENS_ID_TOKEN_TTL": "60"})
    assert result.returncode == 0, result.stderr
    keys = server.cli_json("key", "list")
    retired = [k for k in keys if k["retire_after"] is not None]
    assert retired, keys
    assert min(k["retire_after"] for k in retired) >= before + 7200


def test_rotate_retires_by_a_resources_longer_ttl(make_server):
    server = make_server()
    made = server.cli("resource", "create", "--id", "https://slow.example.com", "--scope", "s",
                      "--access-token-ttl", "86400")
    assert made.returncode == 0, made.stderr
    before = int(time.time())
    assert server.cli("key", "rotate", "--publish-ahead", "0").returncode == 0
    retired = [k for k in server.cli_json("key", "list") if k["retire_after"] is not None]
    assert retired and min(k["retire_after"] for k in retired) >= before + 86400
