"""A full disk: requests that must write fail with 503 temporarily_unavailable,
reads keep working, and the server recovers once there is space again. The
database lives on a small tmpfs of its own (mounting needs root, as in CI;
elsewhere the test is skipped)."""

import subprocess

import pytest
import requests

from conftest import HTTP_TIMEOUT, Server, get_access_token, make_owner

CHUNK = b"\0" * 65536

pytestmark = pytest.mark.sqlite_only("the SQLite file on a full disk")


@pytest.fixture
def small_disk(tmp_path):
    mnt = tmp_path / "disk"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mnt)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def fill(path, limit=16 << 20):
    """Writes zeros to path until the disk is full (bounded by limit)."""
    written = 0
    with open(path, "wb") as f:
        while written < limit:
            try:
                f.write(CHUNK)
                f.flush()
            except OSError:
                break
            written += len(CHUNK)
    return written


def opaque_token(server, owner):
    return requests.post(server.url("/token"), data={"grant_type": "client_credentials"},
                         auth=(owner["client_id"], owner["client_secret"]), timeout=HTTP_TIMEOUT)


def test_full_disk_fails_writes_with_503_keeps_reads_and_recovers(small_disk):
    server = Server(small_disk / "srv")
    server.start()
    try:
        opaque = make_owner(server, fmt="opaque", name="opaque")
        jwt = make_owner(server, name="jwt")
        rs = server.create_client(
            name="rs", scope=f"token_introspection {opaque['client_id']} {jwt['client_id']}")
        before = get_access_token(server, opaque)
        filler = small_disk / "filler"
        assert fill(filler) > 0

        # every opaque token is a row: keep asking until the writes fail (bounded)
        answers = [opaque_token(server, opaque) for _ in range(400)]
        failed = [r for r in answers if r.status_code != 200]
        assert failed, "the disk never filled up"
        for resp in failed:
            assert resp.status_code == 503, resp.text
            assert resp.json()["error"] == "temporarily_unavailable"

        # reads and signature-only work go on
        assert requests.get(server.url("/healthz"), timeout=HTTP_TIMEOUT).status_code == 200
        assert server.token_basic(jwt).status_code == 200
        intro = requests.post(server.url("/introspect"), data={"token": before},
                              auth=(rs["client_id"], rs["client_secret"]), timeout=HTTP_TIMEOUT)
        assert intro.json()["active"] is True

        # space again: writes work again, and what was written before is intact
        filler.unlink()
        assert opaque_token(server, opaque).status_code == 200
        intro = requests.post(server.url("/introspect"), data={"token": before},
                              auth=(rs["client_id"], rs["client_secret"]), timeout=HTTP_TIMEOUT)
        assert intro.json()["active"] is True
        assert server.is_healthy()
    finally:
        if server.stop() is None:
            server.kill()
