"""A read-only database: requests that must write fail with 503
temporarily_unavailable, reads keep working, and once the database can be
written again (after a restart, see the known gap below) writes work and
nothing stored before is lost.

Linux refuses to remount a local filesystem read-only while a process holds a
file on it open for writing (EBUSY, for a bind mount as for the whole
filesystem), so under a running server the database turns read-only when the
filesystem meets an error and ext4 (errors=remount-ro) stops every write. The
first test does that to an ext4 image of its own. The kernel keeps such a
filesystem read-only until it is unmounted and checked, which cannot happen
while the server holds the database open: recovery is stop, e2fsck, start.

The other tests start the server on a database already on a read-only mount.
SQLite reads a WAL database on a read-only filesystem only if its -wal and
-shm files are there, as after a crash; after a clean stop they are gone and
the server refuses to start, naming the database it cannot open.

Known gap (the xfail test): when such a mount is made writable under the
running server, writes stay 503 until a restart. SQLite maps the -shm file
once per process, read-only if it was read-only when first opened, and shares
that mapping among all the process's connections to the database; only when
every connection is closed at the same moment can a new one write. Reopening
one thread's connection after SQLITE_READONLY does not get there (tried: still
503), because the other threads' connections, idle ones included, keep the
mapping alive, and the store has no point at which it knows them all idle.

Mounting needs root and, for ext4, a loop device; elsewhere the tests skip.
"""

import errno
import os
import shutil
import sqlite3
import subprocess

import pytest
import requests

from conftest import (HTTP_TIMEOUT, Server, assert_oauth_error, get_access_token,
                      make_owner)

MOUNT_TIMEOUT = 30.0

pytestmark = pytest.mark.sqlite_only("a read-only or failing SQLite file system")


def run(*argv):
    return subprocess.run(argv, capture_output=True, text=True, timeout=MOUNT_TIMEOUT)


def skip_unless_root(*tools):
    if os.geteuid() != 0:
        pytest.skip("mounting a filesystem needs root")
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)}")


def unmount(path):
    """Unmounts path; lazily if something (a leftover server) still holds it."""
    if run("umount", str(path)).returncode != 0:
        run("umount", "-l", str(path))


class Ext4Volume:
    """An ext4 filesystem on a loop device over an image file, mounted with
    errors=remount-ro (the setting that turns an error into a read-only fs)."""

    def __init__(self, device, mnt):
        self.device, self.mnt = device, mnt
        self.mounted = False
        self.trigger = f"/sys/fs/ext4/{os.path.basename(device)}/trigger_fs_error"

    def mount(self):
        done = run("mount", "-t", "ext4", "-o", "errors=remount-ro", self.device, str(self.mnt))
        self.mounted = done.returncode == 0
        return done

    def fail(self):
        """An ext4 error, as a bad block or a vanished disk would raise."""
        with open(self.trigger, "w") as f:
            f.write("oidcd test: make the filesystem read-only\n")

    def repair(self):
        """What an operator does: unmount, check and repair, mount again."""
        done = run("umount", str(self.mnt))
        assert done.returncode == 0, done.stderr
        self.mounted = False
        done = run("e2fsck", "-f", "-y", self.device)
        assert done.returncode in (0, 1), (done.returncode, done.stdout, done.stderr)  # 1: fixed
        done = self.mount()
        assert done.returncode == 0, done.stderr


@pytest.fixture
def ext4_volume(tmp_path):
    skip_unless_root("losetup", "mkfs.ext4", "e2fsck")
    image = tmp_path / "volume.img"
    with open(image, "wb") as f:
        f.truncate(32 << 20)
    done = run("mkfs.ext4", "-q", "-F", str(image))
    if done.returncode != 0:
        pytest.skip(f"cannot make an ext4 filesystem: {done.stderr.strip()}")
    done = run("losetup", "--find", "--show", str(image))
    if done.returncode != 0:
        pytest.skip(f"no loop device here: {done.stderr.strip()}")
    mnt = tmp_path / "volume"
    mnt.mkdir()
    volume = Ext4Volume(done.stdout.strip(), mnt)
    try:
        done = volume.mount()
        if done.returncode != 0:
            pytest.skip(f"cannot mount ext4 from a loop device: {done.stderr.strip()}")
        if not os.path.exists(volume.trigger):
            pytest.skip(f"this kernel has no {volume.trigger}")
        yield volume
    finally:
        if volume.mounted:
            unmount(mnt)
        run("losetup", "-d", volume.device)  # a device still busy is freed when let go


@pytest.fixture
def tmpfs_volume(tmp_path):
    skip_unless_root("mount", "umount")
    mnt = tmp_path / "volume"
    mnt.mkdir()
    done = run("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mnt))
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mnt
    finally:
        unmount(mnt)


def remount(mnt, mode):
    done = run("mount", "-o", f"remount,{mode}", str(mnt))
    assert done.returncode == 0, done.stderr


def assert_fs_read_only(mnt):
    with pytest.raises(OSError) as raised:
        (mnt / "probe").write_bytes(b"x")
    assert raised.value.errno == errno.EROFS, raised.value


def server_on(mnt, tmp_path):
    """A server whose database is on mnt; its config, key-encryption key and
    log stay on the ordinary disk."""
    db = mnt / "oidcd.db"
    return Server(tmp_path / "srv", env={"OIDCD_DATABASE_URL": f"sqlite:{db}"}), db


class Seed:
    """Clients, tokens and revocations written while the database could be."""

    def __init__(self, server):
        self.opaque = make_owner(server, fmt="opaque", name="opaque")
        self.jwt = make_owner(server, name="jwt")
        self.rs = server.create_client(
            name="rs",
            scope=f"token_introspection {self.opaque['client_id']} {self.jwt['client_id']}")
        self.opaque_token = get_access_token(server, self.opaque)
        self.jwt_token = get_access_token(server, self.jwt)
        self.revoked_jwt = get_access_token(server, self.jwt)
        assert revoke(server, self.jwt, self.revoked_jwt).status_code == 200
        self.revoked_opaque = get_access_token(server, self.opaque)
        assert revoke(server, self.opaque, self.revoked_opaque).status_code == 200


def revoke(server, client, token):
    return requests.post(server.url("/revoke"), data={"token": token},
                         auth=(client["client_id"], client["client_secret"]),
                         timeout=HTTP_TIMEOUT)


def introspect(server, rs, token):
    resp = requests.post(server.url("/introspect"), data={"token": token},
                         auth=(rs["client_id"], rs["client_secret"]), timeout=HTTP_TIMEOUT)
    assert resp.status_code == 200, resp.text
    return resp.json()["active"]


def assert_writes_fail(server, seed, attempts=12):
    """Storing an opaque token and revoking a JWT are refused as passing
    conditions (each request on a new connection, so on either server thread)."""
    for _ in range(attempts):
        assert_oauth_error(server.token_basic(seed.opaque), 503, "temporarily_unavailable")
    fresh = get_access_token(server, seed.jwt)  # a JWT is signed, not stored
    assert_oauth_error(revoke(server, seed.jwt, fresh), 503, "temporarily_unavailable")
    assert introspect(server, seed.rs, fresh) is True


def assert_reads_work(server, seed, rounds=6):
    for _ in range(rounds):
        assert requests.get(server.url("/healthz"), timeout=HTTP_TIMEOUT).status_code == 200
        assert server.jwks()["keys"]
        assert server.token_basic(seed.jwt).status_code == 200
        assert introspect(server, seed.rs, seed.opaque_token) is True  # a stored row
        assert introspect(server, seed.rs, seed.jwt_token) is True
        assert introspect(server, seed.rs, seed.revoked_jwt) is False  # a revocation row
        assert introspect(server, seed.rs, seed.revoked_opaque) is False


def assert_writes_work(server, seed, attempts=12):
    tokens = [get_access_token(server, seed.opaque) for _ in range(attempts)]
    assert all(introspect(server, seed.rs, token) is True for token in tokens)
    fresh = get_access_token(server, seed.jwt)
    assert revoke(server, seed.jwt, fresh).status_code == 200
    assert introspect(server, seed.rs, fresh) is False


def assert_database_intact(db):
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("SELECT count(*) FROM clients").fetchone()[0] == 3
        assert conn.execute("SELECT count(*) FROM signing_keys").fetchone()[0] >= 1
    finally:
        conn.close()


def stop(server):
    status = server.stop()
    if status is None:
        server.kill()
    return status


def test_filesystem_error_fails_writes_503_reads_go_on_restart_recovers(ext4_volume, tmp_path):
    server, db = server_on(ext4_volume.mnt, tmp_path)
    server.start()
    try:
        seed = Seed(server)
        os.sync()  # what was written has reached the disk, as long before a real failure
        ext4_volume.fail()
        assert_fs_read_only(ext4_volume.mnt)

        assert_writes_fail(server, seed)
        assert_reads_work(server, seed)
        assert_writes_fail(server, seed)  # reading in between changed nothing
        assert server.is_healthy()
        assert stop(server) == 0, server.log_text()
    finally:
        stop(server)

    ext4_volume.repair()  # ext4 stays read-only after an error until checked
    assert_database_intact(db)
    server.start()
    try:
        assert_reads_work(server, seed)
        assert_writes_work(server, seed)
    finally:
        assert stop(server) == 0, server.log_text()
    assert_database_intact(db)


def start_after_crash_on_read_only_mount(mnt, tmp_path):
    """A server killed while running, its mount then made read-only (as after
    a crash whose filesystem came back read-only), started again on it."""
    server, db = server_on(mnt, tmp_path)
    server.start()
    try:
        seed = Seed(server)
    finally:
        server.kill()  # -wal and -shm stay behind
    remount(mnt, "ro")
    assert_fs_read_only(mnt)
    server.start()
    return server, db, seed


def test_starts_on_read_only_mount_serves_reads_and_restart_recovers(tmpfs_volume, tmp_path):
    server, db, seed = start_after_crash_on_read_only_mount(tmpfs_volume, tmp_path)
    try:
        assert_reads_work(server, seed)
        assert_writes_fail(server, seed)
        assert_reads_work(server, seed)
        assert server.is_healthy()
        remount(tmpfs_volume, "rw")
        assert stop(server) == 0, server.log_text()

        server.start()
        assert_writes_work(server, seed)
        assert_reads_work(server, seed)
    finally:
        assert stop(server) == 0, server.log_text()
    assert_database_intact(db)


@pytest.mark.xfail(strict=True, reason="known gap: every connection shares SQLite's "
                   "read-only -shm mapping until all close at once (see the module docstring)")
def test_recovers_without_restart_once_the_mount_is_writable(tmpfs_volume, tmp_path):
    server, _, seed = start_after_crash_on_read_only_mount(tmpfs_volume, tmp_path)
    try:
        assert_writes_fail(server, seed)
        remount(tmpfs_volume, "rw")
        assert_writes_work(server, seed)
    finally:
        assert stop(server) == 0, server.log_text()


def test_clean_database_on_read_only_mount_is_refused_with_the_reason(tmpfs_volume, tmp_path):
    server, _ = server_on(tmpfs_volume, tmp_path)
    server.start()
    try:
        Seed(server)
    finally:
        assert stop(server) == 0, server.log_text()
    assert sorted(os.listdir(tmpfs_volume)) == ["oidcd.db"]  # -wal and -shm removed
    remount(tmpfs_volume, "ro")

    proc = server.spawn()
    try:
        assert proc.wait(timeout=HTTP_TIMEOUT) == 1
    finally:
        stop(server)
    log = server.log_text()
    assert f"cannot open database sqlite:{tmpfs_volume}/oidcd.db" in log, log
    assert "unable to open database file" in log, log
