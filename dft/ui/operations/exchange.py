"""Deals in and out of files: import, export; and the sample data an empty database offers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from dft.core.deals import count_deals
from dft.core.demo import DemoResult, generate_demo_data
from dft.core.imported import ImportedRecords, Removed, remove_imported
from dft.core.queries import DealFilter
from dft.exchange import exporter
from dft.exchange.exporter import ExportResult
from dft.store.database import Database
from dft.store.location import user_data_dir
from dft.ui import ask
from dft.ui.context import AppContext
from dft.ui.dialogs import run_modal
from dft.ui.dialogs.import_dialog import ImportDialog
from dft.ui.formatting import count_of
from dft.ui.operations.runner import run, run_in_background
from dft.ui.window_state import FileFolder, FileKind
from dft.ui.worker import BackgroundTask, Cancelled, Progress

SAMPLE_DEALS = 300
SPREADSHEET_FILES = "Spreadsheets and text exports (*.csv *.xlsx *.txt *.tsv);;All files (*)"
EXPORT_FILES = "Excel workbook (*.xlsx);;CSV (*.csv)"


def import_deals(parent: QWidget, context: AppContext) -> None:
    """Import deals from a CSV or Excel file the user picks, through the import dialog."""
    place = FileFolder(context.settings, FileKind.IMPORT)
    path = ask.ask_open_path(parent, "Import deals", place, SPREADSHEET_FILES)
    if not path:
        return
    # The dialog reads the file's headers at once: an unreadable file is refused here.
    opened = run(
        parent,
        context,
        lambda: ImportDialog(
            context,
            Path(path),
            parent,
            undo=lambda records, done: undo_import(parent, context, records, done),
        ),
        failure_title="Cannot import",
    )
    if opened is None:
        return
    dialog = opened.value
    run_modal(dialog)
    result = dialog.import_result
    if result is None:
        return
    # Imported rows are not on the undo stack: Undo must not skip past them.
    context.undo_stack.clear()
    if dialog.undone is not None:
        context.announce(f"Import undone: {count_of(dialog.undone.deals, 'deal')} removed.", 8000)
    else:
        context.announce(
            f"Imported {count_of(result.added, 'deal')} "
            f"({result.already_present:,} already present).",
            8000,
        )


def undo_import(
    parent: QWidget,
    context: AppContext,
    records: ImportedRecords,
    done: Callable[[Removed], None],
) -> BackgroundTask:
    """Take an import back: its deals, and the causes, categories and names it created."""
    sessions = context.sessions

    def work(progress: Progress) -> Removed:
        progress(0, 1)
        with sessions.begin() as session:
            return remove_imported(session, records)

    return run_in_background(
        parent,
        context,
        "Undoing the import",
        "Removing the imported deals…",
        work,
        done,
        cancelled="Cancelled; the import stays.",
        writes=True,
    )


def export_deals(
    parent: QWidget, context: AppContext, deal_filter: DealFilter
) -> BackgroundTask | None:
    """Write the deals ``deal_filter`` picks, with their calls, to a file the user names."""
    place = FileFolder(context.settings, FileKind.EXPORT)
    path = ask.ask_save_path(parent, "Export deals", place, "dft-deals.xlsx", EXPORT_FILES)
    if not path:
        return None
    target = Path(path)
    if target.suffix.lower() not in (".csv", ".xlsx"):
        target = target.with_suffix(".xlsx")
    sessions = context.read_sessions

    def work(progress: Progress) -> ExportResult:
        progress(0, 1)
        with sessions.begin() as session:
            return exporter.export_deals(session, target, deal_filter)

    def exported(result: ExportResult) -> None:
        context.announce(
            f"Exported {count_of(result.deals, 'deal')} and "
            f"{count_of(result.follow_ups, 'call')} to "
            f"{', '.join(p.name for p in result.files)}.",
            8000,
        )

    return run_in_background(
        parent, context, "Exporting", f"Writing {target.name}…", work, exported
    )


def every_deal(session: Session) -> int:
    """Deals in the database, those in the trash included."""
    return count_deals(session) + count_deals(session, in_trash=True)


def sample_database_location(database: Database) -> Path:
    """Where the separate sample database lives: beside a database file, else (a team
    server) in the user-data folder."""
    if database.path is not None:
        return database.path.with_name(f"{database.path.stem}-sample-data.sqlite3")
    return user_data_dir() / "dft-sample-data.sqlite3"


def load_sample_data(
    parent: QWidget, context: AppContext, open_elsewhere: Callable[[str], bool]
) -> BackgroundTask | None:
    """Load made-up deals, never into a database that holds deals: there, offer a
    separate sample database instead (``open_elsewhere`` opens it in the window)."""
    if context.read(every_deal):
        location = sample_database_location(context.database)
        if not ask.confirm_open_sample_database(parent, location):
            return None
        if not open_elsewhere(str(location)):
            return None
        if context.read(every_deal):  # opened before: its sample data is there already
            context.announce(f"Opened the sample database {location}.", 8000)
            return None
    return _load_into_empty_database(parent, context)


def _load_into_empty_database(parent: QWidget, context: AppContext) -> BackgroundTask:
    """Add realistic made-up deals off the GUI thread; Cancel adds none."""
    sessions = context.sessions
    today = context.today()

    def work(progress: Progress) -> DemoResult:
        with sessions.begin() as session:
            result = generate_demo_data(
                session, deals=SAMPLE_DEALS, today=today, batch_size=25, progress=progress
            )
            if result.deals < SAMPLE_DEALS:
                raise Cancelled()
        return result

    return run_in_background(
        parent,
        context,
        "Loading sample data",
        "Adding sample deals…",
        work,
        lambda result: context.announce(f"Added {result.deals} sample deals."),
        cancelled="Cancelled; no sample data was added.",
        writes=True,
    )
