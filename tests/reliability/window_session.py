"""A stretch of real use of the window, then Quit, in a process of its own.

``python -m tests.reliability.window_session DB CSV OUT_FOLDER [ROUNDS]`` starts
the app the way ``dft`` does (dft.ui.app.run), then, driven by timers as a user
would click, ROUNDS times: logs a deal, edits it, scrolls through the table,
filters it, opens the dashboard, reads the monthly report's preview and saves
the report (in the background), imports a small CSV and exports the deals;
then File > Quit. The
exit code is the app's; a crash at shutdown shows as a signal and a
"Fatal Python error" on stderr (see test_quit.py).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from dft.ui import app as app_module
from dft.ui import ask
from dft.ui.dialogs.deal_editor import DealEditorDialog
from dft.ui.dialogs.import_dialog import ImportDialog
from dft.ui.dialogs.report_dialog import MonthlyReportDialog
from dft.ui.main_window import DASHBOARD_TAB, DEALS_TAB, MainWindow

POLL_MS = 10
GIVE_UP_AFTER_POLLS = 6000  # a minute: a step that never comes stops the run, loudly


def fail(message: str) -> None:
    """Stop the run with ``message``: a step did not happen as it should."""
    print(f"window_session: {message}", file=sys.stderr)
    # A message box left open (an unexpected error, say) runs an event loop of its
    # own that exit() does not end: close every dialog so the run stops, not hangs.
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            widget.reject()
    QApplication.exit(3)


def when(ready: Callable[[], Any], then: Callable[[Any], None], what: str) -> None:
    """Call ``then(value)`` once ``ready()`` returns something truthy (polled, never slept)."""

    def poll(left: int) -> None:
        value = ready()
        if value:
            then(value)
        elif left:
            QTimer.singleShot(POLL_MS, lambda: poll(left - 1))
        else:
            fail(f"gave up waiting for {what}")

    QTimer.singleShot(0, lambda: poll(GIVE_UP_AFTER_POLLS))


def modal(kind: type[QDialog]) -> Callable[[], QDialog | None]:
    """A poll for the open modal dialog of ``kind``."""

    def find() -> QDialog | None:
        widget = QApplication.activeModalWidget()
        return widget if isinstance(widget, kind) else None

    return find


def main_window() -> MainWindow | None:
    """The app's window once it is shown."""
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, MainWindow) and widget.isVisible():
            return widget
    return None


class Session:
    """The steps, each started when the one before has finished."""

    def __init__(self, out: Path, rounds: int) -> None:
        self.out = out
        self.rounds = rounds
        self.round = 0
        self.window: MainWindow | None = None

    @property
    def main(self) -> MainWindow:
        assert self.window is not None
        return self.window

    def start(self, window: MainWindow) -> None:
        self.window = window
        self.new_round()

    def new_round(self) -> None:
        self.round += 1
        when(modal(DealEditorDialog), self.fill_new_deal, "the new-deal editor")
        QTimer.singleShot(0, self.main.new_deal_action.trigger)

    def fill_new_deal(self, dialog: DealEditorDialog) -> None:
        dialog.client_name.setText(f"Quitting Tester {self.round}")
        dialog.contract_number.setText(f"Q-{self.round}")
        dialog.contract_value.setText("412,500")
        dialog.category.setCurrentIndex(dialog.category.findText("Land"))
        dialog.cause.setCurrentIndex(dialog.cause.findText("Lot not buildable"))
        dialog.buttons.accepted.emit()
        when(lambda: QApplication.activeModalWidget() is None, self.edit, "the editor to close")

    def edit(self, _done: object) -> None:
        when(modal(DealEditorDialog), self.change_deal, "the edit dialog")
        QTimer.singleShot(0, self.main.edit_selected)

    def change_deal(self, dialog: DealEditorDialog) -> None:
        dialog.notes.setPlainText("Edited before quitting\nsecond line")
        dialog.lot.setText("14B")
        dialog.buttons.accepted.emit()
        when(lambda: QApplication.activeModalWidget() is None, self.filter, "the edit to save")

    def filter(self, _done: object) -> None:
        self.scroll_through_the_table()
        self.main.filter_bar.search.setText("Quitting")
        self.main.filter_bar.search.setText("")
        self.main.tabs.setCurrentIndex(DASHBOARD_TAB)
        when(lambda: self.main.dashboard.built, self.dashboard_shown, "the dashboard")

    def scroll_through_the_table(self) -> None:
        """Page down through every deal and back up, the table painted at each stop."""
        table = self.main.table
        rows = self.main.deals_model.rowCount()
        for row in [*range(0, rows, 20), *range(rows - 1, -1, -20)]:
            table.scrollTo(self.main.deals_model.index(row, 0))
            table.viewport().repaint()

    def dashboard_shown(self, _built: object) -> None:
        self.main.filter_bar.search.setText("a")
        self.main.dashboard.months.setCurrentIndex(1)
        self.main.tabs.setCurrentIndex(DEALS_TAB)
        when(modal(MonthlyReportDialog), self.read_report, "the report dialog")
        QTimer.singleShot(0, self.main.report_action.trigger)

    def read_report(self, dialog: MonthlyReportDialog) -> None:
        dialog.month.setCurrentIndex(2)  # its preview builds in the background
        when(lambda: not dialog.building, lambda _built: self.save_report(dialog), "the preview")

    def save_report(self, dialog: MonthlyReportDialog) -> None:
        dialog.save()  # in the background; ask_save_path answers with OUT/report.pdf
        when(
            lambda: "Saved" in dialog.status.text(),
            lambda _saved: self.close_report(dialog),
            "the report to be saved",
        )

    def close_report(self, dialog: MonthlyReportDialog) -> None:
        dialog.close_button.click()
        when(lambda: QApplication.activeModalWidget() is None, self.import_file, "the report")

    def import_file(self, _done: object) -> None:
        when(modal(ImportDialog), self.run_import, "the import dialog")
        QTimer.singleShot(0, self.main.import_action.trigger)

    def run_import(self, dialog: ImportDialog) -> None:
        when(dialog.next_button.isEnabled, lambda _: self.read_causes(dialog), "the columns")

    def read_causes(self, dialog: ImportDialog) -> None:
        dialog.next_button.click()
        when(
            lambda: (
                dialog.pages.currentWidget() is dialog.values_page
                and dialog.import_button.isEnabled()
            ),
            lambda _: self.import_now(dialog),
            "the file's causes",
        )

    def import_now(self, dialog: ImportDialog) -> None:
        dialog.import_button.click()
        when(
            lambda: dialog.pages.currentWidget() is dialog.summary_page,
            lambda _: self.close_import(dialog),
            "the import",
        )

    def close_import(self, dialog: ImportDialog) -> None:
        dialog.close_button.click()
        when(lambda: QApplication.activeModalWidget() is None, self.export, "the import dialog")

    def export(self, _done: object) -> None:
        exported = self.out / "dft-deals.xlsx"
        exported.unlink(missing_ok=True)
        self.main.export_action.trigger()
        when(exported.exists, self.exported, "the export")

    def exported(self, _exported: object) -> None:
        when(lambda: QApplication.activeModalWidget() is None, self.next_round, "the export")

    def next_round(self, _idle: object) -> None:
        """Another round, or File > Quit after the last one."""
        if self.round < self.rounds:
            self.new_round()
        else:
            self.main.quit_action.trigger()


def answer_questions(csv_path: Path, out: Path) -> None:
    """The file dialogs and questions a user would answer, answered."""
    ask.ask_open_path = lambda *_a, **_k: str(csv_path)

    def save_path(
        parent: QWidget | None, title: str, place: object, suggested: str, filters: str
    ) -> str:
        return str(out / ("report.pdf" if "report" in title.lower() else suggested))

    ask.ask_save_path = save_path
    ask.confirm_new_names = lambda *_a, **_k: True


def main(argv: list[str]) -> int:
    database, csv_path, out = argv[0], Path(argv[1]), Path(argv[2])
    rounds = int(argv[3]) if len(argv) > 3 else 1
    answer_questions(csv_path, out)
    session = Session(out, rounds)
    app_module.create_application()
    when(main_window, session.start, "the main window")
    return app_module.run(database)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
