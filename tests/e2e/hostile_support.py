"""Raw-socket helpers for the hostile-input and crash tests.

Requests are built byte by byte (so malformed HTTP can be sent as written)
and answers are read until the server closes, a timeout passes or a full
response (by Content-Length) has arrived.
"""

import json
import re
import socket
import time

from conftest import recv_until_closed

FORM = "application/x-www-form-urlencoded"


class RawResponse:
    """A parsed HTTP/1.x response: status, headers (lower-case names), body."""

    def __init__(self, raw):
        self.raw = raw
        head, _, self.body = raw.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        match = re.match(rb"HTTP/1\.[01] (\d{3})", lines[0])
        assert match, f"not an HTTP response: {raw[:200]!r}"
        self.status = int(match.group(1))
        self.headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            self.headers[name.strip().decode("latin-1").lower()] = \
                value.strip().decode("latin-1")

    @property
    def content_type(self):
        return self.headers.get("content-type", "").split(";")[0].strip()

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"<RawResponse {self.status} {self.raw[:300]!r}>"


def build_request(method, target, headers=(), body=b"", version="HTTP/1.1",
                  content_length=True, close=True, host=True):
    """Bytes of one request. headers: (name, value) pairs of str or bytes."""
    def b(x):
        return x if isinstance(x, bytes) else str(x).encode("latin-1")

    lines = [b(method) + b" " + b(target) + b" " + b(version)]
    if host:
        lines.append(b"Host: 127.0.0.1")
    if close:
        lines.append(b"Connection: close")
    for name, value in headers:
        lines.append(b(name) + b": " + b(value))
    if content_length and body:
        lines.append(b"Content-Length: %d" % len(body))
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def chunked(body, size=4096):
    """body as a valid chunked transfer coding, size bytes per chunk."""
    out = b""
    for start in range(0, len(body), size):
        part = body[start:start + size]
        out += b"%x\r\n" % len(part) + part + b"\r\n"
    return out + b"0\r\n\r\n"


def exchange(port, data, timeout=5.0, half_close=False):
    """Send data on a new connection; return (RawResponse or None, seconds).

    None means the server closed (or reset) without sending anything."""
    started = time.monotonic()
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        try:
            sock.sendall(data)
            if half_close:
                sock.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass
        raw = recv_until_closed(sock, timeout=timeout)
    finally:
        sock.close()
    elapsed = time.monotonic() - started
    return (RawResponse(raw) if raw else None), elapsed


def log_size(server):
    try:
        return server.log_path.stat().st_size
    except FileNotFoundError:
        return 0


def log_since(server, offset):
    with open(server.log_path, "rb") as fh:
        fh.seek(offset)
        return fh.read().decode("utf-8", errors="replace")


def request_logged(server, offset, method, path, status, timeout=2.0):
    """True once the server's log (after offset) has the access-log line.

    A request target refused before the server has parsed the request line
    (too long, or hundreds of parameters) is logged with method "-"."""
    pattern = re.compile(
        r"msg=request (?:request_id=[0-9a-f]{16} )?method=(?:%s|-) path=%s status=%d\b"
        % (re.escape(method), re.escape(path), status))
    deadline = time.monotonic() + timeout
    for _ in range(int(timeout / 0.05) + 2):
        if pattern.search(log_since(server, offset)):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return False


def timed(fn, *args, **kwargs):
    started = time.monotonic()
    value = fn(*args, **kwargs)
    return value, time.monotonic() - started
