"""The action table: how every menu and toolbar action looks (text, keys, tooltip, icon).

An :class:`ActionSpec` says only how an action shows; :func:`create_action`
makes the QAction, and whoever owns the action connects it to what it does
(the window wires its actions to :mod:`dft.ui.operations`; a feature such as
:mod:`dft.ui.help` connects its own). Keys come from :mod:`dft.ui.shortcuts`.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from dft import APP_NAME
from dft.ui import shortcuts
from dft.ui.icons import icon


@dataclass(frozen=True)
class ActionSpec:
    """How one action shows: menu text (with its & mnemonic), keys, tooltip, icon."""

    text: str
    keys: shortcuts.Keys | None = None
    tip: str = ""
    icon: str | None = None
    checkable: bool = False


def create_action(parent: QObject, spec: ActionSpec) -> QAction:
    """A QAction as ``spec`` describes it; the tooltip doubles as the status-bar tip."""
    return dress(QAction(spec.text, parent), spec)


def dress(action: QAction, spec: ActionSpec) -> QAction:
    """Give an action made elsewhere (the undo stack's Undo, ...) the look of ``spec``."""
    if spec.icon:
        action.setIcon(icon(spec.icon))
    if spec.keys is not None:
        action.setShortcuts(shortcuts.sequences(spec.keys))
    if spec.tip:
        action.setToolTip(spec.tip)
        action.setStatusTip(spec.tip)
    action.setCheckable(spec.checkable)
    return action


# -- File ----------------------------------------------------------------------------

NEW_DATABASE = ActionSpec(
    "&New database…", shortcuts.NEW_DATABASE, "Create a new, empty database file"
)
OPEN_DATABASE = ActionSpec(
    "&Open database…", shortcuts.OPEN_DATABASE, "Open another database file", "database-open"
)
TEAM_DATABASE = ActionSpec(
    "Open &team database…", tip="Open the team's shared database on a PostgreSQL server"
)
IMPORT_DEALS = ActionSpec(
    "&Import deals…", shortcuts.IMPORT_DEALS, "Import deals from a CSV or Excel file"
)
EXPORT_DEALS = ActionSpec(
    "&Export deals…",
    shortcuts.EXPORT_DEALS,
    "Export the deals the filter shows, with their calls, to CSV or Excel",
)
BACK_UP = ActionSpec("&Back up now", tip="Copy the database to the backup folder now")
# The tip Back up now shows, greyed out, on a server database.
BACK_UP_ON_SERVER_TIP = "A team database is backed up on its server (pg_dump), or with dft copy"
RESTORE_BACKUP = ActionSpec(
    "&Restore from backup…",
    tip="Replace the database with a backup (the current one is backed up first)",
)
CHECK_DATABASE = ActionSpec("&Check database", tip="Check integrity and schema version")
LOAD_SAMPLE_DATA = ActionSpec(
    "Load &sample data…",
    tip="300 realistic made-up deals: in an empty database, else in a separate sample database",
)
QUIT = ActionSpec("&Quit", shortcuts.QUIT, f"Quit {APP_NAME}")

# -- Edit ----------------------------------------------------------------------------

UNDO = ActionSpec("&Undo", shortcuts.UNDO, icon="undo")
REDO = ActionSpec("&Redo", shortcuts.REDO, icon="redo")

NEW_DEAL = ActionSpec("&New deal…", shortcuts.NEW_DEAL, "Log a lost deal", "deal-new")
EDIT_DEAL = ActionSpec("&Edit deal…", shortcuts.EDIT_DEAL, "Edit the selected deal", "deal-edit")
LOG_CALL = ActionSpec(
    "&Log follow-up call…",
    shortcuts.LOG_CALL,
    "Record a follow-up call with the selected deal's client",
    "call-log",
)
TRASH = ActionSpec(
    "Move to &trash", shortcuts.TRASH, "Move the selected deals to the trash", "deal-trash"
)
FIND = ActionSpec("&Find…", shortcuts.FIND, "Search deals", "find")
MANAGE_CAUSES = ActionSpec(
    "Manage &causes…", tip="Add, rename, retire or merge causes", icon="causes"
)
MANAGE_LISTS = ActionSpec(
    "Sales&people, lead sources, communities…",
    tip="Salespeople, lead sources and communities: add, rename, retire, merge",
)
TEAM_SETTINGS = ActionSpec(
    "Team &settings…",
    tip="Settings everyone using this database shares: win-back calls, who calls, "
    "the carrying cost and the cancellation benchmark",
)
YOUR_NAME = ActionSpec(
    "Your na&me…", tip="The name recorded on the deals and calls you log or change"
)

# -- View ----------------------------------------------------------------------------

DEALS_TAB = ActionSpec("&Deals", shortcuts.DEALS_TAB)
DASHBOARD_TAB = ActionSpec(
    "D&ashboard", shortcuts.DASHBOARD_TAB, "Charts for the current filter", "report"
)
INSIGHTS_TAB = ActionSpec(
    "&Insights",
    shortcuts.INSIGHTS_TAB,
    "Whose first guesses hold up, who calls, is the change real, what it costs",
    "insights",
)
FOLLOW_UPS_TAB = ActionSpec(
    "&Follow-ups due", shortcuts.FOLLOW_UPS_TAB, "Every follow-up call still to make", "follow-ups"
)
TRASH_TAB = ActionSpec("&Trash", shortcuts.TRASH_TAB)
DETAIL_PANE = ActionSpec("Deal &details pane", shortcuts.DETAIL_PANE, checkable=True)
CLEAR_FILTERS = ActionSpec("&Clear filters", shortcuts.CLEAR_FILTERS, "Show every deal")
REFRESH = ActionSpec(
    "&Refresh",
    shortcuts.REFRESH,
    "Show what others changed meanwhile (also done when you come back to the window)",
)

# -- Reports -------------------------------------------------------------------------

MONTHLY_REPORT = ActionSpec(
    "&Monthly report…",
    shortcuts.MONTHLY_REPORT,
    "The month's causes for management: preview, save as PDF/Excel/CSV/HTML, print",
    "report",
)
CONTRACTS_SIGNED = ActionSpec(
    "&Contracts signed…", tip="Enter contracts signed per month, for the fall-through rate"
)

# -- Help ----------------------------------------------------------------------------

KEYBOARD_SHORTCUTS = ActionSpec("&Keyboard shortcuts", shortcuts.KEYBOARD_SHORTCUTS)
OPEN_LOG_FOLDER = ActionSpec(
    "Open &log folder", tip="Show the folder of the log file, where unexpected errors are written"
)
ABOUT = ActionSpec(f"&About {APP_NAME}")
