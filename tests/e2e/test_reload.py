"""SIGHUP (`systemctl reload oidcd`): the settings that can change live do,
at once and without a failed request; a configuration that does not load is
refused with the message `config check` gives, and the server goes on with
the one it has; a setting that needs a restart keeps its value, with a
warning naming it."""

import json
import re
import signal
import socket
import threading
import time

import pytest
import requests

from conftest import (HTTP_TIMEOUT, REPO, SLOW, get_access_token, jwt_claims_unverified,
                      wait_until, write_ini)


def reload(server, sections=None, **changes):
    """Write the config with changes ({section: {key: value}}) and send
    SIGHUP; return the log lines the reload wrote."""
    for section, values in (sections or {}).items():
        server.sections.setdefault(section, {}).update(values)
    write_ini(server.config_path, server.sections)
    before = len(server.log_text().splitlines())
    server.proc.send_signal(signal.SIGHUP)

    def reload_lines():
        lines = server.log_text().splitlines()[before:]
        done = any(mark in line for line in lines
                   for mark in ('msg="config reloaded"', 'msg="reload refused',
                                '"msg":"config reloaded"', '"msg":"reload refused'))
        return lines if done else None

    lines = wait_until(reload_lines, timeout=10.0 * SLOW)
    assert lines, server.log_text()[-3000:]
    return lines


def token_lifetime(server, client):
    claims = jwt_claims_unverified(get_access_token(server, client))
    return claims["exp"] - claims["iat"]


def line_with(lines, text):
    found = [line for line in lines if text in line]
    assert found, (text, lines)
    return found[0]


def test_access_token_ttl_changes_live(server, client):
    assert token_lifetime(server, client) == 3600
    lines = reload(server, {"tokens": {"access_token_ttl": 120}})
    changed = line_with(lines, 'msg="config reloaded"')
    assert "tokens.access_token_ttl" in changed
    assert "level=warn" not in "\n".join(lines)
    assert token_lifetime(server, client) == 120


def test_log_level_changes_live(server, client):
    get_access_token(server, client)
    assert wait_until(lambda: " msg=request " in server.log_text())
    reload(server, {"log": {"level": "warn"}})
    before = len(server.log_text().splitlines())
    get_access_token(server, client)
    server.get("/healthz")
    time.sleep(0.3)
    after = server.log_text().splitlines()[before:]
    assert not any(" msg=request " in line for line in after), after
    # and back: the request lines return
    reload(server, {"log": {"level": "info", "format": "json"}})
    server.get("/healthz")
    assert wait_until(lambda: '"msg":"request"' in server.log_text())


def test_templates_are_read_again(server, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    page = (REPO / "src/ui/templates/error.html").read_text()
    (templates / "error.html").write_text(page.replace("<main>", "<main><p>Acme support</p>"))
    assert "Acme support" not in server.get("/authorize").text
    lines = reload(server, {"ui": {"templates_dir": templates}})
    assert "ui.templates_dir" in line_with(lines, 'msg="config reloaded"')
    assert "Acme support" in server.get("/authorize").text

    # the same directory, a changed file: a reload reads it again
    (templates / "error.html").write_text(page.replace("<main>", "<main><p>Acme help desk</p>"))
    lines = reload(server)
    assert 'changed=none' in line_with(lines, 'msg="config reloaded"')
    assert "Acme help desk" in server.get("/authorize").text

    # a broken template: refused, the parsed ones stay
    (templates / "error.html").write_text("<p>{{ no_such_slot }}</p>\n")
    check = server.cli("config", "check")
    assert check.returncode == 2
    lines = reload(server)
    refused = line_with(lines, 'msg="reload refused')
    assert "level=error" in refused and "error.html" in refused
    assert check.stderr.removeprefix("oidcd: ").strip().split(":")[0] in refused
    assert "Acme help desk" in server.get("/authorize").text


def test_invalid_config_is_refused_and_the_old_one_stays(server, client):
    server.sections["tokens"]["access_token_ttl"] = 600
    server.sections["tokens"]["code_ttl"] = 0  # out of range
    write_ini(server.config_path, server.sections)
    check = server.cli("config", "check")
    assert check.returncode == 2
    message = check.stderr.removeprefix("oidcd: ").strip()
    lines = reload(server)
    refused = line_with(lines, 'msg="reload refused')
    assert "level=error" in refused
    assert "tokens.code_ttl" in refused and message.split(" (")[0].replace('"', '\\"') in refused
    assert not any('msg="config reloaded"' in line for line in lines)
    assert server.is_healthy()
    assert token_lifetime(server, client) == 3600  # not the 600 beside the bad value


def test_restart_only_setting_keeps_its_value_with_a_warning(server, client):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        other = s.getsockname()[1]
    lines = reload(server, {"server": {"listen": f"127.0.0.1:{other}", "threads": 3},
                            "tokens": {"access_token_ttl": 300}})
    for name in ("server.listen", "server.threads"):
        warning = line_with(lines, f"setting={name}")
        assert "level=warn" in warning and "restart" in warning
    changed = line_with(lines, 'msg="config reloaded"')
    assert "tokens.access_token_ttl" in changed and "server.listen" not in changed
    assert server.is_healthy()  # still on the old port
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{other}/healthz", timeout=HTTP_TIMEOUT)
    assert token_lifetime(server, client) == 300  # the live change in the same reload


# a valid value other than the test server's for every setting
OTHER_VALUES = {
    "server.issuer": "http://localhost:1/elsewhere", "server.listen": "127.0.0.1:1",
    "server.threads": 3, "server.connection_timeout": 31, "database.url": "sqlite:other.db",
    "database.timeout_ms": 1000,
    "tokens.access_token_ttl": 100, "tokens.code_ttl": 100, "tokens.id_token_ttl": 100,
    "tokens.refresh_token_ttl": 100, "tokens.refresh_token_max_lifetime": 1000,
    "tokens.id_token_include_claims": "true", "tokens.subject_type": "pairwise",
    "session.ttl": 100, "session.management": "true", "backchannel.timeout_ms": 200,
    "backchannel.retries": 1, "consent.remember_days": 1, "login.max_failures": 9,
    "login.require_mfa": "true",
    "login.lockout_seconds": 9, "grants.password": "true", "passwords.argon2_memory_kib": 2048,
    "passwords.argon2_iterations": 2, "passwords.argon2_parallelism": 2,
    "ui.templates_dir": "templates", "claims.extra": "x_team", "keys.encryption_key_file":
    "other.kek", "keys.algorithm": "ES256", "keys.publish_ahead": 121, "log.level": "debug",
    "log.format": "json", "log.flush_interval_ms": 50,
    "introspection.validate_audience_scope": "false", "introspection.response_scope": "true",
    "audit.retention_days": 10, "metrics.listen": "127.0.0.1:1",
    # an RP ID needs an issuer at a domain name (the one above)
    "webauthn.rp_id": "localhost", "webauthn.timeout_seconds": 60,
    "webauthn.counter_policy": "log", "webauthn.attestation": "direct",
}


def documented_reload():
    """{"section.key": "live" or "restart"}, from docs/CONFIG.md's table."""
    text = (REPO / "docs" / "CONFIG.md").read_text()
    return dict(re.findall(r"^\| `([a-z_]+\.[a-z0-9_]+)` \| [^|]* \| (live|restart) \|", text,
                           re.M))


def test_every_setting_reloads_as_documented(server):
    documented = documented_reload()
    assert set(documented) == set(OTHER_VALUES), set(documented) ^ set(OTHER_VALUES)
    (server.dir / "templates").mkdir()
    changes = {}
    for name, value in OTHER_VALUES.items():
        section, key = name.split(".")
        changes.setdefault(section, {})[key] = value
    changes["scope.library"] = {"claims": "card"}
    lines = reload(server, changes)

    warned = set()
    for line in lines:
        if "restart" in line:
            match = re.search(r"setting=(\S+)", line) or re.search(r'"setting":"([^"]+)"', line)
            if match:
                warned.add(match.group(1))
    reloaded = [line for line in lines if "config reloaded" in line]
    assert len(reloaded) == 1, lines
    changed = json.loads(reloaded[0])["changed"].split()  # log.format is json from now on
    assert warned == {k for k, v in documented.items() if v == "restart"}, lines
    assert set(changed) == {k for k, v in documented.items() if v == "live"} | {"scope.*"}
    assert server.is_healthy()  # on the old address, with the old database and keys
    assert server.get("/.well-known/openid-configuration").json()["issuer"] == server.issuer


def test_reloads_under_load_fail_no_request(server, client):
    failures, done = [], threading.Event()
    counts = [0]

    def load():
        session = requests.Session()
        deadline = time.monotonic() + 30 * SLOW
        while not done.is_set() and counts[0] < 2000 and time.monotonic() < deadline:
            resp = session.post(server.url("/token"), data={"grant_type": "client_credentials"},
                                auth=(client["client_id"], client["client_secret"]),
                                timeout=HTTP_TIMEOUT)
            counts[0] += 1
            if resp.status_code != 200:
                failures.append((resp.status_code, resp.text))
            for path in ("/authorize", "/.well-known/openid-configuration"):
                resp = session.get(server.url(path), timeout=HTTP_TIMEOUT)
                if resp.status_code not in (200, 400):
                    failures.append((path, resp.status_code))

    worker = threading.Thread(target=load)
    worker.start()
    try:
        for i in range(15):
            reload(server, {"tokens": {"access_token_ttl": 100 + i}})
    finally:
        done.set()
        worker.join(timeout=60 * SLOW)
    assert not worker.is_alive()
    assert counts[0] > 0 and not failures, failures[:5]
    assert token_lifetime(server, client) == 114


def test_notify_reloading_then_ready(make_server, tmp_path):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    path = tmp_path / "notify.sock"
    sock.bind(str(path))
    sock.settimeout(10 * SLOW)
    try:
        server = make_server(start=False)
        server.start(env={"NOTIFY_SOCKET": str(path)})
        assert "READY=1" in sock.recv(4096).decode().split("\n")
        reload(server, {"tokens": {"code_ttl": 120}})
        reloading = sock.recv(4096).decode().split("\n")
        assert "RELOADING=1" in reloading
        assert any(line.startswith("MONOTONIC_USEC=") for line in reloading)
        assert "READY=1" in sock.recv(4096).decode().split("\n")
    finally:
        sock.close()


def test_unit_reloads_with_a_check_first():
    unit = (REPO / "dist/oidcd.service.in").read_text()
    reloads = [line for line in unit.splitlines() if line.startswith("ExecReload=")]
    assert reloads[0].endswith("config check") and reloads[-1] == "ExecReload=/bin/kill -HUP $MAINPID"
