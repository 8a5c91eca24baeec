"""Shared fixtures. Every test runs with its own data, config and log folders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

# Before anything can load Qt: tests never need a display.
os.environ["QT_QPA_PLATFORM"] = "offscreen"

import pytest
from sqlalchemy.orm import Session

from dft.store.database import Database, open_database
from dft.store.location import sqlite_url


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "qtbot" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.gui)


@pytest.fixture(autouse=True)
def isolated_user_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the developer's own database, settings and logs out of reach."""
    home = tmp_path / "home"
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        folder = home / name.lower()
        folder.mkdir(parents=True)
        monkeypatch.setenv(name, str(folder))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("DFT_DATABASE", raising=False)
    return home


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    folder = tmp_path / "db"
    folder.mkdir()
    return folder / "test.sqlite3"


@pytest.fixture
def database(db_path: Path) -> Iterator[Database]:
    db = open_database(sqlite_url(db_path))
    yield db
    db.close()


@pytest.fixture
def session(database: Database) -> Iterator[Session]:
    """One transaction for the whole test, committed at its end."""
    with database.sessions.begin() as session:
        yield session
