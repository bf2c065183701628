"""`oidcd config check` validates a configuration without starting (status 0,
or 2 with the message `serve` would give); `oidcd config show [--json]`
prints every setting's effective value and where it came from, as a config
file that loads back to the same values."""

import json
import re

import pytest

from conftest import ON_POSTGRES, REPO


def documented_settings():
    """Every `section.key` docs/CONFIG.md has a row for."""
    text = (REPO / "docs" / "CONFIG.md").read_text()
    return {tuple(m.split(".", 1)) for m in re.findall(r"^\| `([a-z_]+\.[a-z0-9_]+)` \|", text, re.M)}


@pytest.fixture
def server(make_server):
    return make_server(start=False)


def write(server, text):
    server.config_path.write_text(text)


SHARED = "several instances may share it (docs/SCALING.md)"
ALONE = "one instance only (docs/SCALING.md)"


def test_check_accepts_a_good_config(server):
    result = server.cli("config", "check")
    assert result.returncode == 0, result.stderr
    database = f"postgresql, {SHARED}" if ON_POSTGRES else f"sqlite, {ALONE}"
    assert result.stdout == f"configuration ok ({server.config_path})\ndatabase: {database}\n"


@pytest.mark.parametrize("url, says", [
    ("sqlite:other.db", f"sqlite, {ALONE}"),
    ("postgresql://oidcd@db.invalid/oidcd", f"postgresql, {SHARED}"),
    ("host=db.invalid dbname=oidcd", f"postgresql, {SHARED}"),
])
def test_check_says_which_backend_the_url_picks_and_whether_it_is_shared(server, url, says):
    """No connection is made: the backends' own tables answer."""
    write(server, f"[database]\nurl = {url}\n")
    result = server.cli("config", "check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1] == f"database: {says}"


@pytest.mark.parametrize("text", [
    "[tokens]\naccess_token_ttl = 0\n",
    "[tokens]\nno_such_key = 1\n",
    "[server]\nissuer = ftp://x\n",
    "[nope]\n",
    "[log]\nformat = xml\n",
])
def test_check_refuses_what_serve_refuses_with_the_same_message(server, text):
    write(server, text)
    check = server.cli("config", "check")
    serve = server.cli("serve")
    assert check.returncode == 2 and serve.returncode == 2, (check, serve)
    assert check.stderr == serve.stderr
    assert check.stderr.startswith("oidcd: ") and check.stderr.count("\n") == 1
    assert check.stdout == ""


def test_check_reads_the_templates(server, tmp_path):
    broken = tmp_path / "templates"
    broken.mkdir()
    (broken / "login.html").write_text("<p>{{ no_such_slot }}</p>\n")
    write(server, f"[ui]\ntemplates_dir = {broken}\n")
    check = server.cli("config", "check")
    serve = server.cli("serve")
    assert check.returncode == 2, check
    assert serve.returncode != 0
    assert "login.html" in check.stderr and check.stderr.splitlines()[0] in serve.stderr


def test_check_warns_about_plain_http_issuer(server):
    write(server, "[server]\nissuer = http://id.example.com\n")
    result = server.cli("config", "check")
    assert result.returncode == 0
    assert "level=warn" in result.stderr and "require https" in result.stderr


def test_check_takes_the_environment(server):
    result = server.cli("config", "check", env={"OIDCD_LOGIN_MAX_FAILURES": "0"})
    assert result.returncode == 2
    assert "OIDCD_LOGIN_MAX_FAILURES" in result.stderr


def shown(server, env=None):
    result = server.cli("config", "show", "--json", env=env)
    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)
    return {(i["section"], i["key"]): (i["value"], i["origin"]) for i in items}


def test_show_tells_each_value_and_its_origin(server):
    write(server, "; comment\n[tokens]\naccess_token_ttl = 600\n\n"
                  "[scope.read_books]\ndescription = Read your books\n")
    items = shown(server, env={"OIDCD_LOGIN_MAX_FAILURES": "7", "OIDCD_SERVER_THREADS": "3"})
    # every documented setting is shown, and nothing undocumented
    assert {k for k in items if not k[0].startswith("scope.")} == documented_settings()
    path = str(server.config_path)
    assert items["tokens", "access_token_ttl"] == ("600", f"{path}:3")
    assert items["tokens", "code_ttl"] == ("600", "default")
    assert items["login", "max_failures"] == ("7", "OIDCD_LOGIN_MAX_FAILURES")
    assert items["server", "threads"] == ("3", "OIDCD_SERVER_THREADS")
    assert items["grants", "password"] == ("false", "default")
    assert items["scope.read_books", "description"] == ("Read your books", f"{path}:6")
    assert items["scope.read_books", "claims"] == ("", "default")
    assert items["log", "format"] == ("logfmt", "default")


def test_show_is_a_config_file_that_loads_back_the_same(server):
    write(server, "[server]\nlisten = [::1]:8123\n[tokens]\nid_token_include_claims = yes\n"
                  "[claims]\nextra = nickname_2 team\n[scope.read_books]\nclaims = team\n")
    text = server.cli("config", "show")
    assert text.returncode == 0, text.stderr
    assert re.search(r"^\[server\]\nissuer = \S+ ; default$", text.stdout, re.M)
    assert "id_token_include_claims = true ; " in text.stdout
    assert "listen = [::1]:8123 ; " in text.stdout
    before = shown(server)
    write(server, text.stdout)
    after = shown(server)
    assert {k: v[0] for k, v in after.items()} == {k: v[0] for k, v in before.items()}


@pytest.mark.parametrize("url, masked", [
    ("postgresql://app:s3cret-pw@db.example/id", "postgresql://app:****@db.example/id"),
    ("postgresql://db:5432/id?user=svc@corp&password=s3cret-pw",
     "postgresql://db:5432/id?user=svc@corp&password=****"),
    ("postgresql://app:s3cret-pw@db/id?sslpassword=s3cret-pw",
     "postgresql://app:****@db/id?sslpassword=****"),
    ("host=db sslpassword = s3cret-pw PASSWORD=s3cret-pw user=app",
     "host=db sslpassword = **** PASSWORD=**** user=app"),
    # libpq ends the userinfo at '@' or '/' only
    ("postgresql://app:s3cret-pw?x#y@db/id", "postgresql://app:****@db/id"),
    # a quoted value, spaces and escaped quotes in it
    ("host=db password='s3cret-pw and \\'more s3cret-pw' user=app",
     "host=db password=**** user=app"),
])
def test_a_database_password_is_never_printed(server, url, masked):
    result = server.cli("config", "show", env={"OIDCD_DATABASE_URL": url})
    assert "s3cret-pw" not in result.stderr + result.stdout
    if result.returncode == 0:  # a build with PostgreSQL shows it masked
        assert masked in result.stdout
    else:
        assert masked in result.stderr


@pytest.mark.parametrize("args", [("config",), ("config", "show", "--yaml"),
                                  ("config", "check", "extra"), ("config", "lint")])
def test_usage_errors(server, args):
    result = server.cli(*args)
    assert result.returncode == 2
    assert "usage: oidcd config check | show [--json]" in result.stderr
