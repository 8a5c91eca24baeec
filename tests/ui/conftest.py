"""Fixtures for the desktop app: a seeded database, isolated settings, a fixed today."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from dft.core.demo import generate_demo_data
from dft.store.database import Database
from dft.ui import ask
from dft.ui.context import AppContext
from dft.ui.main_window import MainWindow

TODAY = date(2026, 11, 24)
W = TypeVar("W", bound=QWidget)


@pytest.fixture(autouse=True)
def discard_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """A form closed with changes asks first; tests say Discard unless they ask otherwise
    (autouse, so it is still in place when qtbot closes the test's widgets)."""
    monkeypatch.setattr(ask, "confirm_discard_changes", lambda _parent: True)


@pytest.fixture
def seeded(database: Database) -> Database:
    with database.sessions.begin() as session:
        generate_demo_data(session, deals=300, seed=5, today=TODAY)
    return database


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def context(qapp: QApplication, seeded: Database, settings: QSettings) -> AppContext:
    return AppContext(seeded, settings, today=lambda: TODAY)


@pytest.fixture
def window(qtbot: Any, context: AppContext) -> Iterator[MainWindow]:
    main = MainWindow(context, open_database=lambda _parent, _location: None)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    yield main
    main.close()


def on_next_dialog(kind: type[W], handler: Callable[[W], None], attempts: int = 200) -> None:
    """Run ``handler`` on the next modal dialog of ``kind`` once it is open (exec blocks)."""

    def poll(left: int) -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind):
            handler(widget)
        elif left:
            QTimer.singleShot(10, lambda: poll(left - 1))

    QTimer.singleShot(0, lambda: poll(attempts))
