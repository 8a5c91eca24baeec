"""What every command shares: choosing the database, one-line errors and exit codes."""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from dft.cli import main
from dft.cli.commands import causes
from dft.store.logs import log_file
from tests.cli.running import assert_one_line_error, run_dft


def test_bad_month_is_exit_2(db: str) -> None:
    assert_one_line_error(run_dft("summary", "--month", "October", "--db", db), 2, "YYYY-MM")
    assert_one_line_error(run_dft("list", "--month", "2026-13", "--db", db), 2, "YYYY-MM")
    assert_one_line_error(run_dft("list", "--category", "Weather", "--db", db), 2, "unknown")


def test_database_from_the_environment(tmp_path: Path) -> None:
    env_db = tmp_path / "from-env.sqlite3"
    result = run_dft("demo", "--deals", "5", env={"DFT_DATABASE": str(env_db)})
    assert result.returncode == 0, result.stderr
    assert str(env_db) in result.stdout
    flag_db = tmp_path / "from-flag.sqlite3"
    result = run_dft(
        "demo", "--deals", "5", "--db", str(flag_db), env={"DFT_DATABASE": str(env_db)}
    )
    assert str(flag_db) in result.stdout


def test_a_file_that_is_not_a_database_is_exit_1_with_a_clear_message(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database")
    result = run_dft("list", "--db", str(bogus))
    assert_one_line_error(result, 1, str(bogus), "not a DFT Tracker database")
    assert bogus.read_text() == "not a database"


SECRET_SQL = "INSERT INTO deals (client_name) VALUES ('Maria Lopez')"


def _break_causes(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(args: argparse.Namespace) -> int:
        raise RuntimeError(SECRET_SQL)

    monkeypatch.setattr(causes, "cmd_causes", broken)


def test_an_unexpected_error_is_one_plain_sentence_and_the_traceback_goes_to_the_log(
    db: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    _break_causes(monkeypatch)
    with caplog.at_level(logging.ERROR, logger="dft.cli"):
        assert main(["causes", "--db", db]) == 1
    log = log_file()
    assert capsys.readouterr().err == (
        f"dft causes: an unexpected error stopped the command; the details are in {log}"
        " (set DFT_DEBUG=1 to see them here).\n"
    )
    [record] = [r for r in caplog.records if r.name == "dft.cli"]
    assert record.getMessage() == "dft causes stopped by an unexpected error"
    assert record.exc_info is not None
    assert str(record.exc_info[1]) == SECRET_SQL
    # The traceback is in the owner-only log file, and only there.
    assert SECRET_SQL in log.read_text(encoding="utf-8")
    assert log.stat().st_mode & 0o777 == 0o600


def test_dft_debug_lets_the_unexpected_error_through(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _break_causes(monkeypatch)
    monkeypatch.setenv("DFT_DEBUG", "1")
    with pytest.raises(RuntimeError, match="INSERT INTO deals"):
        main(["causes", "--db", db])


def test_with_no_log_set_up_the_traceback_stays_off_the_terminal(db: str) -> None:
    # A process of its own: no pytest log handlers, as when a user runs the command.
    script = (
        "import sys\n"
        "import dft.cli.commands.causes as causes\n"
        "from dft.cli import main\n"
        "def broken(args):\n"
        f"    raise RuntimeError({SECRET_SQL!r})\n"
        "causes.cmd_causes = broken\n"
        f"sys.exit(main(['causes', '--db', {db!r}]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=120
    )
    assert_one_line_error(result, 1, "unexpected error stopped the command")
    assert "Maria Lopez" not in result.stderr
    assert "INSERT" not in result.stderr


def test_a_reader_that_stops_early_is_no_error(db: str) -> None:
    # `dft causes | head -1`: the pipe closes while the command still prints.
    lines = 200_000
    script = (
        "import sys\n"
        "import dft.cli.commands.causes as causes\n"
        "from dft.cli import main\n"
        "def chatty(args):\n"
        f"    for i in range({lines}):\n"
        "        print(f'line {i}')\n"
        "    return 0\n"
        "causes.cmd_causes = chatty\n"
        f"sys.exit(main(['causes', '--db', {db!r}]))\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        assert process.stdout.readline() == "line 0\n"
        process.stdout.close()  # as `head -1` does
        error = process.stderr.read()
        process.wait(timeout=120)
    assert error == ""
    assert process.returncode in (0, 1)


def test_dft_pauses_garbage_collection_until_its_database_is_open(
    db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import gc

    from dft.core import startup
    from dft.store import database as store

    opened = store.open_database
    collecting_while_opening: list[bool] = []

    def open_database(*args: object, **kwargs: object) -> object:
        collecting_while_opening.append(gc.isenabled())
        return opened(*args, **kwargs)

    monkeypatch.setattr(store, "open_database", open_database)
    monkeypatch.setattr(startup, "_modules_frozen", 0)
    monkeypatch.setattr(sys, "argv", ["dft", "list", "--db", db])
    try:
        assert main() == 0  # no arguments given: the process's own start
        assert collecting_while_opening == [False]
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.enable()
    capsys.readouterr()


def test_a_call_with_arguments_leaves_the_callers_garbage_collection_alone(db: str) -> None:
    import gc

    assert main(["list", "--db", db]) == 0
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
