"""The one way the app sets up a table of records (deals, calls): whole rows, read-only."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView


def record_table(
    model: QAbstractItemModel, name: str, *, several: bool = True, stretch_last: bool = True
) -> QTableView:
    """A table showing ``model``, named ``name`` for screen readers.

    Clicks select whole rows (``several``: with Shift and Ctrl too), rows
    alternate in colour, there are no row numbers, and the user sizes the
    columns (``stretch_last``: the last one takes the room left).
    """
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(
        QAbstractItemView.SelectionMode.ExtendedSelection
        if several
        else QAbstractItemView.SelectionMode.SingleSelection
    )
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(stretch_last)
    table.setAccessibleName(name)
    return table
