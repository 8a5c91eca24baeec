"""Starting the app: databases that cannot be opened, first run, sample data."""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox, QPushButton, QStyleFactory, QTabWidget
from sqlalchemy import func, select

from dft.core.models import Deal
from dft.store.database import DatabaseError, open_database
from dft.store.location import sqlite_url
from dft.ui import app as app_module
from dft.ui import ask
from dft.ui.ask import OpenChoice
from dft.ui.context import AppContext
from dft.ui.main_window import MainWindow
from dft.ui.operations import exchange
from tests.ui.conftest import TODAY, on_next_dialog


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_corrupt_database_shows_the_error_dialog_and_is_left_unchanged(
    qtbot: Any, qapp: Any, tmp_path: Path
) -> None:
    corrupt = tmp_path / "corrupt.sqlite3"
    corrupt.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 40)
    before = digest(corrupt)
    seen: dict[str, str] = {}

    def answer(box: QMessageBox) -> None:
        seen["title"] = box.windowTitle()
        seen["text"] = box.text() + "\n" + box.informativeText()
        quit_button = next(
            b for b in box.findChildren(QPushButton) if b.text() in ("Quit", "Cancel")
        )
        qtbot.mouseClick(quit_button, Qt.MouseButton.LeftButton)

    on_next_dialog(QMessageBox, answer)
    assert app_module.open_with_dialogs(None, sqlite_url(corrupt)) is None
    assert seen["title"] == "Cannot open the database"
    assert str(corrupt) in seen["text"]
    assert "damaged" in seen["text"]
    assert "not changed" in seen["text"]
    assert digest(corrupt) == before


def test_after_an_error_the_user_can_pick_another_file(
    qapp: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("hello")
    good = tmp_path / "good.sqlite3"
    errors: list[DatabaseError] = []

    def answer(_parent: Any, error: DatabaseError) -> OpenChoice:
        errors.append(error)
        return OpenChoice.OTHER

    monkeypatch.setattr(ask, "ask_after_open_error", answer)
    monkeypatch.setattr(ask, "ask_open_path", lambda *a, **k: str(good))
    database = app_module.open_with_dialogs(None, sqlite_url(bogus))
    assert database is not None
    try:
        assert database.path == good
        assert "not an SQLite file" in errors[0].message
        assert bogus.read_text() == "hello"
    finally:
        database.close()


@pytest.fixture
def empty_window(qtbot: Any, db_path: Path, settings: QSettings) -> Any:
    database = open_database(sqlite_url(db_path))
    window = MainWindow(AppContext(database, settings, today=lambda: TODAY), lambda *_a: None)
    qtbot.addWidget(window)
    window.show()
    yield window
    window.close()
    database.close()


def count(window: MainWindow) -> int:
    return window.context.read(lambda s: s.scalar(select(func.count()).select_from(Deal)))


def test_an_empty_database_offers_sample_data_which_loads_off_the_gui_thread(
    qtbot: Any, empty_window: MainWindow
) -> None:
    window = empty_window
    assert window.deals_stack.currentWidget() is window.welcome
    with qtbot.waitSignal(window.context.dataChanged, timeout=30_000):
        qtbot.mouseClick(window.welcome.sample_button, Qt.MouseButton.LeftButton)
    assert count(window) == 300
    assert window.deals_stack.currentWidget() is window.deals_page
    assert window.deals_model.rowCount() == 300


def test_cancelling_the_sample_data_writes_nothing(qtbot: Any, empty_window: MainWindow) -> None:
    window = empty_window
    task = exchange.load_sample_data(window, window.context, window.switch_to)
    assert task is not None
    task.cancel()
    with qtbot.waitSignal(task.finished, timeout=30_000):
        pass
    assert count(window) == 0
    assert window.deals_stack.currentWidget() is window.welcome


def test_the_welcome_text_is_shown_whole_at_the_default_size(
    qtbot: Any, empty_window: MainWindow
) -> None:
    empty_window.resize(1280, 780)
    text = empty_window.welcome.text
    qtbot.waitUntil(lambda: text.width() > 300)
    assert "the part you can fix" in text.text()
    assert text.height() >= text.heightForWidth(text.width())
    assert text.heightForWidth(text.width()) > 3 * text.fontMetrics().height()  # wrapped


@pytest.fixture
def real_window(qtbot: Any, db_path: Path, settings: QSettings) -> Any:
    """A window on a database holding one real deal, able to open other databases."""
    from dft.store.location import resolve_database_url
    from tests.factories import add_deal

    database = open_database(sqlite_url(db_path))
    with database.sessions.begin() as session:
        add_deal(session, client_name="Real Client", contract_number="REAL-1")
    opened: list[Any] = []

    def open_other(_parent: Any, location: str) -> Any:
        opened.append(open_database(resolve_database_url(location)))
        return opened[-1]

    window = MainWindow(AppContext(database, settings, today=lambda: TODAY), open_other)
    qtbot.addWidget(window)
    window.show()
    yield window
    window.close()
    window.context.database.close()
    database.close()


def test_sample_data_never_goes_into_a_database_with_deals(
    qtbot: Any, real_window: MainWindow, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = real_window
    asked: list[Path] = []
    monkeypatch.setattr(ask, "confirm_open_sample_database", lambda _p, where: asked.append(where))
    window.sample_action.trigger()  # answered no
    assert asked == [db_path.with_name("test-sample-data.sqlite3")]
    assert window.context.database.path == db_path
    assert count(window) == 1
    assert "sample data" not in window.windowTitle()


def test_sample_data_opens_in_a_separate_database_titled_as_such(
    qtbot: Any, real_window: MainWindow, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = real_window
    monkeypatch.setattr(ask, "confirm_open_sample_database", lambda _p, _where: True)
    sample = db_path.with_name("test-sample-data.sqlite3")
    with qtbot.waitSignal(window.context.dataChanged, timeout=30_000):
        window.sample_action.trigger()
    # Loaded in the background; the title follows once the window has read it back.
    title = "DFT Tracker — test-sample-data.sqlite3 (sample data)"
    qtbot.waitUntil(lambda: window.windowTitle() == title, timeout=30_000)
    assert count(window) == 300
    assert window.context.database.path == sample
    real = open_database(sqlite_url(db_path))
    try:
        with real.sessions.begin() as session:
            clients = session.scalars(select(Deal.client_name)).all()
        assert clients == ["Real Client"]  # untouched
    finally:
        real.close()
    window.switch_to(str(db_path))  # back to the real deals: no longer titled sample data
    assert window.windowTitle() == "DFT Tracker — test.sqlite3"


def test_log_your_first_deal_opens_the_editor(qtbot: Any, empty_window: MainWindow) -> None:
    from dft.ui.dialogs.deal_editor import DealEditorDialog

    opened: list[str] = []

    def close(dialog: DealEditorDialog) -> None:
        opened.append(dialog.windowTitle())
        dialog.reject()

    on_next_dialog(DealEditorDialog, close)
    qtbot.mouseClick(empty_window.welcome.new_button, Qt.MouseButton.LeftButton)
    assert opened == ["Log a lost deal"]


def test_unexpected_errors_are_logged_and_shown_briefly(
    qtbot: Any, qapp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = logging.getLogger()
    handlers_before = list(root.handlers)
    log_file = app_module.configure_logging()
    shown: list[str] = []
    monkeypatch.setattr(
        app_module.QMessageBox, "critical", staticmethod(lambda _p, _t, text: shown.append(text))
    )
    app_module.install_error_handler(lambda: None)
    import sys

    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        sys.excepthook = sys.__excepthook__
        for handler in [h for h in root.handlers if h not in handlers_before]:
            root.removeHandler(handler)
            handler.close()
    assert "boom" in shown[0]
    assert "Traceback" not in shown[0]
    assert "Traceback" in log_file.read_text()


def test_an_unexpected_error_says_where_the_log_is(
    qapp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from dft.store.location import user_log_dir

    shown: list[str] = []
    monkeypatch.setattr(
        app_module.QMessageBox, "critical", staticmethod(lambda _p, _t, text: shown.append(text))
    )
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    app_module.install_error_handler(lambda: None)
    sys.excepthook(RuntimeError, RuntimeError("boom"), None)
    assert len(shown) == 1
    assert str(user_log_dir()) in shown[0]


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[MainWindow]:
    """The windows app.run builds, as it builds them."""
    windows: list[MainWindow] = []
    real_build = app_module.build_main_window

    def build(database: Any, settings: Any) -> MainWindow:
        window = real_build(database, settings)
        windows.append(window)
        return window

    monkeypatch.setattr(app_module, "build_main_window", build)
    return windows


def run_keeping_the_log_handlers(db_path: Path, **options: Any) -> int:
    """app.run on ``db_path``; the log handlers it adds to the root logger are removed after."""
    root = logging.getLogger()
    handlers_before = list(root.handlers)
    try:
        return app_module.run(str(db_path), **options)
    finally:
        for handler in [h for h in root.handlers if h not in handlers_before]:
            root.removeHandler(handler)
            handler.close()


def test_run_opens_the_window_on_the_database_given(
    qapp: Any, db_path: Path, monkeypatch: pytest.MonkeyPatch, built: list[MainWindow]
) -> None:
    seen: dict[str, object] = {}

    def run_the_event_loop(*_a: object) -> int:
        [window] = built
        seen.update(visible=window.isVisible(), label=window.database_label.text())
        return 0

    monkeypatch.setattr(type(qapp), "exec", run_the_event_loop)
    assert run_keeping_the_log_handlers(db_path) == 0
    assert seen == {"visible": True, "label": str(db_path)}
    assert db_path.exists()
    assert app_module.settings_path().is_relative_to(Path.home())
    # Once the event loop is over the window is taken apart before Python's own exit.
    [window] = built
    assert not shiboken6.isValid(window)


def test_what_runs_when_shown_runs_once_the_window_is_on_screen(
    qtbot: Any, qapp: Any, db_path: Path, monkeypatch: pytest.MonkeyPatch, built: list[MainWindow]
) -> None:
    shown: list[bool] = []

    def run_the_event_loop(*_a: object) -> int:
        qtbot.waitUntil(lambda: bool(shown))
        return 0

    monkeypatch.setattr(type(qapp), "exec", run_the_event_loop)
    when_shown = lambda: shown.append(built[0].isVisible())  # noqa: E731
    assert run_keeping_the_log_handlers(db_path, when_shown=when_shown) == 0
    assert shown == [True]


def test_the_smoke_test_hook_says_when_the_window_is_shown_opens_every_tab_and_quits(
    qtbot: Any,
    qapp: Any,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    built: list[MainWindow],
) -> None:
    seen: list[tuple[int, int]] = []
    real_close_down = app_module.close_down

    def close_down(app: Any, window: MainWindow) -> None:
        tabs = window.findChild(QTabWidget)
        assert tabs is not None
        seen.append((tabs.currentIndex(), tabs.count()))
        real_close_down(app, window)

    monkeypatch.setattr(app_module, "close_down", close_down)
    quits: list[bool] = []
    monkeypatch.setenv(app_module.QUIT_AFTER_SHOWN, "0.1")
    # The test's own event loop stands in for the app's, which the hook would end for good.
    monkeypatch.setattr(type(qapp), "quit", lambda *_a: quits.append(True))
    monkeypatch.setattr(type(qapp), "exec", lambda *_a: qtbot.waitUntil(lambda: bool(quits)) or 0)
    assert run_keeping_the_log_handlers(db_path) == 0
    assert re.search(r"^dft: window shown at \d+\.\d{3}$", capsys.readouterr().err, re.M)
    [window] = built
    [(shown, count)] = seen
    assert shown == count - 1  # every tab was opened, the last one last
    assert not shiboken6.isValid(window)  # and the window taken apart after the event loop


@pytest.mark.parametrize("in_a_list", [False, True], ids=["check box", "list item"])
def test_an_unticked_box_is_visible_on_the_dark_palette(qtbot: Any, in_a_list: bool) -> None:
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QCheckBox, QListWidget, QListWidgetItem, QStyle, QWidget

    from dft.ui.theme import FusionStyle, dark_palette

    def box_contrast(style: QStyle) -> float:
        """How far the darkest/lightest pixel of the box's rectangle is from the base."""
        widget: QWidget
        if in_a_list:
            widget = QListWidget()
            item = QListWidgetItem("Land › Lot not buildable")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            widget.addItem(item)
        else:
            widget = QCheckBox("Known")
        qtbot.addWidget(widget)
        widget.setStyle(style)
        widget.setPalette(dark_palette())
        widget.resize(240, 40)
        image = widget.grab().toImage()
        base = QColor(dark_palette().color(dark_palette().ColorRole.Base)).lightness()
        # Only the box: the label starts after it.
        width = style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth) + (6 if in_a_list else 0)
        around = [
            QColor(image.pixel(x, y)).lightness() - base
            for x in range(width)
            for y in range(image.height())
        ]
        return max(abs(value) for value in around)

    fusion = QStyleFactory.create("Fusion")
    assert box_contrast(FusionStyle()) > box_contrast(fusion)
    assert box_contrast(FusionStyle()) >= 60


def test_the_application_hands_python_s_lock_to_the_gui_thread_quickly(qtbot: Any) -> None:
    import sys

    from dft.ui.app import GUI_SWITCH_INTERVAL, create_application

    before = sys.getswitchinterval()
    try:
        sys.setswitchinterval(0.005)
        create_application()
        assert sys.getswitchinterval() == pytest.approx(GUI_SWITCH_INTERVAL)
    finally:
        sys.setswitchinterval(before)
