"""`cmake --install BUILD --prefix DIR` puts everything in its FHS place, and
what is installed works: the binary serves, the example config and the
template copy pass `config check`, the man page renders without warnings,
the systemd unit passes `systemd-analyze verify` and names the installed
binary, and liboidc-rs builds a program through its pkg-config file."""

import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

from conftest import OIDCD_BIN, REPO, clean_env, free_port

BUILD = Path(OIDCD_BIN).resolve().parent
FILES = [
    "bin/oidcd",
    "share/man/man8/oidcd.8",
    "share/doc/oidcd/oidcd.ini",
    "share/doc/oidcd/examples/books-api.c",
    "libexec/oidcd/examples/books-api",
    "share/oidcd/templates/login.html",
    "share/oidcd/templates/consent.html",
    "lib/systemd/system/oidcd.service",
    "lib/sysusers.d/oidcd.conf",
    "lib/liboidc-rs.so",
    "include/oidc/rs.h",
    "lib/pkgconfig/oidc-rs.pc",
]


@pytest.fixture(scope="module")
def prefix(tmp_path_factory):
    prefix = tmp_path_factory.mktemp("prefix")
    result = subprocess.run(["cmake", "--install", str(BUILD), "--prefix", str(prefix)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return prefix


def run(argv, cwd, **kwargs):
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, cwd=cwd,
                          env=clean_env(kwargs.pop("env", {})), **kwargs)


def test_every_file_in_its_place(prefix):
    missing = [f for f in FILES if not (prefix / f).exists()]
    assert not missing, missing
    for exe in ("bin/oidcd", "libexec/oidcd/examples/books-api"):
        assert os.access(prefix / exe, os.X_OK), exe
    templates = sorted(p.name for p in (prefix / "share/oidcd/templates").iterdir())
    assert templates == sorted(p.name for p in (REPO / "src/ui/templates").iterdir())


def test_installed_binary_serves(prefix, tmp_path):
    port = free_port()
    config = tmp_path / "oidcd.ini"
    config.write_text(f"[server]\nlisten = 127.0.0.1:{port}\nissuer = http://127.0.0.1:{port}\n"
                      f"[ui]\ntemplates_dir = {prefix}/share/oidcd/templates\n")
    check = run([prefix / "bin/oidcd", "--config", config, "config", "check"], tmp_path)
    assert check.returncode == 0, check.stderr
    log = open(tmp_path / "server.log", "wb")
    proc = subprocess.Popen([prefix / "bin/oidcd", "--config", config, "serve"], cwd=tmp_path,
                            stdout=log, stderr=log, env=clean_env({}))
    log.close()
    try:
        for _ in range(300):
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        else:
            raise AssertionError((tmp_path / "server.log").read_text())
        jwks = requests.get(f"http://127.0.0.1:{port}/jwks", timeout=5).json()
        assert jwks["keys"] and jwks["keys"][0]["kty"] == "RSA"
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0


def test_example_config_is_valid_and_complete(prefix, tmp_path):
    example = prefix / "share/doc/oidcd/oidcd.ini"
    text = example.read_text()
    check = run([prefix / "bin/oidcd", "--config", example, "config", "check"], tmp_path)
    assert check.returncode == 0, check.stderr
    # every setting appears, set or commented out with its default, in its section
    shown = run([prefix / "bin/oidcd", "config", "show", "--json"], tmp_path)
    section = None
    present = {}
    for line in text.splitlines():
        m = re.match(r"^;?\[([a-z_.]+)\]$", line)
        if m:
            section = m.group(1)
            continue
        m = re.match(r"^(;?)([a-z_0-9]+) =(?: (.*))?$", line)
        if m and section:
            present[section, m.group(2)] = (m.group(1) == ";", m.group(3) or "")
    for item in json.loads(shown.stdout):
        key = (item["section"], item["key"])
        assert key in present, f"{key} is not in the example config"
        commented, value = present[key]
        # metrics.listen shows an example address; threads = 0 is shown as
        # the number of threads it means
        if commented and key not in {("metrics", "listen"), ("server", "threads")}:
            assert value == item["value"], (key, value, item["value"])


def test_man_page_renders_without_warnings(prefix):
    page = prefix / "share/man/man8/oidcd.8"
    result = subprocess.run(["groff", "-mandoc", "-Tutf8", "-ww", "-z", str(page)],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    text = subprocess.run(["groff", "-mandoc", "-Tutf8", str(page)], capture_output=True,
                          text=True, timeout=30).stdout
    text = re.sub(r".\x08", "", text)  # bold and underline by overstriking
    for command in ("serve", "client create", "config check", "key rotate", "migrate"):
        assert command in text, command


def test_systemd_unit_verifies_and_runs_the_installed_binary(prefix):
    unit = prefix / "lib/systemd/system/oidcd.service"
    text = unit.read_text()
    assert f"ExecStart={prefix}/bin/oidcd --config /etc/oidcd/oidcd.ini serve" in text
    for hardening in ("Type=notify", "NoNewPrivileges=yes", "ProtectSystem=strict",
                      "StateDirectory=oidcd", "SystemCallFilter=@system-service",
                      "MemoryDenyWriteExecute=yes", "User=oidcd"):
        assert hardening in text.splitlines(), hardening
    assert shutil.which("systemd-analyze"), "systemd-analyze is needed (Debian: systemd)"
    result = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True,
                            text=True, timeout=60,
                            env={**os.environ, "MANPATH": str(prefix / "share/man")})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "oidcd" in (prefix / "lib/sysusers.d/oidcd.conf").read_text()


def test_liboidc_rs_builds_through_pkg_config(prefix, tmp_path):
    source = tmp_path / "v.c"
    source.write_text('#include <oidc/rs.h>\n#include <stdio.h>\n'
                      'int main(void) { puts(oidc_rs_version()); return 0; }\n')
    env = {"PKG_CONFIG_PATH": str(prefix / "lib/pkgconfig")}
    flags = run(["pkg-config", "--cflags", "--libs", "oidc-rs"], tmp_path, env=env)
    assert flags.returncode == 0, flags.stderr
    assert str(prefix) in flags.stdout
    # a library built with the sanitizers needs their runtime in the program too
    cache = (BUILD / "CMakeCache.txt").read_text()
    sanitized = ["-fsanitize=address,undefined"] if "OIDCD_SANITIZE:BOOL=ON" in cache else []
    built = run(["cc", str(source), "-o", str(tmp_path / "v"), *sanitized, *flags.stdout.split(),
                 f"-Wl,-rpath,{prefix}/lib"], tmp_path)
    assert built.returncode == 0, built.stderr
    out = run([str(tmp_path / "v")], tmp_path)
    assert out.returncode == 0 and re.match(r"^\d+\.\d+\.\d+$", out.stdout.strip()), out
