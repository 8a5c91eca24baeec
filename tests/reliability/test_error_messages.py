"""A value the database itself refuses (past the services' checks) is said in one plain
sentence naming the field, on the command line and in the window; the SQL, its
parameters and the row's other values go to the owner-only log file, nowhere else."""

from __future__ import annotations

import logging
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from dft import cli
from dft.core import deals as deal_service
from dft.core import lists
from dft.core.models import Deal, Salesperson
from dft.store.database import Database
from dft.store.logs import OwnerOnlyRotatingFileHandler, configure_logging, log_file
from dft.store.refusals import RefusedValueError, explain_refusal
from tests.conftest import BACKENDS

BOTH = pytest.mark.parametrize("backend", BACKENDS, indirect=True)
# What the refused row carried besides the field at fault: never shown.
SECRET = "Confidential-Ortega-4471"
SQL_WORDS = ("INSERT", "UPDATE", "SELECT", "[SQL", "parameters", "VALUES", "\\x")


def assert_plain(said: str, field: str) -> None:
    assert field in said, said
    for word in (*SQL_WORDS, SECRET):
        assert word not in said, said
    assert said.count("\n") <= 1, said


def refusal_of(session: Session, act: Any) -> DBAPIError:
    def write() -> None:
        with session.begin_nested():
            act()
            session.flush()

    with pytest.raises(DBAPIError) as caught:
        write()
    return caught.value


# -- The sentence -------------------------------------------------------------------------


@BOTH
@pytest.mark.parametrize(
    ("case", "field", "why"),
    [
        ("blank client", "client_name", "client name not blank"),
        ("missing client", "client_name", "is missing"),
        ("salesperson twice", "name", "already used by another salesperson"),
        ("negative value", "contract_value_cents", "contract value not negative"),
        ("dates backwards", "signed_on", "fell through not before signed"),
    ],
)
def test_a_refusal_names_the_field_and_nothing_else(
    session: Session, case: str, field: str, why: str
) -> None:
    from datetime import date

    row: dict[str, Any] = {
        "client_name": "Pat",
        "contract_value_cents": 1,
        "fell_through_on": date(2026, 10, 1),
        "notes": SECRET,
        "contract_number": SECRET,
    }
    lists.add_entry(session, Salesperson, SECRET)
    act = {
        "blank client": lambda: session.add(Deal(**{**row, "client_name": " "})),
        "missing client": lambda: session.add(Deal(**{**row, "client_name": None})),
        "salesperson twice": lambda: session.add(Salesperson(name=SECRET, retired=False)),
        "negative value": lambda: session.add(Deal(**{**row, "contract_value_cents": -5})),
        "dates backwards": lambda: session.add(Deal(**{**row, "signed_on": date(2027, 1, 1)})),
    }[case]
    error = refusal_of(session, act)
    explained = explain_refusal("the database", error)
    assert isinstance(explained, RefusedValueError)
    assert why in explained.message
    assert_plain(explained.message, field)
    assert SECRET in str(error)  # the driver's text, which no sentence may repeat


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_postgresql_names_the_column_too_long_or_holding_a_nul(session: Session) -> None:
    from datetime import date

    row: dict[str, Any] = {
        "client_name": "Pat",
        "contract_value_cents": 1,
        "fell_through_on": date(2026, 10, 1),
        "notes": SECRET,
    }
    error = refusal_of(session, lambda: session.add(Deal(**{**row, "lot": "L" * 61})))
    said = explain_refusal("db", error).message
    assert_plain(said, "lot")
    assert "longer than the 60 characters" in said
    error = refusal_of(session, lambda: session.add(Deal(**{**row, "stage": "St\x00age"})))
    said = explain_refusal("db", error).message
    assert_plain(said, "stage")
    assert "NUL" in said


# -- The command line -------------------------------------------------------------------


def _add(url: URL | Path, *extra: str) -> list[str]:
    return [
        "--db", str(url) if isinstance(url, Path) else url.render_as_string(hide_password=False),
        "add", "--client", "Pat Ortega", "--value", "1000", "--fell-through", "2026-10-03",
        "--cause", "Other/Other", "--notes", SECRET, "--contract", SECRET, "--create-names",
        *extra,
    ]  # fmt: skip


@pytest.fixture
def past_the_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Data that slipped past the services (an older version, a bug): only the database
    still refuses it."""
    monkeypatch.setattr(deal_service, "validate_deal_input", lambda *_a, **_k: [])


@BOTH
def test_the_command_line_says_one_sentence_and_logs_the_detail(
    backend: str,
    database_url: URL,
    past_the_checks: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A deal that fell through before it was signed: the CHECK both databases hold.
    assert cli.main(_add(database_url, "--signed", "2027-01-01")) == 1
    said = capsys.readouterr().err.strip()
    assert_plain(said, "signed_on")
    assert said.startswith("dft add: ")
    assert "nothing was saved" in said
    detail = log_file().read_text(encoding="utf-8")
    assert "INSERT INTO deals" in detail
    assert SECRET in detail
    assert stat.S_IMODE(log_file().stat().st_mode) == 0o600
    if backend == "postgresql":  # SQLite stores any length; PostgreSQL refuses
        assert cli.main(_add(database_url, "--lot", "L" * 61)) == 1
        said = capsys.readouterr().err.strip()
        assert_plain(said, "lot")
        assert "60 characters" in said


# -- The window ---------------------------------------------------------------------------


@pytest.fixture
def logging_to_file() -> Iterator[Path]:
    """The app's log file, as the app sets it up; taken down after the test."""
    path = configure_logging()
    yield path
    top = logging.getLogger("dft")
    for handler in [h for h in top.handlers if isinstance(h, OwnerOnlyRotatingFileHandler)]:
        top.removeHandler(handler)
        handler.close()


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch, logging_to_file: Path) -> list[str]:
    from PySide6.QtWidgets import QMessageBox

    said: list[str] = []
    for kind in ("warning", "critical"):
        monkeypatch.setattr(
            QMessageBox, kind, staticmethod(lambda _p, _t, message, *_a: said.append(message))
        )
    return said


@BOTH
def test_the_window_shows_one_sentence_from_the_runner_and_from_background_work(
    qtbot: Any, database: Database, tmp_path: Path, shown: list[str]
) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QWidget

    from dft.ui.context import AppContext
    from dft.ui.operations.runner import run, run_in_background

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    context = AppContext(database, settings)
    parent = QWidget()
    qtbot.addWidget(parent)

    def twice(session: Session) -> None:
        session.add(Salesperson(name="Dana Ortega", retired=False))
        session.flush()
        session.execute(
            text("INSERT INTO salespeople (name, retired) VALUES (:n, :r)"),
            {"n": "Dana Ortega", "r": False},
        )

    # The runner (every user action) and ask.warn.
    assert run(parent, context, lambda: context.write(twice)) is None
    assert_plain(shown[-1], "name")
    assert "already used by another salesperson" in shown[-1]

    # Work off the GUI thread (import, export, sample data) that hits the database raw.
    def work(_progress: Any) -> None:
        with context.sessions.begin() as session:
            twice(session)

    task = run_in_background(parent, context, "Working", "Working…", work, lambda _r: None)
    with qtbot.waitSignal(task.finished, timeout=30_000):
        pass
    assert_plain(shown[-1], "name")
    assert "INSERT INTO salespeople" in log_file().read_text(encoding="utf-8")


def test_an_unexpected_database_error_never_shows_its_text(
    qapp: Any, database: Database, monkeypatch: pytest.MonkeyPatch, shown: list[str]
) -> None:
    from dft.ui import app as app_module

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    app_module.install_error_handler(lambda: None)
    with database.sessions.begin() as session:
        try:
            session.execute(text(f"SELECT no_such_column FROM deals WHERE notes = '{SECRET}'"))
        except DBAPIError as error:
            sys.excepthook(type(error), error, error.__traceback__)
        try:
            session.execute(text("INSERT INTO salespeople (name) VALUES (:n)"), {"n": ""})
        except DBAPIError as error:
            sys.excepthook(type(error), error, error.__traceback__)
    assert len(shown) == 2
    for message in shown:
        for word in (*SQL_WORDS, SECRET, "no_such_column"):
            assert word not in message, message
    assert str(log_file()) in shown[0]
    assert "name" in shown[1]
