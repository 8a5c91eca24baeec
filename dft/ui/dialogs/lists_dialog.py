"""Edit > Salespeople, lead sources, communities: the lists names are picked from.

Add, rename, retire (hidden from new deals, kept on old ones) and merge two
spellings of one name; lead sources can be marked as referrals.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from dft.core import lists
from dft.core.models import Community, LeadSource, Salesperson
from dft.ui import ask
from dft.ui.context import AppContext
from dft.ui.operations.runner import run

LISTS: tuple[tuple[type, str], ...] = (
    (Salesperson, "Salespeople"),
    (LeadSource, "Lead sources"),
    (Community, "Communities"),
)


class ListPage(QWidget):
    """One list (salespeople, lead sources or communities) and the buttons that edit it."""

    def __init__(self, context: AppContext, model: type, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.model = model
        self.label = lists.LIST_LABELS[model]
        self.list = QListWidget()
        self.list.setAccessibleName(f"{self.label} list")
        self.buttons: dict[str, QPushButton] = {}
        column = QVBoxLayout()
        for key, text, slot in (
            ("add", "Add…", self.add),
            ("rename", "Rename…", self.rename),
            ("retire", "Retire", self.toggle_retired),
            ("merge", "Merge into…", self.merge),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            self.buttons[key] = button
            column.addWidget(button)
        self.referral = QCheckBox("Referral source")
        self.referral.setToolTip("Deals from referral sources are called out in reports")
        self.referral.setVisible(model is LeadSource)
        self.referral.clicked.connect(self.toggle_referral)
        column.addWidget(self.referral)
        column.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(column)
        self.list.currentItemChanged.connect(self._update)
        self.reload()

    def reload(self, select_id: int | None = None) -> None:
        """Read the list again, selecting entry ``select_id`` if given."""

        def load(session: Session) -> list[Any]:
            entries = lists.list_entries(session, self.model, include_retired=True)
            referrals = set()
            if self.model is LeadSource:
                referrals = lists.referral_lead_source_ids(session)
            return [(e, e.id in referrals) for e in entries]

        self.list.clear()
        for entry, referral in self._context.read(load):
            text = entry.name + ("  (retired)" if entry.retired else "")
            text += "  ★ referral" if referral else ""
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, (entry.id, entry.name, entry.retired, referral))
            self.list.addItem(item)
            if entry.id == select_id:
                self.list.setCurrentItem(item)
        self._update()

    def selected(self) -> tuple[int, str, bool, bool] | None:
        """The selected entry as (id, name, retired, referral), or None."""
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _update(self) -> None:
        chosen = self.selected()
        for key in ("rename", "retire", "merge"):
            self.buttons[key].setEnabled(chosen is not None)
        self.referral.setEnabled(chosen is not None)
        if chosen is not None:
            self.buttons["retire"].setText("Bring back" if chosen[2] else "Retire")
            self.referral.setChecked(chosen[3])

    def _act(self, work: Callable[[Session], Any], select_id: int | None) -> Any:
        done = run(self, self._context, lambda: self._context.write(work))
        if done is None:
            return None
        self.reload(select_id)
        return done.value

    def add(self) -> None:
        """Add an entry under a name the user types."""
        name = ask.ask_text(self, f"Add {self.label}", "Name:")
        if name:
            new_id = self._act(lambda s: lists.add_entry(s, self.model, name), None)
            if new_id:
                self.reload(new_id)

    def rename(self) -> None:
        """Rename the selected entry; deals keep pointing at it."""
        chosen = self.selected()
        if chosen is None:
            return
        name = ask.ask_text(self, f"Rename {self.label}", "New name:", chosen[1])
        if name:
            self._act(lambda s: lists.rename_entry(s, self.model, chosen[0], name), chosen[0])

    def toggle_retired(self) -> None:
        """Retire the selected entry (hidden from new deals), or bring it back."""
        chosen = self.selected()
        if chosen is not None:
            self._act(
                lambda s: lists.set_entry_retired(s, self.model, chosen[0], not chosen[2]),
                chosen[0],
            )

    def toggle_referral(self) -> None:
        """Mark the selected lead source as a referral source, or not."""
        chosen = self.selected()
        if chosen is not None:
            checked = self.referral.isChecked()
            self._act(lambda s: lists.set_lead_source_referral(s, chosen[0], checked), chosen[0])

    def merge(self) -> None:
        """Move every deal of the selected entry to another one, then drop it."""
        chosen = self.selected()
        if chosen is None:
            return
        others = {
            self.list.item(i).data(Qt.ItemDataRole.UserRole)[1]: self.list.item(i).data(
                Qt.ItemDataRole.UserRole
            )[0]
            for i in range(self.list.count())
            if self.list.item(i).data(Qt.ItemDataRole.UserRole)[0] != chosen[0]
        }
        target = ask.ask_choice(
            self, "Merge", f"Move every deal of “{chosen[1]}” to:", sorted(others)
        )
        if target is not None:
            target_id = others[target]
            self._act(lambda s: lists.merge_entries(s, self.model, chosen[0], target_id), target_id)


class ListsDialog(QDialog):
    """The three lists names are picked from, one tab each."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Salespeople, lead sources and communities")
        self.tabs = QTabWidget()
        self.pages: dict[type, ListPage] = {}
        for model, title in LISTS:
            page = ListPage(context, model)
            self.pages[model] = page
            self.tabs.addTab(page, title)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(close)
        self.resize(560, 440)
