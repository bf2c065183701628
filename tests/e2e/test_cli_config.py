"""The management CLI (client, migrate) and configuration handling."""

import sqlite3
import stat
import subprocess

import pytest

from conftest import OIDCD_BIN, Server, clean_env, free_port, verify_jwt

CLIENT_FIELDS = {"client_id", "name", "type", "grant_types", "response_types",
                 "redirect_uris", "post_logout_redirect_uris", "scope",
                 "token_endpoint_auth_method", "access_token_format", "enabled"}


def without_secret(client):
    return {k: v for k, v in client.items() if k != "client_secret"}


# -- client create -------------------------------------------------------------

def test_create_confidential_defaults(server):
    client = server.cli_json("client", "create", "--name", "svc",
                             "--grant-types", "client_credentials", "--scope", "read write")
    assert CLIENT_FIELDS <= set(client)
    assert client["client_id"] and isinstance(client["client_id"], str)
    assert isinstance(client["client_secret"], str) and len(client["client_secret"]) >= 43
    assert client["name"] == "svc"
    assert client["type"] == "confidential"
    assert client["grant_types"] == ["client_credentials"]
    assert isinstance(client["response_types"], list)
    assert client["redirect_uris"] == []
    assert client["post_logout_redirect_uris"] == []
    assert client["scope"] == "read write"
    assert client["token_endpoint_auth_method"] == "client_secret_basic"
    assert client["access_token_format"] == "jwt"
    assert client["enabled"] is True


def test_create_public_client_has_no_secret(server):
    client = server.create_client(name="spa", type="public")
    assert client["type"] == "public"
    assert client.get("client_secret") is None
    assert client["token_endpoint_auth_method"] == "none"


def test_create_with_all_flags(server):
    client = server.create_client(
        name="web", grant_types="authorization_code,refresh_token",
        response_types="code", redirect_uri=["http://127.0.0.1:9/a", "http://127.0.0.1:9/b"],
        post_logout_redirect_uri=["http://127.0.0.1:9/bye"], scope="openid profile",
        token_endpoint_auth_method="client_secret_post", access_token_format="opaque")
    assert sorted(client["grant_types"]) == ["authorization_code", "refresh_token"]
    assert client["response_types"] == ["code"]
    assert client["redirect_uris"] == ["http://127.0.0.1:9/a", "http://127.0.0.1:9/b"]
    assert client["post_logout_redirect_uris"] == ["http://127.0.0.1:9/bye"]
    assert client["scope"] == "openid profile"
    assert client["token_endpoint_auth_method"] == "client_secret_post"
    assert client["access_token_format"] == "opaque"
    shown = server.cli_json("client", "show", client["client_id"])
    assert shown.get("client_secret") is None
    assert without_secret(shown) == without_secret(client)


@pytest.mark.parametrize("grant_types", ["client_credentials,refresh_token",
                                         "client_credentials refresh_token"])
def test_grant_types_comma_or_space_separated(server, grant_types):
    client = server.create_client(grant_types=grant_types)
    assert sorted(client["grant_types"]) == ["client_credentials", "refresh_token"]


def test_client_ids_and_secrets_are_unique(server):
    first = server.create_client(name="a")
    second = server.create_client(name="b")
    assert first["client_id"] != second["client_id"]
    assert first["client_secret"] != second["client_secret"]


def test_create_with_bad_auth_method_fails(server):
    result = server.cli("client", "create", "--name", "x", "--grant-types",
                        "client_credentials", "--token-endpoint-auth-method", "magic", "--json")
    assert result.returncode != 0
    assert server.cli_json("client", "list") == []


# -- show, list, update, delete, rotate-secret ------------------------------------

def test_show_omits_secret(server, client):
    shown = server.cli_json("client", "show", client["client_id"])
    assert shown.get("client_secret") is None
    assert without_secret(shown) == without_secret(client)


def test_list_returns_all_clients_without_secrets(server):
    assert server.cli_json("client", "list") == []
    made = [server.create_client(name=f"c{i}") for i in range(3)]
    listed = server.cli_json("client", "list")
    assert isinstance(listed, list)
    assert sorted(c["client_id"] for c in listed) == sorted(c["client_id"] for c in made)
    for item in listed:
        assert item.get("client_secret") is None
        assert CLIENT_FIELDS <= set(item)


def test_update_changes_fields(server, client):
    result = server.cli("client", "update", client["client_id"], "--name", "renamed",
                        "--scope", "read", "--access-token-format", "opaque")
    assert result.returncode == 0, result.stderr
    shown = server.cli_json("client", "show", client["client_id"])
    assert shown["name"] == "renamed"
    assert shown["scope"] == "read"
    assert shown["access_token_format"] == "opaque"
    assert shown["grant_types"] == client["grant_types"]


def test_update_disable_and_enable(server, client):
    assert server.cli("client", "update", client["client_id"], "--disable").returncode == 0
    assert server.cli_json("client", "show", client["client_id"])["enabled"] is False
    assert server.cli("client", "update", client["client_id"], "--enable").returncode == 0
    assert server.cli_json("client", "show", client["client_id"])["enabled"] is True


def test_delete_removes_client(server, client):
    assert server.cli("client", "delete", client["client_id"]).returncode == 0
    assert server.cli("client", "show", client["client_id"], "--json").returncode != 0
    assert server.cli_json("client", "list") == []


def test_rotate_secret_prints_new_secret(server, client):
    rotated = server.cli_json("client", "rotate-secret", client["client_id"])
    assert rotated["client_secret"] and rotated["client_secret"] != client["client_secret"]
    assert len(rotated["client_secret"]) >= 43


@pytest.mark.parametrize("command", [
    ["client", "show", "no-such-id", "--json"],
    ["client", "update", "no-such-id", "--name", "x"],
    ["client", "delete", "no-such-id"],
    ["client", "rotate-secret", "no-such-id", "--json"],
])
def test_unknown_client_id_fails(server, command):
    result = server.cli(*command)
    assert result.returncode != 0
    assert result.stderr.strip()


def test_migrate_is_idempotent(make_server):
    server = make_server(start=False)
    first = server.cli("migrate")
    assert first.returncode == 0, first.stderr
    second = server.cli("migrate")
    assert second.returncode == 0, second.stderr
    server.start()
    assert server.get("/healthz").status_code == 200


def test_clients_made_after_migrate_work_once_served(make_server):
    server = make_server(start=False)
    assert server.cli("migrate").returncode == 0
    client = server.create_client()
    server.start()
    assert server.token_basic(client).status_code == 200


# -- configuration ---------------------------------------------------------------

def test_env_overrides_file(make_server):
    server = make_server(config={"tokens": {"access_token_ttl": 3600}},
                         env={"OIDCD_TOKENS_ACCESS_TOKEN_TTL": "120"})
    client = server.create_client()
    resp = server.token_basic(client)
    assert resp.status_code == 200
    assert resp.json()["expires_in"] == 120
    claims = verify_jwt(resp.json()["access_token"], server.jwks())[1]
    assert claims["exp"] - claims["iat"] == 120


def test_env_overrides_listen_and_issuer(make_server):
    server = make_server(start=False)
    port = free_port()
    assert port != server.port
    server.env.update({"OIDCD_SERVER_LISTEN": f"127.0.0.1:{port}",
                       "OIDCD_SERVER_ISSUER": f"http://127.0.0.1:{port}"})
    server.port, server.issuer = port, f"http://127.0.0.1:{port}"
    server.start()
    doc = server.get("/.well-known/openid-configuration").json()
    assert doc["issuer"] == f"http://127.0.0.1:{port}"


def run_expecting_config_error(argv, cwd, env=None):
    """Run argv (in cwd) and expect a one-line error and exit status 2."""
    result = subprocess.run(argv, capture_output=True, text=True, timeout=5, cwd=cwd,
                            stdin=subprocess.DEVNULL, env=clean_env(env))
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def contained_env(tmp_path):
    """Settings that keep a server which wrongly ignores its config file off
    the default port and inside tmp_path; they do not make the file valid."""
    return {"OIDCD_SERVER_LISTEN": f"127.0.0.1:{free_port()}",
            "OIDCD_DATABASE_URL": f"sqlite:{tmp_path / 'stray.db'}",
            "OIDCD_KEYS_ENCRYPTION_KEY_FILE": str(tmp_path / "stray.kek")}


COMMANDS = [["serve"], ["client", "list", "--json"]]


@pytest.mark.parametrize("command", COMMANDS, ids=["serve", "client-list"])
def test_missing_config_file_exits_2(tmp_path, command):
    missing = tmp_path / "missing.ini"
    run_expecting_config_error([OIDCD_BIN, *command, "--config", str(missing)], tmp_path,
                               env=contained_env(tmp_path))


@pytest.mark.parametrize("command", COMMANDS, ids=["serve", "client-list"])
def test_unreadable_config_file_exits_2(tmp_path, command):
    # A directory cannot be read as a file, even by root.
    run_expecting_config_error([OIDCD_BIN, *command, "--config", str(tmp_path)], tmp_path,
                               env=contained_env(tmp_path))


BAD_CONFIGS = {
    "unknown-key": {"server": {"bogus": 1}},
    "unknown-section": {"bogus": {"x": 1}},
    "unknown-empty-section": {"bogus": {}},
    "db-mysql": {"database": {"url": "mysql://x"}},
    "db-no-scheme": {"database": {"url": "oidcd.db"}},
    "db-empty-path": {"database": {"url": "sqlite:"}},
    "db-memory": {"database": {"url": "sqlite::memory:"}},
    "db-uri-filename": {"database": {"url": "sqlite:file:x.db?mode=memory"}},
    "issuer-empty-host": {"server": {"issuer": "http://:80"}},
    "issuer-port-too-big": {"server": {"issuer": "http://x:99999"}},
    "issuer-port-zero": {"server": {"issuer": "http://x:0"}},
    "issuer-empty-port": {"server": {"issuer": "http://x:"}},
    "threads-abc": {"server": {"threads": "abc"}},
    "ttl-negative": {"tokens": {"access_token_ttl": -5}},
    "ttl-junk": {"tokens": {"access_token_ttl": "10s"}},
    "listen-nohost": {"server": {"listen": "nohost"}},
}


@pytest.mark.parametrize("command", COMMANDS, ids=["serve", "client-list"])
@pytest.mark.parametrize("name", sorted(BAD_CONFIGS))
def test_bad_config_exits_2(tmp_path, command, name):
    server = Server(tmp_path, config=BAD_CONFIGS[name])
    run_expecting_config_error([OIDCD_BIN, *command, "--config", str(server.config_path)],
                               tmp_path)


@pytest.mark.parametrize("variable,value", [("OIDCD_SERVER_THREADS", "abc"),
                                            ("OIDCD_TOKENS_ACCESS_TOKEN_TTL", "-5"),
                                            ("OIDCD_DATABASE_URL", "sqlite::memory:"),
                                            ("OIDCD_SERVER_ISSUER", "http://:80")])
def test_bad_env_value_exits_2(tmp_path, variable, value):
    server = Server(tmp_path)
    run_expecting_config_error([OIDCD_BIN, "serve", "--config", str(server.config_path)],
                               tmp_path, env={variable: value})


def test_bad_database_url_is_named(tmp_path):
    server = Server(tmp_path, config={"database": {"url": "mysql://x"}})
    line = run_expecting_config_error(
        [OIDCD_BIN, "client", "list", "--config", str(server.config_path)], tmp_path)
    assert "database.url" in line and "postgresql://" in line, line
    assert f"{server.config_path}:" in line, line


def test_memory_database_is_refused_before_anything_is_made(tmp_path):
    # Accepted, sqlite::memory: took a client and lost it when the command ended.
    server = Server(tmp_path, config={"database": {"url": "sqlite::memory:"}})
    run_expecting_config_error(
        [OIDCD_BIN, "client", "create", "--name", "x", "--grant-types", "client_credentials",
         "--json", "--config", str(server.config_path)], tmp_path)
    assert not server.kek_path.exists()


@pytest.mark.parametrize("command", COMMANDS, ids=["serve", "client-list"])
def test_database_in_missing_directory_is_one_line(tmp_path, command):
    missing = tmp_path / "no-such-dir"
    server = Server(tmp_path, config={"database": {"url": f"sqlite:{missing}/x.db"}})
    result = subprocess.run([OIDCD_BIN, *command, "--config", str(server.config_path)],
                            capture_output=True, text=True, timeout=10, cwd=tmp_path,
                            stdin=subprocess.DEVNULL, env=clean_env())
    assert result.returncode == 1, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(missing) in lines[0] and "level=" not in lines[0], lines[0]
    assert not missing.exists()


def write_raw_config(server, text):
    server.config_path.write_text(text)
    return str(server.config_path)


def valid_ini_lines(server):
    """The server's own config, as lines: every one valid."""
    return server.config_path.read_text().splitlines()


@pytest.mark.parametrize("command", COMMANDS, ids=["serve", "client-list"])
def test_repeated_key_names_both_lines(tmp_path, command):
    server = Server(tmp_path)
    lines = valid_ini_lines(server)
    lines.insert(lines.index("[server]") + 1, "threads = 3")  # before threads = 2
    first = lines.index("threads = 3") + 1
    again = lines.index("threads = 2") + 1
    path = write_raw_config(server, "\n".join(lines) + "\n")
    line = run_expecting_config_error([OIDCD_BIN, *command, "--config", path], tmp_path,
                                      env=contained_env(tmp_path))
    assert f"{path}:{again}:" in line and f"line {first}" in line, line
    assert "threads" in line, line


@pytest.mark.parametrize("command", COMMANDS, ids=["serve", "client-list"])
def test_section_without_bracket_is_a_syntax_error_on_its_line(tmp_path, command):
    server = Server(tmp_path)
    lines = valid_ini_lines(server)
    lines[lines.index("[server]")] = "[server"
    path = write_raw_config(server, "\n".join(lines) + "\n")
    line = run_expecting_config_error([OIDCD_BIN, *command, "--config", path], tmp_path,
                                      env=contained_env(tmp_path))
    number = lines.index("[server") + 1
    assert f"{path}:{number}:" in line and "syntax error" in line, line


@pytest.mark.parametrize("command", COMMANDS, ids=["serve", "client-list"])
def test_empty_unknown_section_names_its_line(tmp_path, command):
    server = Server(tmp_path)
    lines = valid_ini_lines(server) + ["[bogus]"]
    path = write_raw_config(server, "\n".join(lines) + "\n")
    line = run_expecting_config_error([OIDCD_BIN, *command, "--config", path], tmp_path,
                                      env=contained_env(tmp_path))
    assert f"{path}:{len(lines)}:" in line and "[bogus]" in line, line


@pytest.mark.parametrize("command", COMMANDS, ids=["serve", "client-list"])
def test_overlong_line_is_named(tmp_path, command):
    # inih reads 199 characters at a time: the rest of a long line used to be
    # parsed as lines of its own ("FILE:3: syntax error" for a 2-line file).
    server = Server(tmp_path)
    lines = valid_ini_lines(server)
    number = next(i for i, line in enumerate(lines) if line.startswith("issuer")) + 1
    lines[number - 1] = f"issuer = {server.issuer}/{'a' * 250}"
    path = write_raw_config(server, "\n".join(lines) + "\n")
    line = run_expecting_config_error([OIDCD_BIN, *command, "--config", path], tmp_path,
                                      env=contained_env(tmp_path))
    assert f"{path}:{number}:" in line and "199" in line, line


def test_long_comment_and_indented_lines_are_fine(make_server):
    server = make_server(start=False)
    lines = ["; " + "x" * 300] + ["  " + line for line in valid_ini_lines(server)]
    write_raw_config(server, "\n".join(lines) + "\n")
    server.start()
    client = server.create_client()
    assert server.token_basic(client).status_code == 200


@pytest.mark.parametrize("order", ["missing-first", "missing-last"])
def test_config_given_twice_exits_2(tmp_path, order):
    server = Server(tmp_path)
    paths = [str(tmp_path / "nonexistent.ini"), str(server.config_path)]
    if order == "missing-last":
        paths.reverse()
    line = run_expecting_config_error(
        [OIDCD_BIN, "--config", paths[0], "--config", paths[1], "client", "list"], tmp_path,
        env=contained_env(tmp_path))
    assert "--config" in line and "twice" in line, line


def test_config_given_twice_after_the_command_exits_2(tmp_path):
    server = Server(tmp_path)
    path = str(server.config_path)
    line = run_expecting_config_error(
        [OIDCD_BIN, "client", "list", "--config", path, f"--config={path}"], tmp_path,
        env=contained_env(tmp_path))
    assert "twice" in line, line


def test_unknown_command_says_so(tmp_path):
    line = run_expecting_config_error([OIDCD_BIN, "frob"], tmp_path,
                                      env=contained_env(tmp_path))
    assert "unknown command: frob" in line, line


def test_kek_file_created_with_mode_0600(server):
    assert server.kek_path.exists()
    assert stat.S_IMODE(server.kek_path.stat().st_mode) == 0o600
    assert server.kek_path.stat().st_size > 0


def test_existing_kek_file_is_kept(make_server):
    server = make_server()
    content = server.kek_path.read_bytes()
    assert server.stop() == 0
    server.start()
    assert server.kek_path.read_bytes() == content


def test_wrong_kek_refuses_to_start(make_server):
    server = make_server()
    original = server.kek_path.read_bytes()
    assert server.stop() == 0

    other = make_server(start=True)  # a second, unrelated server gives a valid other KEK
    wrong = other.kek_path.read_bytes()
    assert wrong != original
    server.kek_path.write_bytes(wrong)
    server.kek_path.chmod(0o600)

    before = len(server.log_text())
    proc = server.spawn()
    try:
        code = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        raise AssertionError("oidcd kept running with the wrong key-encryption key")
    assert code != 0
    error = server.log_text()[before:]
    assert "key" in error.lower(), error
    assert not server.is_healthy(timeout=0.5)


def test_created_client_ids_never_look_like_options(server):
    # Ids are base64url; one starting with '-' would read as a CLI option.
    ids = [server.create_client(name=f"d{n}")["client_id"] for n in range(64)]
    assert not [i for i in ids if i[0] in "-_"], ids


def test_cli_takes_any_id_as_the_id_argument(server):
    # An id stored by another means (an older release, a future registration
    # endpoint) may start with '-': the commands must still take it.
    client = server.create_client(name="dash")
    odd_id = "-" + client["client_id"][1:]
    db = sqlite3.connect(server.db_path)
    with db:
        db.execute("UPDATE clients SET id = ? WHERE id = ?", (odd_id, client["client_id"]))
    db.close()
    shown = server.cli_json("client", "show", odd_id)
    assert shown["client_id"] == odd_id
    assert server.cli_json("client", "rotate-secret", odd_id)["client_secret"]
    assert server.cli("client", "update", odd_id, "--disable").returncode == 0
    assert server.cli_json("client", "show", odd_id)["enabled"] is False
    assert server.cli("client", "delete", odd_id).returncode == 0
    assert server.cli("client", "show", odd_id).returncode != 0

