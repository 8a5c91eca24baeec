"""The import dialog's second page: where each value of the file's cause column goes.

Every distinct value (or category and cause pair, when the file has a category
column) is one line with its row count and a cause picker: the causes grouped
by category, "Unknown — pending call", and "New cause in category…". The
suggestions come pre-filled (exchange.mapping explains their order); the unsure
ones (a near miss, a blank reason, nothing alike) are marked for review.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QHeaderView,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dft.core.taxonomy import PENDING_CALL_KEY, CategoryInfo
from dft.exchange.mapping import REASON_WORDS, CauseMap, CauseTarget, CauseValue, MatchReason
from dft.exchange.mapping import normalize_value as normalized
from dft.ui import ask
from dft.ui.dialogs.import_columns import wrapped
from dft.ui.formatting import count_of

CHOOSE = "Choose a cause…"
ADD_AS_NEW = "Add as a new cause"
NEW_CAUSE = "New cause in category…"
TARGET_ROLE = Qt.ItemDataRole.UserRole
# Translucent amber: the lines a person should look at, on the light and the dark palette.
REVIEW_COLOR = QColor(255, 176, 32, 70)
CHECK_WORDS = {
    MatchReason.NEAR_MISS: "Looks like it: please check",
    MatchReason.BLANK: "No reason given: please check",
}
NOTHING_ALIKE = "Nothing alike: choose a cause"
BECOMES_NEW = "Becomes a new cause: please check"
AS_CHOSEN = "As chosen"
VALUE, ROWS, GOES_TO, CHECK = range(4)


class CauseChoices(QStandardItemModel):
    """The targets a value can go to, grouped by category: one model every picker shares."""

    def __init__(self, categories: list[CategoryInfo]) -> None:
        super().__init__()
        self.categories = [c.name for c in categories]
        self._placeholder = QStandardItem(CHOOSE)
        self.appendRow(self._placeholder)
        pending = [
            (c, cause) for c in categories for cause in c.causes if cause.key == PENDING_CALL_KEY
        ]
        for category, cause in pending:
            self._add_target(CauseTarget(category.name, cause.name, cause.id), cause.name)
        for category in categories:
            causes = [c for c in category.causes if c.key != PENDING_CALL_KEY]
            if not causes:
                continue
            header = QStandardItem(category.name)
            header.setEnabled(False)
            bold = QFont()
            bold.setBold(True)
            header.setFont(bold)
            self.appendRow(header)
            for cause in causes:
                self._add_target(CauseTarget(category.name, cause.name, cause.id))
        self._new = QStandardItem(NEW_CAUSE)
        self.appendRow(self._new)

    def _add_target(self, target: CauseTarget, text: str | None = None, row: int = -1) -> int:
        item = QStandardItem(text or target.label)
        item.setData(target, TARGET_ROLE)
        item.setToolTip(target.label)
        if row < 0:
            self.appendRow(item)
            return self.rowCount() - 1
        self.insertRow(row, item)
        return row

    def target(self, row: int) -> CauseTarget | None:
        """The target on ``row`` (None for the placeholder, a category, or "New cause…")."""
        item = self.item(row)
        data = item.data(TARGET_ROLE) if item is not None else None
        return data if isinstance(data, CauseTarget) else None

    def is_new_cause_row(self, row: int) -> bool:
        """Whether ``row`` is "New cause in category…"."""
        return row == self._new.row()

    def row_of(self, target: CauseTarget) -> int:
        """The row showing ``target``, added as a new cause when it is not in the list."""
        wanted = (normalized(target.category), normalized(target.cause))
        for row in range(self.rowCount()):
            found = self.target(row)
            if found is not None and (normalized(found.category), normalized(found.cause)) == (
                wanted
            ):
                return row
        return self._add_target(target, f"{target.label} (new)", self._new.row())

    def set_adding_new(self, adding: bool) -> None:
        """What a value left without a cause does: wait for a choice, or become a new cause."""
        self._placeholder.setText(ADD_AS_NEW if adding else CHOOSE)


class ValuesPage(QWidget):
    """Each distinct cause value with its rows and a cause picker."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values: tuple[CauseValue, ...] = ()
        self.pickers: list[QComboBox] = []
        self.cells: list[tuple[QTableWidgetItem, ...]] = []  # (value, rows, check) per line
        self.touched: set[int] = set()  # lines whose cause the user chose
        self.choices_model: CauseChoices | None = None
        self.adding_new = False
        self.heading = wrapped()
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Value in the file", "Rows", "Goes to", "Check"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.table.setAccessibleName("Cause values")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(VALUE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ROWS, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(GOES_TO, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(CHECK, QHeaderView.ResizeMode.ResizeToContents)
        self.problems = wrapped()
        self.problems.setAccessibleName("Problems")
        self.problems.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setWidget(self.problems)
        area.setMaximumHeight(140)
        self.problems_area = area
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(area)

    def show_values(
        self,
        values: tuple[CauseValue, ...],
        categories: list[CategoryInfo],
        *,
        cause_column: str,
        adding_new: bool,
    ) -> None:
        """One line per value, its picker set to the suggestion."""
        self.values = values
        self.touched = set()
        self.pickers = []
        self.cells = []
        self.choices_model = CauseChoices(categories)
        self.choices_model.set_adding_new(adding_new)
        self.adding_new = adding_new
        total = sum(v.rows for v in values)
        review = sum(1 for v in values if not v.sure)
        self.heading.setText(
            f"{cause_column}: {count_of(len(values), 'different value')} in "
            f"{count_of(total, 'row')}. "
            "Choose where each goes" + (f"; the {review:,} marked need a look." if review else ".")
        )
        self.table.setRowCount(len(values))
        for line, value in enumerate(values):
            text = QTableWidgetItem(value.label)
            text.setToolTip(value.label)
            self.table.setItem(line, VALUE, text)
            rows = QTableWidgetItem(f"{value.rows:,}")
            rows.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(line, ROWS, rows)
            check = QTableWidgetItem()
            self.table.setItem(line, CHECK, check)
            self.cells.append((text, rows, check))
            picker = QComboBox()
            picker.setModel(self.choices_model)
            picker.setAccessibleName(f"Cause for {value.label}")
            picker.setCurrentIndex(
                self.choices_model.row_of(value.target) if value.target is not None else 0
            )
            picker.setProperty("previous", picker.currentIndex())
            picker.activated.connect(lambda row, line=line: self._picked(line, row))
            self.table.setCellWidget(line, GOES_TO, picker)
            self.pickers.append(picker)
            self._mark(line)
        self.show_problems([])
        self.changed.emit()

    def set_adding_new(self, adding: bool) -> None:
        """Follow the first page's "Add causes that are not in the list yet"."""
        self.adding_new = adding
        if self.choices_model is not None:
            self.choices_model.set_adding_new(adding)
        for line in range(len(self.values)):
            self._mark(line)
        self.changed.emit()

    # -- Choosing ----------------------------------------------------------------------------

    def _picked(self, line: int, row: int) -> None:
        picker, model = self.pickers[line], self.choices_model
        assert model is not None
        if model.is_new_cause_row(row):
            value = self.values[line]
            answer = ask.ask_new_cause(self, model.categories, value.cause)
            if answer is None:
                picker.setCurrentIndex(int(picker.property("previous")))
                return
            row = model.row_of(CauseTarget(*answer))
            picker.setCurrentIndex(row)
        picker.setProperty("previous", row)
        self.touched.add(line)
        self._mark(line)
        self.changed.emit()

    def choose(self, value_label: str, text: str) -> None:
        """Send the value shown as ``value_label`` to the choice shown as ``text``."""
        line = [v.label for v in self.values].index(value_label)
        picker = self.pickers[line]
        row = picker.findText(text)
        if row < 0:
            raise ValueError(f"no choice {text!r}")
        picker.setCurrentIndex(row)
        self._picked(line, row)

    def _mark(self, line: int) -> None:
        value, target = self.values[line], self.target(line)
        if line in self.touched:
            words, review = AS_CHOSEN, False
        elif target is None:
            words, review = (BECOMES_NEW if self.adding_new else NOTHING_ALIKE), True
        elif not value.sure and value.reason in CHECK_WORDS:
            words, review = CHECK_WORDS[value.reason], True
        else:
            words = REASON_WORDS[value.reason] if value.reason else ""
            words, review = words[:1].upper() + words[1:], False
        self.cells[line][-1].setText(words)
        brush = QBrush(REVIEW_COLOR) if review else QBrush()
        for cell in self.cells[line]:
            cell.setBackground(brush)

    # -- What the page says ------------------------------------------------------------------

    def target(self, line: int) -> CauseTarget | None:
        """Where the value on ``line`` goes; None while it has no cause."""
        assert self.choices_model is not None
        return self.choices_model.target(self.pickers[line].currentIndex())

    def needs_review(self) -> list[str]:
        """The values still marked for a person to look at."""
        return [
            self.values[line].label
            for line in range(len(self.values))
            if self.cells[line][-1].background().color() == REVIEW_COLOR
        ]

    def unchosen(self) -> int:
        """How many values have no cause yet."""
        return sum(1 for line in range(len(self.values)) if self.target(line) is None)

    def any_new(self) -> bool:
        """Whether a value goes to a cause that is not in the list yet."""
        return any(
            (t := self.target(line)) is not None and t.is_new for line in range(len(self.values))
        )

    def choices(self) -> CauseMap:
        """Every value's target (values without one are left to the import's rule)."""
        chosen = CauseMap()
        for line, value in enumerate(self.values):
            target = self.target(line)
            if target is not None:
                chosen.choose(value.key, target)
        return chosen

    def touched_choices(self) -> CauseMap:
        """Only what the user chose: kept when the file is read again after Back."""
        chosen = CauseMap()
        for line in self.touched:
            target = self.target(line)
            if target is not None:
                chosen.choose(self.values[line].key, target)
        return chosen

    def show_problems(self, lines: list[str]) -> None:
        """Say why the import was refused, one problem a line."""
        self.problems.setText("\n".join(lines))
        self.problems_area.setVisible(bool(lines))
