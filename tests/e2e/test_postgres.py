"""The PostgreSQL backend through the real binary: database.url =
postgresql://… selects it, `oidcd migrate` and start-up apply its schema, a
URL libpq cannot parse is a configuration error, a token is issued from it,
and while the database cannot be reached requests that need it get 503
temporarily_unavailable and the server recovers by itself.

The server: the first postgresql:// entry of OIDCD_TEST_DATABASE_URLS, else
a throwaway cluster from scripts/pg_test_cluster.sh (Debian's postgresql
package); without either the module is skipped. Each test gets a fresh
database on it."""

import glob
import os
import secrets
import shutil
import subprocess
import tempfile
import time
import urllib.parse

import pytest
import requests

from conftest import REPO, HTTP_TIMEOUT, assert_oauth_error, verify_jwt

PG_RIG = REPO / "scripts" / "pg_test_cluster.sh"
MIGRATIONS = sorted((REPO / "src" / "store" / "migrations" / "postgres").glob("*.sql"))


def _url_from_env():
    for url in os.environ.get("OIDCD_TEST_DATABASE_URLS", "").replace(",", " ").split():
        if url.startswith(("postgresql://", "postgres://")):
            return url
    return None


@pytest.fixture(scope="module")
def pg_server():
    url = _url_from_env()
    if url:
        yield url
        return
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb") or not shutil.which("psql"):
        pytest.skip("no PostgreSQL: set OIDCD_TEST_DATABASE_URLS or install postgresql")
    # short: the Unix socket's path must fit in 107 bytes
    rig = tempfile.mkdtemp(prefix="oidcd-pg-", dir="/tmp")
    os.rmdir(rig)
    started = subprocess.run([PG_RIG, "start", rig], capture_output=True, text=True,
                             timeout=120)
    assert started.returncode == 0, started.stderr
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run([PG_RIG, "stop", rig], capture_output=True, timeout=60)


def psql(url, sql):
    result = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def with_database(url, name):
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def with_password(url, password):
    """url with user:password in its authority (trust auth ignores it)."""
    parts = urllib.parse.urlsplit(url)
    user = parts.username or "postgres"
    host = parts.netloc.split("@", 1)[-1]
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{user}:{password}@{host}"))


@pytest.fixture
def pg_db(pg_server):
    name = "oidcd_e2e_" + secrets.token_hex(6)
    psql(pg_server, f"CREATE DATABASE {name}")
    yield name, with_database(pg_server, name)
    psql(pg_server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def pg_app(pg_db, make_server):
    """A server on a fresh PostgreSQL database, and a confidential client.
    (pg_db first: the server stops before its database is dropped.)"""
    _, url = pg_db
    server = make_server(config={"database": {"url": url, "timeout_ms": 1000}})
    return server, server.create_client(name="machine")


def test_migrate_applies_the_schema_once_and_masks_the_password(pg_db, make_server):
    name, url = pg_db
    url = with_password(url, "s3cret-pw")
    server = make_server(config={"database": {"url": url}}, start=False)
    for _ in range(2):
        result = server.cli("migrate")
        assert result.returncode == 0, result.stderr
        assert "up to date" in result.stdout
        assert "s3cret-pw" not in result.stdout + result.stderr
        assert ":****@" in result.stdout
    assert psql(url, "SELECT count(*) FROM schema_version") == str(len(MIGRATIONS))
    assert psql(url, "SELECT max(version) FROM schema_version") == str(len(MIGRATIONS))
    assert psql(url, "SELECT count(*) FROM information_schema.tables "
                     "WHERE table_name = 'clients'") == "1"


@pytest.mark.parametrize("url", [
    "postgresql://app:s3cret-pw@db.example/oidcd?bogus=1",
    "postgresql://app:s3cret-pw@[::1/oidcd",
    "host=db.example password=s3cret-pw dbname",
])
def test_a_url_libpq_cannot_parse_is_a_configuration_error(make_server, url):
    server = make_server(config={"database": {"url": url}}, start=False)
    for args in (("config", "check"), ("client", "list"), ("migrate",)):
        result = server.cli(*args)
        assert result.returncode == 2, (args, result.returncode, result.stderr)
        assert "database.url" in result.stderr, result.stderr
        assert "s3cret-pw" not in result.stdout + result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_an_unreachable_database_stops_the_start_with_one_line(make_server):
    # nothing listens on loopback port 1: refused at once
    server = make_server(config={"database": {"url": "postgresql://app:s3cret-pw@127.0.0.1:1/x",
                                              "timeout_ms": 1000}}, start=False)
    started = time.monotonic()
    result = server.cli("serve")
    assert time.monotonic() - started < 10
    assert result.returncode == 1, result.stderr
    assert "cannot open database" in result.stderr
    assert "s3cret-pw" not in result.stdout + result.stderr


def test_a_token_is_issued_from_postgresql(pg_app):
    server, client = pg_app
    resp = server.token_basic(client)
    assert resp.status_code == 200, resp.text
    _, claims = verify_jwt(resp.json()["access_token"], server.jwks())
    assert claims["client_id"] == client["client_id"]
    listed = server.cli("client", "list")
    assert client["client_id"] in listed.stdout


def test_while_the_database_is_away_requests_get_503_and_the_server_recovers(pg_app, pg_server,
                                                                            pg_db):
    server, client = pg_app
    name, _ = pg_db
    assert server.token_basic(client).status_code == 200
    psql(pg_server, f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
    psql(pg_server, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    f"WHERE datname = '{name}'")
    try:
        started = time.monotonic()
        # a client the server has not seen must be looked up: the database is needed
        resp = server.post_token(auth=("unknown-client", "x"))
        assert_oauth_error(resp, 503, "temporarily_unavailable")
        assert time.monotonic() - started < 5
        assert requests.get(server.url("/healthz"), timeout=HTTP_TIMEOUT).status_code == 503
        assert server.is_running()
    finally:
        psql(pg_server, f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
    # no restart: each worker connects again on its own
    resp = server.post_token(auth=("unknown-client", "x"))
    assert_oauth_error(resp, 401, "invalid_client")
    assert server.token_basic(client).status_code == 200
    assert requests.get(server.url("/healthz"), timeout=HTTP_TIMEOUT).status_code == 200
    log = server.log_text()
    assert "database unreachable" in log
