"""sd_notify (Type=notify): READY=1 once the port serves, STOPPING=1 on
SIGTERM; without NOTIFY_SOCKET nothing changes."""

import signal
import socket

import pytest

from conftest import SLOW


@pytest.fixture
def notify_socket(tmp_path):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    path = tmp_path / "notify.sock"
    sock.bind(str(path))
    sock.settimeout(10 * SLOW)
    yield sock, path
    sock.close()


def test_ready_then_stopping(make_server, notify_socket):
    sock, path = notify_socket
    server = make_server(start=False)
    server.start(env={"NOTIFY_SOCKET": str(path)})
    ready = sock.recv(4096).decode()
    assert "READY=1" in ready.split("\n"), ready
    assert f"STATUS=serving {server.issuer}" in ready.split("\n"), ready
    assert server.is_healthy()  # READY came once the port answers
    assert server.stop(signal.SIGTERM) == 0
    stopping = sock.recv(4096).decode()
    assert "STOPPING=1" in stopping.split("\n"), stopping
