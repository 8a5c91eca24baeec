"""Reports > Monthly report: pick a month and scope, preview, save as PDF/XLSX/CSV/HTML, print."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QThread, QUrl
from PySide6.QtGui import QColor, QImage, QPalette, QTextCursor, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from dft.core.dates import add_months, month_start
from dft.core.lists import list_entries
from dft.core.models import Community, Salesperson
from dft.core.startup import libraries_loaded
from dft.reports.monthly import MonthlyReport, ReportScope, build_monthly_report
from dft.ui import ask
from dft.ui.context import AppContext
from dft.ui.dialogs import run_modal
from dft.ui.formatting import count_of, format_month
from dft.ui.window_state import FileFolder, FileKind
from dft.ui.worker import BackgroundJob, BackgroundTask, Cancelled, Progress

if TYPE_CHECKING:
    from matplotlib.figure import Figure

SAVE_FILTERS = "PDF report (*.pdf);;Excel workbook (*.xlsx);;CSV data (*.csv);;Web page (*.html)"
MONTHS_OFFERED = 36
PREVIEW_DPI = 110
PREVIEW_WIDTH = 760  # pixels: a chart no wider than the page of the preview
PAGE_MARGIN = 28  # pixels around the page (the HTML report's body has a margin)
# Deals listed on screen. Qt lays the page out on the GUI thread, the deals' table
# in one step that stalls the window: about 30 ms for 100 deals.
# A saved PDF lists 500 (dft/reports/tables.py MAX_LISTED_DEALS), Excel and CSV all.
PREVIEW_DEALS = 100
# The preview's steps: the report's figures, its charts (headline, pareto, trend,
# control, cancellation), the page.
PREVIEW_STEPS = 7


@dataclass(frozen=True)
class Preview:
    """A preview built off the GUI thread: the report and its page, charts included."""

    report: MonthlyReport
    document: QTextDocument  # made in the worker, handed to the GUI thread


def build_preview(
    context: AppContext, month: date, scope: ReportScope, gui_thread: QThread, progress: Progress
) -> Preview:
    """The report and its page, charts drawn (runs in a worker thread, no Qt widgets)."""
    from dft.reports.html import QT_STYLE, report_sections  # the first time, matplotlib too

    libraries_loaded()

    def step(done: int) -> None:
        if not progress(done, PREVIEW_STEPS):
            raise Cancelled()

    step(0)
    today = context.today()
    # Reading no more deals than it lists keeps it quick on a large team database.
    report = context.read(
        lambda s: build_monthly_report(s, month, scope, today=today, deal_limit=PREVIEW_DEALS)
    )
    step(1)
    charts: dict[str, bytes] = {}

    def chart(key: str, figure: Figure) -> str:
        # Drawn at the size it is shown: a page that scaled it would do so at each paint.
        dpi = min(PREVIEW_DPI, PREVIEW_WIDTH / figure.get_figwidth())
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi)
        charts[key] = buffer.getvalue()
        step(min(1 + len(charts), PREVIEW_STEPS - 1))
        return f'<p><img src="chart://{key}"></p>'

    sections = report_sections(report, chart, max_deals=PREVIEW_DEALS)
    # The page is parsed here, not on the GUI thread, and a section at a time: each
    # parse is a call that holds Python's lock, and the whole page in one call kept
    # the window waiting 40 ms. (It is laid out on the GUI thread, where Qt does it in
    # steps: a layout made here would keep this thread's fonts, gone when it ends.)
    document = QTextDocument()
    document.setDefaultStyleSheet(QT_STYLE)
    document.setDocumentMargin(PAGE_MARGIN)
    for key, png in charts.items():
        image = QImage.fromData(png)
        document.addResource(
            QTextDocument.ResourceType.ImageResource, QUrl(f"chart://{key}"), image
        )
    cursor = QTextCursor(document)
    for index, section in enumerate(sections):
        if index:
            cursor.insertBlock()  # each section starts a paragraph of its own
        cursor.insertHtml(section)
    document.moveToThread(gui_thread)
    step(PREVIEW_STEPS)
    return Preview(report, document)


class MonthlyReportDialog(QDialog):
    """Pick a month and scope, read the preview, save or print the report."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.report: MonthlyReport | None = None
        self._task: BackgroundTask | None = None
        self._document: QTextDocument | None = None  # the page shown, made by a builder
        self.builder = BackgroundJob(self)
        self.builder.progressed.connect(self._progressed)
        self.builder.finished.connect(self._built)
        self.setWindowTitle("Monthly report")
        self.month = QComboBox()
        self.month.setAccessibleName("Month")
        first = month_start(context.today())
        for back in range(MONTHS_OFFERED):
            month = add_months(first, -back)
            self.month.addItem(format_month(month), month.isoformat())
        # The month just ended is the one a manager usually asks for. (Months are
        # stored as ISO text: a date put in a combo comes back as another type.)
        self.month.setCurrentIndex(1)
        people, places = context.read(
            lambda s: (list_entries(s, Salesperson), list_entries(s, Community))
        )
        self.salesperson = QComboBox()
        self.salesperson.setAccessibleName("Salesperson")
        self.salesperson.addItem("All salespeople", None)
        for person in people:
            self.salesperson.addItem(person.name, person.name)
        self.community = QComboBox()
        self.community.setAccessibleName("Community")
        self.community.addItem("All communities", None)
        for place in places:
            self.community.addItem(place.name, place.name)
        self.preview = QTextBrowser()
        self.preview.setAccessibleName("Report preview")
        # The page as it prints, dark palette or not: its colours are the report's own
        # (dark text), which on a dark background could not be read.
        page = self.preview.palette()
        page.setColor(QPalette.ColorRole.Base, QColor("white"))
        page.setColor(QPalette.ColorRole.Text, QColor("#222222"))
        self.preview.setPalette(page)
        self.save_button = QPushButton("Save as…")
        self.save_button.setToolTip("Save as PDF, Excel, CSV or HTML (the ending decides)")
        self.print_button = QPushButton("Print…")
        self.close_button = QPushButton("Close")
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Preview progress")
        self.progress.setMaximumWidth(180)
        self.progress.setTextVisible(False)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("Stop building the preview (saving still works)")
        self.status = QLabel()
        top = QHBoxLayout()
        for label, widget in (("Month:", self.month), ("Salesperson:", self.salesperson),
                              ("Community:", self.community)):  # fmt: skip
            top.addWidget(QLabel(label))
            top.addWidget(widget)
        top.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.progress)
        bottom.addWidget(self.stop_button)
        bottom.addWidget(self.print_button)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.preview, 1)
        layout.addLayout(bottom)
        for combo in (self.month, self.salesperson, self.community):
            combo.currentIndexChanged.connect(self.refresh)
        self.save_button.clicked.connect(self.save)
        self.print_button.clicked.connect(self.print_report)
        self.close_button.clicked.connect(self.accept)
        self.stop_button.clicked.connect(self.builder.cancel)
        self.resize(900, 760)
        self.refresh()

    def selected_month(self) -> date:
        """The first day of the month chosen."""
        return date.fromisoformat(str(self.month.currentData()))

    def scope(self) -> ReportScope:
        """The salesperson and community chosen (None: all)."""
        return ReportScope(
            salesperson=self.salesperson.currentData(), community=self.community.currentData()
        )

    def refresh(self) -> None:
        """Build the preview for the month and scope chosen, in the background."""
        month, scope, context = self.selected_month(), self.scope(), self._context
        self.progress.setRange(0, PREVIEW_STEPS)
        self.progress.setValue(0)
        self._set_building(True)
        self.status.setText(f"Building the preview of {format_month(month)}…")
        gui = self.thread()
        self.builder.start(lambda progress: build_preview(context, month, scope, gui, progress))

    @property
    def building(self) -> bool:
        """True while a preview is being built."""
        return self.builder.busy

    def _set_building(self, building: bool) -> None:
        self.progress.setVisible(building)
        self.stop_button.setVisible(building)
        self.print_button.setEnabled(not building and self.report is not None)

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _built(self, preview: Preview | None, error: BaseException | None) -> None:
        if isinstance(error, Cancelled):
            self.report = None
            self._set_building(False)
            self.preview.clear()
            self.status.setText("Preview stopped. Pick a month to build it again.")
            return
        if error is not None:
            self._set_building(False)
            self.status.setText("")
            ask.warn(self, error, "Cannot build the preview")
            return
        assert preview is not None
        self.report = preview.report
        self._show(preview)
        self._set_building(False)

    def _show(self, preview: Preview) -> None:
        preview.document.setParent(self)
        old, self._document = self._document, preview.document
        self.preview.setDocument(preview.document)
        if old is not None:  # the previous preview's page (the browser's own it deletes)
            old.deleteLater()
        report = preview.report
        self.status.setText(
            f"{count_of(report.deal_count, 'deal')} in {format_month(report.month)}"
        )

    def save(self) -> None:
        """Save the report to a file the user names; the ending picks the format."""
        suggested = f"dft-report-{self.selected_month():%Y-%m}.pdf"
        place = FileFolder(self._context.settings, FileKind.REPORT)
        path = ask.ask_save_path(self, "Save report", place, suggested, SAVE_FILTERS)
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() not in (".pdf", ".xlsx", ".csv", ".html", ".htm"):
            target = target.with_suffix(".pdf")
        month, scope, today = self.selected_month(), self.scope(), self._context.today()
        sessions = self._context.read_sessions

        def work(progress: Progress) -> Path:
            from dft.reports.chart_process import stop_drawing_process
            from dft.reports.render import read_report_for, write_report

            progress(0, 2)
            try:
                with sessions.begin() as session:
                    read = read_report_for(session, target, month, scope, today=today)
                progress(1, 2)
                write_report(read.report, target, read.pdf_charts)
            finally:
                stop_drawing_process()  # not kept idle beside the app
            progress(2, 2)
            return target

        self._task = BackgroundTask(self, "Saving the report", work, f"Writing {target.name}…")
        self._task.finished.connect(self._saved)
        self._task.start()

    def _saved(self, result: Any, error: BaseException | None) -> None:
        self._task = None
        if error is not None:
            ask.warn(self, error, "Cannot save the report")
            return
        self.status.setText(f"Saved {result}")

    def print_report(self) -> None:
        """Print the preview through the system's print dialog."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if run_modal(dialog):
            self.preview.document().print_(printer)
