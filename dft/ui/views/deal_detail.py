"""The detail pane: the selected deal, its cause story and its follow-up calls."""

from __future__ import annotations

from datetime import date
from html import escape

from PySide6.QtCore import QUrl, Signal, SignalInstance
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from dft.core.choices import CallPurpose
from dft.core.deals import DealDetail, FollowUpInfo, get_deal
from dft.core.errors import NotFoundError
from dft.ui import shortcuts
from dft.ui.context import AppContext
from dft.ui.formatting import format_date, format_date_time, format_money
from dft.ui.icons import icon
from dft.ui.links import crm_url, email_url, phone_url

OUTCOME_LABELS = {
    "reached": "Reached",
    "voicemail": "Voicemail",
    "no_answer": "No answer",
    "declined": "Declined to talk",
}
HISTORY_SHOWN = 30
DEPOSIT_LABELS = {
    "refunded": "refunded",
    "partly_refunded": "partly refunded",
    "forfeited": "forfeited",
}


def _row(label: str, value: str | None, link: QUrl | None = None) -> str:
    if not value:
        return ""
    shown = escape(value)
    if link is not None:
        href = escape(link.toString(QUrl.ComponentFormattingOption.FullyEncoded))
        shown = f"<a href='{href}'>{shown}</a>"
    return f"<tr><td class='k'>{escape(label)}</td><td>{shown}</td></tr>"


def _authors(call: FollowUpInfo) -> str:
    """Who put the call in the book and, if someone else, who last changed it."""
    if not call.created_by:
        return ""
    text = f"entered by {call.created_by}"
    if call.updated_by and call.updated_by != call.created_by:
        text += f", changed by {call.updated_by}"
    return f"<br><span class='note'>{escape(text)}</span>"


def _resale(resold_on: date | None, price_cents: int | None) -> str | None:
    if resold_on is None:
        return None
    text = f"on {format_date(resold_on)}"
    return f"{text} for {format_money(price_cents)}" if price_cents is not None else text


def deal_html(detail: DealDetail, today: date) -> str:
    """A deal as HTML: the cause story, the facts, the calls, the history."""
    data = detail.input
    status = "Confirmed" if data.cause_status == "confirmed" else "Suspected"
    cause = (
        f"{escape(detail.category or '')} › <b>{escape(detail.cause)}</b>"
        if detail.cause
        else "<i>No cause yet</i>"
    )
    first_guess = ""
    if detail.cause_changed:
        first_guess = (
            f"<p class='note'>First recorded as {escape(detail.first_category or '')} › "
            f"{escape(detail.first_cause or '')}; a follow-up call changed it.</p>"
        )
    deposit = None
    if data.deposit_cents is not None:
        deposit = format_money(data.deposit_cents)
        if data.deposit_outcome:
            deposit += f" ({DEPOSIT_LABELS.get(data.deposit_outcome, data.deposit_outcome)})"
    facts = "".join(
        [
            _row("Phone", data.client_phone, phone_url(data.client_phone or "")),
            _row("E-mail", data.client_email, email_url(data.client_email or "")),
            _row(
                "CRM",
                "Open the deal in the CRM" if data.crm_link else None,
                crm_url(data.crm_link or ""),
            ),
            _row("Contract", data.contract_number),
            _row("Value", format_money(data.contract_value_cents)),
            _row("Signed", format_date(data.signed_on, "unknown")),
            _row("Fell through", format_date(data.fell_through_on)),
            _row("Salesperson", data.salesperson),
            _row("Lead source", data.lead_source),
            _row("Community", data.community),
            _row("Lot", data.lot),
            _row("Stage", data.stage),
            _row("Responsible", data.responsible_role),
            _row("Cancelled by", data.cancelled_by.capitalize() if data.cancelled_by else None),
            _row("Deposit", deposit),
            _row("Contributing", ", ".join(detail.contributing_causes)),
            _row(
                "Recovered",
                f"re-signed on {format_date(data.recovered_on)}" if data.recovered_on else None,
            ),
            _row("Home re-sold", _resale(data.resold_on, data.resale_price_cents)),
        ]
    )
    calls = []
    for call in reversed(detail.follow_ups):
        kind = " · <b>win-back call</b>" if call.purpose == CallPurpose.WIN_BACK else ""
        if call.done_at is None:
            overdue = call.due_on < today
            when = f"Due {format_date(call.due_on)}"
            css = "overdue" if overdue else "due"
            calls.append(
                f"<li class='{css}'><b>{when}</b>{' — overdue' if overdue else ''}{kind}"
                f"{' · ' + escape(call.caller) if call.caller else ''}{_authors(call)}</li>"
            )
            continue
        result = ""
        if call.cause_result == "confirmed":
            result = " · <b>confirmed the cause</b>"
        elif call.cause_result == "changed":
            result = f" · <b>changed the cause to {escape(call.changed_to_cause or '')}</b>"
        words = f"<br><q>{escape(call.client_words)}</q>" if call.client_words else ""
        notes = f"<br><span class='note'>{escape(call.notes)}</span>" if call.notes else ""
        calls.append(
            f"<li><b>{format_date(call.done_at.date())}</b> "
            f"{escape(OUTCOME_LABELS.get(call.outcome or '', call.outcome or ''))}"
            f"{kind}{' · ' + escape(call.caller) if call.caller else ''}{result}{words}{notes}"
            f"{_authors(call)}</li>"
        )
    trash = "<p class='overdue'><b>In the trash.</b></p>" if detail.deleted_at else ""
    changes = [
        f"<li><span class='note'>{format_date_time(h.changed_at)} · {escape(h.changed_by)}</span> "
        f"<b>{escape(h.field)}</b>: {escape(h.old_value or '—')} → "
        f"{escape(h.new_value or '—')}</li>"
        for h in detail.history[:HISTORY_SHOWN]
    ]
    history_html = f"<h3>History</h3><ul>{''.join(changes)}</ul>" if changes else ""
    notes_html = (
        f"<h3>Notes</h3><p>{escape(data.notes).replace(chr(10), '<br>')}</p>" if data.notes else ""
    )
    return f"""
<style>
 h2 {{ margin: 0 0 2px 0; }}
 td.k {{ color: palette(mid); padding-right: 12px; white-space: nowrap; }}
 .note {{ color: palette(mid); }}
 .overdue {{ color: #c0392b; }}
 .status {{ font-weight: bold; }}
 ul {{ margin-left: -20px; }}
</style>
<h2>{escape(data.client_name)}</h2>
{trash}
<p>{cause} &nbsp;<span class='status'>[{status}]</span></p>
{first_guess}
<table cellspacing='2'>{facts}</table>
{notes_html}
<h3>Follow-up calls</h3>
{"<ul>" + "".join(calls) + "</ul>" if calls else "<p class='note'>No calls scheduled.</p>"}
{history_html}
"""


class DealDetailPane(QWidget):
    """The selected deal's details, with Edit, Log call, Schedule call and Trash."""

    editRequested = Signal(int)
    logCallRequested = Signal(int)
    trashRequested = Signal(int)
    scheduleCallRequested = Signal(int)
    linkRequested = Signal(QUrl)  # the client's phone, e-mail or CRM link was clicked

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._deal_id: int | None = None
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setAccessibleName("Deal details")
        self.browser.anchorClicked.connect(self.linkRequested)
        self.edit_button = QPushButton(icon("deal-edit"), "Edit…")
        self.edit_button.setToolTip(f"Edit this deal ({shortcuts.label(shortcuts.EDIT_DEAL)})")
        self.call_button = QPushButton(icon("call-log"), "Log call…")
        self.call_button.setToolTip(
            f"Record a follow-up call with the client ({shortcuts.label(shortcuts.LOG_CALL)})"
        )
        self.schedule_button = QPushButton(icon("follow-ups"), "Schedule…")
        self.schedule_button.setToolTip("Plan another follow-up call with this client")
        self.trash_button = QPushButton(icon("deal-trash"), "")
        self.trash_button.setToolTip(
            f"Move this deal to the trash ({shortcuts.label(shortcuts.TRASH)})"
        )
        self.trash_button.setAccessibleName("Move to trash")
        buttons = QHBoxLayout()
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.call_button)
        buttons.addWidget(self.schedule_button)
        buttons.addStretch(1)
        buttons.addWidget(self.trash_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.browser, 1)
        self.edit_button.clicked.connect(lambda: self._emit(self.editRequested))
        self.call_button.clicked.connect(lambda: self._emit(self.logCallRequested))
        self.trash_button.clicked.connect(lambda: self._emit(self.trashRequested))
        self.schedule_button.clicked.connect(lambda: self._emit(self.scheduleCallRequested))
        context.dataChanged.connect(self.refresh)
        self.show_deal(None)

    @property
    def deal_id(self) -> int | None:
        """The deal shown, or None."""
        return self._deal_id

    def _emit(self, signal: SignalInstance) -> None:
        if self._deal_id is not None:
            signal.emit(self._deal_id)

    def show_deal(self, deal_id: int | None) -> None:
        """Show deal ``deal_id`` (None: nothing selected)."""
        self._deal_id = deal_id
        self.refresh()

    def refresh(self) -> None:
        """Read the deal shown again (it may have changed or gone to the trash)."""
        detail = None
        if self._deal_id is not None:
            try:
                detail = self._context.read(lambda s: get_deal(s, self._deal_id or 0))
            except NotFoundError:
                detail = None
        live = detail is not None and detail.deleted_at is None
        for button in (self.edit_button, self.call_button, self.schedule_button, self.trash_button):
            button.setEnabled(live)
        if detail is None:
            self._deal_id = None
            self.browser.setHtml(
                "<p style='color: gray'>Select a deal to see its details and follow-up calls.</p>"
            )
            return
        self.browser.setHtml(deal_html(detail, self._context.today()))
