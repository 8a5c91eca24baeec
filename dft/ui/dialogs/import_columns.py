"""The import dialog's first page: which column is which field, how dates read, a preview.

Fields are shown by their labels ("Fell through on"), the required ones marked.
The columns start as remembered for a file with these headers, else matched by
name. The first rows are checked as they would import (in a transaction that is
rolled back), problems marked in the preview; where each cause goes is the next
page's business, so cause values are not problems here.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDate, QLocale, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dft.core.errors import DftError, ValidationError
from dft.exchange.columns import IMPORT_FIELDS, REQUIRED, best_columns, label, normalize_header
from dft.exchange.importer import RollBack, import_file
from dft.exchange.plan import DATE_FIELDS, ImportOptions
from dft.exchange.problems import CAUSE_KINDS, ImportFailed, ImportProblem
from dft.exchange.remembered import Remembered
from dft.exchange.values import DateOrder, date_order_hint, preview_dates
from dft.ui.context import AppContext

PREVIEW_ROWS = 20
DATE_PREVIEWS = 3
IGNORE = "— do not import —"
# Translucent, so it reads on the light and the dark palette alike.
PROBLEM_COLOR = QColor(220, 53, 69, 70)
REQUIRED_MARK = " *"
CREATE_CAUSES = "Add causes that are not in the list yet"
CREATE_CAUSES_TIP = (
    "A value left without a cause becomes a new cause: in the file's category when it "
    "has one, else in “Imported causes”. New categories are not classified until you set "
    "them in Manage causes, so they count on neither side of the land-vs-service split."
)


def wrapped(text: str = "") -> QLabel:
    """A label that wraps and can be selected: a message is never cut off."""
    message = QLabel(text)
    message.setWordWrap(True)
    message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return message


class ColumnsPage(QWidget):
    """Map the file's columns, choose the date order, check the first rows."""

    changed = Signal()  # the choices changed; ``ready`` may have too

    def __init__(
        self,
        context: AppContext,
        path: Path,
        headers: list[str],
        rows: list[tuple[int, list[object]]],
        remembered: Remembered | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self.path = path
        self.headers = headers
        self.preview_values = rows
        self.ready = False
        self.combos: list[QComboBox] = []

        self.mapping = QTableWidget(len(headers), 2)
        self.mapping.setHorizontalHeaderLabels(["Column in the file", "Imports as"])
        self.mapping.verticalHeader().hide()
        self.mapping.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.mapping.setAccessibleName("Column mapping")
        chosen = self._starting_fields(remembered)
        for row, header in enumerate(headers):
            item = QTableWidgetItem(header)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.mapping.setItem(row, 0, item)
            combo = QComboBox()
            combo.addItem(IGNORE, "")
            for field in IMPORT_FIELDS:
                combo.addItem(label(field) + (REQUIRED_MARK if field in REQUIRED else ""), field)
            combo.setCurrentIndex(max(combo.findData(chosen.get(row, "")), 0))
            combo.setAccessibleName(f"Field for column {header}")
            combo.currentIndexChanged.connect(self.refresh)
            self.mapping.setCellWidget(row, 1, combo)
            self.combos.append(combo)
        legend = QLabel("* required")
        legend.setEnabled(False)

        self.date_order = QComboBox()
        self.date_order.addItem("Month first (5/20/2024)", DateOrder.MDY.value)
        self.date_order.addItem("Day first (20/5/2024)", DateOrder.DMY.value)
        self.date_order.setAccessibleName("Date order")
        self.date_order.setToolTip(
            "How to read dates like 05/06/2024. Dates like 2024-05-06 always read the same, "
            "and dotted ones (6.5.2024) day first."
        )
        order = remembered.date_order if remembered else self._proved_order() or DateOrder.MDY
        self.date_order.setCurrentIndex(self.date_order.findData(order.value))
        self.date_preview = wrapped()
        self.date_preview.setAccessibleName("How the dates read")
        self.create_causes = QCheckBox(CREATE_CAUSES)
        self.create_causes.setToolTip(CREATE_CAUSES_TIP)
        dates = QVBoxLayout()
        dates.setSpacing(2)
        dates.addWidget(self.date_order)
        dates.addWidget(self.date_preview)
        options = QFormLayout()
        options.addRow("Dates", dates)
        options.addRow("", self.create_causes)
        self.date_order.currentIndexChanged.connect(self.refresh)
        self.create_causes.toggled.connect(self.changed)

        self.preview = QTableWidget(len(rows), len(headers))
        self.preview.setHorizontalHeaderLabels(headers)
        self.preview.setVerticalHeaderLabels([str(n) for n, _ in rows])
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.preview.setAccessibleName("Preview of the first rows")
        for row, (_number, values) in enumerate(rows):
            for column in range(len(headers)):
                value = values[column] if column < len(values) else None
                self.preview.setItem(
                    row, column, QTableWidgetItem("" if value is None else str(value))
                )
        self.problems = wrapped()
        self.problems.setAccessibleName("Problems")
        self.problems.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        problems_area = QScrollArea()
        problems_area.setWidgetResizable(True)
        problems_area.setWidget(self.problems)
        problems_area.setMaximumHeight(130)

        remembered_note = wrapped(
            "Columns, date order and causes as chosen for the last file with these headers."
            if remembered
            else ""
        )
        remembered_note.setVisible(remembered is not None)
        mapping_box = QGroupBox("Columns")
        mapping_layout = QVBoxLayout(mapping_box)
        mapping_layout.addWidget(remembered_note)
        mapping_layout.addWidget(self.mapping, 1)
        mapping_layout.addWidget(legend)
        mapping_layout.addLayout(options)
        preview_box = QGroupBox(f"First {len(rows)} rows (problems marked)")
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.addWidget(self.preview, 1)
        preview_layout.addWidget(problems_area)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(mapping_box, 2)
        layout.addWidget(preview_box, 3)
        self.refresh()

    def _starting_fields(self, remembered: Remembered | None) -> dict[int, str]:
        """Each column's field to start with: as remembered, else the best match by name."""
        if remembered is not None:
            try:
                positions = best_columns(self.headers, remembered.columns)
            except ValidationError:  # the remembered choices do not fit this file
                positions = best_columns(self.headers)
        else:
            positions = best_columns(self.headers)
        return {index: field for field, index in positions.items()}

    # -- What the page says ----------------------------------------------------------------

    def overrides(self) -> dict[str, str]:
        """Every column's field ("" to leave it out): the user's word is final."""
        return {
            normalize_header(header): str(combo.currentData() or "")
            for header, combo in zip(self.headers, self.combos, strict=True)
        }

    def order(self) -> DateOrder:
        """The date order chosen."""
        return DateOrder(self.date_order.currentData())

    def options(self) -> ImportOptions:
        """The columns and date order chosen (the causes come from the next page)."""
        return ImportOptions(
            overrides=self.overrides(),
            create_causes=self.create_causes.isChecked(),
            date_order=self.order(),
        )

    def set_field(self, header: str, field: str) -> None:
        """Import the column ``header`` as ``field`` (as choosing it in its list does)."""
        combo = self.combos[self.headers.index(header)]
        combo.setCurrentIndex(combo.findData(field))

    def problem_texts(self) -> list[str]:
        """The problems listed under the preview, one per line."""
        text = self.problems.text()
        return text.split("\n") if text else []

    def problem_cells(self) -> list[tuple[int, str]]:
        """(file row, column) of every marked preview cell."""
        marked = []
        for row, (number, _values) in enumerate(self.preview_values):
            for column, header in enumerate(self.headers):
                item = self.preview.item(row, column)
                if item is not None and item.background().color() == PROBLEM_COLOR:
                    marked.append((number, header))
        return marked

    # -- Checking ---------------------------------------------------------------------------

    def _date_samples(self) -> list[object]:
        fields = {combo.currentData(): index for index, combo in enumerate(self.combos)}
        samples: dict[str, object] = {}
        for field in DATE_FIELDS:
            index = fields.get(field)
            if index is None:
                continue
            for _number, values in self.preview_values:
                value = values[index] if index < len(values) else None
                if isinstance(value, str) and value.strip():
                    samples.setdefault(value.strip(), value)
        return list(samples.values())

    def _proved_order(self) -> DateOrder | None:
        return date_order_hint(self._date_samples())

    def _show_date_preview(self) -> None:
        readings = preview_dates(self._date_samples()[:DATE_PREVIEWS], self.order())
        locale = QLocale()
        parts = []
        for reading in readings:
            if reading.read_as is None:
                parts.append(f"{reading.raw} cannot be read this way")
            else:
                day = reading.read_as
                shown = locale.toString(
                    QDate(day.year, day.month, day.day), QLocale.FormatType.LongFormat
                )
                parts.append(f"{reading.raw} reads as {shown}")
        self.date_preview.setText("; ".join(parts))
        self.date_preview.setVisible(bool(parts))

    def refresh(self) -> None:
        """Check the first rows as they would import (rolled back), and say what is wrong."""
        self._show_date_preview()
        problems: list[ImportProblem] = []
        try:
            with self._context.sessions.begin() as session:
                preview = import_file(
                    session,
                    self.path,
                    ImportOptions(overrides=self.overrides(), date_order=self.order()),
                    today=self._context.today(),
                    limit=PREVIEW_ROWS,
                )
                raise RollBack(preview)
        except RollBack:
            pass
        except ImportFailed as failed:
            problems = [p for p in failed.problems if p.kind not in CAUSE_KINDS]
        except DftError as error:
            problems = [ImportProblem(None, "file", getattr(error, "message", str(error)))]
        self._show_problems(problems)
        if not problems:
            self.problems.setText(f"No problems in the first {len(self.preview_values)} rows.")
        self.ready = not any(p.row is None for p in problems)
        self.changed.emit()

    def _show_problems(self, problems: list[ImportProblem]) -> None:
        lines = []
        for problem in problems:
            where = f"Row {problem.row}, {problem.column}: " if problem.row else ""
            lines.append(where + problem.message)
        self.problems.setText("\n".join(lines))
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
