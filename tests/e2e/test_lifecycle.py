"""Process lifecycle: shutdown on signals, concurrency, restarts."""

import http.client
import signal
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from conftest import HTTP_TIMEOUT, recv_until_closed


def test_sigterm_idle_exits_0(server):
    started = time.monotonic()
    assert server.stop(signal.SIGTERM, timeout=5) == 0
    assert time.monotonic() - started < 5
    assert not server.is_healthy(timeout=0.5)


def test_sigint_idle_exits_0(server):
    assert server.stop(signal.SIGINT, timeout=5) == 0


def test_sigterm_with_requests_in_flight(server, client):
    results = []
    lock = threading.Lock()

    def request():
        try:
            resp = requests.post(server.url("/token"), data={"grant_type": "client_credentials"},
                                 auth=(client["client_id"], client["client_secret"]), timeout=5)
            outcome = resp.status_code
        except requests.RequestException as exc:
            outcome = exc
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=request) for _ in range(8)]
    for thread in threads:
        thread.start()
    server.proc.send_signal(signal.SIGTERM)
    for thread in threads:
        thread.join(timeout=10)
    assert not any(thread.is_alive() for thread in threads)
    assert server.proc.wait(timeout=5) == 0
    statuses = [r for r in results if isinstance(r, int)]
    assert all(status == 200 for status in statuses), results


def test_partially_sent_request_completes_after_sigterm(server, client):
    """A request whose first half arrived before SIGTERM is still answered."""
    body = b"grant_type=client_credentials"
    auth = requests.auth._basic_auth_str(client["client_id"], client["client_secret"])
    head = (f"POST /token HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
            f"Authorization: {auth}\r\nConnection: close\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(head + body[:10])
        time.sleep(0.2)
        server.proc.send_signal(signal.SIGTERM)
        time.sleep(0.2)
        sock.sendall(body[10:])
        response = recv_until_closed(sock, timeout=5.0)
    assert response.startswith(b"HTTP/1.1 200"), response[:200]
    assert b"access_token" in response
    assert server.proc.wait(timeout=5) == 0


def test_concurrent_token_requests_while_cli_writes(server, client):
    def request(_):
        with requests.Session() as session:
            resp = session.post(server.url("/token"),
                                data={"grant_type": "client_credentials"},
                                auth=(client["client_id"], client["client_secret"]),
                                timeout=HTTP_TIMEOUT)
            return resp.status_code

    created = []

    def create_clients():
        for i in range(5):
            created.append(server.create_client(name=f"concurrent{i}"))

    writer = threading.Thread(target=create_clients)
    writer.start()
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(request, range(64), timeout=60))
    writer.join(timeout=30)
    assert not writer.is_alive()

    assert statuses == [200] * 64, statuses
    assert len(created) == 5
    for new_client in created:
        assert server.token_basic(new_client).status_code == 200
    listed = {c["client_id"] for c in server.cli_json("client", "list")}
    assert listed == {client["client_id"]} | {c["client_id"] for c in created}


def test_keep_alive_connection_serves_many_requests(server, client):
    auth = requests.auth._basic_auth_str(client["client_id"], client["client_secret"])
    headers = {"Authorization": auth, "Content-Type": "application/x-www-form-urlencoded"}
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=HTTP_TIMEOUT)
    try:
        first_socket = None
        for _ in range(5):
            conn.request("POST", "/token", body="grant_type=client_credentials",
                         headers=headers)
            resp = conn.getresponse()
            resp.read()
            assert resp.status == 200
            assert conn.sock is not None, "server closed the keep-alive connection"
            first_socket = first_socket or conn.sock
            assert conn.sock is first_socket
    finally:
        conn.close()


def test_data_survives_restart(make_server):
    server = make_server()
    client = server.create_client()
    assert server.token_basic(client).status_code == 200
    assert server.stop() == 0
    server.start()
    assert server.token_basic(client).status_code == 200
    assert server.stop() == 0


def test_batched_request_lines_are_all_written_on_sigterm(make_server):
    """With a flush interval longer than the test, request lines are held in
    memory; SIGTERM must write every one of them, in order, before exit."""
    server = make_server(config={"log": {"flush_interval_ms": 10000}})
    for _ in range(25):
        assert server.get("/healthz").status_code == 200
    assert server.stop(signal.SIGTERM, timeout=5) == 0
    lines = server.log_text().splitlines()
    requests_logged = [i for i, line in enumerate(lines) if "path=/healthz status=200" in line]
    # the start-up readiness probes are logged too, hence at least 25
    assert len(requests_logged) >= 25, lines
    assert "msg=stopped" in lines[-1]
    assert max(requests_logged) < len(lines) - 1


def test_unbatched_log_writes_each_request_line_at_once(make_server):
    server = make_server(config={"log": {"flush_interval_ms": 0}})
    before = len(server.log_path.read_text())
    assert server.get("/jwks").status_code == 200
    deadline = time.monotonic() + 2
    while "path=/jwks status=200" not in server.log_path.read_text()[before:]:
        assert time.monotonic() < deadline, server.log_path.read_text()
        time.sleep(0.01)
