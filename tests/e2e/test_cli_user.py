"""`oidcd user …`: create, list, show, update, delete; claim typing and checks;
sub random and stable; passwords stored only as argon2id hashes (docs/CLI.md)."""

import json
import re
import subprocess

import pytest

from conftest import CLI_TIMEOUT, OIDCD_BIN, clean_env


@pytest.fixture
def cli(make_server):
    server = make_server(start=False)
    assert server.cli("migrate").returncode == 0
    return server


def run(server, *args, password=None):
    """`oidcd ARGS --config FILE`, with password (plus a newline) on stdin."""
    argv = [OIDCD_BIN, *args, "--config", str(server.config_path)]
    return subprocess.run(argv, capture_output=True, text=True, timeout=CLI_TIMEOUT,
                          cwd=server.dir, env=clean_env(server.env),
                          input=None if password is None else password + "\n")


def create(server, username, *args, password=None):
    result = run(server, "user", "create", username, *args, "--json", password=password)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def show(server, who):
    return server.cli_json("user", "show", who)


def usage_error(result):
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    return result.stderr


def test_create_show_list_delete(cli):
    alice = create(cli, "alice", "--claim", "name=Alice Liddell")
    assert set(alice) == {"sub", "username", "enabled", "claims", "created_at"}
    assert alice["username"] == "alice" and alice["enabled"] is True
    assert alice["claims"] == {"name": "Alice Liddell"}
    assert show(cli, "alice") == alice
    assert show(cli, alice["sub"]) == alice
    bob = create(cli, "bob")
    listed = cli.cli_json("user", "list")
    assert [u["username"] for u in listed] == ["alice", "bob"]
    text = cli.cli("user", "list").stdout
    assert bob["sub"] in text and "alice" in text
    result = cli.cli("user", "delete", "alice")
    assert result.returncode == 0, result.stderr
    assert [u["username"] for u in cli.cli_json("user", "list")] == ["bob"]
    result = cli.cli("user", "show", "alice")
    assert result.returncode == 1 and "no user" in result.stderr
    assert cli.cli("user", "delete", "alice").returncode == 1


def test_claims_are_typed(cli):
    user = create(cli, "ada", "--claim", "email=ada@example.com",
                  "--claim", "email_verified=true", "--claim", 'address={"locality":"Oslo"}',
                  "--claim", "updated_at=1700000000", "--claim", "phone_number=+4722000000",
                  "--claim", "birthdate=1815-12-10")
    assert user["claims"] == {"email": "ada@example.com", "email_verified": True,
                              "address": {"locality": "Oslo"}, "updated_at": 1700000000,
                              "phone_number": "+4722000000", "birthdate": "1815-12-10"}
    stored = cli.db_value("SELECT claims FROM users WHERE sub = ?", (user["sub"],))
    assert json.loads(stored)["email_verified"] is True


@pytest.mark.parametrize("claim", [
    "email=nobody", "email_verified=yes", "email_verified=1", "phone_number_verified=\"true\"",
    "updated_at=soon", "address=Oslo", 'address={"planet":"Earth"}', "birthdate=10/12/1815",
    "phone_number=22000000", "picture=javascript:alert(1)", "website=/me", "zoneinfo=Paris",
    "locale=english", "sub=someone", "shoe_size=42", "name=", "noequals", "=x", "name=null",
])
def test_bad_claims_are_refused(cli, claim):
    usage_error(cli.cli("user", "create", "ada", "--claim", claim))
    assert cli.cli_json("user", "list") == []


def test_declared_claims_are_taken(make_server):
    server = make_server(start=False, config={"claims": {"extra": "groups"},
                                              "scope.library": {"claims": "library_card"}})
    user = create(server, "ada", "--claim", 'groups=["staff"]', "--claim", "library_card=12")
    assert user["claims"] == {"groups": ["staff"], "library_card": 12}


def test_duplicate_username_is_refused(cli):
    create(cli, "alice")
    result = cli.cli("user", "create", "alice")
    assert result.returncode == 1 and "taken" in result.stderr
    result = cli.cli("user", "create", "ALICE")
    assert result.returncode == 1 and "taken" in result.stderr
    create(cli, "bob")
    result = cli.cli("user", "update", "bob", "--username", "Alice")
    assert result.returncode == 1 and "taken" in result.stderr
    assert show(cli, "bob")["username"] == "bob"


@pytest.mark.parametrize("name", ["", "a b", "-x", "a/b", "é", "x" * 65, "a:b"])
def test_bad_usernames_are_refused(cli, name):
    usage_error(cli.cli("user", "create", name))


def test_good_usernames(cli):
    for name in ["a", "ada.lovelace@example.com", "A_b-9", "x" * 64]:
        assert create(cli, name)["username"] == name


def test_sub_is_random_and_stable(cli):
    a = create(cli, "alice")
    b = create(cli, "bob")
    assert re.fullmatch(r"[A-Za-z0-9_-]{22,}", a["sub"])
    assert a["sub"] != b["sub"] and "alice" not in a["sub"]
    renamed = cli.cli_json("user", "update", "alice", "--username", "alicia",
                           "--claim", "nickname=Al")
    assert renamed["sub"] == a["sub"] and renamed["username"] == "alicia"
    assert show(cli, a["sub"])["username"] == "alicia"
    again = cli.cli_json("user", "update", a["sub"], "--unset-claim", "nickname", "--disable")
    assert again["sub"] == a["sub"] and again["claims"] == {} and again["enabled"] is False
    assert cli.cli_json("user", "update", "alicia", "--enable")["enabled"] is True


def test_password_is_stored_only_as_argon2id(cli):
    secret = "correct horse battery staple"
    user = create(cli, "alice", "--password-stdin", password=secret)
    assert "password" not in json.dumps(user)
    stored = cli.db_value("SELECT password_hash FROM users")
    assert stored.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
    assert "password:  set" in cli.cli("user", "show", "alice").stdout
    result = run(cli, "user", "update", "alice", "--password-stdin", password="new " + secret)
    assert result.returncode == 0, result.stderr
    cli.cli("migrate")  # checkpoint nothing away: read every file of the database
    data = cli.stored_bytes()
    assert secret.encode() not in data


def test_user_without_password(cli):
    create(cli, "bob")
    assert "password:  none" in cli.cli("user", "show", "bob").stdout
    assert cli.db_rows("SELECT password_hash FROM users") == [(None,)]


@pytest.mark.parametrize("stdin", ["", "\n"])
def test_empty_password_is_refused(cli, stdin):
    argv = [OIDCD_BIN, "user", "create", "alice", "--password-stdin",
            "--config", str(cli.config_path)]
    result = subprocess.run(argv, capture_output=True, text=True, input=stdin,
                            env=clean_env(cli.env), timeout=CLI_TIMEOUT)
    usage_error(result)
    assert cli.cli_json("user", "list") == []


def test_password_reads_one_line(cli):
    create(cli, "alice", "--password-stdin", password="one\ntwo")
    result = run(cli, "user", "create", "bob", "--password-stdin", password="x" * 1025)
    usage_error(result)


@pytest.mark.parametrize("words", [
    ["user"], ["user", "bogus"], ["user", "create"], ["user", "create", "a", "--bogus"],
    ["user", "create", "a", "--json", "--json"], ["user", "create", "a", "--disable"],
    ["user", "create", "a", "--claim", "name=x", "--claim", "name=y"],
    ["user", "show", "--json"], ["user", "show", "a", "--claim", "name=x"],
    ["user", "list", "--claim", "name=x"], ["user", "delete"], ["user", "delete", "a", "b"],
    ["user", "update", "a", "--enable", "--disable"], ["user", "update", "a", "--username"],
])
def test_usage_errors(cli, words):
    create(cli, "a")
    usage_error(cli.cli(*words))
    assert [u["username"] for u in cli.cli_json("user", "list")] == ["a"]
