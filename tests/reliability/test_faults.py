"""The app is never the reason data is lost: kills, damage, permissions, full disks, races."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event, func, select, text

from dft import cli
from dft.core.models import Deal
from dft.store import engine as engine_module
from dft.store.database import open_database
from dft.store.location import sqlite_url
from tests.factories import add_deal, connection_at_revision
from tests.reliability.conftest import python, write_csv

pytestmark = pytest.mark.slow


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def kill(process: subprocess.Popen[str]) -> None:
    """SIGKILL: no cleanup, no atexit, like a crash or a power cut for the process."""
    process.send_signal(signal.SIGKILL)
    process.communicate()


def count(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return int(connection.execute("SELECT count(*) FROM deals").fetchone()[0])
    finally:
        connection.close()


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    path = tmp_path / "faults.sqlite3"
    open_database(sqlite_url(path)).close()
    return path


def test_sigkill_in_the_middle_of_a_large_import_leaves_all_or_nothing(
    db_file: Path, tmp_path: Path
) -> None:
    rows = 120_000
    big = write_csv(tmp_path / "big.csv", rows)
    process = python("-m", "dft", "import", str(big), "--db", str(db_file))
    wal = db_file.with_name(db_file.name + "-wal")
    deadline = time.monotonic() + 60
    # Kill once the import has written a good part of its transaction.
    while time.monotonic() < deadline and process.poll() is None:
        if wal.exists() and wal.stat().st_size > 2_000_000:
            break
        time.sleep(0.01)
    assert process.poll() is None, "the import finished before it could be killed"
    kill(process)
    assert process.returncode == -signal.SIGKILL
    database = open_database(sqlite_url(db_file), daily_backup=False)
    database.close()
    assert count(db_file) in (0, rows)
    assert count(db_file) == 0  # killed before the commit: nothing at all


def test_sigkill_during_edits_loses_nothing_committed(db_file: Path) -> None:
    script = f"""
import sys
from datetime import date
from dft.core.deals import log_deal
from dft.core.deal_input import DealInput
from dft.core.taxonomy import find_cause
from dft.store.database import open_database
from dft.store.location import sqlite_url
db = open_database(sqlite_url(__import__("pathlib").Path({str(db_file)!r})), daily_backup=False)
for i in range(100000):
    with db.sessions.begin() as session:
        deal_id = log_deal(session, DealInput(client_name=f"Edit {{i}}", contract_value_cents=i,
                                              fell_through_on=date(2026, 1, 1),
                                              cause_id=find_cause(session, "Other").id))
    print(deal_id, flush=True)
"""
    process = python("-c", script)
    assert process.stdout is not None
    committed = []
    for line in process.stdout:
        committed.append(int(line))
        if len(committed) >= 300:
            break
    kill(process)
    with sqlite3.connect(db_file) as connection:
        stored = {row[0] for row in connection.execute("SELECT id FROM deals")}
    assert set(committed) <= stored
    assert count(db_file) >= len(committed)


@pytest.mark.parametrize("damage", ["truncated", "random-bytes"])
def test_a_damaged_file_gives_a_clear_error_and_stays_byte_for_byte(
    db_file: Path, damage: str, qapp: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_database(sqlite_url(db_file), daily_backup=False).sessions.begin() as session:
        for i in range(300):
            add_deal(session, client_name=f"Deal {i}", contract_number=f"D-{i}")
    data = db_file.read_bytes()
    for extra in db_file.parent.glob(f"{db_file.name}-*"):
        extra.unlink()
    if damage == "truncated":
        db_file.write_bytes(data[: len(data) // 3])
    else:
        db_file.write_bytes(os.urandom(len(data)))
    before = digest(db_file)

    result = subprocess.run(
        [sys.executable, "-m", "dft", "list", "--db", str(db_file)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert str(db_file) in result.stderr
    assert ("damaged" in result.stderr) or ("not an SQLite file" in result.stderr)
    assert digest(db_file) == before

    from dft.ui import app as app_module
    from dft.ui import ask
    from dft.ui.ask import OpenChoice

    shown = []
    monkeypatch.setattr(
        ask, "ask_after_open_error", lambda _p, error: shown.append(error) or OpenChoice.QUIT
    )
    assert app_module.open_with_dialogs(None, sqlite_url(db_file)) is None
    assert shown
    assert shown[0].location == str(db_file)
    assert digest(db_file) == before


def make_read_only(path: Path) -> None:
    """Read-only even for root: root ignores permission bits, but not the immutable flag."""
    if os.geteuid() != 0:
        path.chmod(0o555 if path.is_dir() else 0o444)
        return
    result = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
    if result.returncode != 0:
        pytest.skip(f"running as root and cannot make {path} immutable: {result.stderr!r}")


def make_writable(path: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(path)], capture_output=True, check=False)
    path.chmod(0o755 if path.is_dir() else 0o644)


@pytest.mark.parametrize("read_only", ["file", "folder"])
def test_read_only_file_or_folder_gives_a_clear_error(tmp_path: Path, read_only: str) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    path = folder / "ro.sqlite3"
    open_database(sqlite_url(path), daily_backup=False).close()
    for extra in folder.glob("ro.sqlite3-*"):
        extra.unlink()
    target = path if read_only == "file" else folder
    make_read_only(target)
    try:
        before = digest(path)
        result = subprocess.run(
            [sys.executable, "-m", "dft", "list", "--db", str(path)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert result.returncode == 1, result.stdout + result.stderr
        assert "Traceback" not in result.stderr
        assert "read-only" in result.stderr
        assert str(path) in result.stderr
        assert digest(path) == before
    finally:
        make_writable(target)


def test_a_full_disk_is_reported_and_nothing_is_half_written(
    db_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with sqlite3.connect(db_file) as connection:
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
    real = engine_module.create_database_engine

    def tiny_disk(*args: object, **kwargs: object) -> object:
        engine = real(*args, **kwargs)  # type: ignore[arg-type]

        @event.listens_for(engine, "connect")
        def _limit(dbapi_connection: object, _record: object) -> None:
            # SQLite's own "disk full": no page beyond this count can be written.
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 20}")  # type: ignore[attr-defined]

        return engine

    monkeypatch.setattr("dft.store.database.create_database_engine", tiny_disk)
    big = write_csv(tmp_path / "big.csv", 20_000)
    code = cli.main(["import", str(big), "--db", str(db_file)])
    error = capsys.readouterr().err
    assert code == 1
    assert "disk is full" in error
    assert "Traceback" not in error
    monkeypatch.undo()
    assert count(db_file) == 0


def test_a_database_from_a_newer_version_is_refused_and_unchanged(db_file: Path) -> None:
    with sqlite3.connect(db_file) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'ffff_future'")
    before = digest(db_file)
    result = subprocess.run(
        [sys.executable, "-m", "dft", "list", "--db", str(db_file)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "newer version of DFT Tracker" in result.stderr
    assert digest(db_file) == before


def test_a_database_from_the_first_migration_upgrades_with_every_row(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with connection_at_revision(sqlite_url(path), "0001") as connection:
        connection.execute(text("INSERT INTO categories (id, name) VALUES (1, 'Land')"))
        connection.execute(text("INSERT INTO causes (id, category_id, name) VALUES (1, 1, 'Soil')"))
        connection.execute(text("INSERT INTO salespeople (id, name) VALUES (1, 'Dana')"))
        connection.execute(
            text(
                "INSERT INTO deals (client_name, contract_number, contract_value_cents,"
                " fell_through_on, cause_id, salesperson_id, notes, created_at, updated_at)"
                " VALUES (:client, :number, :value, :fell, 1, 1, :notes,"
                " '2025-01-01', '2025-01-01')"
            ),
            [
                {"client": f"Old {i}", "number": f"O-{i}", "value": i * 101, "notes": f"n{i}",
                 "fell": date(2025, 1 + i % 12, 1 + i % 28)}
                for i in range(2000)
            ],
        )  # fmt: skip
        before = connection.execute(
            text("SELECT client_name, contract_number, contract_value_cents, fell_through_on,"
                 " notes FROM deals ORDER BY id")
        ).all()  # fmt: skip
    database = open_database(sqlite_url(path))
    try:
        assert database.upgraded_from == "0001"
        with database.sessions.begin() as session:
            after = session.execute(
                text("SELECT client_name, contract_number, contract_value_cents,"
                     " fell_through_on, notes FROM deals ORDER BY id")
            ).all()  # fmt: skip
        assert after == before
    finally:
        database.close()


def test_two_processes_writing_1000_deals_each_end_with_exactly_2000(db_file: Path) -> None:
    script = """
import sys
from datetime import date
from pathlib import Path
from dft.core.deals import log_deal
from dft.core.deal_input import DealInput
from dft.core.taxonomy import find_cause
from dft.store.database import open_database
from dft.store.location import sqlite_url
db = open_database(sqlite_url(Path(sys.argv[1])), daily_backup=False)
for i in range(1000):
    with db.sessions.begin() as session:
        log_deal(session, DealInput(client_name=f"{sys.argv[2]} {i}", contract_value_cents=i,
                                    fell_through_on=date(2026, 1, 1),
                                    contract_number=f"{sys.argv[2]}-{i}",
                                    cause_id=find_cause(session, "Other").id))
print("done")
"""
    first = python("-c", script, str(db_file), "A")
    second = python("-c", script, str(db_file), "B")
    outputs = [p.communicate(timeout=300) for p in (first, second)]
    for process, (out, err) in zip((first, second), outputs, strict=True):
        assert process.returncode == 0, err
        assert out.strip() == "done"
    assert count(db_file) == 2000


def test_restoring_a_backup_gives_back_exactly_the_backed_up_deals(
    db_file: Path, tmp_path: Path
) -> None:
    def snapshot() -> list[tuple[object, ...]]:
        with sqlite3.connect(db_file) as connection:
            return connection.execute(
                "SELECT id, client_name, contract_number, contract_value_cents, deleted_at"
                " FROM deals ORDER BY id"
            ).fetchall()

    database = open_database(sqlite_url(db_file), daily_backup=False)
    with database.sessions.begin() as session:
        for i in range(50):
            add_deal(session, client_name=f"Kept {i}", contract_number=f"K-{i}")
    database.close()
    backed_up = snapshot()
    backup = tmp_path / "manual.sqlite3"
    assert cli.main(["backup", "--to", str(backup), "--db", str(db_file)]) == 0
    database = open_database(sqlite_url(db_file), daily_backup=False)
    with database.sessions.begin() as session:
        for i in range(7):
            add_deal(session, client_name=f"Later {i}", contract_number=f"L-{i}")
        session.execute(text("DELETE FROM deals WHERE id <= 10"))
    database.close()
    assert snapshot() != backed_up
    assert cli.main(["restore", str(backup), "--db", str(db_file)]) == 0
    assert snapshot() == backed_up
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600


def test_check_reports_problems_with_a_non_zero_exit(db_file: Path) -> None:
    assert cli.main(["check", "--db", str(db_file)]) == 0
    with sqlite3.connect(db_file) as connection:
        connection.execute("PRAGMA foreign_keys = OFF")
        connection.execute(
            "INSERT INTO deals (client_name, contract_value_cents, fell_through_on, cause_id,"
            " created_at, updated_at) VALUES ('Orphan', 1, '2026-01-01', 999, '2026-01-01',"
            " '2026-01-01')"
        )
    assert cli.main(["check", "--db", str(db_file)]) == 1


def test_counts_match_after_everything(db_file: Path) -> None:
    database = open_database(sqlite_url(db_file), daily_backup=False)
    with database.sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(Deal)) == 0
    database.close()
