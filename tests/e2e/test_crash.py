"""kill -9 under load: nothing the server (or the CLI) acknowledged is lost.

DESIGN.md §8: nothing a user or client depends on (revocations, clients,
keys) is acknowledged before it is committed. Under a bounded load (about
2 s, at most 500 HTTP requests per cycle) tokens are issued and some revoked,
clients are created with the CLI and one signing key is rotated; the server
is SIGKILLed in the middle and restarted on the same directory and config.
Then every client the CLI created (exit 0) still exists, every JWT whose
revocation was answered 200 is inactive at /introspect, every rotated key is
in /jwks, and SQLite's integrity check says "ok". Three kill/restart cycles.
"""

import re
import signal
import sqlite3
import threading
import time

import requests

from conftest import SLOW

LOAD_SECONDS = 2.0 * SLOW   # memcheck runs the server about SLOW times slower
MAX_REQUESTS = 500          # HTTP requests per cycle, all load threads together
MAX_CLI_CLIENTS = 40        # `client create` runs per cycle
CYCLES = 3
KILL_AT = tuple(SLOW * t for t in (0.6, 0.9, 1.2))  # seconds into each cycle's load


class Load:
    """One cycle's bounded load and what the server/CLI acknowledged."""

    def __init__(self, server, owners, cycle):
        self.server = server
        self.owners = owners
        self.cycle = cycle
        self.deadline = time.monotonic() + LOAD_SECONDS
        self.lock = threading.Lock()
        self.requests = 0
        self.revoked = []           # (jwt, owner client_id) answered 200
        self.issued = 0
        self.clients = []           # client ids whose `client create` exited 0
        self.cli_failures = []
        self.kid = None
        self.rotate_result = None

    def _take_request(self):
        with self.lock:
            if self.requests >= MAX_REQUESTS or time.monotonic() >= self.deadline:
                return False
            self.requests += 2      # a token request and maybe a revocation
            return True

    def _pace(self, n, total):
        """Spread total steps evenly over the load's LOAD_SECONDS."""
        due = self.deadline - LOAD_SECONDS + n * LOAD_SECONDS / total
        time.sleep(max(0.0, min(due - time.monotonic(), LOAD_SECONDS)))

    def tokens(self, owner):
        auth = (owner["client_id"], owner["client_secret"])
        steps = MAX_REQUESTS // 2 // len(self.owners)
        with requests.Session() as session:
            for n in range(MAX_REQUESTS):
                self._pace(n, steps)
                if not self._take_request():
                    return
                try:
                    resp = session.post(self.server.url("/token"), auth=auth, timeout=2 * SLOW,
                                        data={"grant_type": "client_credentials",
                                              "scope": "read"})
                    if resp.status_code != 200:
                        continue
                    token = resp.json()["access_token"]
                    with self.lock:
                        self.issued += 1
                    if n % 2:
                        continue
                    resp = session.post(self.server.url("/revoke"), auth=auth, timeout=2 * SLOW,
                                        data={"token": token,
                                              "token_type_hint": "access_token"})
                    if resp.status_code == 200:
                        with self.lock:
                            self.revoked.append((token, owner["client_id"]))
                except (requests.RequestException, ValueError):
                    time.sleep(0.02)  # the server is down: keep trying until the deadline

    def create_clients(self):
        for i in range(MAX_CLI_CLIENTS):
            self._pace(i, MAX_CLI_CLIENTS)
            if time.monotonic() >= self.deadline:
                return
            result = self.server.cli("client", "create", "--name", f"crash-{self.cycle}-{i}",
                                     "--grant-types", "client_credentials",
                                     "--scope", "read", "--json")
            if result.returncode == 0:
                match = re.search(r'"client_id":\s*"([^"]+)"', result.stdout)
                assert match, result.stdout
                self.clients.append(match.group(1))
            else:
                self.cli_failures.append((result.returncode, result.stderr.strip()[:200]))

    def acknowledged(self):
        with self.lock:
            return self.issued > 0 and bool(self.revoked)

    def rotate_key(self):
        time.sleep(0.2)
        result = self.server.cli("key", "rotate", "--publish-ahead", "0")
        self.rotate_result = result
        if result.returncode == 0:
            match = re.search(r"^kid:\s*(\S+)", result.stdout, re.M)
            assert match, result.stdout
            self.kid = match.group(1)

    def run(self, kill_at):
        threads = [threading.Thread(target=self.tokens, args=(owner,))
                   for owner in self.owners]
        threads.append(threading.Thread(target=self.create_clients))
        threads.append(threading.Thread(target=self.rotate_key))
        started = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(max(0.0, kill_at - (time.monotonic() - started)))
        # the kill lands on a server that has acknowledged work, however slow
        # it runs: wait (at most until the load's deadline) for a revocation
        while not self.acknowledged() and time.monotonic() < self.deadline:
            time.sleep(0.05)
        self.server.proc.send_signal(signal.SIGKILL)
        self.server.proc.wait(timeout=5)
        for thread in threads:
            thread.join(timeout=LOAD_SECONDS + 25)
            assert not thread.is_alive(), "a load thread did not finish"


def introspect(server, rs, token):
    resp = requests.post(server.url("/introspect"), data={"token": token},
                         auth=(rs["client_id"], rs["client_secret"]), timeout=5)
    assert resp.status_code == 200, resp.text
    return resp.json()


def integrity_check(db_path):
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
    try:
        return [row[0] for row in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()


def test_kill9_under_load_loses_nothing_acknowledged(make_server):
    started = time.monotonic()
    server = make_server()
    owners = [server.create_client(name=f"owner{i}", scope="read") for i in range(2)]
    rs = server.create_client(
        name="rs", scope="token_introspection " + " ".join(o["client_id"] for o in owners))
    control = server.token_basic(owners[0], scope="read")
    assert control.status_code == 200, control.text
    control = control.json()["access_token"]

    clients, revoked, kids = [], [], []
    report = []
    for cycle in range(CYCLES):
        load = Load(server, owners, cycle)
        load.run(KILL_AT[cycle])
        assert not server.is_running()
        assert load.rotate_result is not None and load.rotate_result.returncode == 0, \
            (load.rotate_result.returncode, load.rotate_result.stderr)
        clients += load.clients
        revoked += load.revoked
        kids.append(load.kid)
        report.append((cycle, load.requests, load.issued, len(load.revoked),
                       len(load.clients), len(load.cli_failures)))
        # the load really ran against a live server before the kill
        assert load.issued > 0 and load.revoked, report

        server.start()

        # every client whose `client create` exited 0 is still there
        for client_id in clients:
            result = server.cli("client", "show", client_id, "--json")
            assert result.returncode == 0, (cycle, client_id, result.stderr)
            assert f'"{client_id}"' in result.stdout, result.stdout

        # every revocation answered 200 survived the kill
        assert introspect(server, rs, control)["active"] is True
        still_active = [(token[-12:], owner) for token, owner in revoked
                        if introspect(server, rs, token) != {"active": False}]
        assert not still_active, (
            f"cycle {cycle}: {len(still_active)} of {len(revoked)} acknowledged "
            f"revocations lost after kill -9: {still_active[:5]}")

        # every rotated key is published
        published = {key["kid"] for key in server.jwks()["keys"]}
        missing = [kid for kid in kids if kid not in published]
        assert not missing, (cycle, missing, published)

        if server.db_url.startswith("sqlite:"):  # PostgreSQL checks itself
            assert integrity_check(server.db_path) == ["ok"]

        # and the restarted server works
        resp = server.token_basic(owners[1], scope="read")
        assert resp.status_code == 200, resp.text

    print("cycles (cycle, requests, issued, revoked, clients, cli_failures):", report)
    assert len(clients) >= CYCLES, report
    assert time.monotonic() - started < 45 * SLOW, report
