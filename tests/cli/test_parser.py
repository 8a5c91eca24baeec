"""The argument tree: version, help, usage errors, and what a command imports."""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys
from pathlib import Path

import pytest

from dft import __version__
from dft.cli.parser import WINDOW, build_parser, load_handler
from dft.store.database import open_database
from dft.store.location import sqlite_url
from tests.cli.running import assert_one_line_error, run_dft


def test_version() -> None:
    result = run_dft("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"dft {__version__}"


def test_a_missing_required_flag_is_one_line_and_exit_2(db: str) -> None:
    assert_one_line_error(run_dft("add", "--db", db, "--client", "Pat"), 2, "required")


def _modules_loaded_by(argv: list[str], watched: tuple[str, ...]) -> list[str]:
    """Which of ``watched`` a process running ``dft *argv`` has imported by the end."""
    script = (
        "import sys\n"
        "from dft.cli import main\n"
        "try:\n"
        "    main(sys.argv[1:])\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print('LOADED', sorted(m for m in {watched!r} if m in sys.modules), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, *argv],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    [line] = [line for line in result.stderr.splitlines() if line.startswith("LOADED")]
    return list(ast.literal_eval(line.removeprefix("LOADED ")))


@pytest.mark.parametrize(
    "argv",
    [["--version"], ["--help"], ["summary", "--help"], ["list", "--help"], ["call", "--help"]],
)
def test_version_and_help_import_no_sqlalchemy(argv: list[str]) -> None:
    assert _modules_loaded_by(argv, ("sqlalchemy", "dft.core.models", "dft.store")) == []


HEAVY = (
    "sqlalchemy.orm",
    "dft.analytics",
    "dft.reports",
    "dft.exchange",
    "dft.ui",
    "PySide6",
    "matplotlib",
    "reportlab",
    "openpyxl",
    "alembic",
    # 40 ms of each start on SQLite (dft/core/dialects.py partial_index)
    "sqlalchemy.dialects.postgresql",
)


@pytest.mark.parametrize(
    ("argv", "needed"),
    [
        (["summary", "--month", "2026-10"], ["dft.analytics", "sqlalchemy.orm"]),
        (["list", "--month", "2026-10"], ["sqlalchemy.orm"]),
        (["causes"], ["sqlalchemy.orm"]),
    ],
)
def test_a_command_imports_only_what_it_needs(
    tmp_path: Path, argv: list[str], needed: list[str]
) -> None:
    path = tmp_path / "existing.sqlite3"
    open_database(sqlite_url(path)).close()  # created and migrated: the common case
    assert _modules_loaded_by([*argv, "--db", str(path)], HEAVY) == needed


def test_every_command_names_a_handler_that_exists() -> None:
    [commands] = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    for name, command in commands.choices.items():
        assert callable(load_handler(command.get_default("handler"))), name
    assert callable(load_handler(WINDOW))


def test_the_window_imports_the_database_layer_before_qt() -> None:
    # PySide6's import hook reads the source of every module imported after it.
    script = (
        "import sys\n"
        "class Watch:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'dft.ui.app':\n"
        "            print('BEFORE', sorted(m for m in ('sqlalchemy.orm', 'dft.core.models',"
        " 'PySide6') if m in sys.modules), file=sys.stderr)\n"
        "            sys.exit(0)\n"
        "sys.meta_path.insert(0, Watch())\n"
        "from dft.cli import main\n"
        "main(['--db', sys.argv[1]])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, "unused.sqlite3"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    [line] = [line for line in result.stderr.splitlines() if line.startswith("BEFORE")]
    assert ast.literal_eval(line.removeprefix("BEFORE ")) == ["dft.core.models", "sqlalchemy.orm"]
