"""Real nginx in front of oidcd's /gate (auth_request), for black-box tests.

- Upstream: a tiny threaded http.server on a free loopback port that answers
  200 with a JSON body echoing the X-Auth-* request headers it received.
- Nginx: a generated config in its own directory (all temp paths, logs and the
  pid file inside it), run in the foreground as a subprocess.
Every wait here is bounded in count and time.
"""

import json
import os
import signal
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from conftest import free_port

NGINX_BIN = "/usr/sbin/nginx"
READY_TIMEOUT = 10.0
STOP_TIMEOUT = 5.0

# The API the template protects: its `oidcd resource` id, which /gate is asked
# to require as the token's audience (RFC 8707).
BOOKS_AUDIENCE = "https://books.example.com"

# What every configuration here starts with: one unprivileged-friendly
# worker, every log and temporary path inside the run's directory.
NGINX_HEAD = """\
{user_line}worker_processes 1;

events {{
    worker_connections 64;
}}

http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/client_body_temp;
    proxy_temp_path {dir}/proxy_temp;
    fastcgi_temp_path {dir}/fastcgi_temp;
    uwsgi_temp_path {dir}/uwsgi_temp;
    scgi_temp_path {dir}/scgi_temp;
"""

# The template the tests use, and the one docs/NGINX.md is written from.
# {gate_url} is oidcd's issuer + "/gate"; {upstream} is host:port of the API;
# {audience} the API's resource id.
NGINX_CONF = NGINX_HEAD + """\

    server {{
        listen 127.0.0.1:{port};
        server_name localhost;

        location /books {{
            auth_request /_auth;
            auth_request_set $sub $upstream_http_x_auth_subject;
            auth_request_set $client $upstream_http_x_auth_client_id;
            auth_request_set $scope $upstream_http_x_auth_scope;
            auth_request_set $challenge $upstream_http_www_authenticate;
            proxy_set_header X-Auth-Subject $sub;
            proxy_set_header X-Auth-Client-Id $client;
            proxy_set_header X-Auth-Scope $scope;
            proxy_pass http://{upstream};
            # a 401 from /gate keeps its WWW-Authenticate (auth_request copies
            # it); a 403 does not, so put the insufficient_scope challenge back
            error_page 403 = @forbidden;
        }}

        location = /_auth {{
            internal;
            proxy_pass {gate_url}?scope=read_books&audience={audience};
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
            proxy_set_header Authorization $http_authorization;
        }}

        location @forbidden {{
            add_header WWW-Authenticate $challenge always;
            return 403;
        }}
    }}
}}
"""


def port_open(port, timeout=0.2):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


class _EchoHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_GET(self):  # noqa: N802 (http.server naming)
        length = int(self.headers.get("Content-Length") or 0)
        received = self.rfile.read(min(length, 1 << 16)) if length else b""
        seen = {name: self.headers.get(name)
                for name in ("X-Auth-Subject", "X-Auth-Client-Id", "X-Auth-Scope")}
        body = json.dumps({"method": self.command, "path": self.path, "headers": seen,
                           "body": received.decode(errors="replace")}).encode()
        self.server.requests.append({"method": self.command, "path": self.path, **seen})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_PUT = do_DELETE = do_GET

    def log_message(self, *args):  # keep pytest output quiet
        pass


class Upstream:
    """The protected API: echoes the identity headers nginx set."""

    def __init__(self):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _EchoHandler)
        self.httpd.daemon_threads = True
        self.httpd.requests = []
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.1}, daemon=True)

    @property
    def requests(self):
        return self.httpd.requests

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=STOP_TIMEOUT)


class Nginx:
    """nginx -p DIR -c DIR/nginx.conf in the foreground, on a free port."""

    def __init__(self, workdir, gate_url, upstream_port, audience=BOOKS_AUDIENCE):
        self._setup(workdir)
        self.conf_path.write_text(NGINX_CONF.format(
            user_line=self.user_line, dir=self.dir, port=self.port, gate_url=gate_url,
            upstream=f"127.0.0.1:{upstream_port}", audience=audience))

    def _setup(self, workdir, port=None):
        self.dir = Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.conf_path = self.dir / "nginx.conf"
        self.error_log = self.dir / "error.log"
        self.proc = None
        # as root the workers would run as "nobody", who cannot enter the
        # private pytest temp directory; run them as root in that case
        self.user_line = "user root;\n" if os.geteuid() == 0 else ""

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def log_text(self):
        try:
            return self.error_log.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def start(self):
        directives = (f"daemon off; pid {self.dir}/nginx.pid; "
                      f"error_log {self.error_log};")
        out = open(self.dir / "nginx.out", "ab")
        try:
            self.proc = subprocess.Popen(
                [NGINX_BIN, "-p", f"{self.dir}/", "-e", str(self.error_log),
                 "-c", str(self.conf_path), "-g", directives],
                cwd=self.dir, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                start_new_session=True)
        finally:
            out.close()
        deadline = time.monotonic() + READY_TIMEOUT
        for _ in range(int(READY_TIMEOUT / 0.05) + 1):
            if self.proc.poll() is not None:
                raise AssertionError(f"nginx exited with {self.proc.returncode}:\n"
                                     f"{(self.dir / 'nginx.out').read_text()}\n"
                                     f"{self.log_text()}")
            if port_open(self.port):
                return self
            if time.monotonic() >= deadline:
                break
            time.sleep(0.05)
        self.stop()
        raise AssertionError(f"nginx not listening after {READY_TIMEOUT} s:\n{self.log_text()}")

    def stop(self):
        if self.proc is None:
            return None
        for sig in (signal.SIGQUIT, signal.SIGTERM):
            if self.proc.poll() is None:
                self.proc.send_signal(sig)
            try:
                return self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                continue
        # last resort: the process group nginx was started in (its own session)
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        return self.proc.wait(timeout=STOP_TIMEOUT)


# Round-robin over several oidcd instances, as docs/SCALING.md describes:
# no affinity, the client's Host passed on, and which instance answered in
# X-Upstream (for the tests to see the requests spread).
BALANCER_CONF = NGINX_HEAD + """\

    upstream oidcd {{
{servers}
    }}

    server {{
        listen 127.0.0.1:{port};
        server_name localhost;

        location / {{
            proxy_pass http://oidcd;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Request-Id $request_id;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


class Balancer(Nginx):
    """nginx balancing round-robin over the loopback ports given; its port
    is chosen (free_port) before the instances are made, for their issuer."""

    def __init__(self, workdir, port=None):
        self._setup(workdir, port)

    def write(self, upstream_ports):
        servers = "\n".join(f"        server 127.0.0.1:{p};" for p in upstream_ports)
        self.conf_path.write_text(BALANCER_CONF.format(
            user_line=self.user_line, dir=self.dir, port=self.port, servers=servers))
        return self
