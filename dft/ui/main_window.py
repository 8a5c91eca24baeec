"""The main window: its layout, the wiring of actions to operations, and the selection.

What each action does lives in :mod:`dft.ui.operations`; how each action looks
in :mod:`dft.ui.actions`, where it sits in :mod:`dft.ui.menus`; what the window
remembers in :mod:`dft.ui.window_state`.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from dft import APP_NAME
from dft.core import settings
from dft.core.deals import any_deals
from dft.core.queries import DealFilter
from dft.ui import actions, menus, shortcuts
from dft.ui.actions import create_action, dress
from dft.ui.context import AppContext
from dft.ui.dialogs import run_modal
from dft.ui.dialogs.lists_dialog import ListsDialog
from dft.ui.dialogs.signed_contracts_dialog import SignedContractsDialog
from dft.ui.dialogs.taxonomy_dialog import TaxonomyDialog
from dft.ui.icons import icon
from dft.ui.operations import (
    calls,
    contacts,
    databases,
    deals,
    identity,
    team_settings,
)
from dft.ui.operations.databases import DatabaseOpener
from dft.ui.views.dashboard import DashboardView
from dft.ui.views.deals_tab import DealsTab
from dft.ui.views.filter_bar import FilterBar
from dft.ui.views.follow_ups_view import FollowUpsView
from dft.ui.views.insights import InsightsView
from dft.ui.views.status_counts import StatusCounts
from dft.ui.views.trash_view import TrashView
from dft.ui.window_state import WindowState, recent_databases, remember_database
from dft.ui.worker import BackgroundRead

if TYPE_CHECKING:
    from types import ModuleType


def _exchange() -> ModuleType:
    """The import/export operations, loaded on first use: the window opens without them
    (they pull in the spreadsheet readers and the importer)."""
    return importlib.import_module("dft.ui.operations.exchange")


def _open_report_dialog(context: AppContext, parent: QWidget) -> None:
    # Imported here: the report builder is not needed for the window's first paint.
    from dft.ui.dialogs.report_dialog import MonthlyReportDialog

    run_modal(MonthlyReportDialog(context, parent))


# Back in the window after this long, it reads the database again (team mode).
REFRESH_AFTER_AWAY_SECONDS = 20
DEALS_TAB, DASHBOARD_TAB, INSIGHTS_TAB, FOLLOW_UPS_TAB, TRASH_TAB = 0, 1, 2, 3, 4


class MainWindow(QMainWindow):
    """Deals table with filters and detail, dashboard, follow-ups due and trash, in tabs."""

    databaseSwitched = Signal(str)  # the new database's reopen location

    def __init__(
        self,
        context: AppContext,
        open_database: DatabaseOpener,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self._open_database = open_database
        self._left_at: float | None = None  # when the window was last left (see refresh)
        self.setWindowIcon(icon("dft-tracker"))
        self.setMinimumSize(900, 560)
        identity.use_remembered_name(context.settings)

        self.filter_bar = FilterBar(context)
        self.deals_stack = DealsTab(context)
        # The parts of the Deals tab the window wires and selects in.
        self.deals_model = self.deals_stack.model
        self.table = self.deals_stack.table
        self.detail = self.deals_stack.detail
        self.splitter = self.deals_stack.splitter
        self.deals_page = self.deals_stack.page
        self.welcome = self.deals_stack.welcome
        self.dashboard = DashboardView(context, self.filter_bar.current_filter)
        self.insights = InsightsView(context, self.filter_bar.current_filter)
        self.follow_ups = FollowUpsView(context)
        self.trash = TrashView(context)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.deals_stack, icon("deal-edit"), "Deals")
        self.tabs.addTab(self.dashboard, icon("report"), "Dashboard")
        self.tabs.addTab(self.insights, icon("insights"), "Insights")
        self.tabs.addTab(self.follow_ups, icon("follow-ups"), "Follow-ups due")
        self.tabs.addTab(self.trash, icon("deal-trash"), "Trash")
        # One filter for the table, the charts and the insights: what one shows, all show.
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(6, 6, 6, 0)
        central_layout.addWidget(self.filter_bar)
        central_layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self.count_label = StatusCounts(context, self.deals_model.rowCount)
        self.database_label = QLabel()
        self.database_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addPermanentWidget(self.count_label)
        self.statusBar().addPermanentWidget(self.database_label)

        self._create_actions()
        self.recent_menu = QMenu("Open &recent", self)
        self.help_menu = menus.create_menu_bar(self)
        self.toolbar = menus.create_toolbar(self)
        self._wire_actions()
        self.layout_state = WindowState(
            context.settings,
            self,
            self.splitter,
            self.table.horizontalHeader(),
            self.filter_bar,
            self.detail_action,
        )
        if self.layout_state.restore():
            self.deals_stack.keep_column_widths()
        self.count_label.overdueRead.connect(self._show_overdue)
        self._connect_views()
        self._database_changed()

    # -- Actions, menus, toolbar -----------------------------------------------------------

    def _create_actions(self) -> None:
        make = partial(create_action, self)
        self.new_database_action = make(actions.NEW_DATABASE)
        self.open_database_action = make(actions.OPEN_DATABASE)
        self.team_database_action = make(actions.TEAM_DATABASE)
        self.import_action = make(actions.IMPORT_DEALS)
        self.export_action = make(actions.EXPORT_DEALS)
        self.backup_action = make(actions.BACK_UP)
        self.restore_action = make(actions.RESTORE_BACKUP)
        self.check_action = make(actions.CHECK_DATABASE)
        self.sample_action = make(actions.LOAD_SAMPLE_DATA)
        self.quit_action = make(actions.QUIT)
        stack = self.context.undo_stack
        self.undo_action = dress(stack.createUndoAction(self, actions.UNDO.text), actions.UNDO)
        self.redo_action = dress(stack.createRedoAction(self, actions.REDO.text), actions.REDO)
        self.new_deal_action = make(actions.NEW_DEAL)
        self.edit_deal_action = make(actions.EDIT_DEAL)
        self.log_call_action = make(actions.LOG_CALL)
        self.trash_action = make(actions.TRASH)
        self.find_action = make(actions.FIND)
        self.causes_action = make(actions.MANAGE_CAUSES)
        self.lists_action = make(actions.MANAGE_LISTS)
        self.team_settings_action = make(actions.TEAM_SETTINGS)
        self.your_name_action = make(actions.YOUR_NAME)
        self.deals_tab_action = make(actions.DEALS_TAB)
        self.dashboard_tab_action = make(actions.DASHBOARD_TAB)
        self.insights_tab_action = make(actions.INSIGHTS_TAB)
        self.follow_ups_tab_action = make(actions.FOLLOW_UPS_TAB)
        self.trash_tab_action = make(actions.TRASH_TAB)
        self.detail_action = make(actions.DETAIL_PANE)
        self.detail_action.setChecked(True)
        self.clear_filters_action = make(actions.CLEAR_FILTERS)
        self.refresh_action = make(actions.REFRESH)
        self.report_action = make(actions.MONTHLY_REPORT)
        self.contracts_signed_action = make(actions.CONTRACTS_SIGNED)

    def _wire_actions(self) -> None:
        """Each action to what it does: an operation, a dialog, or a change of view."""
        c = self.context
        wiring: tuple[tuple[QAction, Callable[[], object]], ...] = (
            (self.new_database_action, lambda: self.switch_to(
                databases.choose_new_database(self, c.settings))),
            (self.open_database_action, lambda: self.switch_to(
                databases.choose_database(self, c.settings))),
            (self.team_database_action, lambda: self.switch_to(
                databases.choose_team_database(self, recent_databases(c.settings)))),
            (self.import_action, lambda: _exchange().import_deals(self, c)),
            (self.export_action, lambda: _exchange().export_deals(
                self, c, self.filter_bar.current_filter())),
            (self.backup_action, lambda: databases.back_up(self, c)),
            (self.restore_action, lambda: databases.restore_backup(self, c, self._open_database)),
            (self.check_action, lambda: databases.check(self, c)),
            (self.sample_action, lambda: _exchange().load_sample_data(self, c, self.switch_to)),
            (self.quit_action, self.close),
            (self.new_deal_action, self.new_deal),
            (self.edit_deal_action, self.edit_selected),
            (self.log_call_action, self.log_call_selected),
            (self.trash_action, self.trash_selected),
            (self.find_action, self.focus_search),
            (self.causes_action, lambda: self._manage(TaxonomyDialog(c, self))),
            (self.lists_action, lambda: self._manage(ListsDialog(c, self))),
            (self.team_settings_action, lambda: team_settings.change_team_settings(self, c)),
            (self.your_name_action, lambda: identity.change_your_name(self, c)),
            (self.deals_tab_action, lambda: self.tabs.setCurrentIndex(DEALS_TAB)),
            (self.dashboard_tab_action, lambda: self.tabs.setCurrentIndex(DASHBOARD_TAB)),
            (self.insights_tab_action, lambda: self.tabs.setCurrentIndex(INSIGHTS_TAB)),
            (self.follow_ups_tab_action, lambda: self.tabs.setCurrentIndex(FOLLOW_UPS_TAB)),
            (self.trash_tab_action, lambda: self.tabs.setCurrentIndex(TRASH_TAB)),
            (self.clear_filters_action, self.filter_bar.clear),
            (self.refresh_action, self.refresh),
            (self.report_action, lambda: _open_report_dialog(c, self)),
            (self.contracts_signed_action, lambda: run_modal(SignedContractsDialog(c, self))),
        )  # fmt: skip
        for action, handler in wiring:
            action.triggered.connect(lambda _checked=False, handler=handler: handler())
        self.detail_action.toggled.connect(self.detail.setVisible)

    def _connect_views(self) -> None:
        # Signals of the context outlive this window: they go to bound methods, which
        # Qt disconnects when the window is destroyed (a lambda would be left dangling).
        c = self.context
        self.filter_bar.filterChanged.connect(self._filter_changed)
        # The status bar's "N shown" follows the table at every change of filter.
        self.deals_model.modelReset.connect(self.count_label.show_counts)
        self.deals_stack.clearFiltersRequested.connect(self.filter_bar.clear)
        self.deals_stack.selectionChanged.connect(self._update_actions)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.detail.editRequested.connect(lambda deal_id: deals.edit_deal(self, c, deal_id))
        self.detail.logCallRequested.connect(lambda deal_id: calls.log_call(self, c, deal_id))
        self.detail.trashRequested.connect(lambda deal_id: deals.trash_deals(self, c, [deal_id]))
        self.detail.scheduleCallRequested.connect(
            lambda deal_id: calls.schedule_call(self, c, deal_id)
        )
        self.follow_ups.logCallRequested.connect(
            lambda deal_id, follow_up_id: calls.log_call(self, c, deal_id, follow_up_id)
        )
        self.follow_ups.openDealRequested.connect(self.show_deal)
        self.detail.linkRequested.connect(lambda url: contacts.open_link(self, url))
        self.follow_ups.linkRequested.connect(lambda url: contacts.open_link(self, url))
        self.follow_ups.cancelCallRequested.connect(
            lambda deal_id, follow_up_id: calls.cancel_call(self, c, deal_id, follow_up_id)
        )
        self.trash.restoreRequested.connect(lambda ids: deals.restore_deals(self, c, ids))
        self.trash.purgeRequested.connect(lambda ids: deals.purge_deals(self, c, ids))
        self.trash.emptyRequested.connect(lambda: deals.empty_trash(self, c))
        self.welcome.loadSampleRequested.connect(
            lambda: _exchange().load_sample_data(self, c, self.switch_to)
        )
        self.welcome.newDealRequested.connect(self.new_deal)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.dashboard.drillDown.connect(self.drill_down)
        self.insights.drillDown.connect(self.drill_down)
        c.dataChanged.connect(self._data_changed)
        c.databaseChanged.connect(self._database_changed)
        c.undo_stack.indexChanged.connect(self._undo_index_changed)
        c.announced.connect(self.statusBar().showMessage)

    # -- Actions that depend on the selection or the tab ---------------------------------

    def new_deal(self) -> None:
        """Log a deal, then show it selected in the table."""
        deal_id = deals.new_deal(self, self.context)
        if deal_id is not None:
            self.show_deal(deal_id)

    def edit_selected(self) -> None:
        """Edit the one selected deal."""
        ids = self.selected_ids()
        if len(ids) == 1:
            deals.edit_deal(self, self.context, ids[0])

    def trash_selected(self) -> None:
        """Delete: the selected deals to the trash; in the Trash tab, for good."""
        if self.tabs.currentIndex() == TRASH_TAB:
            deals.purge_deals(self, self.context, self.trash.selected_ids())
            return
        ids = self.selected_ids()
        if ids:
            deals.trash_deals(self, self.context, ids)

    def log_call_selected(self) -> None:
        """Log a call for the selected deal, or for the selected row of Follow-ups due."""
        if self.tabs.currentIndex() == FOLLOW_UPS_TAB:
            self.follow_ups.log_selected()
            return
        ids = self.selected_ids()
        if len(ids) == 1:
            calls.log_call(self, self.context, ids[0])

    def _manage(self, dialog: QDialog) -> None:
        run_modal(dialog)
        self.context.dataChanged.emit()

    def focus_search(self) -> None:
        """Edit > Find: the search field of the Deals tab."""
        self.tabs.setCurrentIndex(DEALS_TAB)
        self.filter_bar.search.setFocus()
        self.filter_bar.search.selectAll()

    def switch_to(self, location: str | None) -> bool:
        """Open the database at ``location`` (a path or URL) in this window; False when
        it stayed closed."""
        if not location:
            return False
        database = databases.switch_database(self, self.context, self._open_database, location)
        if database is None:
            return False
        self.databaseSwitched.emit(database.reopen_location)
        self.show_database_warnings()
        return True

    def show_database_warnings(self) -> None:
        """Say what the user should know about the open database (a network drive, ...)."""
        databases.show_warnings(self, self.context)

    def _fill_recent_menu(self, recent: list[str]) -> None:
        self.recent_menu.clear()
        for entry in recent:
            action = self.recent_menu.addAction(entry)
            action.triggered.connect(lambda _c=False, e=entry: self.switch_to(e))
        self.recent_menu.setEnabled(bool(recent))

    # -- Keeping views in step -----------------------------------------------------------

    def _filter_changed(self, deal_filter: DealFilter) -> None:
        self.deals_model.set_filter(deal_filter)
        self.dashboard.filter_changed()
        self.insights.filter_changed()

    def _tab_changed(self, index: int) -> None:
        self.filter_bar.setVisible(index in (DEALS_TAB, DASHBOARD_TAB, INSIGHTS_TAB))
        self._update_actions()

    def drill_down(self, gid: str) -> None:
        """A click on a chart: show the deals behind that bar or slice in the table."""
        if self.filter_bar.drill_down(gid):
            self.tabs.setCurrentIndex(DEALS_TAB)
            self.statusBar().showMessage(
                "Showing the deals behind the chart. Clear filters: "
                + shortcuts.label(shortcuts.CLEAR_FILTERS),
                6000,
            )

    def _data_changed(self) -> None:
        self.deals_model.reload()
        self._update_status()

    def _database_changed(self) -> None:
        database = self.context.database
        self.deals_model.set_sessions(self.context.read_sessions)
        self.filter_bar.refresh_choices()
        self.deals_model.set_filter(self.filter_bar.current_filter())
        if self.deals_model.rowCount():
            self.select_row(0)  # the detail pane has something to show from the start
        self.database_label.setText(database.location)
        self.database_label.setToolTip(f"Database: {database.location}")
        self._fill_recent_menu(remember_database(self.context.settings, database.reopen_location))
        on_file = database.path is not None
        for action in (self.backup_action, self.restore_action):
            action.setEnabled(on_file)
        # A damaged database is read only: the writes would be refused anyway.
        for action in (
            self.new_deal_action,
            self.import_action,
            self.sample_action,
            self.causes_action,
            self.lists_action,
            self.contracts_signed_action,
        ):
            action.setEnabled(not database.damaged)  # fmt: skip
        self._update_actions()
        self.backup_action.setStatusTip(
            actions.BACK_UP.tip if on_file else actions.BACK_UP_ON_SERVER_TIP
        )
        self._update_status()

    def _update_status(self) -> None:
        """The title and welcome page now (cheap reads); the counts in the background."""
        database = self.context.database
        sample, anything = self.context.read(
            lambda s: (settings.get_bool(s, settings.SAMPLE_DATA), any_deals(s))
        )
        # Made-up deals must never pass for real ones: the title says so.
        title = f"{APP_NAME} — {database.short_name}"
        if sample and anything:
            title += " (sample data)"
        if database.damaged:
            title += " (damaged — read only)"
        self.setWindowTitle(title)
        self.deals_stack.show_welcome(not anything)
        self.count_label.read()

    def _show_overdue(self, overdue: int) -> None:
        self.tabs.setTabText(FOLLOW_UPS_TAB, f"Follow-ups due ({overdue})" if overdue else
                             "Follow-ups due")  # fmt: skip

    def _undo_index_changed(self, _index: int) -> None:
        self._update_actions()

    def _update_actions(self) -> None:
        on_deals = self.tabs.currentIndex() == DEALS_TAB
        ids = self.selected_ids() if on_deals and not self.context.database.damaged else []
        self.edit_deal_action.setEnabled(len(ids) == 1)
        self.trash_action.setEnabled(bool(ids))
        self.log_call_action.setEnabled(
            len(ids) == 1 or (self.tabs.currentIndex() == FOLLOW_UPS_TAB
                              and self.follow_ups.selected() is not None
                              and not self.context.database.damaged)
        )  # fmt: skip

    # -- Selection -------------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        """The ids of the deals selected in the Deals table, top to bottom."""
        return self.deals_stack.selected_ids()

    def select_row(self, row: int) -> None:
        """Select one row of the Deals table and scroll to it."""
        self.deals_stack.select_row(row)

    def show_deal(self, deal_id: int) -> None:
        """Bring a deal into view on the Deals tab, clearing filters that hide it."""
        self.tabs.setCurrentIndex(DEALS_TAB)
        row = self.deals_model.row_of(deal_id)
        if row is None:
            self.filter_bar.clear()
            row = self.deals_model.row_of(deal_id)
        if row is not None:
            self.select_row(row)

    def _context_menu(self, point: QPoint) -> None:
        if not self.table.indexAt(point).isValid():
            return
        menus.deal_context_menu(self).exec(self.table.viewport().mapToGlobal(point))

    # -- Coming and going -----------------------------------------------------------------

    def refresh(self) -> None:
        """Read everything again: others (another desk, another copy of the app) may
        have changed the database meanwhile."""
        self.context.dataChanged.emit()
        self.statusBar().showMessage("Up to date.", 3000)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.ActivationChange:
            self.window_activated(self.isActiveWindow(), time.monotonic())
        super().changeEvent(event)

    def window_activated(self, active: bool, now: float) -> None:
        """Coming back after a while shows what others changed; a dialog closing does not."""
        if not active:
            self._left_at = now
        elif self._left_at is not None and now - self._left_at >= REFRESH_AFTER_AWAY_SECONDS:
            self._left_at = None
            self.refresh()

    def save_settings(self) -> None:
        """Remember the layout and the database for the next run."""
        self.layout_state.save(self.context.database.reopen_location)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_settings()
        # Reads in flight (status counts, dashboard) give their connections back before
        # the database may be closed.
        for reader in self.findChildren(BackgroundRead):
            reader.stop()
        super().closeEvent(event)
