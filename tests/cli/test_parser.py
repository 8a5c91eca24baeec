"""The argument tree: version, help, usage errors."""

from __future__ import annotations

from dft import __version__
from tests.cli.running import assert_one_line_error, run_dft


def test_version() -> None:
    result = run_dft("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"dft {__version__}"


def test_a_missing_required_flag_is_one_line_and_exit_2(db: str) -> None:
    assert_one_line_error(run_dft("add", "--db", db, "--client", "Pat"), 2, "required")
