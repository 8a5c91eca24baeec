"""Manage causes: add, rename, retire, reorder, mark controllable, merge.

A cause in use is never deleted: it is retired, so past months keep meaning
what they meant. Only an unused cause (a typo just added) can be deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from dft.core import taxonomy as tx
from dft.ui import ask
from dft.ui.context import AppContext
from dft.ui.formatting import count_of
from dft.ui.operations.runner import run

KIND = Qt.ItemDataRole.UserRole
ID = Qt.ItemDataRole.UserRole + 1


class TaxonomyDialog(QDialog):
    """Categories and their causes in a tree, with the buttons that edit them."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.setWindowTitle("Manage causes")
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Category / cause", "Controllable", "Deals", "Status"])
        self.tree.setAccessibleName("Categories and causes")
        self.tree.setAlternatingRowColors(True)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setStyleSheet("color: palette(mid);")

        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        specs = (
            ("add_category", "Add category…", self.add_category, "A new top-level category"),
            ("add_cause", "Add cause…", self.add_cause, "A new cause in the selected category"),
            ("rename", "Rename…", self.rename, "Rename; deals keep pointing at it"),
            ("retire", "Retire", self.toggle_retired, "Hide from new deals; old deals keep it"),
            ("up", "Move up", lambda: self.move_selected(-1), "Earlier in lists and reports"),
            ("down", "Move down", lambda: self.move_selected(1), "Later in lists and reports"),
            (
                "controllable",
                "Controllable",
                self.toggle_controllable,
                "Controllable causes are the ones the company can fix",
            ),
            ("merge", "Merge into…", self.merge, "Move every deal to another cause, retire this"),
            ("delete", "Delete", self.delete, "Only for a cause no deal uses"),
        )
        for position, (key, label, slot, tip) in enumerate(specs):
            button = QPushButton(label)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            self.buttons[key] = button
            grid.addWidget(button, position, 0)
        grid.setRowStretch(len(specs), 1)

        body = QHBoxLayout()
        body.addWidget(self.tree, 1)
        body.addLayout(grid)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.description)
        layout.addWidget(close)
        self.tree.currentItemChanged.connect(self._update)
        self.resize(760, 520)
        self.reload()

    # -- Reading ---------------------------------------------------------------------

    def reload(self, select_kind: str | None = None, select_id: int | None = None) -> None:
        """Read the causes and their deal counts again, selecting the item given."""
        taxonomy, counts = self._context.read(
            lambda s: (tx.list_taxonomy(s), tx.live_deals_per_cause(s))
        )
        self.tree.clear()
        bold = QFont()
        bold.setBold(True)
        chosen = None
        for category in taxonomy:
            total = sum(counts.get(c.id, 0) for c in category.causes)
            top = QTreeWidgetItem(
                [
                    category.name,
                    "Yes" if category.controllable else "No",
                    str(total),
                    "Retired" if category.retired else "",
                ]
            )
            top.setFont(0, bold)
            top.setData(0, KIND, "category")
            top.setData(0, ID, category.id)
            self.tree.addTopLevelItem(top)
            if (select_kind, select_id) == ("category", category.id):
                chosen = top
            for cause in category.causes:
                child = QTreeWidgetItem(
                    [
                        cause.name,
                        "",
                        str(counts.get(cause.id, 0)),
                        "Retired" if cause.retired else "",
                    ]
                )
                child.setData(0, KIND, "cause")
                child.setData(0, ID, cause.id)
                child.setToolTip(0, cause.description)
                if cause.retired:
                    child.setForeground(0, self.palette().placeholderText())
                top.addChild(child)
                if (select_kind, select_id) == ("cause", cause.id):
                    chosen = child
        self.tree.expandAll()
        for column in range(1, 4):
            self.tree.resizeColumnToContents(column)
        self.tree.setColumnWidth(0, 380)
        if chosen is not None:
            self.tree.setCurrentItem(chosen)
        self._update()

    def selected(self) -> tuple[str | None, int | None, QTreeWidgetItem | None]:
        """The selected item as ("category" or "cause", id, tree item), or Nones."""
        item = self.tree.currentItem()
        if item is None:
            return None, None, None
        return item.data(0, KIND), item.data(0, ID), item

    def _update(self) -> None:
        kind, _id, item = self.selected()
        is_cause = kind == "cause"
        is_category = kind == "category"
        self.buttons["add_cause"].setEnabled(item is not None)
        for key in ("rename", "retire", "up", "down"):
            self.buttons[key].setEnabled(item is not None)
        self.buttons["controllable"].setEnabled(is_category)
        self.buttons["merge"].setEnabled(is_cause)
        self.buttons["delete"].setEnabled(is_cause and item is not None and item.text(2) == "0")
        if item is not None:
            retired = item.text(3) == "Retired"
            self.buttons["retire"].setText("Bring back" if retired else "Retire")
            self.description.setText(item.toolTip(0))

    # -- Acting ----------------------------------------------------------------------

    def _act(self, work: Callable[[Session], Any], kind: str | None, item_id: int | None) -> Any:
        done = run(self, self._context, lambda: self._context.write(work))
        if done is None:
            return None
        self.reload(kind, item_id)
        return done.value

    def add_category(self) -> None:
        """Add a category under a name the user types."""
        name = ask.ask_text(self, "Add category", "Name of the new category:")
        if name:
            new_id = self._act(lambda s: tx.add_category(s, name), None, None)
            if new_id:
                self.reload("category", new_id)

    def add_cause(self) -> None:
        """Add a cause to the selected category (or the selected cause's)."""
        kind, item_id, item = self.selected()
        if item is None:
            return
        parent = item.parent()
        category_id = item_id if kind == "category" or parent is None else parent.data(0, ID)
        if category_id is None:
            return
        name = ask.ask_text(self, "Add cause", "Name of the new cause:")
        if name:
            new_id = self._act(lambda s: tx.add_cause(s, category_id, name), None, None)
            if new_id:
                self.reload("cause", new_id)

    def rename(self) -> None:
        """Rename the selected category or cause; deals keep pointing at it."""
        kind, item_id, item = self.selected()
        if item is None or item_id is None:
            return
        name = ask.ask_text(self, "Rename", "New name:", item.text(0))
        if not name:
            return
        if kind == "category":
            self._act(lambda s: tx.rename_category(s, item_id, name), kind, item_id)
        else:
            self._act(lambda s: tx.rename_cause(s, item_id, name), kind, item_id)

    def toggle_retired(self) -> None:
        """Retire the selected category or cause (hidden from new deals), or bring it back."""
        kind, item_id, item = self.selected()
        if item is None or item_id is None:
            return
        retire = item.text(3) != "Retired"
        if kind == "category":
            self._act(lambda s: tx.set_category_retired(s, item_id, retire), kind, item_id)
        else:
            self._act(lambda s: tx.set_cause_retired(s, item_id, retire), kind, item_id)

    def toggle_controllable(self) -> None:
        """Mark the selected category controllable, or not."""
        kind, item_id, item = self.selected()
        if kind != "category" or item is None or item_id is None:
            return
        value = item.text(1) != "Yes"
        self._act(lambda s: tx.set_category_controllable(s, item_id, value), kind, item_id)

    def move_selected(self, step: int) -> None:
        """Move the selected item ``step`` places up (-1) or down (1) among its siblings."""
        kind, item_id, item = self.selected()
        if item is None:
            return
        parent = item.parent()
        siblings = (
            [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
            if parent is None
            else [parent.child(i) for i in range(parent.childCount())]
        )
        ids = [s.data(0, ID) for s in siblings if s is not None]
        position = ids.index(item_id)
        target = position + step
        if not 0 <= target < len(ids):
            return
        ids[position], ids[target] = ids[target], ids[position]
        if kind == "category":
            self._act(lambda s: tx.reorder_categories(s, ids), kind, item_id)
        else:
            self._act(lambda s: tx.reorder_causes(s, ids), kind, item_id)

    def merge(self) -> None:
        """Move every deal of the selected cause to another, and retire it."""
        kind, item_id, item = self.selected()
        if kind != "cause" or item is None or item_id is None:
            return
        taxonomy = self._context.read(lambda s: tx.list_taxonomy(s, include_retired=False))
        targets = {
            f"{category.name} › {cause.name}": cause.id
            for category in taxonomy
            for cause in category.causes
            if cause.id != item_id
        }
        choice = ask.ask_choice(
            self,
            "Merge cause",
            f"Move every deal of “{item.text(0)}” to:",
            list(targets),
        )
        if choice is None:
            return
        target_id = targets[choice]
        moved = self._act(lambda s: tx.merge_causes(s, item_id, target_id), "cause", target_id)
        if moved is not None:
            self.description.setText(f"Merged: {count_of(moved, 'deal')} moved to {choice}.")

    def delete(self) -> None:
        """Delete the selected cause, which no deal uses."""
        kind, item_id, item = self.selected()
        if kind != "cause" or item is None or item_id is None:
            return
        self._act(lambda s: tx.delete_cause(s, item_id), None, None)
