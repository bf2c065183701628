"""PostgreSQL restarted under load: a fast shutdown of the server for about
two seconds while two threads issue opaque access tokens and introspect
them. The server must not crash, answer every request in the outage with a
success or 503 temporarily_unavailable (never a 500 or a dropped
connection), be fully back within a few seconds, and lose nothing it
acknowledged: every token it answered 200 for is active afterwards.

The cluster is the test's own (scripts/pg_test_cluster.sh in a temporary
directory): stopping a shared one would break other tests. Skipped without
PostgreSQL's server binaries."""

import glob
import os
import shutil
import subprocess
import tempfile
import threading
import time

import pytest
import requests

from conftest import HTTP_TIMEOUT, SLOW, wait_until
from test_postgres import PG_RIG

THREADS = 2
LOAD_SECONDS = 20 * SLOW  # the load's bound in time…
MAX_REQUESTS = 4000  # …and in count, per thread
WARM_UP = 1.0  # seconds of load before the stop
OUTAGE = 2.0  # seconds PostgreSQL is down
BACK_WITHIN = 5.0 * SLOW  # full service after PostgreSQL is up again
CALM = 1.0  # seconds of load after full service is back
BACK_OFF = 0.05  # a load thread's pause after a refusal


@pytest.fixture
def own_cluster():
    """A private throwaway cluster: its directory and URL."""
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb") or not shutil.which("psql"):
        pytest.skip("no PostgreSQL server binaries: install postgresql")
    rig = tempfile.mkdtemp(prefix="oidcd-pgr-", dir="/tmp")  # short: a socket path
    os.rmdir(rig)
    started = subprocess.run([PG_RIG, "start", rig], capture_output=True, text=True,
                             timeout=120)
    assert started.returncode == 0, started.stderr
    try:
        yield rig, started.stdout.strip()
    finally:
        subprocess.run([PG_RIG, "stop", rig], capture_output=True, timeout=60)


def rig(command, directory):
    done = subprocess.run([PG_RIG, command, directory], capture_output=True, text=True,
                          timeout=90)
    assert done.returncode == 0, (command, done.stderr)


class Load:
    """THREADS threads, each: a token (opaque), then its introspection,
    until told to stop or its bounds are reached. Every answer is kept with
    the time it came; a dropped connection or a timeout is kept as status
    None."""

    def __init__(self, server, client, rs):
        self.server, self.client, self.rs = server, client, rs
        self.answers = []  # (time, endpoint, status, error or None)
        self.issued = []  # (time acknowledged, token)
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.threads = [threading.Thread(target=self.run) for _ in range(THREADS)]

    def note(self, endpoint, call):
        try:
            resp = call()
        except requests.RequestException as exc:
            with self.lock:
                self.answers.append((time.monotonic(), endpoint, None, repr(exc)))
            return None
        error = None
        if resp.status_code != 200:
            try:
                error = resp.json().get("error")
            except ValueError:
                error = resp.text[:200]
        with self.lock:
            self.answers.append((time.monotonic(), endpoint, resp.status_code, error))
        return resp

    def run(self):
        session = requests.Session()
        deadline = time.monotonic() + LOAD_SECONDS
        client, rs = self.client, self.rs
        for _ in range(MAX_REQUESTS // 2):
            if self.done.is_set() or time.monotonic() > deadline:
                return
            resp = self.note("/token", lambda: session.post(
                self.server.url("/token"), data={"grant_type": "client_credentials"},
                auth=(client["client_id"], client["client_secret"]), timeout=HTTP_TIMEOUT))
            if resp is None or resp.status_code != 200:
                time.sleep(BACK_OFF)  # as a client would, rather than spin on 503s
                continue
            token = resp.json()["access_token"]
            with self.lock:
                self.issued.append((time.monotonic(), token))
            self.note("/introspect", lambda: session.post(
                self.server.url("/introspect"), data={"token": token},
                auth=(rs["client_id"], rs["client_secret"]), timeout=HTTP_TIMEOUT))

    def start(self):
        for t in self.threads:
            t.start()

    def stop(self):
        self.done.set()
        for t in self.threads:
            t.join(timeout=LOAD_SECONDS + HTTP_TIMEOUT)
        assert not any(t.is_alive() for t in self.threads)

    def summary(self, origin):
        with self.lock:
            return [(round(a[0] - origin, 2),) + a[1:] for a in self.answers[-30:]]

    def count(self, since=0.0):
        with self.lock:
            return sum(1 for a in self.answers if a[0] >= since)


def serves(server, client, rs):
    """A token issued and introspected as active, now."""
    resp = server.token_basic(client)
    if resp.status_code != 200:
        return False
    check = requests.post(server.url("/introspect"),
                          data={"token": resp.json()["access_token"]},
                          auth=(rs["client_id"], rs["client_secret"]), timeout=HTTP_TIMEOUT)
    return check.status_code == 200 and check.json().get("active") is True


def test_a_postgresql_restart_under_load_loses_nothing_and_crashes_nothing(own_cluster,
                                                                           make_server):
    directory, url = own_cluster
    server = make_server(config={"database": {"url": url, "timeout_ms": 1000}})
    client = server.create_client(name="machine", access_token_format="opaque")
    rs = server.create_client(name="rs", scope="token_introspection " + client["client_id"])
    assert serves(server, client, rs)

    load = Load(server, client, rs)
    load.start()
    try:
        assert wait_until(lambda: len(load.issued) >= 10, timeout=10 * SLOW)
        time.sleep(WARM_UP)
        stopping = time.monotonic()
        rig("halt", directory)
        time.sleep(OUTAGE)
        rig("resume", directory)
        up = time.monotonic()
        assert wait_until(lambda: serves(server, client, rs), timeout=BACK_WITHIN,
                          interval=0.1), "not back within %.0f s" % BACK_WITHIN
        back = time.monotonic()
        assert wait_until(lambda: load.count(since=back) >= 20, timeout=10 * SLOW), \
            (load.summary(stopping), [t.is_alive() for t in load.threads])
        time.sleep(CALM)
    finally:
        load.stop()

    assert server.is_running(), server.log_text()[-4000:]
    answers = list(load.answers)
    wrong = [a for a in answers
             if a[2] != 200 and (a[2], a[3]) != (503, "temporarily_unavailable")]
    assert not wrong, wrong[:20]
    refused = [a for a in answers if a[2] == 503]
    # the outage was felt: an opaque token is a row, written per request
    assert any(stopping <= a[0] <= up + BACK_WITHIN for a in refused), \
        "no 503 while PostgreSQL was down"
    # full service after: the load's last answers are all successes
    after = [a for a in answers if a[0] >= back + 0.5]
    assert after and all(a[2] == 200 for a in after), [a for a in after if a[2] != 200][:20]

    # nothing acknowledged is lost: every token answered 200 is active,
    # those acknowledged before the stop first among them
    acked = sorted(load.issued)
    assert any(t < stopping for t, _ in acked)
    session = requests.Session()
    for _, token in acked:
        check = session.post(server.url("/introspect"), data={"token": token},
                             auth=(rs["client_id"], rs["client_secret"]),
                             timeout=HTTP_TIMEOUT)
        assert check.status_code == 200, check.text
        assert check.json().get("active") is True, token[:8]
    assert "database unreachable" in server.log_text()
    assert server.stop() == 0, server.log_text()[-4000:]
