"""The key-encryption key file and the database file (issue 10 §2): the
server refuses a KEK file that others may read, that another user owns or
that is a symlink, saying which and how to fix it, as ssh does with private
keys; a database it creates is 0600."""

import os
import stat

import pytest


def start_fails(server):
    proc = server.spawn()
    assert proc.wait(timeout=20) != 0
    return server.log_text()


@pytest.mark.parametrize("mode,who", [(0o640, "its group"), (0o604, "others"),
                                      (0o660, "its group")])
def test_kek_file_readable_by_others_is_refused(make_server, mode, who):
    server = make_server()
    assert server.stop() == 0
    server.kek_path.chmod(mode)
    log = start_fails(server)
    assert str(server.kek_path) in log and who in log
    assert f"chmod 600 {server.kek_path}" in log
    server.kek_path.chmod(0o600)
    server.start()


def test_kek_file_symlink_is_refused(make_server, tmp_path):
    server = make_server()
    assert server.stop() == 0
    real = tmp_path / "real.kek"
    server.kek_path.rename(real)
    os.symlink(real, server.kek_path)
    log = start_fails(server)
    assert "symbolic link" in log


def test_kek_file_of_another_user_is_refused(make_server):
    if os.geteuid() != 0:
        pytest.skip("changing a file's owner needs root")
    server = make_server()
    assert server.stop() == 0
    os.chown(server.kek_path, 65534, -1)
    log = start_fails(server)
    assert "owned by uid 65534" in log and "chown" in log


@pytest.mark.sqlite_only("the mode of the SQLite file")
def test_new_database_file_is_private(make_server):
    server = make_server()
    assert stat.S_IMODE(server.db_path.stat().st_mode) == 0o600
