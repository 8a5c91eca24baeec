"""The main window: deals table with filters and detail, follow-ups due, trash."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import timedelta
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QItemSelectionModel, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QToolBar,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from dft import APP_NAME, __version__
from dft.core import history, settings
from dft.core.deals import DealInput, count_deals, empty_trash, get_deal, purge_deals
from dft.core.demo import generate_demo_data
from dft.core.errors import ConflictError, DftError
from dft.core.follow_ups import count_overdue, scheduled_call
from dft.core.identity import current_user, use_name
from dft.exchange.exporter import export_deals
from dft.store.backup import default_backup_dir
from dft.store.database import Database
from dft.store.maintenance import backup_database, check_database, restore_database
from dft.ui import ask
from dft.ui.commands import (
    CancelCallCommand,
    EditDealCommand,
    LogDealCommand,
    RecordCallCommand,
    RestoreDealsCommand,
    ScheduleCallCommand,
    TrashDealsCommand,
)
from dft.ui.context import AppContext
from dft.ui.dialogs import run_modal
from dft.ui.dialogs.call_dialog import CallDialog
from dft.ui.dialogs.deal_editor import DealEditorDialog
from dft.ui.dialogs.import_dialog import ImportDialog
from dft.ui.dialogs.lists_dialog import ListsDialog
from dft.ui.dialogs.report_dialog import MonthlyReportDialog
from dft.ui.dialogs.signed_contracts_dialog import SignedContractsDialog
from dft.ui.dialogs.taxonomy_dialog import TaxonomyDialog
from dft.ui.dialogs.team_dialog import TeamDatabaseDialog
from dft.ui.formatting import count_of
from dft.ui.icons import icon
from dft.ui.models.deals_table import COLUMN_INDEX, DealsTableModel
from dft.ui.views.dashboard import DashboardView
from dft.ui.views.deal_detail import DealDetailPane
from dft.ui.views.filter_bar import FilterBar
from dft.ui.views.follow_ups_view import FollowUpsView
from dft.ui.views.trash_view import TrashView
from dft.ui.views.welcome import WelcomePanel
from dft.ui.worker import BackgroundTask, Cancelled, Progress

SAMPLE_DEALS = 300
SPREADSHEET_FILES = "Spreadsheets (*.csv *.xlsx);;All files (*)"
EXPORT_FILES = "Excel workbook (*.xlsx);;CSV (*.csv)"
BACKUP_FILES = "DFT backups (*.sqlite3);;All files (*)"
MAX_RECENT = 8
# Back in the window after this long, it reads the database again (team mode).
REFRESH_AFTER_AWAY_SECONDS = 20
USER_NAME_SETTING = "userName"
DEALS_TAB, DASHBOARD_TAB, FOLLOW_UPS_TAB, TRASH_TAB = 0, 1, 2, 3

DatabaseOpener = Callable[[QWidget, str], Database | None]


class MainWindow(QMainWindow):
    databaseSwitched = Signal(str)

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
        self._background: BackgroundTask | None = None
        self.setWindowIcon(icon("dft-tracker"))
        self.setMinimumSize(900, 560)

        # Deals tab
        self.filter_bar = FilterBar(context)
        self.deals_model = DealsTableModel(context.read_sessions, today=context.today, parent=self)
        self.table = QTableView()
        self.table.setModel(self.deals_model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setSortIndicator(COLUMN_INDEX["fell_through_on"], Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.setAccessibleName("Lost deals")
        self._default_column_widths()
        self.detail = DealDetailPane(context)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([820, 360])
        self.splitter.setChildrenCollapsible(False)
        deals_page = self.deals_page = QWidget()
        deals_layout = QVBoxLayout(deals_page)
        deals_layout.setContentsMargins(0, 0, 0, 0)
        deals_layout.addWidget(self.splitter, 1)
        self.welcome = WelcomePanel()
        self.deals_stack = QStackedWidget()
        self.deals_stack.addWidget(deals_page)
        self.deals_stack.addWidget(self.welcome)

        self.dashboard = DashboardView(context, self.filter_bar.current_filter)
        self.follow_ups = FollowUpsView(context)
        self.trash = TrashView(context)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.deals_stack, icon("deal-edit"), "Deals")
        self.tabs.addTab(self.dashboard, icon("report"), "Dashboard")
        self.tabs.addTab(self.follow_ups, icon("follow-ups"), "Follow-ups due")
        self.tabs.addTab(self.trash, icon("deal-trash"), "Trash")
        # One filter for the table and the charts: what you see in one is in the other.
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(6, 6, 6, 0)
        central_layout.addWidget(self.filter_bar)
        central_layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self.count_label = QLabel()
        self.database_label = QLabel()
        self.database_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addPermanentWidget(self.count_label)
        self.statusBar().addPermanentWidget(self.database_label)

        self._create_actions()
        self._create_menus()
        self._create_toolbar()
        self._restore_settings()
        self._connect()
        self._database_changed()

    # -- Building ----------------------------------------------------------------------

    def _action(
        self,
        text: str,
        slot: Callable[[], Any],
        shortcut: QKeySequence.StandardKey | QKeySequence | str | list[str] | None = None,
        tip: str = "",
        icon_name: str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if icon_name:
            action.setIcon(icon(icon_name))
        if isinstance(shortcut, QKeySequence.StandardKey):
            action.setShortcuts(shortcut)  # the platform's own keys for it
        elif shortcut is not None:
            shortcuts = shortcut if isinstance(shortcut, list) else [shortcut]
            action.setShortcuts([QKeySequence(s) for s in shortcuts])
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _create_actions(self) -> None:
        A = self._action
        self.new_database_action = A(
            "&New database…", self.new_database, "Ctrl+Shift+N", "Create a new, empty database file"
        )
        self.open_database_action = A(
            "&Open database…",
            self.choose_database,
            QKeySequence.StandardKey.Open,
            "Open another database file",
            "database-open",
        )
        self.team_database_action = A(
            "Open &team database…",
            self.choose_team_database,
            None,
            "Open the team's shared database on a PostgreSQL server",
        )
        self.import_action = A(
            "&Import deals…", self.import_deals, "Ctrl+I", "Import deals from a CSV or Excel file"
        )
        self.export_action = A(
            "&Export deals…",
            self.export_deals,
            "Ctrl+Shift+E",
            "Export the deals the filter shows, with their calls, to CSV or Excel",
        )
        self.backup_action = A(
            "&Back up now", self.backup_now, None, "Copy the database to the backup folder now"
        )
        self.restore_action = A(
            "&Restore from backup…",
            self.restore_backup,
            None,
            "Replace the database with a backup (the current one is backed up first)",
        )
        self.check_action = A(
            "&Check database", self.check_database, None, "Check integrity and schema version"
        )
        self.sample_action = A(
            "Load &sample data…", self.load_sample_data, None, "Add 300 realistic made-up deals"
        )
        # Not StandardKey.Quit: it is empty on some desktops, and Ctrl+Q is what users expect.
        self.quit_action = A("&Quit", self.close, "Ctrl+Q", "Quit DFT Tracker")
        self.new_deal_action = A(
            "&New deal…", self.new_deal, QKeySequence.StandardKey.New, "Log a lost deal", "deal-new"
        )
        self.edit_deal_action = A(
            "&Edit deal…", self.edit_selected, "Ctrl+E", "Edit the selected deal", "deal-edit"
        )
        self.log_call_action = A(
            "&Log follow-up call…",
            self.log_call_selected,
            "Ctrl+L",
            "Record a follow-up call with the selected deal's client",
            "call-log",
        )
        self.trash_action = A(
            "Move to &trash",
            self.trash_selected,
            QKeySequence.StandardKey.Delete,
            "Move the selected deals to the trash",
            "deal-trash",
        )
        self.undo_action = self.context.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcuts(QKeySequence.StandardKey.Undo)
        self.undo_action.setIcon(icon("undo"))
        self.redo_action = self.context.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.redo_action.setIcon(icon("redo"))
        self.find_action = A(
            "&Find…", self.focus_search, QKeySequence.StandardKey.Find, "Search deals", "find"
        )
        self.causes_action = A(
            "Manage &causes…",
            self.manage_causes,
            None,
            "Add, rename, retire or merge causes",
            "causes",
        )
        self.your_name_action = A(
            "Your na&me…",
            self.ask_your_name,
            None,
            "The name recorded on the deals and calls you log or change",
        )
        self.lists_action = A(
            "Manage &names…",
            self.manage_lists,
            None,
            "Salespeople, lead sources and communities: add, rename, retire, merge",
        )
        self.deals_tab_action = A("&Deals", lambda: self.tabs.setCurrentIndex(DEALS_TAB), "Ctrl+1")
        self.dashboard_tab_action = A(
            "D&ashboard",
            lambda: self.tabs.setCurrentIndex(DASHBOARD_TAB),
            "Ctrl+2",
            "Charts for the current filter",
            "report",
        )
        self.follow_ups_tab_action = A(
            "&Follow-ups due",
            lambda: self.tabs.setCurrentIndex(FOLLOW_UPS_TAB),
            "Ctrl+3",
            "Every follow-up call still to make",
            "follow-ups",
        )
        self.trash_tab_action = A("&Trash", lambda: self.tabs.setCurrentIndex(TRASH_TAB), "Ctrl+4")
        self.detail_action = A("Deal &details pane", self._toggle_detail, "F9")
        self.detail_action.setCheckable(True)
        self.detail_action.setChecked(True)
        self.clear_filters_action = A(
            "&Clear filters", self.filter_bar.clear, "Ctrl+Shift+F", "Show every deal"
        )
        self.refresh_action = A(
            "&Refresh",
            self.refresh,
            QKeySequence.StandardKey.Refresh,
            "Show what others changed meanwhile (also done when you come back to the window)",
        )
        self.summary_action = A(
            "&Monthly report…",
            self.monthly_report,
            "Ctrl+R",
            "The month's causes for management: preview, save as PDF/Excel/CSV/HTML, print",
            "report",
        )
        self.signed_action = A(
            "&Contracts signed…",
            self.edit_signed_contracts,
            None,
            "Enter contracts signed per month, for the fall-through rate",
        )
        self.shortcuts_action = A(
            "&Keyboard shortcuts", self.show_shortcuts, QKeySequence.StandardKey.HelpContents
        )
        self.about_action = A(f"&About {APP_NAME}", self.show_about)

    def _create_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addAction(self.new_database_action)
        file_menu.addAction(self.open_database_action)
        file_menu.addAction(self.team_database_action)
        self.recent_menu = file_menu.addMenu("Open &recent")
        file_menu.addSeparator()
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        file_menu.addAction(self.backup_action)
        file_menu.addAction(self.restore_action)
        file_menu.addAction(self.check_action)
        file_menu.addSeparator()
        file_menu.addAction(self.sample_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = menu.addMenu("&Edit")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        for action in (
            self.new_deal_action,
            self.edit_deal_action,
            self.log_call_action,
            self.trash_action,
        ):
            edit_menu.addAction(action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.find_action)
        edit_menu.addAction(self.causes_action)
        edit_menu.addAction(self.lists_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.your_name_action)
        view_menu = menu.addMenu("&View")
        for action in (
            self.deals_tab_action,
            self.dashboard_tab_action,
            self.follow_ups_tab_action,
            self.trash_tab_action,
        ):
            view_menu.addAction(action)
        view_menu.addSeparator()
        view_menu.addAction(self.detail_action)
        view_menu.addAction(self.clear_filters_action)
        view_menu.addSeparator()
        view_menu.addAction(self.refresh_action)
        reports_menu = menu.addMenu("&Reports")
        reports_menu.addAction(self.summary_action)
        reports_menu.addAction(self.dashboard_tab_action)
        reports_menu.addSeparator()
        reports_menu.addAction(self.signed_action)
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self.shortcuts_action)
        help_menu.addAction(self.about_action)

    def _create_toolbar(self) -> None:
        toolbar = QToolBar("Main toolbar")
        toolbar.setObjectName("mainToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.setMovable(False)
        for action in (self.new_deal_action, self.edit_deal_action, self.log_call_action):
            toolbar.addAction(action)
        toolbar.addAction(self.trash_action)
        toolbar.addSeparator()
        toolbar.addAction(self.undo_action)
        toolbar.addAction(self.redo_action)
        toolbar.addSeparator()
        toolbar.addAction(self.dashboard_tab_action)
        toolbar.addAction(self.follow_ups_tab_action)
        toolbar.addAction(self.summary_action)
        toolbar.addAction(self.causes_action)
        self.addToolBar(toolbar)
        self.toolbar = toolbar

    def _connect(self) -> None:
        self.filter_bar.filterChanged.connect(self._filter_changed)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.deals_model.modelReset.connect(self._model_reset)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.detail.editRequested.connect(self.edit_deal)
        self.detail.logCallRequested.connect(self.log_call)
        self.detail.trashRequested.connect(lambda deal_id: self.trash_deals([deal_id]))
        self.follow_ups.logCallRequested.connect(self.log_call)
        self.follow_ups.openDealRequested.connect(self.show_deal)
        self.follow_ups.cancelCallRequested.connect(self.cancel_call)
        self.detail.scheduleCallRequested.connect(self.schedule_call)
        self.trash.restoreRequested.connect(self.restore_deals)
        self.trash.purgeRequested.connect(self.purge_deals)
        self.trash.emptyRequested.connect(self.empty_trash)
        self.welcome.loadSampleRequested.connect(self.load_sample_data)
        self.welcome.newDealRequested.connect(self.new_deal)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.dashboard.drillDown.connect(self.drill_down)
        self.context.dataChanged.connect(self._data_changed)
        self.context.databaseChanged.connect(self._database_changed)
        self.context.undo_stack.indexChanged.connect(self._undo_index_changed)

    def _default_column_widths(self) -> None:
        widths = {"fell_through_on": 96, "client_name": 150, "contract_number": 92,
                  "contract_value_cents": 104, "category": 124, "cause": 200,
                  "cause_status": 84, "salesperson": 120, "lead_source": 96,
                  "community": 110}  # fmt: skip
        for key, width in widths.items():
            self.table.setColumnWidth(COLUMN_INDEX[key], width)

    # -- Keeping views in step -----------------------------------------------------------

    def _filter_changed(self, deal_filter: Any) -> None:
        self.deals_model.set_filter(deal_filter)
        self.dashboard.filter_changed()

    def _tab_changed(self, index: int) -> None:
        self.filter_bar.setVisible(index in (DEALS_TAB, DASHBOARD_TAB))
        self._update_actions()

    def drill_down(self, gid: str) -> None:
        """A click on a chart: show the deals behind that bar or slice in the table."""
        if self.filter_bar.drill_down(gid):
            self.tabs.setCurrentIndex(DEALS_TAB)
            self.statusBar().showMessage(
                "Showing the deals behind the chart. Clear filters: Ctrl+Shift+F", 6000
            )

    def _data_changed(self) -> None:
        self.deals_model.reload()
        self._update_status()

    def _database_changed(self) -> None:
        self.deals_model.set_sessions(self.context.read_sessions)
        self.filter_bar.refresh_choices()
        self.deals_model.set_filter(self.filter_bar.current_filter())
        if self.deals_model.rowCount():
            self.select_row(0)  # the detail pane has something to show from the start
        self.database_label.setText(self.context.database.location)
        self.database_label.setToolTip(f"Database: {self.context.database.location}")
        self.setWindowTitle(f"{APP_NAME} — {self.context.database.short_name}")
        self._remember_recent(self.context.database.reopen_location)
        on_file = self.context.database.path is not None
        for action in (self.backup_action, self.restore_action):
            action.setEnabled(on_file)
        self.backup_action.setStatusTip(
            "Copy the database to the backup folder now"
            if on_file
            else "A team database is backed up on its server (pg_dump), or with dft copy"
        )
        self._update_status()

    def _model_reset(self) -> None:
        deal_id = self.detail.deal_id
        row = self.deals_model.row_of(deal_id) if deal_id is not None else None
        if row is not None:
            self.select_row(row)
        else:
            self.detail.show_deal(None)
        self._update_actions()

    def _selection_changed(self) -> None:
        ids = self.selected_ids()
        self.detail.show_deal(ids[0] if len(ids) == 1 else None)
        self._update_actions()

    def _update_status(self) -> None:
        today = self.context.today()

        def counts(session: Session) -> tuple[int, int, int]:
            return (
                count_deals(session),
                count_deals(session, in_trash=True),
                count_overdue(session, today),
            )

        live, trashed, overdue = self.context.read(counts)
        shown = self.deals_model.rowCount()
        parts = [count_of(live, "deal")]
        if shown != live:
            parts.append(f"{shown:,} shown")
        if overdue:
            parts.append(f"{count_of(overdue, 'follow-up')} overdue")
        self.count_label.setText(" · ".join(parts))
        self.deals_stack.setCurrentWidget(
            self.welcome if live == 0 and trashed == 0 else self.deals_page
        )
        self.tabs.setTabText(FOLLOW_UPS_TAB, f"Follow-ups due ({overdue})" if overdue else
                             "Follow-ups due")  # fmt: skip

    def _undo_index_changed(self, _index: int) -> None:
        self._update_actions()

    def _update_actions(self) -> None:
        on_deals = self.tabs.currentIndex() == DEALS_TAB
        ids = self.selected_ids() if on_deals else []
        self.edit_deal_action.setEnabled(len(ids) == 1)
        self.trash_action.setEnabled(bool(ids))
        self.log_call_action.setEnabled(
            len(ids) == 1 or (self.tabs.currentIndex() == FOLLOW_UPS_TAB
                              and self.follow_ups.selected() is not None)
        )  # fmt: skip

    # -- Selection -------------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.deals_model.deal_id_at(row) for row in rows]

    def select_row(self, row: int) -> None:
        index = self.deals_model.index(row, 0)
        self.table.selectionModel().select(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)

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
        menu = QMenu(self)
        for action in (self.edit_deal_action, self.log_call_action, self.trash_action):
            menu.addAction(action)
        menu.exec(self.table.viewport().mapToGlobal(point))

    # -- Deals ---------------------------------------------------------------------------

    def new_deal(self) -> None:
        created: list[int] = []

        def save(data: DealInput, create_names: bool) -> bool:
            command = LogDealCommand(self.context, data, create_names).execute()
            assert isinstance(command, LogDealCommand)
            assert command.deal_id is not None
            created.append(command.deal_id)
            return True

        dialog = DealEditorDialog(self.context, save, parent=self)
        if run_modal(dialog) and created:
            self.show_deal(created[0])
            self.statusBar().showMessage("Deal logged; a follow-up call is scheduled.", 5000)

    def edit_selected(self) -> None:
        ids = self.selected_ids()
        if len(ids) == 1:
            self.edit_deal(ids[0])

    def edit_deal(self, deal_id: int) -> None:
        before = self.context.read(lambda s: get_deal(s, deal_id))

        def save(data: DealInput, create_names: bool) -> bool:
            if data == before.input:
                return True
            try:
                EditDealCommand(
                    self.context, deal_id, before.input, data, before.version, create_names
                ).execute()
            except ConflictError:
                choice = ask.ask_conflict(self, self._conflicting_fields(deal_id, data))
                if choice == ask.ConflictChoice.OVERWRITE:
                    EditDealCommand(
                        self.context, deal_id, before.input, data, None, create_names
                    ).execute()
                    return True
                if choice == ask.ConflictChoice.DISCARD:
                    self.context.dataChanged.emit()
                    return True
                return False
            return True

        run_modal(DealEditorDialog(self.context, save, deal_id=deal_id, parent=self))

    def _conflicting_fields(
        self, deal_id: int, mine: DealInput
    ) -> list[tuple[str, str | None, str | None]]:
        """(field, my value, their value) where the two versions now differ."""

        def compare(session: Session) -> list[tuple[str, str | None, str | None]]:
            theirs = history.readable(session, get_deal(session, deal_id).input)
            ours = history.readable(session, mine)
            return [
                (label, ours.get(name), theirs.get(name))
                for name, label in history.LABELS.items()
                if ours.get(name) != theirs.get(name)
            ]

        return self.context.read(compare)

    def trash_selected(self) -> None:
        if self.tabs.currentIndex() == TRASH_TAB:
            self.purge_deals(self.trash.selected_ids())
            return
        ids = self.selected_ids()
        if ids:
            self.trash_deals(ids)

    def trash_deals(self, ids: list[int]) -> None:
        label = count_of(len(ids), "deal")
        try:
            TrashDealsCommand(self.context, ids, label).execute()
        except DftError as exc:
            ask.warn(self, exc)
            return
        self.statusBar().showMessage(
            f"Moved {label} to the trash. Undo with {QKeySequence(QKeySequence.StandardKey.Undo).toString()}.",  # noqa: E501
            8000,
        )

    def restore_deals(self, ids: list[int]) -> None:
        if not ids:
            return
        label = count_of(len(ids), "deal")
        try:
            RestoreDealsCommand(self.context, ids, label).execute()
        except DftError as exc:
            ask.warn(self, exc, "Cannot restore")
            return
        self.statusBar().showMessage(f"Restored {label}.", 5000)

    def purge_deals(self, ids: list[int]) -> None:
        if not ids:
            return
        label = "this deal" if len(ids) == 1 else f"these {len(ids)} deals"
        if not ask.confirm(
            self,
            "Delete forever?",
            f"Delete {label} and their calls for good? This cannot be undone.",
        ):
            return
        self.context.write(lambda s: purge_deals(s, ids))
        # Undo history may name the purged deals; it can no longer be replayed safely.
        self.context.undo_stack.clear()

    def empty_trash(self) -> None:
        if ask.confirm(
            self,
            "Empty the trash?",
            "Delete every deal in the trash for good? This cannot be undone.",
        ):
            self.context.write(empty_trash)
            self.context.undo_stack.clear()

    # -- Follow-up calls -------------------------------------------------------------------

    def log_call_selected(self) -> None:
        if self.tabs.currentIndex() == FOLLOW_UPS_TAB:
            self.follow_ups.log_selected()
            return
        ids = self.selected_ids()
        if len(ids) == 1:
            self.log_call(ids[0])

    def log_call(self, deal_id: int, follow_up_id: int | None = None) -> None:
        def save(call: dict[str, Any]) -> None:
            RecordCallCommand(self.context, deal_id, call).execute()

        dialog = CallDialog(self.context, deal_id, save, follow_up_id=follow_up_id, parent=self)
        if run_modal(dialog):
            self.statusBar().showMessage("Follow-up call logged.", 5000)

    def schedule_call(self, deal_id: int) -> None:
        due = ask.ask_date(
            self, "Schedule a call", "Call the client on:", self.context.today() + timedelta(days=1)
        )
        if due is None:
            return
        try:
            ScheduleCallCommand(self.context, deal_id, due).execute()
        except DftError as exc:
            ask.warn(self, exc)

    def cancel_call(self, deal_id: int, follow_up_id: int) -> None:
        call = self.context.read(lambda s: scheduled_call(s, follow_up_id))
        if call is None:
            return
        try:
            CancelCallCommand(
                self.context, deal_id, follow_up_id, call.due_on, call.caller
            ).execute()
        except DftError as exc:
            ask.warn(self, exc)
            return
        self.statusBar().showMessage("Call cancelled. Undo with Ctrl+Z.", 5000)

    # -- Taxonomy, reports, help -----------------------------------------------------------

    def ask_your_name(self) -> None:
        name = ask.ask_text(
            self,
            "Your name",
            "The name recorded on the deals and calls you log or change\n(empty: your login name):",
            current_user(),
            allow_empty=True,
        )
        if name is not None:
            self.context.settings.setValue(USER_NAME_SETTING, name.strip())
            use_name(name)
            self.statusBar().showMessage(f"Changes are now recorded as {current_user()}.", 5000)

    def manage_lists(self) -> None:
        run_modal(ListsDialog(self.context, self))
        self.context.dataChanged.emit()

    def manage_causes(self) -> None:
        run_modal(TaxonomyDialog(self.context, self))
        self.context.dataChanged.emit()

    def edit_signed_contracts(self) -> None:
        run_modal(SignedContractsDialog(self.context, self))

    def monthly_report(self) -> None:
        run_modal(MonthlyReportDialog(self.context, self))

    def focus_search(self) -> None:
        self.tabs.setCurrentIndex(DEALS_TAB)
        self.filter_bar.search.setFocus()
        self.filter_bar.search.selectAll()

    def _toggle_detail(self) -> None:
        self.detail.setVisible(self.detail_action.isChecked())

    def shortcuts_html(self) -> str:
        rows = []
        for action in self.findChildren(QAction):
            keys = ", ".join(
                s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts()
            )
            if keys and action.text():
                rows.append((action.text().replace("&", "").rstrip("…"), keys))
        body = "".join(
            f"<tr><td>{name}</td><td><b>{keys}</b></td></tr>" for name, keys in sorted(rows)
        )
        return f"<table cellpadding='4'>{body}</table>"

    def show_shortcuts(self) -> None:
        dialog = QDialog(self)
        dialog.setWindowTitle("Keyboard shortcuts")
        browser = QTextBrowser()
        browser.setHtml(self.shortcuts_html())
        layout = QVBoxLayout(dialog)
        layout.addWidget(browser)
        dialog.resize(420, 480)
        run_modal(dialog)

    def about_html(self) -> str:
        return (
            f"<h3>{APP_NAME} {__version__}</h3>"
            "<p>Track signed contracts that fell through, confirm the real cause with a "
            "follow-up call, and see each month how much was land and how much was "
            "customer service.</p>"
            f"<p>Database: {escape(self.context.database.location)}</p>"
        )

    def show_about(self) -> None:
        QMessageBox.about(self, f"About {APP_NAME}", self.about_html())

    # -- Sample data (off the GUI thread) ---------------------------------------------------

    def load_sample_data(self) -> None:
        sessions = self.context.sessions
        today = self.context.today()

        def work(progress: Progress) -> int:
            with sessions.begin() as session:
                result = generate_demo_data(
                    session, deals=SAMPLE_DEALS, today=today, batch_size=25, progress=progress
                )
                if result.deals < SAMPLE_DEALS:
                    raise Cancelled()
            return result.deals

        task = BackgroundTask(self, "Loading sample data", work, "Adding sample deals…")
        task.finished.connect(self._sample_loaded)
        self._background = task.start()

    def _sample_loaded(self, result: Any, error: BaseException | None) -> None:
        self._background = None
        if isinstance(error, Cancelled):
            self.statusBar().showMessage("Cancelled; no sample data was added.", 5000)
        elif error is not None:
            ask.warn(self, error if isinstance(error, Exception) else Exception(str(error)))
        else:
            self.statusBar().showMessage(f"Added {result} sample deals.", 5000)
        self.context.dataChanged.emit()

    # -- Import and export -----------------------------------------------------------------

    def import_deals(self) -> None:
        path = ask.ask_open_path(self, "Import deals", "", SPREADSHEET_FILES)
        if not path:
            return
        try:
            dialog = ImportDialog(self.context, Path(path), self)
        except DftError as exc:
            ask.warn(self, exc, "Cannot import")
            return
        if run_modal(dialog) and dialog.import_result is not None:
            result = dialog.import_result
            # Imported rows are not on the undo stack: Undo must not skip past them.
            self.context.undo_stack.clear()
            self.statusBar().showMessage(
                f"Imported {count_of(result.added, 'deal')} "
                f"({result.already_present:,} already present).",
                8000,
            )

    def export_deals(self) -> None:
        path = ask.ask_save_path(self, "Export deals", "dft-deals.xlsx", EXPORT_FILES)
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() not in (".csv", ".xlsx"):
            target = target.with_suffix(".xlsx")
        deal_filter = self.filter_bar.current_filter()
        sessions = self.context.read_sessions

        def work(progress: Progress) -> Any:
            progress(0, 1)
            with sessions.begin() as session:
                return export_deals(session, target, deal_filter)

        task = BackgroundTask(self, "Exporting", work, f"Writing {target.name}…")
        task.finished.connect(self._exported)
        self._background = task.start()

    def _exported(self, result: Any, error: BaseException | None) -> None:
        self._background = None
        if error is not None:
            ask.warn(self, error if isinstance(error, Exception) else Exception(str(error)))
            return
        self.statusBar().showMessage(
            f"Exported {count_of(result.deals, 'deal')} and "
            f"{count_of(result.follow_ups, 'call')} to "
            f"{', '.join(p.name for p in result.files)}.",
            8000,
        )

    # -- Backups ---------------------------------------------------------------------------

    def backup_now(self) -> None:
        try:
            made = backup_database(
                self.context.database.url,
                keep=self.context.read(lambda s: settings.get_int(s, settings.BACKUPS_KEPT)),
            )
        except DftError as exc:
            ask.warn(self, exc, "Cannot back up")
            return
        self.statusBar().showMessage(f"Backed up to {made}", 8000)

    def restore_backup(self) -> None:
        location = self.context.database.path
        if location is None:
            ask.warn(self, Exception("Restore works on SQLite database files."))
            return
        path = ask.ask_open_path(
            self, "Restore from backup", str(default_backup_dir(location)), BACKUP_FILES
        )
        if not path or not ask.confirm(
            self,
            "Restore this backup?",
            f"Replace the database with {Path(path).name}? The database as it is now is "
            "backed up first.",
        ):
            return
        url = self.context.database.url
        self.context.database.close()
        try:
            report, saved = restore_database(url, Path(path))
        except DftError as exc:
            ask.warn(self, exc, "Cannot restore")
            reopened = self._open_database(self, str(location))
            if reopened is not None:
                self.context.switch_database(reopened)
            return
        reopened = self._open_database(self, str(location))
        if reopened is not None:
            self.context.switch_database(reopened)
        restored = count_of(report.deals or 0, "deal")
        self.statusBar().showMessage(
            f"Restored {restored}. The previous database is saved in {saved}.", 10000
        )

    def check_database(self) -> None:
        try:
            report = check_database(self.context.database.url)
        except DftError as exc:
            ask.warn(self, exc, "Cannot check")
            return
        lines = [
            f"Integrity: {'ok' if report.integrity == ['ok'] else '; '.join(report.integrity[:5])}",
            f"Foreign keys: {'ok' if not report.foreign_key_problems else 'broken'}",
            f"Schema version: {report.schema_revision}",
            f"Deals: {report.deals}",
        ]
        if report.ok:
            ask.inform(self, "All good.\n\n" + "\n".join(lines), "Database check")
        else:
            ask.warn(self, "Problems found.\n\n" + "\n".join(lines), "Database check")

    def show_database_warnings(self) -> None:
        for warning in self.context.database.warnings:
            ask.warn(self, warning, "About this database")

    # -- Databases -----------------------------------------------------------------------

    def new_database(self) -> None:
        path = ask.ask_save_path(
            self, "New database", str(Path.home() / "dft.sqlite3"), ask.NEW_DATABASE_FILES
        )
        if path:
            if Path(path).exists():
                ask.warn(self, Exception(f"{path} already exists; open it instead."))
                return
            self.switch_to(path)

    def choose_database(self) -> None:
        path = ask.ask_open_path(self, "Open database", "", ask.DATABASE_FILES)
        if path:
            self.switch_to(path)

    def choose_team_database(self) -> None:
        last = next((r for r in self._recent() if r.startswith("postgresql")), None)
        dialog = TeamDatabaseDialog(last, self)
        url = dialog.url() if run_modal(dialog) else None
        if url is not None:
            # The typed password travels in memory only: what is remembered and
            # announced is the database's reopen_location, without it.
            self.switch_to(url.render_as_string(hide_password=False))

    def switch_to(self, location: str) -> None:
        database = self._open_database(self, location)
        if database is not None:
            self.context.switch_database(database)
            self.databaseSwitched.emit(database.reopen_location)
            self.show_database_warnings()

    def _remember_recent(self, location: str) -> None:
        recent = [location, *[r for r in self._recent() if r != location]][:MAX_RECENT]
        self.context.settings.setValue("recentDatabases", json.dumps(recent))
        self.recent_menu.clear()
        for entry in recent:
            action = self.recent_menu.addAction(entry)
            action.triggered.connect(lambda _c=False, e=entry: self.switch_to(e))
        self.recent_menu.setEnabled(bool(recent))

    def _recent(self) -> list[str]:
        try:
            value = json.loads(str(self.context.settings.value("recentDatabases", "[]")))
        except ValueError:
            return []
        return [str(v) for v in value] if isinstance(value, list) else []

    # -- Remembered layout --------------------------------------------------------------------

    def _restore_settings(self) -> None:
        settings = self.context.settings
        if settings.value(USER_NAME_SETTING):
            use_name(str(settings.value(USER_NAME_SETTING)))
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 780)
        state = settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        splitter = settings.value("deals/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        header = settings.value("deals/header")
        if isinstance(header, QByteArray):
            self.table.horizontalHeader().restoreState(header)
        try:
            filters = json.loads(str(settings.value("deals/filters", "{}")))
        except ValueError:
            filters = {}
        if isinstance(filters, dict):
            self.filter_bar.restore_state(filters)
        detail_visible = str(settings.value("deals/detailVisible", "true")).lower() == "true"
        self.detail_action.setChecked(detail_visible)
        self.detail.setVisible(detail_visible)

    def save_settings(self) -> None:
        settings = self.context.settings
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        settings.setValue("deals/splitter", self.splitter.saveState())
        settings.setValue("deals/header", self.table.horizontalHeader().saveState())
        settings.setValue("deals/filters", json.dumps(self.filter_bar.state()))
        settings.setValue("deals/detailVisible", self.detail_action.isChecked())
        settings.setValue("lastDatabase", self.context.database.reopen_location)
        settings.sync()

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

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_settings()
        super().closeEvent(event)
