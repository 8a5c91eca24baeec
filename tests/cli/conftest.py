"""Fixtures of the command-line tests (SQLite: team mode has tests/cli/test_team.py)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def db(tmp_path: Path) -> str:
    """Where a test's database file goes; the first command creates it."""
    return str(tmp_path / "cli.sqlite3")
