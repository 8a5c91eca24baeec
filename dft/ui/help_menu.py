"""The Help menu: the keyboard shortcuts, the log folder, About.

A feature in the Frescobaldi manner: it makes its own actions from the action
table and connects them itself; the window only gives it the menu bar.
"""

from __future__ import annotations

from html import escape
from typing import Any, cast

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QDialog, QMainWindow, QMessageBox, QTextBrowser, QVBoxLayout, QWidget

from dft import APP_NAME, __version__
from dft.store.location import user_log_dir
from dft.ui import actions, ask
from dft.ui.context import AppContext
from dft.ui.dialogs import run_modal


class HelpMenu:
    """Adds Help to ``window``'s menu bar, with actions it connects itself."""

    def __init__(self, window: QMainWindow, context: AppContext) -> None:
        self.shortcuts_action = actions.create_action(window, actions.KEYBOARD_SHORTCUTS)
        self.log_folder_action = actions.create_action(window, actions.OPEN_LOG_FOLDER)
        self.about_action = actions.create_action(window, actions.ABOUT)
        self.shortcuts_action.triggered.connect(lambda: show_shortcuts(window))
        self.log_folder_action.triggered.connect(lambda: open_log_folder(window))
        self.about_action.triggered.connect(lambda: show_about(window, context))
        menu = window.menuBar().addMenu("&Help")
        menu.addAction(self.shortcuts_action)
        menu.addAction(self.log_folder_action)
        menu.addAction(self.about_action)


# Keys a keyboard has that a shortcut may use without Ctrl, Alt or Shift.
_PLAIN_KEYS = {Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_Escape, Qt.Key.Key_Insert,
               Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Home, Qt.Key.Key_End,
               Qt.Key.Key_PageUp, Qt.Key.Key_PageDown, Qt.Key.Key_Tab,
               *(Qt.Key(Qt.Key.Key_F1.value + n) for n in range(35))}  # fmt: skip


def typed_on_a_keyboard(keys: QKeySequence) -> bool:
    """False for the dedicated keys some keyboards have (Find, Help, Undo, New…), which
    Qt lists among a standard shortcut's keys under its own names: nobody types "Find"."""
    first = cast(Any, keys)[0]  # a QKeyCombination (PySide's stubs miss __getitem__)
    return first.keyboardModifiers() != Qt.KeyboardModifier.NoModifier or (
        first.key() in _PLAIN_KEYS
    )


def shortcuts_html(window: QWidget) -> str:
    """Every action of ``window`` that has keys, with its keys as the platform writes them
    (Ctrl+F on Linux and Windows, ⌘F on macOS), as an HTML table."""
    rows = []
    for action in window.findChildren(QAction):
        keys = ", ".join(
            s.toString(QKeySequence.SequenceFormat.NativeText)
            for s in action.shortcuts()
            if not s.isEmpty() and typed_on_a_keyboard(s)
        )
        if keys and action.text():
            rows.append((action.text().replace("&", "").rstrip("…"), keys))
    body = "".join(
        f"<tr><td>{escape(name)}</td><td><b>{escape(keys)}</b></td></tr>"
        for name, keys in sorted(rows)
    )
    return f"<table cellpadding='4'>{body}</table>"


def show_shortcuts(window: QWidget) -> None:
    """Help > Keyboard shortcuts: the list of every shortcut."""
    dialog = QDialog(window)
    dialog.setWindowTitle("Keyboard shortcuts")
    browser = QTextBrowser()
    browser.setHtml(shortcuts_html(window))
    layout = QVBoxLayout(dialog)
    layout.addWidget(browser)
    dialog.resize(420, 480)
    run_modal(dialog)


def open_log_folder(parent: QWidget) -> None:
    """Help > Open log folder: the folder of dft.log, in the desktop's file manager."""
    folder = user_log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        message = f"No file manager could show it. The log is in {folder}."
        ask.warn(parent, message, "Cannot open the log folder")


def about_html(context: AppContext) -> str:
    """What the About box says: the version, what the app is for, the database open."""
    return (
        f"<h3>{APP_NAME} {__version__}</h3>"
        "<p>Track signed contracts that fell through, confirm the real cause with a "
        "follow-up call, and see each month how much was land and how much was "
        "customer service.</p>"
        f"<p>Database: {escape(context.database.location)}</p>"
    )


def show_about(parent: QWidget, context: AppContext) -> None:
    """Help > About."""
    QMessageBox.about(parent, f"About {APP_NAME}", about_html(context))
