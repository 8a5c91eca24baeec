"""Every keyboard shortcut of the app, named once.

Menus, buttons, tooltips, status messages and the Help > Keyboard shortcuts
list read them here; no other module types a key combination into a string.
A platform's standard key (``QKeySequence.StandardKey``) is used where one
exists, so each desktop gets its own keys for New, Find, Undo, ...
"""

from __future__ import annotations

from PySide6.QtGui import QKeySequence

StandardKey = QKeySequence.StandardKey
Keys = StandardKey | tuple[str, ...]

# File
NEW_DATABASE: Keys = ("Ctrl+Shift+N",)
OPEN_DATABASE: Keys = StandardKey.Open
IMPORT_DEALS: Keys = ("Ctrl+I",)
EXPORT_DEALS: Keys = ("Ctrl+Shift+E",)
# Not StandardKey.Quit: it is empty on some desktops, and Ctrl+Q is what users expect.
QUIT: Keys = ("Ctrl+Q",)

# Edit
UNDO: Keys = StandardKey.Undo
REDO: Keys = ("Ctrl+Shift+Z", "Ctrl+Y")
NEW_DEAL: Keys = StandardKey.New
EDIT_DEAL: Keys = ("Ctrl+E",)
LOG_CALL: Keys = ("Ctrl+L",)
TRASH: Keys = StandardKey.Delete
FIND: Keys = StandardKey.Find
SAVE_DEAL: Keys = ("Ctrl+S",)

# View
DEALS_TAB: Keys = ("Ctrl+1",)
DASHBOARD_TAB: Keys = ("Ctrl+2",)
INSIGHTS_TAB: Keys = ("Ctrl+3",)
FOLLOW_UPS_TAB: Keys = ("Ctrl+4",)
TRASH_TAB: Keys = ("Ctrl+5",)
DETAIL_PANE: Keys = ("F9",)
CLEAR_FILTERS: Keys = ("Ctrl+Shift+F",)
REFRESH: Keys = StandardKey.Refresh

# Reports, Help
MONTHLY_REPORT: Keys = ("Ctrl+R",)
KEYBOARD_SHORTCUTS: Keys = StandardKey.HelpContents


def sequences(keys: Keys) -> list[QKeySequence]:
    """The key sequences ``keys`` stands for on this platform."""
    if isinstance(keys, StandardKey):
        return QKeySequence.keyBindings(keys)
    return [QKeySequence(key) for key in keys]


def label(keys: Keys) -> str:
    """The main key of ``keys`` as this platform writes it ("Ctrl+L", "Del"), for text."""
    found = sequences(keys)
    return found[0].toString(QKeySequence.SequenceFormat.NativeText) if found else ""
