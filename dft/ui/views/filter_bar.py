"""The filter bar above the deals table. It builds a DealFilter; the model runs it in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from dft.core.dates import add_months, month_start
from dft.core.lists import list_entries
from dft.core.models import LeadSource, Salesperson
from dft.core.queries import DealFilter
from dft.core.taxonomy import CategoryInfo, list_taxonomy
from dft.ui import shortcuts
from dft.ui.context import AppContext
from dft.ui.formatting import from_qdate
from dft.ui.icons import icon
from dft.ui.widgets import DateEdit

# How long typing pauses before the search runs: every keystroke would re-query.
SEARCH_DELAY_MS = 250

PERIODS = (
    ("any", "All time"),
    ("this_month", "This month"),
    ("last_month", "Last month"),
    ("last_3_months", "Last 3 months"),
    ("last_12_months", "Last 12 months"),
    ("this_year", "This year"),
    ("custom", "Custom range"),
)


def period_range(period: str, today: date) -> tuple[date | None, date | None]:
    """The first and last fell-through dates of ``period`` (None: no bound)."""
    this_month = month_start(today)
    if period == "this_month":
        return this_month, today
    if period == "last_month":
        return add_months(this_month, -1), this_month - timedelta(days=1)
    if period == "last_3_months":
        return add_months(this_month, -2), today
    if period == "last_12_months":
        return add_months(this_month, -11), today
    if period == "this_year":
        return date(today.year, 1, 1), today
    return None, None


@dataclass(frozen=True)
class _Choice:
    label: str
    value: Any


class FilterBar(QWidget):
    """Search, period, category, cause, status, salesperson, lead source, overdue."""

    filterChanged = Signal(object)  # DealFilter

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._taxonomy: list[CategoryInfo] = []
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._emit)

        self.search = QLineEdit(
            placeholderText="Search client, contract number or notes  "
            f"({shortcuts.label(shortcuts.FIND)})"
        )
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("find"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setAccessibleName("Search deals")
        self.search.setToolTip(
            "Matches part of the client name, contract number, notes or a call's notes, "
            "ignoring case and accents"
        )
        self.period = QComboBox()
        for key, label in PERIODS:
            self.period.addItem(label, key)
        self.period.setAccessibleName("Fell-through period")
        self.period.setToolTip("Deals that fell through in this period")
        self.date_from = self._date_edit("From")
        self.date_to = self._date_edit("To")
        self.overdue = QCheckBox("Follow-up overdue")
        self.overdue.setToolTip("Only deals with a follow-up call past its due date")
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setToolTip("Show every deal again")

        self.category = self._combo("Category", "Cause category")
        self.cause = self._combo("Cause", "Primary cause")
        self.status = self._combo("Status", "Suspected, or confirmed by a call")
        self.status.addItem("Any status", None)
        self.status.addItem("Suspected", "suspected")
        self.status.addItem("Confirmed", "confirmed")
        self.salesperson = self._combo("Salesperson", "Who sold the contract")
        self.lead_source = self._combo("Lead source", "Where the buyer came from")

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.search, 3)
        top.addWidget(self.period)
        top.addWidget(self.date_from)
        self.range_dash = QLabel("–")
        top.addWidget(self.range_dash)
        top.addWidget(self.date_to)
        top.addWidget(self.overdue)
        top.addWidget(self.clear_button)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(0, 0, 0, 0)
        for widget in (self.category, self.cause, self.status, self.salesperson, self.lead_source):
            bottom.addWidget(widget, 1)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(4)
        grid.addLayout(top, 0, 0)
        grid.addLayout(bottom, 1, 0)

        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self._emit_now)
        self.period.currentIndexChanged.connect(self._period_changed)
        self.date_from.dateChanged.connect(self._emit)
        self.date_to.dateChanged.connect(self._emit)
        self.overdue.toggled.connect(self._emit)
        self.category.currentIndexChanged.connect(self._category_changed)
        for combo in (self.cause, self.status, self.salesperson, self.lead_source):
            combo.currentIndexChanged.connect(self._emit)
        self.clear_button.clicked.connect(self.clear)
        context.dataChanged.connect(self.refresh_choices)
        self.refresh_choices()
        self._period_changed()

    def _date_edit(self, name: str) -> DateEdit:
        edit = DateEdit(self._context.today())
        edit.setAccessibleName(f"{name} date")
        edit.setToolTip(f"{name} this fell-through date (custom range)")
        return edit

    def _combo(self, name: str, tooltip: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        combo.setToolTip(tooltip)
        combo.setMinimumContentsLength(10)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        return combo

    # -- Choices from the database --------------------------------------------------

    def refresh_choices(self) -> None:
        """Re-read categories, causes and names (they may have been edited)."""
        taxonomy, people, sources = self._context.read(
            lambda s: (
                list_taxonomy(s),
                list_entries(s, Salesperson, include_retired=True),
                list_entries(s, LeadSource, include_retired=True),
            )
        )
        self._taxonomy = taxonomy
        self._fill(
            self.category,
            "All categories",
            [_Choice(c.name, c.id) for c in taxonomy],
        )
        self._fill_causes()
        self._fill(self.salesperson, "All salespeople", [_Choice(p.name, p.id) for p in people])
        self._fill(self.lead_source, "All lead sources", [_Choice(s.name, s.id) for s in sources])

    def _fill(self, combo: QComboBox, everything: str, choices: list[_Choice]) -> None:
        current = combo.currentData()
        with QSignalBlocker(combo):
            combo.clear()
            combo.addItem(everything, None)
            for choice in choices:
                combo.addItem(choice.label, choice.value)
            found = combo.findData(current) if current is not None else 0
            combo.setCurrentIndex(max(found, 0))

    def _fill_causes(self) -> None:
        category_id = self.category.currentData()
        choices = [
            _Choice(cause.name if category_id else f"{category.name} › {cause.name}", cause.id)
            for category in self._taxonomy
            if category_id in (None, category.id)
            for cause in category.causes
        ]
        self._fill(self.cause, "All causes", choices)

    # -- Reacting ------------------------------------------------------------------------

    def _category_changed(self) -> None:
        self._fill_causes()
        self._emit()

    def _period_changed(self) -> None:
        custom = self.period.currentData() == "custom"
        self.date_from.setVisible(custom)
        self.date_to.setVisible(custom)
        self.range_dash.setVisible(custom)
        self._emit()

    def _emit_now(self) -> None:
        self._search_timer.stop()
        self._emit()

    def _emit(self) -> None:
        self.filterChanged.emit(self.current_filter())

    def current_filter(self) -> DealFilter:
        """The DealFilter the bar is set to."""
        period = self.period.currentData()
        if period == "custom":
            fell_from: date | None = from_qdate(self.date_from.date())
            fell_to: date | None = from_qdate(self.date_to.date())
        else:
            fell_from, fell_to = period_range(period, self._context.today())

        def ids(combo: QComboBox) -> tuple[int, ...]:
            value = combo.currentData()
            return (int(value),) if value is not None else ()

        return DealFilter(
            text=self.search.text(),
            fell_from=fell_from,
            fell_to=fell_to,
            category_ids=ids(self.category),
            cause_ids=ids(self.cause),
            salesperson_ids=ids(self.salesperson),
            lead_source_ids=ids(self.lead_source),
            cause_status=self.status.currentData(),
            follow_up_overdue=self.overdue.isChecked(),
            today=self._context.today(),
        )

    def clear(self) -> None:
        """Back to every deal: all filters off."""
        widgets = (
            self.search,
            self.period,
            self.overdue,
            self.category,
            self.cause,
            self.status,
            self.salesperson,
            self.lead_source,
        )
        blockers = [QSignalBlocker(w) for w in widgets]
        self.search.clear()
        self.period.setCurrentIndex(0)
        self.overdue.setChecked(False)
        for combo in (self.category, self.status, self.salesperson, self.lead_source):
            combo.setCurrentIndex(0)
        self._fill_causes()
        self.cause.setCurrentIndex(0)
        del blockers
        self._period_changed()

    def drill_down(self, gid: str) -> bool:
        """Narrow to what a chart element stands for (``category:3``, ``cause:12``,
        ``salesperson:4``, ``month:2026-10-01|category:Land``); False if it means nothing here.

        The chart's other filters stay: the table shows the deals behind the bar.
        """
        parts = dict(part.split(":", 1) for part in gid.split("|") if ":" in part)
        widgets = (self.period, self.date_from, self.date_to, self.category, self.cause,
                   self.salesperson)  # fmt: skip
        blockers = [QSignalBlocker(w) for w in widgets]
        changed = False
        if "month" in parts:
            first = date.fromisoformat(parts["month"])
            self.period.setCurrentIndex(self.period.findData("custom"))
            self.date_from.set_value(first)
            self.date_to.set_value(add_months(first, 1) - timedelta(days=1))
            changed = True
        if "category" in parts:
            value = parts["category"]
            index = (
                self.category.findData(int(value))
                if value.isdigit()
                else self.category.findText(value)
            )
            if index > 0:
                self.category.setCurrentIndex(index)
                self._fill_causes()
                self.cause.setCurrentIndex(0)
                changed = True
        if "cause" in parts and parts["cause"].isdigit():
            cause_id = int(parts["cause"])
            owner = next(
                (c.id for c in self._taxonomy if any(x.id == cause_id for x in c.causes)), None
            )
            self.category.setCurrentIndex(max(self.category.findData(owner), 0))
            self._fill_causes()
            self.cause.setCurrentIndex(max(self.cause.findData(cause_id), 0))
            changed = True
        if "salesperson" in parts and parts["salesperson"].isdigit():
            index = self.salesperson.findData(int(parts["salesperson"]))
            if index > 0:
                self.salesperson.setCurrentIndex(index)
                changed = True
        del blockers
        if changed:
            self._period_changed()
        return changed

    # -- Remembered between runs (by name: ids differ between databases) ----------------

    def state(self) -> dict[str, Any]:
        """The filters by name, for the settings (ids differ between databases)."""
        return {
            "text": self.search.text(),
            "period": self.period.currentData(),
            "from": from_qdate(self.date_from.date()).isoformat(),
            "to": from_qdate(self.date_to.date()).isoformat(),
            "overdue": self.overdue.isChecked(),
            "category": self.category.currentText() if self.category.currentIndex() else "",
            "cause": self.cause.currentText() if self.cause.currentIndex() else "",
            "status": self.status.currentData() or "",
            "salesperson": self.salesperson.currentText()
            if self.salesperson.currentIndex()
            else "",
            "lead_source": self.lead_source.currentText()
            if self.lead_source.currentIndex()
            else "",
        }

    def restore_state(self, state: dict[str, Any]) -> None:
        """Set the filters from what :meth:`state` saved (unknown names are ignored)."""
        widgets = (
            self.search,
            self.period,
            self.date_from,
            self.date_to,
            self.overdue,
            self.category,
            self.cause,
            self.status,
            self.salesperson,
            self.lead_source,
        )
        blockers = [QSignalBlocker(w) for w in widgets]
        self.search.setText(str(state.get("text", "")))
        self.period.setCurrentIndex(max(self.period.findData(state.get("period", "any")), 0))
        for edit, key in ((self.date_from, "from"), (self.date_to, "to")):
            parsed = QDate.fromString(str(state.get(key, "")), Qt.DateFormat.ISODate)
            if parsed.isValid():
                edit.setDate(parsed)
        self.overdue.setChecked(str(state.get("overdue", "false")).lower() in ("true", "1"))
        self.category.setCurrentIndex(max(self.category.findText(str(state.get("category"))), 0))
        self._fill_causes()
        self.cause.setCurrentIndex(max(self.cause.findText(str(state.get("cause"))), 0))
        self.status.setCurrentIndex(max(self.status.findData(state.get("status") or None), 0))
        for combo, key in ((self.salesperson, "salesperson"), (self.lead_source, "lead_source")):
            combo.setCurrentIndex(max(combo.findText(str(state.get(key))), 0))
        del blockers
        self._period_changed()
