"""File > Import: match the file's columns, preview the first rows with problems marked, import.

The import runs off the GUI thread with a progress bar and Cancel; it is all
or nothing, so Cancel (or one bad row) leaves the database as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dft.core.errors import DftError
from dft.exchange.columns import FIELDS, REQUIRED, field_for, normalize_header
from dft.exchange.importer import (
    ImportCancelled,
    ImportFailed,
    ImportOptions,
    ImportProblem,
    ImportResult,
    RollBack,
    import_file,
)
from dft.exchange.reading import read_table
from dft.exchange.values import DateOrder
from dft.ui import ask
from dft.ui.context import AppContext
from dft.ui.worker import BackgroundTask, Progress

PREVIEW_ROWS = 20
IGNORE = "— do not import —"
PROBLEM_COLOR = QColor("#f8d7d3")


class ImportDialog(QDialog):
    """Import one file: map its columns, check a preview, then import it all or nothing."""

    def __init__(self, context: AppContext, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.path = path
        self.import_result: ImportResult | None = None
        self.task: BackgroundTask | None = None
        self.setWindowTitle(f"Import {path.name}")
        table = read_table(path)
        try:
            self.headers = [h.strip() if isinstance(h, str) else str(h) for h in table.headers]
            self.preview_values: list[tuple[int, list[Any]]] = []
            for number, values in table.rows:
                self.preview_values.append((number, values))
                if len(self.preview_values) >= PREVIEW_ROWS:
                    break
        finally:
            table.close()

        self.mapping = QTableWidget(len(self.headers), 2)
        self.mapping.setHorizontalHeaderLabels(["Column in the file", "Imports as"])
        self.mapping.verticalHeader().hide()
        self.mapping.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.mapping.setAccessibleName("Column mapping")
        self.combos: list[QComboBox] = []
        for row, header in enumerate(self.headers):
            item = QTableWidgetItem(header)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.mapping.setItem(row, 0, item)
            combo = QComboBox()
            combo.addItem(IGNORE, "")
            for field in FIELDS:
                combo.addItem(field + (" *" if field in REQUIRED else ""), field)
            matched = field_for(header)
            combo.setCurrentIndex(max(combo.findData(matched or ""), 0))
            combo.setAccessibleName(f"Field for column {header}")
            combo.currentIndexChanged.connect(self.refresh_preview)
            self.mapping.setCellWidget(row, 1, combo)
            self.combos.append(combo)
        self.date_order = QComboBox()
        self.date_order.addItem("Month first (5/20/2024)", DateOrder.MDY.value)
        self.date_order.addItem("Day first (20/5/2024)", DateOrder.DMY.value)
        self.date_order.setToolTip("How to read dates like 05/06/2024; ISO dates always work")
        self.create_causes = QCheckBox("Add causes that are not in the list yet")
        self.create_causes.setToolTip("Under the row's category, else under Other")
        options = QFormLayout()
        options.addRow("Dates", self.date_order)
        options.addRow("", self.create_causes)
        self.date_order.currentIndexChanged.connect(self.refresh_preview)
        self.create_causes.toggled.connect(self.refresh_preview)

        self.preview = QTableWidget(len(self.preview_values), len(self.headers))
        self.preview.setHorizontalHeaderLabels(self.headers)
        self.preview.setVerticalHeaderLabels([str(n) for n, _ in self.preview_values])
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.preview.setAccessibleName("Preview of the first rows")
        for row, (_number, values) in enumerate(self.preview_values):
            for column in range(len(self.headers)):
                value = values[column] if column < len(values) else None
                self.preview.setItem(
                    row, column, QTableWidgetItem("" if value is None else str(value))
                )
        self.problems = QListWidget()
        self.problems.setAccessibleName("Problems")
        self.problems.setMaximumHeight(120)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.import_button = QPushButton("Import")
        self.import_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel")

        mapping_box = QGroupBox("Columns")
        mapping_layout = QVBoxLayout(mapping_box)
        mapping_layout.addWidget(self.mapping)
        mapping_layout.addLayout(options)
        preview_box = QGroupBox(f"First {len(self.preview_values)} rows (problems in red)")
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.addWidget(self.preview)
        preview_layout.addWidget(self.problems)
        top = QHBoxLayout()
        top.addWidget(mapping_box, 2)
        top.addWidget(preview_box, 3)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 1)
        layout.addLayout(buttons)
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button.clicked.connect(self.reject)
        self.resize(1100, 620)
        self.refresh_preview()

    # -- Mapping and preview ---------------------------------------------------------

    def overrides(self) -> dict[str, str]:
        """Every column's choice, as --map would say it (the user's word is final)."""
        return {
            normalize_header(header): str(combo.currentData() or "")
            for header, combo in zip(self.headers, self.combos, strict=True)
        }

    def options(self) -> ImportOptions:
        """The import options the dialog is set to: column choices, date order, new causes."""
        return ImportOptions(
            overrides=self.overrides(),
            create_causes=self.create_causes.isChecked(),
            date_order=DateOrder(self.date_order.currentData()),
        )

    def set_field(self, header: str, field: str) -> None:
        """Import the file's column ``header`` as ``field`` (as choosing it in its combo does)."""
        combo = self.combos[self.headers.index(header)]
        combo.setCurrentIndex(combo.findData(field))

    def refresh_preview(self) -> None:
        """Check the preview rows (in a transaction that is always rolled back)."""
        problems: list[ImportProblem] = []
        try:
            with self._context.sessions.begin() as session:
                preview = import_file(
                    session,
                    self.path,
                    self.options(),
                    today=self._context.today(),
                    limit=PREVIEW_ROWS,
                )
                raise RollBack(preview)
        except RollBack:
            pass
        except ImportFailed as failed:
            problems = failed.problems
        except DftError as error:
            problems = [ImportProblem(None, "file", str(error))]
        self.show_problems(problems)
        header_problems = [p for p in problems if p.row is None]
        self.import_button.setEnabled(not header_problems)
        self.summary.setText(
            "Fix the column choices first." if header_problems
            else "The first rows look right." if not problems
            else "Rows with problems are marked; the whole file is checked when you import."
        )  # fmt: skip

    def show_problems(self, problems: list[ImportProblem]) -> None:
        """List ``problems`` and mark the preview cells they are about."""
        self.problems.clear()
        for problem in problems:
            self.problems.addItem(str(problem))
        rows = {number: index for index, (number, _v) in enumerate(self.preview_values)}
        for row in range(self.preview.rowCount()):
            for column in range(self.preview.columnCount()):
                item = self.preview.item(row, column)
                if item is not None:
                    item.setBackground(QBrush())
                    item.setToolTip("")
        for problem in problems:
            if problem.row in rows and problem.column in self.headers:
                item = self.preview.item(rows[problem.row], self.headers.index(problem.column))
                if item is not None:
                    item.setBackground(QBrush(PROBLEM_COLOR))
                    item.setToolTip(problem.message)

    def problem_cells(self) -> list[tuple[int, str]]:
        """(file row, column) of every highlighted preview cell."""
        marked = []
        for row, (number, _values) in enumerate(self.preview_values):
            for column, header in enumerate(self.headers):
                item = self.preview.item(row, column)
                if item is not None and item.background().color() == PROBLEM_COLOR:
                    marked.append((number, header))
        return marked

    # -- Importing -----------------------------------------------------------------------

    def start_import(self) -> None:
        """Import the whole file in the background, with progress and Cancel."""
        options, path, today = self.options(), self.path, self._context.today()
        sessions = self._context.sessions

        def work(progress: Progress) -> ImportResult:
            with sessions.begin() as session:
                return import_file(session, path, options, today=today, progress=progress)

        self.import_button.setEnabled(False)
        self.task = BackgroundTask(self, "Importing", work, f"Importing {path.name}…")
        self.task.finished.connect(self._finished)
        self.task.start()

    def _finished(self, result: Any, error: BaseException | None) -> None:
        self.task = None
        self.import_button.setEnabled(True)
        if isinstance(error, ImportFailed):
            self.show_problems(error.problems)
            self.summary.setText(f"{error} Fix the file (or the choices) and import again.")
            return
        if isinstance(error, (ImportCancelled, Exception)) and error is not None:
            message = (
                "Cancelled; nothing was imported."
                if isinstance(error, ImportCancelled) or type(error).__name__ == "Cancelled"
                else f"The import failed; nothing was imported. {ask.describe(error)}"
            )
            self.summary.setText(message)
            return
        self.import_result = result
        self._context.dataChanged.emit()
        self.accept()
