"""Where each action sits: the menu bar, the toolbar, the deals table's context menu.

The window makes its actions from the action table (:mod:`dft.ui.actions`) and
wires them; this module only places them, in the order the user reads them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolBar, QToolButton

from dft.ui.help_menu import HelpMenu

if TYPE_CHECKING:
    from dft.ui.main_window import MainWindow


def add_entries(target: QMenu | QToolBar, entries: Iterable[QAction | QMenu | None]) -> None:
    """Fill a menu or toolbar in order: an action, a submenu, or None for a separator."""
    for entry in entries:
        if entry is None:
            target.addSeparator()
        elif isinstance(entry, QMenu):
            assert isinstance(target, QMenu), "a toolbar holds no submenus"
            target.addMenu(entry)
        else:
            target.addAction(entry)


def create_menu_bar(w: MainWindow) -> HelpMenu:
    """File, Edit, View, Reports and Help; Help is a feature of its own, returned."""
    layout: tuple[tuple[str, tuple[QAction | QMenu | None, ...]], ...] = (
        ("&File", (w.new_database_action, w.open_database_action, w.team_database_action,
                   w.recent_menu, None, w.import_action, w.export_action, None,
                   w.backup_action, w.restore_action, w.check_action, None, w.sample_action,
                   None, w.quit_action)),
        ("&Edit", (w.undo_action, w.redo_action, None, w.new_deal_action, w.edit_deal_action,
                   w.log_call_action, w.trash_action, None, w.find_action, w.causes_action,
                   w.lists_action, None, w.team_settings_action, w.your_name_action)),
        ("&View", (w.deals_tab_action, w.dashboard_tab_action, w.insights_tab_action,
                   w.follow_ups_tab_action,
                   w.trash_tab_action, None, w.detail_action, w.clear_filters_action, None,
                   w.refresh_action)),
        ("&Reports", (w.report_action, w.dashboard_tab_action, w.insights_tab_action, None,
                      w.contracts_signed_action)),
    )  # fmt: skip
    for title, entries in layout:
        add_entries(w.menuBar().addMenu(title), entries)
    return HelpMenu(w, w.context)


def create_toolbar(w: MainWindow) -> QToolBar:
    """The main toolbar: the deal actions, undo and redo, the most used views."""
    toolbar = QToolBar("Main toolbar")
    toolbar.setObjectName("mainToolbar")
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    toolbar.setMovable(False)
    add_entries(toolbar, (w.new_deal_action, w.edit_deal_action, w.log_call_action,
                          w.trash_action, None, w.undo_action, w.redo_action, None,
                          w.dashboard_tab_action, w.insights_tab_action,
                          w.follow_ups_tab_action, w.report_action,
                          w.causes_action))  # fmt: skip
    # Undo and Redo name what they undo ("Undo Log deal Montgomery-Fairweather"): on the
    # toolbar that pushed the report and causes buttons off, so there the name is the
    # button's tooltip and the menu keeps it in full.
    for action in (w.undo_action, w.redo_action):
        button = toolbar.widgetForAction(action)
        if isinstance(button, QToolButton):
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
    w.addToolBar(toolbar)
    return toolbar


def deal_context_menu(w: MainWindow) -> QMenu:
    """What a right click on a deal offers."""
    menu = QMenu(w)
    add_entries(menu, (w.edit_deal_action, w.log_call_action, w.trash_action))
    return menu
