"""Team mode in the app: one PostgreSQL database, several people, a flaky network.

These tests stop and restart their server, so they have one of their own.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox, QInputDialog, QLineEdit, QMessageBox
from sqlalchemy import select
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError

from dft.core.deal_input import with_changes
from dft.core.deals import get_deal, update_deal
from dft.core.demo import generate_demo_data
from dft.core.models import Deal
from dft.store.database import open_database
from dft.store.location import sqlite_url, without_password
from dft.ui import app as app_module
from dft.ui import help_menu
from dft.ui.context import AppContext
from dft.ui.dialogs.deal_editor import DealEditorDialog
from dft.ui.dialogs.team_dialog import TeamDatabaseDialog
from dft.ui.main_window import MainWindow
from tests.postgres_server import PASSWORD, PostgresServer
from tests.ui.conftest import on_next_dialog

TODAY = date(2026, 11, 24)


def leaks(text: str) -> bool:
    return PASSWORD in text or quote(PASSWORD, safe="") in text


@pytest.fixture
def log_file() -> Iterator[Path]:
    root = logging.getLogger()
    before = list(root.handlers)
    path = app_module.configure_logging()
    yield path
    for handler in [h for h in root.handlers if h not in before]:
        root.removeHandler(handler)
        handler.close()


@pytest.fixture
def team_url(private_postgres_server: PostgresServer) -> Iterator[URL]:
    name = private_postgres_server.create_database()
    yield private_postgres_server.url(name)
    private_postgres_server.resume_if_paused()
    private_postgres_server.drop_database(name)


@pytest.fixture
def team_window(
    qtbot: Any,
    qapp: Any,
    team_url: URL,
    settings: QSettings,
    log_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[MainWindow]:
    monkeypatch.setenv("DFT_USER", "dana")
    database = app_module.open_with_dialogs(None, team_url)
    assert database is not None
    with database.sessions.begin() as session:
        generate_demo_data(session, deals=40, seed=2, today=TODAY)
    window = MainWindow(
        AppContext(database, settings, today=lambda: TODAY), open_database=lambda *_a: None
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()
    window.context.database.close()


def notes_in_database(url: URL, deal_id: int) -> str:
    database = open_database(url)
    try:
        with database.sessions.begin() as session:
            deal = session.get(Deal, deal_id)
            assert deal is not None
            return deal.notes
    finally:
        database.close()


def test_the_window_names_the_server_database_but_never_its_password(
    team_window: MainWindow, team_url: URL, settings: QSettings
) -> None:
    title = team_window.windowTitle()
    # The team database here holds sample data, and the title says so.
    assert title.endswith(f"{team_url.database} on 127.0.0.1 (sample data)")
    # Backups of a server database are the server's business (or dft copy's).
    assert not team_window.backup_action.isEnabled()
    assert not team_window.restore_action.isEnabled()
    assert team_window.check_action.isEnabled()
    label = team_window.database_label
    assert "***" in label.text()
    remembered = json.loads(str(settings.value("recentDatabases")))
    assert remembered[0] == without_password(team_url).render_as_string(hide_password=False)
    team_window.close()
    about = help_menu.about_html(team_window.context)
    for text in (title, label.text(), label.toolTip(), *remembered, about):
        assert not leaks(text), text
    assert not leaks(str(settings.value("lastDatabase")))


def test_a_second_users_save_shows_both_versions_and_the_user_decides(
    qtbot: Any, team_window: MainWindow, team_url: URL
) -> None:
    team_window.select_row(0)
    [deal_id] = team_window.selected_ids()
    shown: list[str] = []

    def decide(box: QMessageBox) -> None:
        shown.append(box.text() + box.informativeText())
        [save_mine] = [b for b in box.buttons() if b.text() == "Save mine"]
        save_mine.click()

    def edit(dialog: DealEditorDialog) -> None:
        # Marcus, at his own desk (his own connection), saves the same deal first.
        marcus = open_database(team_url)
        with marcus.sessions.begin() as session:
            theirs = get_deal(session, deal_id).input
            update_deal(session, deal_id, with_changes(theirs, notes="Theirs"), user="marcus")
        marcus.close()
        dialog.notes.setPlainText("Mine")
        on_next_dialog(QMessageBox, decide)
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    on_next_dialog(DealEditorDialog, edit)
    team_window.edit_deal_action.trigger()

    assert len(shown) == 1
    assert "changed by someone else" in shown[0]
    assert "Mine" in shown[0]
    assert "Theirs" in shown[0]
    assert notes_in_database(team_url, deal_id) == "Mine"
    database = open_database(team_url)
    with database.sessions.begin() as session:
        history = get_deal(session, deal_id).history
        notes = [(h.old_value, h.new_value, h.changed_by) for h in history if h.field == "Notes"]
    database.close()
    assert notes[0] == ("Theirs", "Mine", "dana")
    assert notes[1][1:] == ("Theirs", "marcus")


def test_a_lost_connection_keeps_what_was_typed_and_try_again_saves_it(
    qtbot: Any,
    team_window: MainWindow,
    team_url: URL,
    private_postgres_server: PostgresServer,
    log_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    team_window.select_row(0)
    [deal_id] = team_window.selected_ids()
    seen: list[tuple[str, str, str]] = []
    typed = "Client says the lender pulled out — call back Friday."

    def while_offline(editor: DealEditorDialog) -> Any:
        def answer(box: QMessageBox) -> None:
            seen.append((box.windowTitle(), box.text(), box.informativeText()))
            assert editor.isVisible()
            assert editor.notes.toPlainText() == typed  # nothing typed is lost
            if len(seen) == 1:
                box.buttons()[-1].click()  # "Keep editing": still offline
                return
            private_postgres_server.resume()
            [again] = [b for b in box.buttons() if b.text() == "Try again"]
            again.click()

        return answer

    def edit(editor: DealEditorDialog) -> None:
        editor.notes.setPlainText(typed)
        private_postgres_server.pause()
        on_next_dialog(QMessageBox, while_offline(editor))
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
        assert editor.isVisible()  # kept open, the text still in it
        assert editor.status_label.text() == "Not saved yet."
        on_next_dialog(QMessageBox, while_offline(editor))
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)

    on_next_dialog(DealEditorDialog, edit)
    team_window.edit_deal_action.trigger()

    assert len(seen) == 2
    title, text, more = seen[0]
    assert title == "Connection lost"
    assert "Cannot reach the database server at 127.0.0.1" in text
    assert "still in the form" in more
    assert notes_in_database(team_url, deal_id) == typed

    # What the user saw, the log, and what an unexpected error says: never the password.
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    app_module.install_error_handler(lambda: team_window)
    shown: list[str] = []
    monkeypatch.setattr(
        app_module.QMessageBox, "critical", staticmethod(lambda _p, _t, text: shown.append(text))
    )
    leaked = RuntimeError(f"driver said: {team_url.render_as_string(hide_password=False)}")
    sys.excepthook(RuntimeError, leaked, None)
    log = log_file.read_text(encoding="utf-8")
    assert "Not saved" in log
    assert "driver said" in log
    for text in (log, *shown, *(part for s in seen for part in s)):
        assert not leaks(text), text


def test_an_unreachable_server_at_start_offers_try_again(
    qtbot: Any, qapp: Any, team_url: URL, private_postgres_server: PostgresServer
) -> None:
    open_database(team_url).close()
    private_postgres_server.pause()
    seen: list[str] = []

    def answer(box: QMessageBox) -> None:
        seen.append(box.text() + "\n" + box.informativeText())
        private_postgres_server.resume()
        [again] = [b for b in box.buttons() if b.text() == "Try again"]
        again.click()

    on_next_dialog(QMessageBox, answer)
    database = app_module.open_with_dialogs(None, team_url)
    assert database is not None
    database.close()
    assert "Cannot reach the database server" in seen[0]
    assert "Nothing was changed" in seen[0]
    assert not leaks(seen[0])


def test_file_open_team_database_connects_with_a_typed_password_it_never_keeps(
    qtbot: Any, qapp: Any, team_url: URL, db_path: Path, settings: QSettings, log_file: Path
) -> None:
    window = app_module.build_main_window(open_database(sqlite_url(db_path)), settings)
    qtbot.addWidget(window)
    window.show()

    def fill(dialog: TeamDatabaseDialog) -> None:
        open_button = dialog.buttons.button(QDialogButtonBox.StandardButton.Open)
        dialog.host.clear()
        assert not open_button.isEnabled()  # no server, nothing to open
        qtbot.keyClicks(dialog.host, "127.0.0.1")
        dialog.port.setValue(int(team_url.port or 0))
        dialog.database.setText(str(team_url.database))
        dialog.user.setText(str(team_url.username))
        qtbot.keyClicks(dialog.password, PASSWORD)
        assert dialog.password.echoMode() == QLineEdit.EchoMode.Password
        qtbot.mouseClick(open_button, Qt.MouseButton.LeftButton)

    switched: list[str] = []
    window.databaseSwitched.connect(switched.append)
    on_next_dialog(TeamDatabaseDialog, fill)
    window.team_database_action.trigger()

    assert window.context.database.url.get_backend_name() == "postgresql"
    assert window.windowTitle().endswith(f"{team_url.database} on 127.0.0.1")
    recent = json.loads(str(settings.value("recentDatabases")))
    assert recent[0] == without_password(team_url).render_as_string(hide_password=False)
    window.close()
    window.context.database.close()
    for text in (*switched, *recent, window.windowTitle(), log_file.read_text(encoding="utf-8")):
        assert not leaks(text), text


def test_a_screen_reading_while_the_server_is_gone_says_so_plainly(
    team_window: MainWindow,
    private_postgres_server: PostgresServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    private_postgres_server.pause()
    # What a table scrolling on its own would hit.
    with pytest.raises(OperationalError) as caught, team_window.context.read_sessions() as session:
        session.execute(select(1))
    private_postgres_server.resume()
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    app_module.install_error_handler(lambda: team_window)
    warned: list[str] = []
    monkeypatch.setattr(
        app_module.QMessageBox, "warning", staticmethod(lambda _p, _t, text: warned.append(text))
    )
    sys.excepthook(OperationalError, caught.value, caught.value.__traceback__)
    assert len(warned) == 1
    assert "cannot reach the database server at 127.0.0.1" in warned[0]
    assert not leaks(warned[0])


def test_a_missing_or_refused_password_is_asked_for_and_never_kept(
    qtbot: Any, qapp: Any, team_url: URL, log_file: Path
) -> None:
    open_database(team_url).close()
    answers = ["not-" + PASSWORD, PASSWORD]
    prompts: list[str] = []

    def answer(dialog: QInputDialog) -> None:
        prompts.append(dialog.labelText())
        assert dialog.textEchoMode() == QLineEdit.EchoMode.Password
        dialog.setTextValue(answers[len(prompts) - 1])
        if len(prompts) < len(answers):
            on_next_dialog(QInputDialog, answer)
        dialog.accept()

    on_next_dialog(QInputDialog, answer)
    database = app_module.open_with_dialogs(None, without_password(team_url))
    assert database is not None
    database.close()
    assert prompts == [
        "Password for dft_test on 127.0.0.1:",
        "That password was refused. Password for dft_test on 127.0.0.1:",
    ]
    for text in (database.reopen_location, database.location, log_file.read_text("utf-8")):
        assert not leaks(text), text


def test_a_colleagues_new_deal_shows_on_refresh_and_on_coming_back(
    team_window: MainWindow, team_url: URL
) -> None:
    from tests.factories import add_deal

    def colleague_logs(number: str) -> None:
        marcus = open_database(team_url)
        with marcus.sessions.begin() as session:
            add_deal(session, contract_number=number)
        marcus.close()

    shown = team_window.deals_model.rowCount()
    colleague_logs("MARCUS-1")
    assert team_window.deals_model.rowCount() == shown  # nothing polls behind your back
    team_window.refresh_action.trigger()  # F5
    assert team_window.deals_model.rowCount() == shown + 1

    colleague_logs("MARCUS-2")
    team_window.window_activated(False, 100.0)  # a dialog opened...
    team_window.window_activated(True, 103.0)  # ...and closed: no reload
    assert team_window.deals_model.rowCount() == shown + 1
    team_window.window_activated(False, 200.0)  # away for a while
    team_window.window_activated(True, 260.0)
    assert team_window.deals_model.rowCount() == shown + 2
