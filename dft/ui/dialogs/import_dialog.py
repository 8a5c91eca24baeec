"""File > Import: columns, then where each cause value goes, then what came in (with Undo).

Three pages: the columns (dft/ui/dialogs/import_columns.py), the cause values
(import_values.py) and the summary (import_summary.py). Reading the whole file
for its values and importing it run off the GUI thread with progress and
Cancel; the import is all or nothing, so Cancel (or one bad row) leaves the
database as it was. Nothing here names a command-line flag.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import OperationalError

from dft.core.errors import DftError
from dft.core.imported import ImportedRecords, Removed
from dft.core.taxonomy import CategoryInfo, list_taxonomy
from dft.exchange.columns import header_signature, label
from dft.exchange.importer import ImportResult, import_file
from dft.exchange.plan import ImportOptions, ImportPlan, plan_import
from dft.exchange.problems import ImportCancelled, ImportFailed, ProblemKind
from dft.exchange.reading import read_table
from dft.exchange.remembered import find_remembered
from dft.store.database import explain_operational_error
from dft.ui import ask
from dft.ui.context import AppContext
from dft.ui.dialogs.import_columns import PREVIEW_ROWS, ColumnsPage, wrapped
from dft.ui.dialogs.import_summary import SummaryPage
from dft.ui.dialogs.import_values import ValuesPage
from dft.ui.worker import BackgroundTask, Cancelled, Progress

log = logging.getLogger(__name__)

# Undo an import: (what it added, what to do once it is taken back).
UndoImport = Callable[[ImportedRecords, Callable[[Removed], None]], object]

CANCELLED = "Cancelled; nothing was imported."
HINTS = {
    ProblemKind.CAUSE_NOT_MAPPED: "choose a cause for it in the table",
    ProblemKind.CATEGORY_UNKNOWN: (
        "choose a cause for it in the table, or go back and tick "
        "“Add causes that are not in the list yet”"
    ),
    ProblemKind.NEW_CAUSE_NOT_ALLOWED: "choose a cause in the list for it",
    ProblemKind.NAME_TOO_LONG: "choose a cause in the list for it",
}


def problem_lines(failed: ImportFailed) -> list[str]:
    """Each distinct problem in one line, with what to do about a cause value."""
    lines = []
    for group in failed.groups:
        hint = HINTS.get(group.kind)
        lines.append(f"{group.message} — {hint}." if hint else f"{group.message}.")
    if failed.more_groups:
        lines.append(f"… and {failed.more_groups:,} more problems.")
    if any(g.kind not in HINTS for g in failed.groups):
        lines.append("Correct these in the file and import it again; nothing was imported.")
    return lines


class ImportDialog(QDialog):
    """Import one file: its columns, where each cause value goes, then what came in."""

    def __init__(
        self,
        context: AppContext,
        path: Path,
        parent: QWidget | None = None,
        *,
        undo: UndoImport | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._undo = undo
        self.path = path
        self.plan: ImportPlan | None = None
        self.import_result: ImportResult | None = None
        self.undone: Removed | None = None
        self.task: BackgroundTask | None = None
        self._guidance = ""
        self.setWindowTitle(f"Import {path.name}")
        table = read_table(path)
        try:
            headers = [h.strip() if isinstance(h, str) else str(h) for h in table.headers]
            rows: list[tuple[int, list[object]]] = []
            for number, values in table.rows:
                rows.append((number, list(values)))
                if len(rows) >= PREVIEW_ROWS:
                    break
        finally:
            table.close()
        remembered = context.read(lambda s: find_remembered(s, header_signature(headers)))

        self.columns_page = ColumnsPage(context, path, headers, rows, remembered)
        self.values_page = ValuesPage()
        self.summary_page = SummaryPage()
        self.pages = QStackedWidget()
        for page in (self.columns_page, self.values_page, self.summary_page):
            self.pages.addWidget(page)
        self.message = wrapped()
        self.message.setAccessibleName("Message")
        self.back_button = QPushButton("‹ Back")
        self.next_button = QPushButton("Next: causes ›")
        self.import_button = QPushButton("Import")
        self.undo_button = QPushButton("Undo import")
        self.undo_button.setToolTip(
            "Remove the deals this import added, and the causes, categories and names it "
            "created that nothing else uses"
        )
        self.close_button = QPushButton("Close")
        self.cancel_button = QPushButton("Cancel")
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        for button in (
            self.back_button,
            self.cancel_button,
            self.undo_button,
            self.next_button,
            self.import_button,
            self.close_button,
        ):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addLayout(buttons)

        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.read_values)
        self.import_button.clicked.connect(self.start_import)
        self.undo_button.clicked.connect(self.undo_import)
        self.close_button.clicked.connect(self.accept)
        self.cancel_button.clicked.connect(self.reject)
        self.columns_page.changed.connect(self._update_buttons)
        self.columns_page.create_causes.toggled.connect(self.values_page.set_adding_new)
        self.values_page.changed.connect(self._update_buttons)
        self.resize(1240, 700)
        self._update_buttons()

    # -- Pages and buttons -------------------------------------------------------------------

    def _update_buttons(self) -> None:
        page = self.pages.currentWidget()
        busy = self.task is not None
        on_columns, on_values = page is self.columns_page, page is self.values_page
        done = page is self.summary_page
        self.back_button.setVisible(on_values)
        self.next_button.setVisible(on_columns)
        self.import_button.setVisible(on_values)
        self.cancel_button.setVisible(not done)
        self.undo_button.setVisible(done and self._undo is not None)
        self.close_button.setVisible(done)
        self.next_button.setEnabled(self.columns_page.ready and not busy)
        self.back_button.setEnabled(not busy)
        unchosen = self.values_page.unchosen()
        adding = self.columns_page.create_causes.isChecked()
        self.import_button.setEnabled(on_values and not busy and (adding or not unchosen))
        self.undo_button.setEnabled(not busy and self.undone is None)
        guidance = ""
        if on_columns and not self.columns_page.ready:
            guidance = "Choose a column for each field marked *."
        elif on_values and unchosen and not adding:
            guidance = (
                f"Choose a cause for {unchosen:,} more value{'s' if unchosen != 1 else ''}, "
                "or go back and tick “Add causes that are not in the list yet”."
            )
        # Guidance replaces guidance; what a finished task said stays until the next one.
        if guidance or self.message.text() == self._guidance:
            self.message.setText(guidance)
        self._guidance = guidance

    def go_back(self) -> None:
        """Back to the columns (the causes chosen so far are kept)."""
        self.pages.setCurrentWidget(self.columns_page)
        self._update_buttons()

    # -- Background work ---------------------------------------------------------------------

    def _run(
        self,
        title: str,
        work: Callable[[Progress], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        def finished(result: Any, error: BaseException | None) -> None:
            self.task = None
            if error is None:
                done(result)
            else:
                failed(error)
            self._update_buttons()

        self.message.setText("")
        self.task = BackgroundTask(self, title, work, f"{title} {self.path.name}…")
        self.task.finished.connect(finished)
        self._update_buttons()
        self.task.start()

    def _say_failure(self, error: BaseException) -> str:
        """A failure in plain words; anything unexpected is logged, never shown raw."""
        if isinstance(error, (ImportCancelled, Cancelled)):
            return CANCELLED
        if isinstance(error, OperationalError):
            database = self._context.database
            error = explain_operational_error(database.location, error, database.url)
        if not isinstance(error, DftError):
            log.error("Import of %s stopped", self.path, exc_info=error)
        return f"{ask.describe(error)} Nothing was imported."

    def read_values(self) -> None:
        """Read the whole file for its cause values (off the GUI thread), then show them."""
        options = self.columns_page.options()
        options = ImportOptions(
            overrides=options.overrides,
            date_order=options.date_order,
            causes=self.values_page.touched_choices() if self.plan else None,
        )
        sessions, path = self._context.read_sessions, self.path

        def work(progress: Progress) -> tuple[ImportPlan, list[CategoryInfo]]:
            with sessions.begin() as session:
                plan = plan_import(session, path, options, progress=progress)
                return plan, list_taxonomy(session, include_retired=False)

        def done(found: tuple[ImportPlan, list[CategoryInfo]]) -> None:
            self.plan, categories = found
            columns = self.plan.columns
            cause_column = columns.describe("cause") if "cause" in columns.positions else ""
            self.values_page.show_values(
                self.plan.values,
                categories,
                cause_column=cause_column or label("cause"),
                adding_new=self.columns_page.create_causes.isChecked(),
            )
            self.pages.setCurrentWidget(self.values_page)

        def failed(error: BaseException) -> None:
            if isinstance(error, ImportFailed):
                self.columns_page.problems.setText("\n".join(problem_lines(error)))
                self.message.setText("The file cannot be read with these columns.")
            else:
                self.message.setText(self._say_failure(error).replace(" Nothing was imported.", ""))

        self._run("Reading", work, done, failed)

    def start_import(self) -> None:
        """Import the whole file with the choices made (off the GUI thread, with Cancel)."""
        columns = self.columns_page.options()
        options = ImportOptions(
            overrides=columns.overrides,
            date_order=columns.date_order,
            causes=self.values_page.choices(),
            create_causes=columns.create_causes or self.values_page.any_new(),
        )
        sessions, path, today = self._context.sessions, self.path, self._context.today()
        self.values_page.show_problems([])

        def work(progress: Progress) -> ImportResult:
            with sessions.begin() as session:
                return import_file(session, path, options, today=today, progress=progress)

        def done(result: ImportResult) -> None:
            self.import_result = result
            self.summary_page.show_result(self.path, result)
            self.pages.setCurrentWidget(self.summary_page)
            self._context.dataChanged.emit()

        def failed(error: BaseException) -> None:
            if isinstance(error, ImportFailed):
                self.values_page.show_problems(problem_lines(error))
                self.message.setText(f"{error}.")
            else:
                self.message.setText(self._say_failure(error))

        self._run("Importing", work, done, failed)

    def undo_import(self) -> None:
        """Take the import back (its deals, and what it created that nothing else uses)."""
        if self._undo is None or self.import_result is None:
            return

        def undone(removed: Removed) -> None:
            self.undone = removed
            self.summary_page.show_undone(removed)
            self._update_buttons()

        self.undo_button.setEnabled(False)
        self._undo(self.import_result.records, undone)
