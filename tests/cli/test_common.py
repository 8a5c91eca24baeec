"""What every command shares: choosing the database, one-line errors and exit codes."""

from __future__ import annotations

from pathlib import Path

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
