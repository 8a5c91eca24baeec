"""Every question the app asks the user, and every warning it shows, as plain functions.

Any widget calls these; a test answers them by patching this one module
(``monkeypatch.setattr(ask, "confirm", lambda *_a: True)``), so callers use
``ask.confirm(...)`` rather than importing the function itself.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum, StrEnum
from html import escape
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import URL

from dft.core.errors import DftError
from dft.store.database import ConnectionLostError, DatabaseError
from dft.store.logs import log_file, log_unexpected_error, scrub
from dft.store.refusals import explain_refusal, is_refusal
from dft.ui.dialogs import run_modal
from dft.ui.widgets import DateEdit
from dft.ui.window_state import FileFolder

CANNOT_DO_THAT = "Cannot do that"
# The database files offered when opening one and when creating one.
DATABASE_FILES = "DFT databases (*.sqlite3 *.db);;All files (*)"
NEW_DATABASE_FILES = "DFT databases (*.sqlite3 *.db)"


# -- Telling -------------------------------------------------------------------------


def warn(parent: QWidget | None, problem: BaseException | str, title: str = CANNOT_DO_THAT) -> None:
    """Show why something could not be done (see :func:`describe`)."""
    QMessageBox.warning(parent, title, describe(problem))


def describe(problem: BaseException | str) -> str:
    """What the user is told about ``problem``: a text as it is; one of the app's own
    errors in its words; the database refusing a value in a sentence naming the field.

    The text of any other error can hold SQL and other people's rows (a driver's
    error quotes every parameter): it goes to the log file, and the user is told where.
    """
    if isinstance(problem, str):
        return problem
    if isinstance(problem, DftError):
        return getattr(problem, "message", None) or str(problem)
    log_unexpected_error(type(problem), problem, problem.__traceback__)
    if is_refusal(problem):
        return explain_refusal("database", problem).message
    return scrub(f"An unexpected problem stopped this; the details are in {log_file()}.")


def inform(parent: QWidget | None, text: str, title: str) -> None:
    """Show a result the user asked for (a check that found nothing wrong, ...)."""
    QMessageBox.information(parent, title, text)


# -- Yes or no -----------------------------------------------------------------------


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """Ask before something that cannot be undone; True only for an explicit Yes."""
    answer = QMessageBox.warning(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes


def confirm_open_sample_database(parent: QWidget | None, location: Path) -> bool:
    """This database holds deals: open (or create) a separate sample database instead?"""
    answer = QMessageBox.question(
        parent,
        "Open a sample database?",
        "This database holds deals, so sample data never goes into it: made-up deals "
        "would mix with yours.\n\n"
        f"Open a separate sample database instead?\n{location}\n\n"
        "Your own database stays in File > Open recent.",
        QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Open,
    )
    return answer == QMessageBox.StandardButton.Open


def confirm_discard_changes(parent: QWidget | None) -> bool:
    """A form with unsaved changes is being closed: True only for an explicit Discard."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Discard changes?")
    box.setText("What you typed is not saved yet.")
    box.setInformativeText("Discard your changes, or go on editing?")
    discard = box.addButton("Discard changes", QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    run_modal(box)
    return box.clickedButton() is discard


def confirm_new_names(parent: QWidget | None, names: list[tuple[str, str]]) -> bool:
    """Ask before adding (field, name) pairs to the lists: free typing adds one only on purpose."""
    lines = "\n".join(f"• {value} (new {field.replace('_', ' ')})" for field, value in names)
    answer = QMessageBox.question(
        parent,
        "Add new names?",
        f"These names are not in your lists yet:\n\n{lines}\n\nAdd them?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


class ConflictChoice(StrEnum):
    """What to do with an edit someone else's save overtook."""

    OVERWRITE = "overwrite"
    DISCARD = "discard"
    KEEP_EDITING = "keep"


def ask_conflict(
    parent: QWidget | None, differences: list[tuple[str, str | None, str | None]]
) -> ConflictChoice:
    """Someone else saved this deal meanwhile: overwrite, discard mine, or keep editing.

    ``differences`` are (field, mine, theirs); both versions are shown side by side.
    """
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Changed by someone else")
    box.setText("This deal was changed by someone else while you were editing it.")
    rows = "".join(
        f"<tr><td><b>{escape(label)}</b></td><td>{escape(mine or '—')}</td>"
        f"<td>{escape(theirs or '—')}</td></tr>"
        for label, mine, theirs in differences
    )
    box.setInformativeText(
        "<table cellpadding='3'><tr><th></th><th align='left'>Yours</th>"
        f"<th align='left'>Theirs (saved)</th></tr>{rows}</table>"
        "<p>Save yours over theirs, or discard yours and keep theirs?</p>"
    )
    overwrite = box.addButton("Save mine", QMessageBox.ButtonRole.DestructiveRole)
    discard = box.addButton("Discard mine", QMessageBox.ButtonRole.RejectRole)
    box.addButton("Keep editing", QMessageBox.ButtonRole.ActionRole)
    run_modal(box)
    clicked = box.clickedButton()
    if clicked is overwrite:
        return ConflictChoice.OVERWRITE
    if clicked is discard:
        return ConflictChoice.DISCARD
    return ConflictChoice.KEEP_EDITING


def ask_retry_save(parent: QWidget | None, error: DatabaseError) -> bool:
    """Tell the user nothing was saved and that what they typed is still there.

    Returns True when they want to try the same save again: offered when the
    server connection was lost, since that is the failure a retry can fix.
    """
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    lost = isinstance(error, ConnectionLostError)
    box.setWindowTitle("Connection lost" if lost else "Not saved")
    message = error.message[:1].upper() + error.message[1:]
    box.setText(message)
    box.setInformativeText(
        "Nothing was saved; what you typed is still in the form. "
        + ("Try again once the server is back." if lost else "Fix the cause and save again.")
    )
    retry = box.addButton("Try again", QMessageBox.ButtonRole.AcceptRole) if lost else None
    box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole)
    run_modal(box)
    return retry is not None and box.clickedButton() is retry


class OpenChoice(Enum):
    """The way on after a database could not be opened."""

    RETRY = "retry"
    RESTORE = "restore"
    OTHER = "other"
    NEW = "new"
    QUIT = "quit"


def ask_after_open_error(parent: QWidget | None, error: DatabaseError) -> OpenChoice:
    """Say what is wrong; offer another file, a new one, or (server unreachable) a retry."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Cannot open the database")
    box.setText(f"<b>{escape(error.message[:1].upper() + error.message[1:])}</b>")
    on_server = "://" in error.location
    box.setInformativeText(
        f"{'Database' if on_server else 'File'}: {error.location}\n\n"
        f"{'Nothing was changed' if on_server else 'The file was not changed'}. "
        "Open another database, or create a new one?"
    )
    retry = (
        box.addButton("Try again", QMessageBox.ButtonRole.AcceptRole)
        if isinstance(error, ConnectionLostError)
        else None
    )
    other = box.addButton("Open another…", QMessageBox.ButtonRole.AcceptRole)
    new = box.addButton("Create new…", QMessageBox.ButtonRole.ActionRole)
    box.addButton("Cancel" if parent is not None else "Quit", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(retry or other)
    run_modal(box)
    if retry is not None and box.clickedButton() is retry:
        return OpenChoice.RETRY
    if box.clickedButton() is other:
        return OpenChoice.OTHER
    if box.clickedButton() is new:
        return OpenChoice.NEW
    return OpenChoice.QUIT


def ask_after_damage(
    parent: QWidget | None, location: str, where: str, newest_good: Path | None
) -> OpenChoice:
    """The database is damaged: offer its newest good backup, another file or a new one."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("The database is damaged")
    box.setText("<b>The database is damaged — restore a backup.</b>")
    if newest_good is not None:
        made = datetime.fromtimestamp(newest_good.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
        offer = (
            f"The newest backup that passed its check is from {made}:\n{newest_good}\n\n"
            "Restoring it keeps the damaged file beside it, so nothing is thrown away; "
            "deals entered after that backup must be entered again."
        )
    else:
        offer = "No backup of it passed its check. Open another database, or create a new one?"
    box.setInformativeText(f"File: {location}\nDamaged: {where}\n\n{offer}")
    restore = (
        box.addButton("Restore this backup", QMessageBox.ButtonRole.AcceptRole)
        if newest_good is not None
        else None
    )
    other = box.addButton("Open another…", QMessageBox.ButtonRole.AcceptRole)
    new = box.addButton("Create new…", QMessageBox.ButtonRole.ActionRole)
    box.addButton("Cancel" if parent is not None else "Quit", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore or other)
    run_modal(box)
    clicked = box.clickedButton()
    if restore is not None and clicked is restore:
        return OpenChoice.RESTORE
    if clicked is other:
        return OpenChoice.OTHER
    return OpenChoice.NEW if clicked is new else OpenChoice.QUIT


# -- Values ------------------------------------------------------------------------


def ask_text(
    parent: QWidget | None, title: str, label: str, text: str = "", *, allow_empty: bool = False
) -> str | None:
    """A line of text; None when cancelled (or left blank, unless ``allow_empty``)."""
    value, ok = QInputDialog.getText(parent, title, label, text=text)
    return value if ok and (allow_empty or value.strip()) else None


def ask_choice(parent: QWidget | None, title: str, label: str, items: list[str]) -> str | None:
    """One of ``items``; None when cancelled."""
    value, ok = QInputDialog.getItem(parent, title, label, items, 0, False)
    return value if ok else None


def ask_new_cause(
    parent: QWidget | None, categories: list[str], name: str
) -> tuple[str, str] | None:
    """A new cause: its category (one of ``categories``) and its name, starting from ``name``.

    None when cancelled or left blank.
    """
    dialog = QDialog(parent)
    dialog.setWindowTitle("New cause")
    dialog.setMinimumWidth(380)
    category = QComboBox()
    category.addItems(categories)
    category.setAccessibleName("Category")
    edit = QLineEdit(name)
    edit.setAccessibleName("Name of the new cause")
    edit.setMaxLength(120)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form = QFormLayout(dialog)
    form.addRow("Category", category)
    form.addRow("Cause", edit)
    form.addRow(buttons)
    if not run_modal(dialog) or not edit.text().strip() or not category.currentText():
        return None
    return category.currentText(), " ".join(edit.text().split())


def ask_date(parent: QWidget | None, title: str, label: str, default: date) -> date | None:
    """A date, starting from ``default``; None when cancelled."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    edit = DateEdit(default)
    edit.setAccessibleName(label)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(QLabel(label))
    layout.addWidget(edit)
    layout.addWidget(buttons)
    return edit.value() if run_modal(dialog) else None


def ask_password(parent: QWidget | None, url: URL, *, retrying: bool) -> str | None:
    """The server's password for this session (never stored); None when the user cancels."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle("Password")
    dialog.setLabelText(
        ("That password was refused. " if retrying else "")
        + f"Password for {url.username} on {url.host}:"
    )
    dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
    if not run_modal(dialog) or not dialog.textValue():
        return None
    return dialog.textValue()


def ask_open_path(parent: QWidget | None, title: str, place: FileFolder, filters: str) -> str:
    """An existing file to read, starting where the last one of its kind was; empty when
    cancelled."""
    path, _ = QFileDialog.getOpenFileName(parent, title, place.start(), filters)
    place.remember(path)
    return path


def ask_save_path(
    parent: QWidget | None, title: str, place: FileFolder, name: str, filters: str
) -> str:
    """A file to write, suggested as ``name`` where the last one of its kind went (the
    user confirms replacing one); empty when cancelled."""
    path, _ = QFileDialog.getSaveFileName(parent, title, place.start(name), filters)
    place.remember(path)
    return path
