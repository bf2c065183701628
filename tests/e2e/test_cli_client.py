"""`oidcd client …`: what each command accepts, the rules a client's metadata
must meet (docs/CLI.md), and the one-line usage errors (exit 2) for the rest.

Most tests need no running server: the CLI works on the database alone."""

import sqlite3
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import cli_flags
from migration_support import undo_migrations_from


@pytest.fixture
def cli(make_server):
    """A server's directory and database, migrated, with no process running
    (so the first command's migration log lines are out of the way)."""
    server = make_server(start=False)
    assert server.cli("migrate").returncode == 0
    return server


LIST_PAGE = 100  # LIMIT_LIST_PAGE (src/core/limits.h): the clients the CLI reads at once


def usage_error(result):
    """Asserts exit status 2, nothing on stdout and one line on stderr; returns it."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def create(server, name="c", **flags):
    """`client create --json` with flags as keyword arguments (conftest.cli_flags)."""
    return server.cli_json("client", "create", "--name", name, *cli_flags(flags))


def create_fails(server, *args):
    """`client create ARGS` must fail with a usage error and store nothing."""
    before = server.cli_json("client", "list")
    line = usage_error(server.cli("client", "create", "--name", "c", *args))
    assert server.cli_json("client", "list") == before
    return line


def show(server, client_id):
    return server.cli_json("client", "show", client_id)


def update(server, client_id, *args):
    return server.cli("client", "update", client_id, *args)


def update_fails(server, client, *args):
    """`client update ID ARGS` must fail with a usage error and change nothing."""
    before = show(server, client["client_id"])
    line = usage_error(update(server, client["client_id"], *args))
    assert show(server, client["client_id"]) == before
    return line


@pytest.fixture
def machine(cli):
    return create(cli, "machine", grant_types="client_credentials", scope="read write")


@pytest.fixture
def web(cli):
    return create(cli, "web", grant_types="authorization_code,refresh_token",
                  redirect_uri="https://app.example/cb", scope="openid")


# -- 1. show, list and rotate-secret take only --json --------------------------------

@pytest.mark.parametrize("words", [
    ["show", "ID", "--name", "hacked", "--type", "public"],
    ["show", "ID", "--redirect-uri", "https://evil.example/"],
    ["show", "ID", "--disable"],
    ["show", "ID", "extra"],
    ["list", "--redirect-uri", "x"],
    ["list", "--name", "x", "--json"],
    ["list", "--enable"],
    ["list", "extra"],
    ["rotate-secret", "ID", "--scope", "admin"],
    ["delete", "ID", "--json"],
])
def test_printing_commands_refuse_flags_they_do_not_take(cli, machine, words):
    words = [machine["client_id"] if w == "ID" else w for w in words]
    before = show(cli, machine["client_id"])
    line = usage_error(cli.cli("client", *words))
    first_extra = words[1] if words[0] == "list" else words[2]
    assert line.endswith(f"unknown argument {first_extra}"), line
    assert show(cli, machine["client_id"]) == before


def test_show_and_list_still_take_json(cli, machine):
    assert show(cli, machine["client_id"])["client_id"] == machine["client_id"]
    assert [c["client_id"] for c in cli.cli_json("client", "list")] == [machine["client_id"]]
    assert cli.cli("client", "list").returncode == 0


# -- 2. redirect URIs ----------------------------------------------------------------------

BAD_URIS = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "http:",
    "http://",
    "https:///cb",
    "https:app.example/cb",
    "foo/bar:baz",
    "1ab://x",
    ":foo",
    "/cb",
    "com.example.app:",
    "https://app.example/cb#frag",
    "https://app.example/c b",
    "https://app.example/\tcb",
    "https://app.example/\x7f",
    "https://b\u00fccher.example/cb",
    "https://app.example/%zz",
    "https://app.example:0/cb",
    "https://app.example:65536/cb",
    "https://app.example:/cb",
    "https://app.example:80a/cb",
    "https://user@app.example/cb",
    "https://app.example@evil.example/cb",
    "https://app.example/" + "a" * 2048,
]

GOOD_URIS = [
    "https://app.example/cb",
    "https://app.example:8443/cb?tenant=a%20b",
    "http://127.0.0.1:8080/cb",
    "http://[::1]:65535/cb",
    "HTTPS://App.Example/cb",
    "com.example.app:/callback",
    "myapp://callback",
    "urn:ietf:wg:oauth:2.0:oob",
]


@pytest.mark.parametrize("flag", ["--redirect-uri", "--post-logout-redirect-uri"])
@pytest.mark.parametrize("uri", BAD_URIS)
def test_create_refuses_bad_redirect_uris(cli, flag, uri):
    line = create_fails(cli, "--grant-types", "authorization_code", flag, uri)
    assert "redirect URI" in line
    assert ("post-logout" in line) == (flag == "--post-logout-redirect-uri")


@pytest.mark.parametrize("flag", ["--redirect-uri", "--post-logout-redirect-uri"])
def test_update_refuses_bad_redirect_uris(cli, web, flag):
    for uri in ("javascript:alert(1)", "http://", "https://app.example/cb#x"):
        assert "redirect URI" in update_fails(cli, web, flag, uri)


def test_refused_scheme_is_named(cli):
    line = create_fails(cli, "--redirect-uri", "javascript:alert(1)")
    assert "javascript" in line


def test_good_redirect_uris_are_stored_as_given(cli):
    client = create(cli, "native", type="public", redirect_uri=GOOD_URIS,
                    post_logout_redirect_uri=GOOD_URIS)
    assert client["redirect_uris"] == GOOD_URIS
    assert client["post_logout_redirect_uris"] == GOOD_URIS
    assert show(cli, client["client_id"])["redirect_uris"] == GOOD_URIS


def test_at_most_32_redirect_uris(cli):
    uris = [f"https://app.example/cb{i}" for i in range(33)]
    create_fails(cli, *cli_flags({"redirect_uri": uris}))
    assert len(create(cli, redirect_uri=uris[:32])["redirect_uris"]) == 32


# -- 3. grant types and response types fit each other ----------------------------------

def test_readme_machine_client_has_no_response_types(cli):
    client = create(cli, "books-cli", grant_types="client_credentials",
                    scope="read_books add_books")
    assert client["grant_types"] == ["client_credentials"]
    assert client["response_types"] == []


def test_default_client_is_authorization_code_with_code(cli):
    client = create(cli)
    assert client["grant_types"] == ["authorization_code"]
    assert client["response_types"] == ["code"]


@pytest.mark.parametrize("grants", ["authorization_code,refresh_token",
                                    "client_credentials,authorization_code"])
def test_response_type_code_is_the_default_with_authorization_code(cli, grants):
    assert create(cli, grant_types=grants)["response_types"] == ["code"]


@pytest.mark.parametrize("grants", ["refresh_token", "password", "client_credentials,password"])
def test_no_default_response_type_without_authorization_code(cli, grants):
    assert create(cli, grant_types=grants)["response_types"] == []


@pytest.mark.parametrize("grants,responses", [
    ("implicit", "id_token"),
    ("implicit", "id_token token"),
    ("authorization_code,implicit", "code id_token"),
    ("authorization_code,implicit", "code token,code id_token token"),
    ("authorization_code,implicit", "code,id_token"),
])
def test_consistent_sets_are_accepted(cli, grants, responses):
    client = create(cli, grant_types=grants, response_types=responses)
    assert client["response_types"] == responses.split(",")


@pytest.mark.parametrize("grants,responses,needed", [
    ("client_credentials", "code", "authorization_code"),
    ("implicit", "code", "authorization_code"),
    ("authorization_code", "id_token", "implicit"),
    ("authorization_code", "code id_token", "implicit"),
    ("authorization_code", "code token", "implicit"),
    ("client_credentials", "id_token token", "implicit"),
    ("authorization_code", "", "code"),
    ("authorization_code,implicit", "code", "id_token"),
    ("implicit", None, "id_token"),
])
def test_inconsistent_sets_are_refused(cli, grants, responses, needed):
    args = ["--grant-types", grants]
    if responses is not None:
        args += ["--response-types", responses]
    line = create_fails(cli, *args)
    assert needed in line


def test_update_keeps_types_consistent(cli, web, machine):
    update_fails(cli, web, "--grant-types", "client_credentials")
    update_fails(cli, web, "--response-types", "id_token")
    update_fails(cli, machine, "--response-types", "code")
    result = update(cli, web["client_id"], "--grant-types", "client_credentials",
                    "--response-types", "")
    assert result.returncode == 0, result.stderr
    shown = show(cli, web["client_id"])
    assert shown["grant_types"] == ["client_credentials"]
    assert shown["response_types"] == []


def test_public_client_credentials_client_stays_representable(server):
    client = server.create_client(name="spa", type="public", grant_types="client_credentials")
    assert client["type"] == "public" and client["response_types"] == []
    resp = server.post_token({"grant_type": "client_credentials",
                              "client_id": client["client_id"]})
    assert resp.status_code == 400 and resp.json()["error"] == "unauthorized_client"


def test_readme_client_gets_a_token(server):
    client = server.create_client(name="books-cli", grant_types="client_credentials",
                                  scope="read_books add_books")
    resp = server.token_basic(client)
    assert resp.status_code == 200, resp.text
    assert resp.json()["scope"] == "read_books add_books"


def test_response_type_words_may_come_in_any_order(cli):
    client = create(cli, grant_types="authorization_code,implicit",
                    response_types="token id_token,id_token  code")
    assert client["response_types"] == ["id_token token", "code id_token"]


@pytest.mark.parametrize("responses", ["token", "none", "code code", "bogus"])
def test_unknown_response_types_are_refused(cli, responses):
    assert "response type" in create_fails(cli, "--response-types", responses)


@pytest.mark.sqlite_only("undoes SQLite migrations to check an upgrade from an old file")
def test_migration_clears_the_old_default_response_type(cli, machine, web):
    # Clients made without --response-types used to get "code" whatever their
    # grant types; migration 3 clears it where no authorization_code grant uses it.
    db = sqlite3.connect(cli.db_path)
    with db:
        db.execute("UPDATE clients SET response_types = 'code'")
        undo_migrations_from(db, 3)
    db.close()
    assert cli.cli("migrate").returncode == 0
    assert show(cli, machine["client_id"])["response_types"] == []
    assert show(cli, web["client_id"])["response_types"] == ["code"]
    result = update(cli, machine["client_id"], "--scope", "read")
    assert result.returncode == 0, result.stderr


def test_disabling_never_fails_on_other_fields(cli, web):
    cli.db_rows("UPDATE clients SET redirect_uris = 'javascript:alert(1)' WHERE id = ?",
                (web["client_id"],))
    assert update(cli, web["client_id"], "--disable").returncode == 0
    assert show(cli, web["client_id"])["enabled"] is False
    line = usage_error(update(cli, web["client_id"], "--enable"))
    assert "redirect URI" in line
    assert show(cli, web["client_id"])["enabled"] is False


# -- 4. empty and repeated lists ------------------------------------------------------------

@pytest.mark.parametrize("value", ["", ",", " , ", "  "])
def test_explicit_empty_grant_types_are_refused(cli, machine, value):
    assert "--grant-types" in create_fails(cli, "--grant-types", value)
    assert "--grant-types" in update_fails(cli, machine, "--grant-types", value)


def test_empty_response_types_only_without_a_grant_that_needs_one(cli, machine, web):
    result = update(cli, machine["client_id"], "--response-types", " , ")
    assert result.returncode == 0, result.stderr
    assert show(cli, machine["client_id"])["response_types"] == []
    assert "authorization_code" in update_fails(cli, web, "--response-types", " , ")


def test_repeated_types_are_stored_once(cli, machine):
    client = create(cli, grant_types="client_credentials,client_credentials refresh_token,"
                                     "client_credentials")
    assert client["grant_types"] == ["client_credentials", "refresh_token"]
    client = create(cli, grant_types="authorization_code", response_types="code,code, code")
    assert client["response_types"] == ["code"]
    result = update(cli, machine["client_id"], "--grant-types", "password,password")
    assert result.returncode == 0, result.stderr
    assert show(cli, machine["client_id"])["grant_types"] == ["password"]


def test_unknown_grant_type_is_refused(cli):
    assert "grant type" in create_fails(cli, "--grant-types", "client_credentials,magic")


# -- 5. bad values name the flag -------------------------------------------------------------

@pytest.mark.parametrize("flag,value", [
    ("--type", "foo"),
    ("--token-endpoint-auth-method", "magic"),
    ("--access-token-format", "paper"),
])
def test_bad_value_names_the_flag(cli, flag, value):
    line = create_fails(cli, flag, value)
    assert flag in line
    assert f"value for {value}" not in line
    line = create_fails(cli, f"{flag}={value}")
    assert flag in line


@pytest.mark.parametrize("flag", ["--name", "--type", "--scope", "--grant-types",
                                  "--redirect-uri", "--access-token-format"])
def test_missing_value_names_the_flag(cli, machine, flag):
    result = cli.cli("client", "create", "--grant-types", "client_credentials", flag)
    assert flag in usage_error(result)
    assert flag in update_fails(cli, machine, flag)


# -- 6. the ID comes first ----------------------------------------------------------------------

@pytest.mark.parametrize("words", [
    ["update", "--name", "x", "ID"],
    ["update", "--name=x", "ID"],
    ["update", "--disable", "ID"],
    ["show", "--json", "ID"],
    ["rotate-secret", "--json", "ID"],
    ["delete", "--json"],
])
def test_flag_in_place_of_the_id_is_a_usage_error(cli, machine, words):
    words = [machine["client_id"] if w == "ID" else w for w in words]
    before = show(cli, machine["client_id"])
    line = usage_error(cli.cli("client", *words))
    assert "ID" in line and words[1] in line
    assert show(cli, machine["client_id"]) == before


@pytest.mark.parametrize("command", ["update", "show", "rotate-secret", "delete"])
def test_missing_id_is_a_usage_error(cli, command):
    assert "usage" in usage_error(cli.cli("client", command))


def test_unknown_id_is_a_failure_not_a_usage_error(cli):
    result = cli.cli("client", "update", "no-such-id", "--name", "x")
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1


# -- 7. contradictory and repeated flags --------------------------------------------------------

@pytest.mark.parametrize("args", [["--enable", "--disable"], ["--disable", "--enable"]])
def test_enable_and_disable_together_are_refused(cli, machine, args):
    assert "contradict" in update_fails(cli, machine, *args)


@pytest.mark.parametrize("args", [
    ["--name", "a", "--name", "b"],
    ["--type", "public", "--type", "confidential"],
    ["--scope", "a", "--scope=b"],
    ["--disable", "--disable"],
])
def test_single_value_flags_given_twice_are_refused(cli, machine, args):
    assert "twice" in update_fails(cli, machine, *args)


def test_create_takes_no_enable_or_disable(cli):
    assert "unknown argument" in create_fails(cli, "--disable")


def test_repeated_redirect_uris_build_the_list(cli, web):
    result = update(cli, web["client_id"], "--redirect-uri", "https://a.example/1",
                    "--redirect-uri", "https://a.example/2")
    assert result.returncode == 0, result.stderr
    assert show(cli, web["client_id"])["redirect_uris"] == ["https://a.example/1",
                                                            "https://a.example/2"]


# -- 8. the scope is stored normalised -------------------------------------------------------------

@pytest.mark.parametrize("given,stored", [
    ("a  b", "a b"),
    (" a b a ", "a b"),
    (" ", ""),
    ("", ""),
    ("read_books  add_books read_books", "read_books add_books"),
])
def test_scope_is_stored_normalised(cli, machine, given, stored):
    assert create(cli, scope=given)["scope"] == stored
    result = update(cli, machine["client_id"], "--scope", given)
    assert result.returncode == 0, result.stderr
    assert show(cli, machine["client_id"])["scope"] == stored


@pytest.mark.parametrize("scope", ['a "b', "a\\b", "a\tb", "caf\u00e9",
                                   " ".join(f"s{i}" for i in range(65)), "x" * 2049])
def test_malformed_scope_is_refused(cli, machine, scope):
    assert "scope" in create_fails(cli, "--scope", scope)
    assert "scope" in update_fails(cli, machine, "--scope", scope)


# -- show prints every field -----------------------------------------------------------------------

def test_show_text_prints_response_types_and_post_logout_redirect_uris(cli):
    client = create(cli, grant_types="authorization_code,implicit",
                    response_types="code,code id_token",
                    redirect_uri="https://app.example/cb",
                    post_logout_redirect_uri=["https://app.example/bye",
                                              "https://app.example/later"])
    result = cli.cli("client", "show", client["client_id"])
    assert result.returncode == 0, result.stderr
    fields = {}
    for line in result.stdout.splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    assert fields["response_types"] == "code, code id_token"
    assert fields["post_logout_redirect_uris"] == \
        "https://app.example/bye https://app.example/later"
    assert fields["redirect_uris"] == "https://app.example/cb"
    assert fields["grant_types"] == "authorization_code implicit"


# -- consent settings and public clients (issue 9) ----------------------------------

def test_consent_settings_default_to_true(cli, web):
    assert web["require_consent"] is True and web["reuse_consent"] is True
    shown = show(cli, web["client_id"])
    assert shown["require_consent"] is True and shown["reuse_consent"] is True
    text = cli.cli("client", "show", web["client_id"]).stdout
    assert "require_consent: yes" in text and "reuse_consent: yes" in text


def test_consent_settings_are_stored(cli):
    client = create(cli, "trusted", redirect_uri="https://app.example/cb",
                    require_consent="false", reuse_consent="false")
    assert client["require_consent"] is False and client["reuse_consent"] is False
    shown = show(cli, client["client_id"])
    assert shown["require_consent"] is False and shown["reuse_consent"] is False
    assert update(cli, client["client_id"], "--require-consent", "true").returncode == 0
    shown = show(cli, client["client_id"])
    assert shown["require_consent"] is True and shown["reuse_consent"] is False
    assert update(cli, client["client_id"], "--reuse-consent=true").returncode == 0
    assert show(cli, client["client_id"])["reuse_consent"] is True
    # other updates leave them alone
    assert update(cli, client["client_id"], "--require-consent", "false").returncode == 0
    assert update(cli, client["client_id"], "--scope", "openid").returncode == 0
    assert show(cli, client["client_id"])["require_consent"] is False


@pytest.mark.parametrize("flag", ["--require-consent", "--reuse-consent"])
@pytest.mark.parametrize("value", ["yes", "1", "", "TRUE"])
def test_consent_settings_take_true_or_false(cli, web, flag, value):
    assert "true or false" in create_fails(cli, flag, value)
    assert "true or false" in update_fails(cli, web, flag, value)


@pytest.mark.parametrize("flag", ["--require-consent", "--reuse-consent"])
def test_consent_settings_are_given_once(cli, flag):
    assert "twice" in create_fails(cli, flag, "true", flag, "false")


def test_consent_settings_are_not_for_show(cli, web):
    line = usage_error(cli.cli("client", "show", web["client_id"], "--require-consent", "false"))
    assert "unknown argument" in line


def test_migration_gives_existing_clients_consent(cli, web):
    rows = cli.db_rows("SELECT require_consent, reuse_consent FROM clients WHERE id = ?",
                       (web["client_id"],))
    assert rows == [(1, 1)]


def test_public_client_has_no_secret_and_method_none(cli):
    client = create(cli, "spa", type="public", redirect_uri="https://spa.example/cb",
                    scope="openid profile")
    assert "client_secret" not in client
    assert client["token_endpoint_auth_method"] == "none"
    assert client["grant_types"] == ["authorization_code"]
    assert client["response_types"] == ["code"]
    rows = cli.db_rows("SELECT secret_hash FROM clients WHERE id = ?", (client["client_id"],))
    assert rows == [(None,)]
    line = usage_error(cli.cli("client", "create", "--name", "spa", "--type", "public",
                               "--token-endpoint-auth-method", "client_secret_basic"))
    assert "method none" in line


def test_public_client_turned_confidential_gets_a_secret_and_back(cli):
    client = create(cli, "spa", type="public", redirect_uri="https://spa.example/cb")
    made = cli.cli_json("client", "update", client["client_id"], "--type", "confidential")
    assert made["client_secret"] and made["token_endpoint_auth_method"] == "client_secret_basic"
    back = cli.cli_json("client", "update", client["client_id"], "--type", "public")
    assert "client_secret" not in back and back["token_endpoint_auth_method"] == "none"
    result = cli.cli("client", "rotate-secret", client["client_id"])
    assert result.returncode == 1 and "no secret" in result.stderr


def test_a_list_longer_than_a_page_is_complete(cli):
    """`client list` reads the clients a page at a time: past one page every
    client is listed once, oldest first, in JSON and in text alike."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        made = list(pool.map(lambda i: create(cli, f"c{i:03}")["client_id"],
                             range(LIST_PAGE + 5)))
    listed = cli.cli_json("client", "list")
    assert len(listed) == len(made)
    assert sorted(c["client_id"] for c in listed) == sorted(made)
    times = [c["created_at"] for c in listed]
    assert times == sorted(times)
    text = cli.cli("client", "list")
    assert text.returncode == 0, text.stderr
    assert [line.split()[0] for line in text.stdout.splitlines()] == \
        [c["client_id"] for c in listed]
