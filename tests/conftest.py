"""Shared fixtures. Every test runs with its own data, config and log folders."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path

# Before anything can load Qt: tests never need a display.
os.environ["QT_QPA_PLATFORM"] = "offscreen"

import pytest
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from dft.core import identity
from dft.store.database import Database, open_database
from dft.store.location import sqlite_url
from tests.postgres_server import (
    REQUIRE_VARIABLE,
    TEMPLATE,
    PostgresServer,
    ServerUnavailable,
    start_server,
)

BACKENDS = ("sqlite", "postgresql")
# Store, services, analytics, import/export and reports run on both databases; the
# GUI, CLI and fault tests stay on SQLite (their PostgreSQL paths have their own tests).
BOTH_BACKENDS_DIRS = frozenset({"core", "store", "analytics", "exchange", "reports"})
TESTS_DIR = Path(__file__).resolve().parent


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("sqlite_only"):
        return
    folder = Path(metafunc.definition.path).resolve().relative_to(TESTS_DIR).parts[0]
    if folder in BOTH_BACKENDS_DIRS:
        metafunc.parametrize("backend", BACKENDS, indirect=True)


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
    for name in ("PGPASSWORD", "PGPASSFILE", "PGSERVICE", "PGSERVICEFILE", "DFT_USER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(identity, "_chosen_name", None)
    return home


def _start_postgres_or_skip() -> PostgresServer:
    try:
        return start_server()
    except ServerUnavailable as exc:
        if os.environ.get(REQUIRE_VARIABLE):
            pytest.fail(f"{REQUIRE_VARIABLE} is set but PostgreSQL cannot start: {exc}")
        pytest.skip(f"PostgreSQL tests skipped: {exc}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server of the tests' own; skipped without one, unless CI requires it."""
    server = _start_postgres_or_skip()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def private_postgres_server() -> Iterator[PostgresServer]:
    """A server for one module's tests alone: they stop and restart it."""
    server = _start_postgres_or_skip()
    yield server
    server.stop()


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """Which database a test runs on; tests outside BOTH_BACKENDS_DIRS use SQLite."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    folder = tmp_path / "db"
    folder.mkdir()
    return folder / "test.sqlite3"


@pytest.fixture
def new_database_url(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[[], URL]]:
    """Makes empty databases on the test's backend; PostgreSQL ones are dropped after."""
    made: list[str] = []
    server: PostgresServer | None = None
    numbers = itertools.count()

    def make() -> URL:
        nonlocal server
        if backend == "sqlite":
            folder = tmp_path / "db"
            folder.mkdir(exist_ok=True)
            return sqlite_url(folder / f"extra-{next(numbers)}.sqlite3")
        server = server or request.getfixturevalue("postgres_server")
        made.append(server.create_database())
        return server.url(made[-1])

    yield make
    for name in made:
        assert server is not None
        server.drop_database(name)


@pytest.fixture
def database_url(backend: str, db_path: Path, new_database_url: Callable[[], URL]) -> URL:
    """An empty database: a SQLite file, or a new database on the test PostgreSQL server."""
    return sqlite_url(db_path) if backend == "sqlite" else new_database_url()


@pytest.fixture(scope="session")
def postgres_template(postgres_server: PostgresServer) -> str:
    """A new, seeded database to clone: a clone opens without creating the schema again.

    The path that creates the schema on PostgreSQL has its own tests
    (tests/store/test_postgresql.py and every test using ``database_url``).
    """
    open_database(postgres_server.url(postgres_server.create_database(name=TEMPLATE))).close()
    return TEMPLATE


@pytest.fixture
def database(backend: str, db_path: Path, request: pytest.FixtureRequest) -> Iterator[Database]:
    """An open, new database (seeded with the default causes) on the test's backend."""
    server: PostgresServer | None = None
    if backend == "sqlite":
        url = sqlite_url(db_path)
    else:
        server = request.getfixturevalue("postgres_server")
        url = server.url(
            server.create_database(template=request.getfixturevalue("postgres_template"))
        )
    db = open_database(url)
    yield db
    db.close()
    if server is not None:
        server.drop_database(str(url.database))


@pytest.fixture
def session(database: Database) -> Iterator[Session]:
    """One transaction for the whole test, committed at its end."""
    with database.sessions.begin() as session:
        yield session
