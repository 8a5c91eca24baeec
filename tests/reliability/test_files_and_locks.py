"""What the app leaves on disk and says when the file is not its own to use right now:
no stray -wal/-shm files, nothing beside a device, no forgotten copies of a half-made
backup, an owner-only log, and the app's own words when another program holds the lock."""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dft import cli
from dft.core.models import Deal
from dft.store import engine as engine_module
from dft.store.backup import default_backup_dir, list_backups
from dft.store.database import open_database
from dft.store.errors import DatabaseBusyError
from dft.store.location import sqlite_url
from tests.factories import add_deal
from tests.reliability.conftest import ROOT, python

BUSY = "the database is busy: another program is writing to it"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "files.sqlite3"
    path.parent.mkdir()
    database = open_database(sqlite_url(path), daily_backup=False)
    with database.sessions.begin() as session:
        for i in range(20):
            add_deal(session, client_name=f"Client {i}", contract_number=f"F-{i}")
    database.close()
    return path


def beside(path: Path) -> set[str]:
    return {p.name for p in path.parent.iterdir()}


def test_check_and_backup_leave_no_wal_or_shm_files(
    db_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert beside(db_file) == {db_file.name}
    assert cli.main(["check", "--db", str(db_file)]) == 0
    assert beside(db_file) == {db_file.name}
    assert cli.main(["backup", "--db", str(db_file)]) == 0
    assert beside(db_file) == {db_file.name, default_backup_dir(db_file).name}
    backups = default_backup_dir(db_file)
    assert not [name for name in os.listdir(backups) if name.endswith(("-wal", "-shm"))]
    capsys.readouterr()


@pytest.fixture
def device(tmp_path: Path) -> Path:
    """A character device like /dev/null, in a folder of the test's own when allowed."""
    path = tmp_path / "devices" / "null"
    path.parent.mkdir()
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        path = Path("/dev/null")
    return path


@pytest.mark.parametrize(
    "command",
    [["list"], ["check"], ["backup"], ["demo", "--deals", "3"],
     ["add", "--client", "X", "--value", "1", "--fell-through", "2026-01-05",
      "--cause", "Other/Other"]],
)  # fmt: skip
def test_a_device_is_refused_and_nothing_is_created_beside_it(
    device: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    before = beside(device)
    assert cli.main([*command, "--db", str(device)]) == 1
    error = capsys.readouterr().err
    assert f"{device}: this is a device, pipe or socket, not a database file" in error
    assert beside(device) == before


def test_a_folder_given_as_the_database_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    assert cli.main(["list", "--db", str(folder)]) == 1
    assert "this is a folder, not a database file" in capsys.readouterr().err
    assert list(folder.iterdir()) == []


def test_backing_up_onto_a_device_is_refused(
    db_file: Path, device: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = beside(device)
    assert cli.main(["backup", "--to", str(device), "--db", str(db_file)]) == 1
    assert "is not a regular file" in capsys.readouterr().err
    assert beside(device) == before


INTERRUPTED_BACKUP = """
import os, signal, sys
from pathlib import Path
from dft.store.backup import backup_sqlite_file

real_replace = Path.replace

def killed(self, target):
    if self.name.endswith(".partial"):
        print("copied", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)  # like a crash between the copy and the rename
    return real_replace(self, target)

Path.replace = killed
backup_sqlite_file(Path(sys.argv[1]))
"""


def interrupt_a_backup(db_file: Path) -> list[Path]:
    """Run a backup in a process killed once its copy is written; returns its leftovers."""
    process = python("-c", INTERRUPTED_BACKUP, str(db_file), cwd=str(ROOT))
    out, err = process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL, err
    assert out.strip() == "copied"
    return sorted(default_backup_dir(db_file).glob(".*.partial*"))


@pytest.mark.slow
def test_an_interrupted_backup_is_owner_only_and_cleaned_up_by_the_next_backup_or_open(
    db_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.umask(0o022)
    leftovers = interrupt_a_backup(db_file)
    assert leftovers, "the killed backup left nothing to clean"
    for leftover in leftovers:
        assert mode(leftover) == 0o600, leftover
    folder = default_backup_dir(db_file)
    assert mode(folder) == 0o700

    assert cli.main(["backup", "--db", str(db_file)]) == 0
    capsys.readouterr()
    assert list(folder.glob(".*partial*")) == []
    assert len(list_backups(folder)) == 2  # the daily one of the open, and this one

    assert interrupt_a_backup(db_file)
    open_database(sqlite_url(db_file), daily_backup=False).close()
    assert list(folder.glob(".*partial*")) == []


def test_a_backup_being_written_by_another_process_is_left_alone(db_file: Path) -> None:
    import fcntl

    from dft.store.backup import remove_interrupted_backups

    folder = default_backup_dir(db_file)
    folder.mkdir(mode=0o700)
    busy = folder / ".files-busy-manual.sqlite3.partial"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import fcntl, os, sys, time\n"
         f"fd = os.open({str(busy)!r}, os.O_CREAT | os.O_WRONLY, 0o600)\n"
         "fcntl.flock(fd, fcntl.LOCK_EX)\nprint('held', flush=True)\ntime.sleep(60)\n"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        dead = folder / ".files-dead-manual.sqlite3.partial"
        dead.write_bytes(b"x")
        journal = folder / ".files-dead-manual.sqlite3.partial-journal"
        journal.write_bytes(b"x")
        assert sorted(remove_interrupted_backups(folder)) == sorted([dead, journal])
        assert busy.exists()
    finally:
        holder.kill()
        holder.communicate()
    assert fcntl  # the lock this relies on exists here
    assert remove_interrupted_backups(folder) == [busy]


def test_a_write_waiting_for_another_programs_import_ends_in_the_apps_words(
    db_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_SECONDS", 1)
    importer = sqlite3.connect(db_file, isolation_level=None)
    try:
        importer.execute("BEGIN IMMEDIATE")  # a long import holds the write lock
        importer.execute("INSERT INTO settings (key, value) VALUES ('importing', '1')")
        add = ["add", "--client", "Waiting", "--value", "1", "--fell-through", "2026-01-05",
               "--cause", "Other/Other"]  # fmt: skip
        assert cli.main([*add, "--db", str(db_file)]) == 1
        error = capsys.readouterr().err
        assert f"{db_file}: {BUSY}" in error
        assert "try again in a moment" in error
        assert "locked" not in error
        # Opening and reading do not wait for the writer.
        database = open_database(sqlite_url(db_file))
        try:
            with database.read_sessions.begin() as session:
                assert session.scalar(select(func.count()).select_from(Deal)) == 20
            with (
                pytest.raises(DatabaseBusyError, match="try again in a moment"),
                database.sessions.begin() as session,
            ):
                add_deal(session, client_name="Waiting too", contract_number="W-2")
        finally:
            database.close()
    finally:
        importer.execute("ROLLBACK")
        importer.close()


@pytest.mark.slow
def test_the_log_file_is_owner_only_whatever_the_umask(tmp_path: Path) -> None:
    script = """
import logging, os
os.umask(0)
from dft.store.logs import configure_logging
path = configure_logging()
log = logging.getLogger("dft.reliability")
log.error("a traceback with a client's name would go here")
handler = [h for h in logging.getLogger("dft").handlers if hasattr(h, "doRollover")][0]
handler.doRollover()
log.error("after rotating")
print(path)
"""
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=ROOT,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    log_file = Path(result.stdout.strip())
    assert log_file.is_relative_to(tmp_path)
    files = sorted(log_file.parent.iterdir())
    assert [f.name for f in files] == ["dft.log", "dft.log.1"]
    for file in files:
        assert mode(file) == 0o600, file
    assert mode(log_file.parent) == 0o700
