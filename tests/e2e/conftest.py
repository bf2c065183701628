"""Fixtures and helpers for the oidcd black-box tests.

Each test gets its own server: a fresh temporary directory (config, SQLite
database, key-encryption-key file, stderr log) and a free loopback port
(free_port), so that the files run in parallel (pytest-xdist, -n, one file
per worker at a time with --dist loadfile, as tests/CMakeLists.txt does);
module-level state here (MEMCHECK, _SERVER_MADE_ITS_FIRST_KEY) is per worker.
The binary is taken from $OIDCD_BIN (default: <repo>/build/oidcd).

OIDCD_VALGRIND=1 runs every `oidcd serve` (and books-api, see
test_books_api.py) under valgrind memcheck, its report in the server's
directory (valgrind.PID.log). A process that exits with memcheck's status or
leaves a report, or that does not exit 0 after the harness's SIGTERM, fails
the test (for a module's shared server: the module's last test). The CLI
runs natively; OIDCD_VALGRIND=all runs it under memcheck too (about 1 s more
per run, see Server.cli). Harness timeouts grow by SLOW.
"""

import base64
import http.client
import json
import os
import shutil
import signal
import secrets
import socket
import sqlite3
import subprocess
import time
import urllib.parse
from pathlib import Path

import pytest
import requests
from jwcrypto import jwk, jws

REPO = Path(__file__).resolve().parents[2]
OIDCD_BIN = os.environ.get("OIDCD_BIN", str(REPO / "build" / "oidcd"))

VALGRIND = os.environ.get("OIDCD_VALGRIND", "") not in ("", "0")
VALGRIND_CLI = os.environ.get("OIDCD_VALGRIND", "") == "all"
VALGRIND_STATUS = 99  # --error-exitcode: memcheck found an error or a leak
# memcheck runs the server 20-50 times slower; every harness timeout grows
SLOW = 6 if VALGRIND else 1

# under memcheck one RSA-2048 key generation can take a minute (_make_first_key);
# natively a start takes well under a second, but with the pytest-xdist workers
# (and whatever else runs) sharing the cores it has taken over 10 s
START_TIMEOUT = 120.0 if VALGRIND else 30.0
STOP_TIMEOUT = 5.0 * SLOW
CLI_TIMEOUT = 20.0 * SLOW
HTTP_TIMEOUT = 10.0 * SLOW
LOG_FLUSH_MS = 20  # log.flush_interval_ms of every test server
PRIVATE_JWK_MEMBERS = ("d", "p", "q", "dp", "dq", "qi")
_SERVER_MADE_ITS_FIRST_KEY = False  # see Server._make_first_key
# The backend every server the harness makes uses: "sqlite" (a file in the
# server's directory) or "postgres" (a fresh database, created on the
# cluster OIDCD_TEST_PG_URL names and dropped at teardown).
E2E_DATABASE = os.environ.get("OIDCD_E2E_DATABASE", "sqlite")
PG_URL = os.environ.get("OIDCD_TEST_PG_URL", "")
ON_POSTGRES = E2E_DATABASE == "postgres"
_PG_DATABASES = []  # made by this process, dropped at teardown or session end


def valgrind_argv(log_file):
    """The memcheck command line to put before a program's argv; its report
    goes to log_file (valgrind expands %p to the pid)."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise AssertionError("OIDCD_VALGRIND is set but valgrind is not installed")
    return [valgrind, "-q", f"--error-exitcode={VALGRIND_STATUS}", "--leak-check=full",
            "--errors-for-leak-kinds=definite,indirect", f"--log-file={log_file}"]


class Memcheck:
    """Processes started under memcheck, each judged once it has exited.

    A process fails if it exited with VALGRIND_STATUS or left a report, or if
    the harness stopped it with SIGTERM/SIGINT and it did not exit 0 (killed
    after STOP_TIMEOUT, its leaks went unchecked). A process SIGKILLed by a
    test can report no leaks, but errors seen before the kill still count."""

    def __init__(self):
        self.running = []  # (label, proc, log path)

    def track(self, label, proc, log_path):
        proc.oidcd_stop_signal = None
        self.running.append((label, proc, Path(log_path)))

    def failures(self):
        """Reports of the tracked processes that have exited since last asked."""
        found, still = [], []
        for label, proc, log_path in self.running:
            if proc.poll() is None:
                still.append((label, proc, log_path))
                continue
            problem = self._judge(proc, log_path)
            if problem:
                found.append(f"{label} (pid {proc.pid}): {problem}")
        self.running = still
        return found

    @staticmethod
    def _judge(proc, log_path):
        try:
            report = log_path.read_text(errors="replace").strip()
        except FileNotFoundError:
            report = ""
        code = proc.returncode
        if report or code == VALGRIND_STATUS:
            return f"memcheck (exit {code}, {log_path}):\n{report[-6000:]}"
        if proc.oidcd_stop_signal is not None and code != 0:
            return (f"exit {code} after {proc.oidcd_stop_signal.name}, not 0"
                    + (f": not gone within {STOP_TIMEOUT} s, leaks unchecked"
                       if code == -signal.SIGKILL else ""))
        return None


MEMCHECK = Memcheck()


@pytest.fixture(autouse=True)
def memcheck_per_test():
    """Under OIDCD_VALGRIND: fail the test after which a process failed memcheck."""
    yield
    if VALGRIND:
        failures = MEMCHECK.failures()
        assert not failures, "\n".join(failures)


@pytest.fixture(autouse=True, scope="module")
def memcheck_per_module():
    """The same for a module's shared servers, stopped after its last test."""
    yield
    if VALGRIND:
        failures = MEMCHECK.failures()
        assert not failures, "\n".join(failures)


# Modules the valgrind pass leaves to the native and sanitizer passes: their
# subject is not the server's memory, and memcheck multiplies their cost. The
# pass runs on SQLite only, so the PostgreSQL modules go too.
NOT_UNDER_MEMCHECK = {
    "test_postgres.py": "PostgreSQL: the valgrind pass runs on SQLite only",
    "test_postgres_instances.py": "PostgreSQL: the valgrind pass runs on SQLite only",
    "test_postgres_nginx.py": "PostgreSQL: the valgrind pass runs on SQLite only",
    "test_postgres_restart.py": "PostgreSQL: the valgrind pass runs on SQLite only",
    "test_crash.py": "kills the server with SIGKILL: memcheck cannot judge a killed process",
    "test_install.py": "builds and installs; the installed binary is not the one under test",
    "test_gate_nginx.py": "nginx in front of /gate, whose code test_gate.py runs under memcheck",
    # the ceremonies' C runs under memcheck in unit/test_passkey.c and test_webauthn.c; this
    # module's 80 cases (clean under memcheck when it was written) took 7 minutes of the pass
    "test_passkeys.py": "its C runs under memcheck in the unit tests test_passkey, test_webauthn",
    # the four below took a sixth of the pass (each test starts its own server, ~5 s under
    # memcheck); what they vary runs under memcheck in a unit test, and their servers' other
    # paths in the other modules
    "test_cli_config.py": "configuration checks: unit test_config runs them under memcheck",
    "test_discovery.py": "metadata for each configuration: discovery runs in the sign-in modules",
    "test_claims_parameter.py": "the claims parameter: unit test_claims runs its parser",
    "test_file_modes.py": "file modes and owners at start-up, not the server's memory",
    # and these three, another eighth: the pass still took 43 minutes of CI's 85 on 2 cores
    "test_pairwise.py": "pairwise subs: unit test_subject runs the derivation under memcheck",
    "test_id_token_alg.py": "ID token algorithms: unit test_jwt signs and verifies each",
    "test_password_grant.py": "the password grant: its checks are the sign-in's (test_signin_*) "
                              "and unit test_password's",
}


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "sqlite_only(reason): the test is about SQLite itself; skipped, with "
        "its reason, when OIDCD_E2E_DATABASE=postgres")
    if ON_POSTGRES and not PG_URL:
        raise pytest.UsageError("OIDCD_E2E_DATABASE=postgres needs OIDCD_TEST_PG_URL")


def pytest_collection_modifyitems(config, items):
    for item in items:
        why = NOT_UNDER_MEMCHECK.get(item.path.name) if VALGRIND else None
        if why:
            item.add_marker(pytest.mark.skip(reason=f"not under valgrind: {why}"))
        marker = item.get_closest_marker("sqlite_only") if ON_POSTGRES else None
        if marker:
            reason = marker.args[0] if marker.args else marker.kwargs.get("reason", "")
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason}"))


def pytest_sessionfinish(session, exitstatus):
    while _PG_DATABASES:
        pg_drop_database(_PG_DATABASES.pop())


def psql(url, sql):
    """Runs sql on the PostgreSQL database url; its output, unaligned."""
    result = subprocess.run(["psql", url, "-X", "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def pg_url_with_database(url, name):
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def pg_create_database():
    """A new empty database on OIDCD_TEST_PG_URL's cluster: its URL."""
    name = "oidcd_e2e_" + secrets.token_hex(6)
    psql(PG_URL, f"CREATE DATABASE {name}")
    _PG_DATABASES.append(name)
    return pg_url_with_database(PG_URL, name)


def pg_drop_database(name):
    subprocess.run(["psql", PG_URL, "-X", "-qAtc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"],
                   capture_output=True, timeout=30)


def sql_literal(value):
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, bytes):
        return "'\\x" + value.hex() + "'::bytea"
    return "'" + str(value).replace("'", "''") + "'"


def pg_rows(url, sql, params=()):
    """The rows of sql (? placeholders, as sqlite3's) on database url, as
    tuples of JSON values in column order: integers stay integers."""
    parts = sql.split("?")
    assert len(parts) == len(params) + 1, "one parameter per ?"
    text = parts[0] + "".join(sql_literal(v) + rest for v, rest in zip(params, parts[1:]))
    if not text.lstrip().lower().startswith(("select", "with")):
        psql(url, text)
        return []
    out = psql(url, f"SELECT coalesce(json_agg(row_to_json(q)), '[]') FROM ({text}) q")
    rows = json.loads(out, object_pairs_hook=lambda pairs: tuple(_pg_value(v) for _, v in pairs))
    return [tuple(r) for r in rows]


def _pg_value(v):
    """bytea comes out of row_to_json as "\\x…" hex: bytes, as sqlite3 gives."""
    if isinstance(v, str) and v.startswith("\\x"):
        try:
            return bytes.fromhex(v[2:])
        except ValueError:
            return v
    return v


def free_port():
    """A loopback port that no other process is handed for the next minute.

    The suite runs in several processes at once (pytest-xdist), and a port
    merely found free could go to another worker's server, or to an outgoing
    connection, before ours binds it. So the kernel picks the port, and a
    connection accepted on it and closed from our side leaves it in TIME_WAIT:
    bind(0) and connect() in every process then pass it by, while a server
    binding it with SO_REUSEADDR (oidcd and books-api through libmicrohttpd,
    nginx, http.server) gets it at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port), timeout=5.0):
            accepted, _ = listener.accept()
            accepted.close()  # the first to close keeps TIME_WAIT: our side
    return port


def clean_env(overrides=None):
    """The caller's environment without any OIDCD_* variable, plus overrides."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OIDCD_")}
    env.update(overrides or {})
    return env


def write_ini(path, sections):
    lines = []
    for section, values in sections.items():
        lines.append(f"[{section}]")
        lines.extend(f"{key} = {value}" for key, value in values.items())
        lines.append("")
    Path(path).write_text("\n".join(lines))


def wait_until(predicate, timeout=2.0, interval=0.05):
    """Call predicate until it returns a truthy value or timeout passes.

    Returns the last value returned by predicate (falsy on timeout)."""
    deadline = time.monotonic() + timeout
    for _ in range(int(timeout / interval) + 2):
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)
    return predicate()


def recv_until_closed(sock, timeout=5.0, limit=1 << 20, until=None):
    """Read from sock until the peer closes, timeout passes, limit bytes arrive
    or (if given) the bytes `until` have been received."""
    deadline = time.monotonic() + timeout
    data = b""
    for _ in range(1024):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or len(data) >= limit or (until and until in data):
            break
        sock.settimeout(remaining)
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not chunk:
            break
        data += chunk
    return data


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(segment):
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def flip_signature_byte(token):
    """The same JWT with one byte in the middle of its signature flipped."""
    head, payload, sig = token.split(".")
    raw = bytearray(b64url_decode(sig))
    raw[len(raw) // 2] ^= 0x01
    return f"{head}.{payload}.{b64url(bytes(raw))}"


def make_owner(server, fmt="jwt", scope="read_books add_books", name="owner", **flags):
    """A client_credentials client whose tokens are JWTs or opaque (fmt)."""
    flags["scope"] = scope
    if fmt == "opaque":
        flags["access_token_format"] = "opaque"
    return server.create_client(name=name, **flags)


def get_token(server, client, **form):
    """The token response for client (Basic auth); asserts it succeeded."""
    resp = server.token_basic(client, **form)
    assert resp.status_code == 200, resp.text
    return resp.json()


def get_access_token(server, client, **form):
    return get_token(server, client, **form)["access_token"]


def jwt_header(token):
    return json.loads(b64url_decode(token.split(".")[0]))


def jwt_claims_unverified(token):
    return json.loads(b64url_decode(token.split(".")[1]))


def verify_jwt(token, jwks_json):
    """Verify a compact JWS against a JWKS document; return (header, claims).

    The algorithm is taken from the published key, never from the token."""
    header = jwt_header(token)
    keyset = jwk.JWKSet.from_json(json.dumps(jwks_json))
    key = keyset.get_key(header["kid"])
    assert key is not None, f"kid {header['kid']!r} not in JWKS"
    published = [k for k in jwks_json["keys"] if k["kid"] == header["kid"]][0]
    assert header["alg"] == published["alg"]
    signed = jws.JWS()
    signed.deserialize(token)
    signed.verify(key, alg=published["alg"])  # raises on a bad signature
    return header, json.loads(signed.payload)


def basic_header(client_id, secret, quote=urllib.parse.quote_plus):
    """An Authorization header per RFC 6749 §2.3.1: form-encode, then base64."""
    raw = f"{quote(client_id)}:{quote(secret)}".encode()
    return "Basic " + base64.b64encode(raw).decode()


def percent_encode_all(text):
    return "".join(f"%{b:02X}" for b in text.encode())


def assert_oauth_error(resp, status, error):
    """An RFC 6749 §5.2 error: status, JSON body with the code, no-store."""
    assert resp.status_code == status, (resp.status_code, resp.text)
    assert resp.headers.get("Content-Type", "").split(";")[0].strip() == "application/json"
    assert resp.json()["error"] == error, resp.text
    assert "no-store" in resp.headers.get("Cache-Control", "")


def assert_basic_challenge(resp):
    challenge = resp.headers.get("WWW-Authenticate", "")
    assert challenge.lower().startswith("basic"), challenge


class Server:
    """One oidcd instance with its own directory, config, database and log."""

    def __init__(self, workdir, issuer_path="", config=None, env=None, memcheck=True):
        self.dir = Path(workdir)
        # under OIDCD_VALGRIND, whether `oidcd serve` runs under memcheck
        self.memcheck = VALGRIND and memcheck
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}{issuer_path}"
        self.config_path = self.dir / "oidcd.ini"
        self.db_path = self.dir / "oidcd.db"
        self.kek_path = self.dir / "oidcd.kek"
        self.log_path = self.dir / "server.log"
        self.env = dict(env or {})
        self.proc = None
        given = (config or {}).get("database", {}).get("url")
        self.db_url = (pg_create_database() if ON_POSTGRES and not given
                       else f"sqlite:{self.db_path}")
        self.own_pg_database = ON_POSTGRES and not given
        self.sections = {
            "server": {
                "issuer": self.issuer,
                "listen": f"127.0.0.1:{self.port}",
                "threads": 2,
            },
            "database": {"url": self.db_url},
            "tokens": {"access_token_ttl": 3600},
            "keys": {"encryption_key_file": self.kek_path},
            # request lines are batched (the default path) on a short interval
            "log": {"flush_interval_ms": LOG_FLUSH_MS},
            # cheap password hashes keep the valgrind pass fast
            "passwords": {"argon2_memory_kib": 1024, "argon2_iterations": 1},
        }
        for section, values in (config or {}).items():
            self.sections.setdefault(section, {}).update(values)
        write_ini(self.config_path, self.sections)

    # -- process ---------------------------------------------------------

    def spawn(self, env=None):
        """Start `oidcd serve` without waiting for it to be ready."""
        argv = [OIDCD_BIN, "serve", "--config", str(self.config_path)]
        if self.memcheck:
            self._make_first_key(env)
            argv = valgrind_argv(self.dir / "valgrind.%p.log") + argv
        log = open(self.log_path, "ab")
        try:
            self.proc = subprocess.Popen(
                argv,
                cwd=self.dir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=clean_env({**self.env, **(env or {})}),
            )
        finally:
            log.close()
        if self.memcheck:
            MEMCHECK.track(f"oidcd serve in {self.dir}", self.proc,
                           self.dir / f"valgrind.{self.proc.pid}.log")
        return self.proc

    def _make_first_key(self, env):
        """Under memcheck, generating the first RSA key takes 5-60 s: before a
        first start, the native CLI makes it as the server would (current at
        once). The session's first server (each pytest-xdist worker's) still
        makes its own, so that path runs under memcheck too. A CLI failure is
        left for the server to meet."""
        global _SERVER_MADE_ITS_FIRST_KEY
        merged = {**self.env, **(env or {})}
        alg = merged.get("OIDCD_KEYS_ALGORITHM",
                         self.sections.get("keys", {}).get("algorithm", "RS256"))
        url = str(merged.get("OIDCD_DATABASE_URL", self.sections["database"].get("url", "")))
        if not url.startswith("sqlite:") or (self.dir / url[len("sqlite:"):]).exists() \
                or alg != "RS256":
            return
        if not _SERVER_MADE_ITS_FIRST_KEY:
            _SERVER_MADE_ITS_FIRST_KEY = True
            return
        self.cli("key", "rotate", "--alg", alg, "--publish-ahead", "0", env=env, native=True)

    def start(self, env=None):
        self.spawn(env)
        deadline = time.monotonic() + START_TIMEOUT
        for _ in range(int(START_TIMEOUT / 0.02) + 1):
            if self.proc.poll() is not None:
                raise AssertionError(
                    f"oidcd exited with {self.proc.returncode}:\n{self.log_text()}")
            if self.is_healthy(timeout=0.5 * SLOW):
                return self
            if time.monotonic() >= deadline:
                break
            time.sleep(0.02)
        self.kill()
        raise AssertionError(f"oidcd not ready after {START_TIMEOUT} s:\n{self.log_text()}")

    def db_rows(self, sql, params=()):
        """The rows of sql (? placeholders) on the server's own database,
        whichever the backend: a list of tuples."""
        url = str(self.env.get("OIDCD_DATABASE_URL", self.sections["database"]["url"]))
        if url.startswith("sqlite:"):
            with sqlite3.connect(self.dir / url[len("sqlite:"):], timeout=10) as db:
                rows = db.execute(sql, params).fetchall()
            db.close()
            return rows
        return pg_rows(url, sql, params)

    def stored_bytes(self):
        """Everything the database holds, as bytes: the SQLite file with its
        WAL, or a plain pg_dump of the PostgreSQL database."""
        url = str(self.env.get("OIDCD_DATABASE_URL", self.sections["database"]["url"]))
        if not url.startswith("sqlite:"):
            dump = subprocess.run(["pg_dump", "--no-owner", url], capture_output=True,
                                  timeout=60)
            assert dump.returncode == 0, dump.stderr
            return dump.stdout
        return b"".join(p.read_bytes() for p in self.db_path.parent.glob(self.db_path.name + "*"))

    def db_value(self, sql, params=()):
        """The one value of a one-row, one-column query (None: no row)."""
        rows = self.db_rows(sql, params)
        return rows[0][0] if rows else None

    def is_running(self):
        return self.proc is not None and self.proc.poll() is None

    def is_healthy(self, timeout=2.0 * SLOW):
        try:
            return requests.get(self.url("/healthz"), timeout=timeout).status_code == 200
        except requests.RequestException:
            return False

    def stop(self, sig=signal.SIGTERM, timeout=STOP_TIMEOUT):
        """Send sig and wait; return the exit status (None if it did not exit).

        Under memcheck the wait is at least STOP_TIMEOUT (the leak check runs
        at exit); callers that time the stop still see how long it took."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            if self.memcheck and sig in (signal.SIGTERM, signal.SIGINT):
                self.proc.oidcd_stop_signal = signal.Signals(sig)
                timeout = max(timeout, STOP_TIMEOUT)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=STOP_TIMEOUT)

    # -- HTTP --------------------------------------------------------------

    def url(self, path):
        """An endpoint URL under the issuer (which may carry a path)."""
        return self.issuer + path

    def root_url(self, path):
        """A URL under the host root, ignoring the issuer's path."""
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path, **kwargs):
        kwargs.setdefault("timeout", HTTP_TIMEOUT)
        return requests.get(self.url(path), **kwargs)

    def raw(self, method, target, headers=(), body=None):
        """One request with the target and header lines sent exactly as given
        (repeats, empty values, escapes requests would re-quote); target is
        under the issuer. Returns (status, headers, body bytes)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=HTTP_TIMEOUT)
        try:
            conn.putrequest(method, urllib.parse.urlsplit(self.url("")).path + target)
            for name, value in headers:
                conn.putheader(name, value)
            if body is not None:
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            resp = conn.getresponse()
            return resp.status, resp.msg, resp.read()
        finally:
            conn.close()

    def jwks(self):
        resp = self.get("/jwks")
        assert resp.status_code == 200, resp.text
        return resp.json()

    def post_token(self, data=None, auth=None, headers=None, **kwargs):
        """POST to the token endpoint; data defaults to client_credentials."""
        if data is None:
            data = {"grant_type": "client_credentials"}
        kwargs.setdefault("timeout", HTTP_TIMEOUT)
        return requests.post(self.url("/token"), data=data, auth=auth,
                             headers=headers, **kwargs)

    def token_basic(self, client, **form):
        data = {"grant_type": "client_credentials", **form}
        return self.post_token(data, auth=(client["client_id"], client["client_secret"]))

    def token_post(self, client, **form):
        data = {"grant_type": "client_credentials",
                "client_id": client["client_id"],
                "client_secret": client["client_secret"], **form}
        return self.post_token(data)

    # -- CLI ---------------------------------------------------------------

    def cli(self, *args, env=None, config=True, native=False):
        """Run `oidcd ARGS --config FILE`; return the CompletedProcess.

        Under OIDCD_VALGRIND=all (and not native) it runs under memcheck, and
        a memcheck report fails the test here, whatever the exit status."""
        argv = [OIDCD_BIN, *map(str, args)]
        if config:
            argv += ["--config", str(self.config_path)]
        wrap = VALGRIND_CLI and not native
        if wrap:
            argv = valgrind_argv(self.dir / "valgrind-cli.%p.log") + argv
        result = subprocess.run(argv, capture_output=True, text=True, timeout=CLI_TIMEOUT,
                                cwd=self.dir, stdin=subprocess.DEVNULL,
                                env=clean_env({**self.env, **(env or {})}))
        if wrap:
            reports = [(log, log.read_text(errors="replace").strip())
                       for log in self.dir.glob("valgrind-cli.*.log")]
            for log, _ in reports:
                log.unlink()
            failed = [f"{log}:\n{text[-6000:]}" for log, text in reports if text]
            assert not failed and result.returncode != VALGRIND_STATUS, (
                f"memcheck, `oidcd {' '.join(map(str, args))}` (exit {result.returncode}):\n"
                + "\n".join(failed))
        return result

    def cli_json(self, *args):
        result = self.cli(*args, "--json")
        assert result.returncode == 0, (args, result.returncode, result.stderr)
        return json.loads(result.stdout)

    def create_client(self, name="client", **flags):
        """`client create` with flags given as keyword arguments.

        snake_case names become --kebab-case flags, lists repeat the flag,
        True gives a bare flag. Returns the printed JSON object."""
        flags.setdefault("grant_types", "client_credentials")
        flags.setdefault("scope", "read write")
        return self.cli_json("client", "create", "--name", name, *cli_flags(flags))

    # -- files -------------------------------------------------------------

    def log_text(self):
        """The log so far; while the server runs, after its batched request
        lines have had time to be written."""
        if self.is_running():
            time.sleep(LOG_FLUSH_MS * 10 / 1000)
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""


def cli_flags(flags):
    argv = []
    for key, value in flags.items():
        flag = "--" + key.replace("_", "-")
        if value is None or value is False:
            continue
        if value is True:
            argv.append(flag)
        elif isinstance(value, (list, tuple)):
            for item in value:
                argv += [flag, str(item)]
        else:
            argv += [flag, str(value)]
    return argv


@pytest.fixture
def make_server(tmp_path):
    """Factory: make_server(issuer_path="", config={...}, env={...}, start=True,
    memcheck=True); memcheck=False keeps that server out of the valgrind pass.

    Every server made here is checked at teardown: if still running it must
    answer /healthz (so no error test may have broken it), then it is stopped."""
    servers = []

    def make(issuer_path="", config=None, env=None, start=True, memcheck=True):
        server = Server(tmp_path / f"srv{len(servers)}", issuer_path, config, env, memcheck)
        servers.append(server)
        if start:
            server.start()
        return server

    yield make

    unhealthy = []
    for server in servers:
        if server.is_running() and not server.is_healthy():
            unhealthy.append(server.issuer)
        if server.stop() is None:
            server.kill()
    for server in servers:  # once none is running: servers may share one
        if server.own_pg_database:
            name = urllib.parse.urlsplit(server.db_url).path.lstrip("/")
            pg_drop_database(name)
            if name in _PG_DATABASES:
                _PG_DATABASES.remove(name)
    assert not unhealthy, f"server stopped answering /healthz: {unhealthy}"


@pytest.fixture
def server(make_server):
    return make_server()


@pytest.fixture
def client(server):
    """A confidential client_credentials client using client_secret_basic."""
    return server.create_client(name="machine", scope="read write admin")


@pytest.fixture
def post_client(server):
    """A confidential client_credentials client using client_secret_post."""
    return server.create_client(name="machine-post", scope="read write",
                                token_endpoint_auth_method="client_secret_post")
