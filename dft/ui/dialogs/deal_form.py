"""The deal editor's form: every field of a lost deal, laid out, read and filled.

The cause is picked as category, then cause; retired causes and categories
are offered only when the deal already has them. :class:`DealForm` knows the
fields; :class:`~dft.ui.dialogs.deal_editor.DealEditorDialog` checks and saves
what they hold.
"""

from __future__ import annotations

import itertools
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from dft.core import settings
from dft.core.deal_input import SUGGESTED_ROLES, SUGGESTED_STAGES, DealInput
from dft.core.deals import get_deal, known_values
from dft.core.errors import ValidationError
from dft.core.lists import list_entries
from dft.core.models import Community, LeadSource, Salesperson
from dft.core.taxonomy import PENDING_CALL, PENDING_CALL_KEY, CategoryInfo, list_taxonomy
from dft.ui import shortcuts
from dft.ui.context import AppContext
from dft.ui.widgets import DateEdit, FieldWithError, MoneyEdit, NameCombo, OptionalDateEdit

# Which widget shows a validation message for which DealInput field.
FIELD_WIDGET = {
    "client_name": "client_name",
    "contract_number": "contract_number",
    "contract_value_cents": "contract_value",
    "signed_on": "signed_on",
    "fell_through_on": "fell_through_on",
    "recovered_on": "recovered_on",
    "resold_on": "resold_on",
    "resale_price_cents": "resale_price",
    "cancelled_by": "cancelled_by",
    "deposit_cents": "deposit",
    "deposit_outcome": "deposit_outcome",
    "cause_id": "cause",
    "cause_status": "cause_status",
    "contributing_cause_ids": "contributing",
    "salesperson": "salesperson",
    "lead_source": "lead_source",
    "community": "community",
    "client_phone": "client_phone",
    "client_email": "client_email",
    "crm_link": "crm_link",
}


class DealForm(QDialog):
    """The fields of a deal in a dialog, filled from the deal ``deal_id`` when given."""

    # The cause picked changed, also when a new category changed the causes offered
    # (the other fields' changes are their widgets' own signals).
    causeChanged = Signal()

    def __init__(
        self, context: AppContext, deal_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._deal_id = deal_id
        self.setWindowTitle("Edit deal" if deal_id else "Log a lost deal")
        self.setModal(True)

        def load(session: Session) -> tuple[Any, ...]:
            return (
                list_taxonomy(session),
                [e.name for e in list_entries(session, Salesperson)],
                [e.name for e in list_entries(session, LeadSource)],
                [e.name for e in list_entries(session, Community)],
                known_values(session, "responsible_role", SUGGESTED_ROLES),
                known_values(session, "stage", SUGGESTED_STAGES),
                get_deal(session, deal_id) if deal_id else None,
                settings.get_bool(session, settings.CAUSE_REQUIRED),
            )

        (taxonomy, people, sources, places, roles, stages, detail, cause_required) = context.read(
            load
        )
        self._taxonomy: list[CategoryInfo] = taxonomy
        # The team's setting: every deal names a cause, the pending one when not known yet.
        self.cause_required: bool = cause_required
        self._pending_cause = next(
            ((c.id, cat.id) for cat in taxonomy for c in cat.causes
             if c.key == PENDING_CALL_KEY and not c.retired and not cat.retired),
            None,
        )  # fmt: skip
        self._list_names = {"salesperson": people, "lead_source": sources, "community": places}
        self.detail = detail
        today = context.today()

        self.client_name = QLineEdit()
        self.client_phone = QLineEdit()
        self.client_phone.setPlaceholderText("+1 (919) 555-0142")
        self.client_email = QLineEdit()
        self.client_email.setPlaceholderText("name@example.com")
        self.crm_link = QLineEdit()
        self.crm_link.setPlaceholderText("https://… the deal in your CRM")
        self.contract_number = QLineEdit()
        self.contract_value = MoneyEdit()
        self.fell_through_on = DateEdit(today)
        self.signed_on = OptionalDateEdit("Known:", today)
        self.salesperson = NameCombo(people)
        self.lead_source = NameCombo(sources)
        self.community = NameCombo(places)
        self.lot = QLineEdit()
        self.stage = NameCombo(stages)
        self.responsible_role = NameCombo(roles)
        self.category = QComboBox()
        self.cause = QComboBox()
        # "Not known yet" is an answer, not a gap: one click picks the pending cause.
        self.pending_button = QPushButton("Not known yet")
        self.pending_button.setToolTip(
            f"Pick '{PENDING_CALL}': the deal counts as awaiting its call, on neither side "
            "of the split, until the follow-up call tells the cause"
        )
        self.pending_button.setVisible(self._pending_cause is not None)
        self.cause_row = QWidget()
        cause_layout = QHBoxLayout(self.cause_row)
        cause_layout.setContentsMargins(0, 0, 0, 0)
        cause_layout.addWidget(self.cause, 1)
        cause_layout.addWidget(self.pending_button)
        self.cause_row.setFocusProxy(self.cause)
        self.cause_status = QComboBox()
        self.cause_status.addItem("Suspected (not yet confirmed with the client)", "suspected")
        self.cause_status.addItem("Confirmed", "confirmed")
        self.contributing = QListWidget()
        self.contributing.setMaximumHeight(96)
        self.contributing.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.contributing.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.cancelled_by = QComboBox()
        for label, value in (("—", None), ("Buyer", "buyer"), ("Builder", "builder")):
            self.cancelled_by.addItem(label, value)
        self.deposit = MoneyEdit()
        self.deposit.setPlaceholderText("none")
        self.deposit_outcome = QComboBox()
        for label, value in (
            ("—", None),
            ("Refunded", "refunded"),
            ("Partly refunded", "partly_refunded"),
            ("Forfeited", "forfeited"),
        ):
            self.deposit_outcome.addItem(label, value)
        self.recovered_on = OptionalDateEdit("Re-signed on:", today)
        # What the fall-through cost: when the home or lot sold again, and for how much.
        self.resold_on = OptionalDateEdit("Re-sold on:", today)
        self.resale_price = MoneyEdit()
        self.resale_price.setPlaceholderText("re-sale price")
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("What happened, in your words")
        self.notes.setTabChangesFocus(True)

        self.category.addItem("— choose —", None)
        for category in taxonomy:
            if not category.retired or (detail and detail.category == category.name):
                self.category.addItem(category.name, category.id)

        self._describe()
        self.fields: dict[str, FieldWithError] = {}
        deal_box = QGroupBox("Deal")
        deal_form = QFormLayout(deal_box)
        self._add(deal_form, "Client *", "client_name")
        self._add(deal_form, "Phone", "client_phone")
        self._add(deal_form, "E-mail", "client_email")
        self._add(deal_form, "CRM link", "crm_link")
        self._add(deal_form, "Contract number", "contract_number")
        self._add(deal_form, "Contract value *", "contract_value")
        self._add(deal_form, "Signed", "signed_on")
        self._add(deal_form, "Fell through *", "fell_through_on")
        self._add(deal_form, "Salesperson", "salesperson")
        self._add(deal_form, "Lead source", "lead_source")
        self._add(deal_form, "Community", "community")
        self._add(deal_form, "Lot", "lot")
        self._add(deal_form, "Stage when lost", "stage")

        cause_box = QGroupBox("Why it fell through")
        cause_form = QFormLayout(cause_box)
        self._add(cause_form, "Category", "category")
        self.fields["cause"] = FieldWithError(self.cause_row)
        cause_form.addRow("Cause *" if self.cause_required else "Cause", self.fields["cause"])
        self._add(cause_form, "Cause status", "cause_status")
        self.cause_description = QLabel()
        self.cause_description.setWordWrap(True)
        self.cause_description.setStyleSheet("color: palette(mid);")
        cause_form.addRow("", self.cause_description)
        self._add(cause_form, "Responsible", "responsible_role")
        self._add(cause_form, "Contributing causes", "contributing")
        self._add(cause_form, "Cancelled by", "cancelled_by")
        deposit_row = QWidget()
        deposit_layout = QHBoxLayout(deposit_row)
        deposit_layout.setContentsMargins(0, 0, 0, 0)
        deposit_layout.addWidget(self.deposit, 1)
        deposit_layout.addWidget(self.deposit_outcome)
        self.fields["deposit"] = FieldWithError(deposit_row)
        cause_form.addRow("Deposit", self.fields["deposit"])
        self.fields["deposit_outcome"] = self.fields["deposit"]
        self._add(cause_form, "Recovered", "recovered_on")
        resold_row = QWidget()
        resold_layout = QHBoxLayout(resold_row)
        resold_layout.setContentsMargins(0, 0, 0, 0)
        resold_layout.addWidget(self.resold_on, 1)
        resold_layout.addWidget(QLabel("for"))
        resold_layout.addWidget(self.resale_price, 1)
        self.fields["resold_on"] = FieldWithError(resold_row)
        self.fields["resale_price"] = self.fields["resold_on"]
        cause_form.addRow("Home re-sold", self.fields["resold_on"])

        columns = QHBoxLayout()
        # Each column as tall as its own fields: a long message under one field must
        # not pull the other column's rows apart.
        columns.addWidget(deal_box, 1, Qt.AlignmentFlag.AlignTop)
        columns.addWidget(cause_box, 1, Qt.AlignmentFlag.AlignTop)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setToolTip(f"Save the deal ({shortcuts.label(shortcuts.SAVE_DEAL)})")
        self.save_button.setShortcut(shortcuts.sequences(shortcuts.SAVE_DEAL)[0])
        self.status_label = QLabel()
        self.status_label.setStyleSheet("color: #c0392b;")
        notes_box = QGroupBox("Notes")
        notes_layout = QVBoxLayout(notes_box)
        self.fields["notes"] = FieldWithError(self.notes)
        notes_layout.addWidget(self.fields["notes"])
        self.notes.setMaximumHeight(90)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(notes_box)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)

        self._set_tab_order()
        self.category.currentIndexChanged.connect(self._category_changed)
        self.cause.currentIndexChanged.connect(self._cause_changed)
        self.pending_button.clicked.connect(self.pick_pending_cause)
        self._category_changed()
        self._fill_contributing()
        if detail is not None:
            self._load(detail.input)

    # -- Building ----------------------------------------------------------------------

    def _describe(self) -> None:
        for name, text, tip in (
            ("client_name", "Client", "The buyer's name as on the contract"),
            ("client_phone", "Client's phone", "For the follow-up call; click it in the details"),
            ("client_email", "Client's e-mail", "Click it in the details to write"),
            ("crm_link", "CRM link", "The deal's page in your CRM (http… address)"),
            ("contract_number", "Contract number", "Unique among the deals you have logged"),
            ("contract_value", "Contract value", "The contract price, e.g. $412,500"),
            ("fell_through_on", "Fell-through date", "The day the contract was cancelled"),
            ("salesperson", "Salesperson", "Pick from the list or type a new name"),
            ("lead_source", "Lead source", "Referral, walk-in, web, realtor, ..."),
            ("community", "Community", "Community or area of the lot"),
            ("lot", "Lot", "Lot number or address"),
            ("stage", "Stage when lost", "How far the build had got"),
            ("category", "Cause category", "Land and customer service are the headline split"),
            ("cause", "Cause", "The primary cause, as far as you know it now"),
            ("cause_status", "Cause status", "Confirmed once the client has said so"),
            ("responsible_role", "Responsible", "Who or what was responsible"),
            ("contributing", "Contributing causes", "Tick any secondary causes"),
            ("cancelled_by", "Cancelled by", "Who initiated the cancellation"),
            ("deposit", "Deposit", "The deposit paid, if any"),
            ("deposit_outcome", "Deposit outcome", "What happened to the deposit"),
            ("notes", "Notes", "Free notes"),
        ):
            widget = getattr(self, name)
            widget.setAccessibleName(text)
            widget.setToolTip(tip)
        self.signed_on.setAccessibleName("Signed date")
        self.signed_on.setToolTip("Tick when the signing date is known")
        self.recovered_on.setAccessibleName("Recovered")
        self.recovered_on.setToolTip("Tick if the buyer re-signed with you later")
        self.resold_on.setAccessibleName("Home re-sold on")
        self.resold_on.setToolTip("Tick when the home or lot was sold to another buyer")
        self.resale_price.setAccessibleName("Re-sale price")
        self.resale_price.setToolTip("What the home or lot was re-sold for (needs the date)")

    def _add(self, form: QFormLayout, label: str, name: str) -> None:
        wrapper = FieldWithError(getattr(self, name))
        self.fields[name] = wrapper
        form.addRow(label, wrapper)

    def _set_tab_order(self) -> None:
        order = [
            self.client_name,
            self.client_phone,
            self.client_email,
            self.crm_link,
            self.contract_number,
            self.contract_value,
            self.signed_on.check,
            self.signed_on.edit,
            self.fell_through_on,
            self.salesperson,
            self.lead_source,
            self.community,
            self.lot,
            self.stage,
            self.category,
            self.cause,
            self.pending_button,
            self.cause_status,
            self.responsible_role,
            self.contributing,
            self.cancelled_by,
            self.deposit,
            self.deposit_outcome,
            self.recovered_on.check,
            self.recovered_on.edit,
            self.resold_on.check,
            self.resold_on.edit,
            self.resale_price,
            self.notes,
            self.save_button,
        ]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

    def _category_changed(self) -> None:
        category_id = self.category.currentData()
        current_cause = self.detail.input.cause_id if self.detail else None
        self.cause.blockSignals(True)
        self.cause.clear()
        self.cause.addItem("— choose —" if self.cause_required else "— not known yet —", None)
        for category in self._taxonomy:
            if category.id != category_id:
                continue
            for cause in category.causes:
                if not cause.retired or cause.id == current_cause:
                    label = f"{cause.name} (retired)" if cause.retired else cause.name
                    self.cause.addItem(label, cause.id)
                    self.cause.setItemData(
                        self.cause.count() - 1, cause.description, Qt.ItemDataRole.ToolTipRole
                    )
        self.cause.blockSignals(False)
        self._cause_changed()

    def pick_pending_cause(self) -> None:
        """Not known yet: the pending cause ("Unknown — pending call"), until the call tells."""
        if self._pending_cause is None:
            return
        cause_id, category_id = self._pending_cause
        self.category.setCurrentIndex(self.category.findData(category_id))
        self.cause.setCurrentIndex(self.cause.findData(cause_id))

    def _cause_changed(self) -> None:
        self.cause_description.setText(
            self.cause.currentData(Qt.ItemDataRole.ToolTipRole) or ""
            if self.cause.currentData() is not None
            else ""
        )
        self.causeChanged.emit()

    def _fill_contributing(self) -> None:
        self.contributing.clear()
        for category in self._taxonomy:
            for cause in category.causes:
                if cause.retired:
                    continue
                item = QListWidgetItem(f"{category.name} › {cause.name}")
                item.setData(Qt.ItemDataRole.UserRole, cause.id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.contributing.addItem(item)

    def _load(self, data: DealInput) -> None:
        self.client_name.setText(data.client_name)
        self.client_phone.setText(data.client_phone or "")
        self.client_email.setText(data.client_email or "")
        self.crm_link.setText(data.crm_link or "")
        self.contract_number.setText(data.contract_number or "")
        self.contract_value.set_cents(data.contract_value_cents)
        self.fell_through_on.set_value(data.fell_through_on)
        self.signed_on.set_value(data.signed_on)
        self.salesperson.set_value(data.salesperson)
        self.lead_source.set_value(data.lead_source)
        self.community.set_value(data.community)
        self.lot.setText(data.lot or "")
        self.stage.set_value(data.stage)
        self.responsible_role.set_value(data.responsible_role)
        if data.cause_id is not None:
            for category in self._taxonomy:
                if any(c.id == data.cause_id for c in category.causes):
                    self.category.setCurrentIndex(self.category.findData(category.id))
            self.cause.setCurrentIndex(max(self.cause.findData(data.cause_id), 0))
        self.cause_status.setCurrentIndex(max(self.cause_status.findData(data.cause_status), 0))
        for row in range(self.contributing.count()):
            item = self.contributing.item(row)
            if item.data(Qt.ItemDataRole.UserRole) in data.contributing_cause_ids:
                item.setCheckState(Qt.CheckState.Checked)
        self.cancelled_by.setCurrentIndex(max(self.cancelled_by.findData(data.cancelled_by), 0))
        self.deposit.set_cents(data.deposit_cents)
        self.deposit_outcome.setCurrentIndex(
            max(self.deposit_outcome.findData(data.deposit_outcome), 0)
        )
        self.recovered_on.set_value(data.recovered_on)
        self.resold_on.set_value(data.resold_on)
        self.resale_price.set_cents(data.resale_price_cents)
        self.notes.setPlainText(data.notes)

    # -- Reading ----------------------------------------------------------------------

    def current_input(self) -> tuple[DealInput | None, dict[str, str]]:
        """What the form holds, and the messages for fields that cannot be read at all."""
        unreadable: dict[str, str] = {}
        value = None
        deposit = None
        try:
            value = self.contract_value.cents("contract_value_cents")
            if value is None:
                unreadable["contract_value_cents"] = "Contract value is required."
        except ValidationError as exc:
            unreadable["contract_value_cents"] = exc.message
        try:
            deposit = self.deposit.cents("deposit_cents")
        except ValidationError as exc:
            unreadable["deposit_cents"] = exc.message
        resale_price = None
        try:
            resale_price = self.resale_price.cents("resale_price_cents")
        except ValidationError as exc:
            unreadable["resale_price_cents"] = f"Re-sale price: {exc.message}"
        contributing = tuple(
            int(self.contributing.item(row).data(Qt.ItemDataRole.UserRole))
            for row in range(self.contributing.count())
            if self.contributing.item(row).checkState() == Qt.CheckState.Checked
        )
        data = DealInput(
            client_name=self.client_name.text(),
            contract_value_cents=value if value is not None else 0,
            fell_through_on=self.fell_through_on.value(),
            signed_on=self.signed_on.value(),
            contract_number=self.contract_number.text().strip() or None,
            client_phone=self.client_phone.text().strip() or None,
            client_email=self.client_email.text().strip() or None,
            crm_link=self.crm_link.text().strip() or None,
            salesperson=self.salesperson.value(),
            lead_source=self.lead_source.value(),
            community=self.community.value(),
            lot=self.lot.text().strip() or None,
            stage=self.stage.value(),
            responsible_role=self.responsible_role.value(),
            cancelled_by=self.cancelled_by.currentData(),
            deposit_cents=deposit,
            deposit_outcome=self.deposit_outcome.currentData(),
            cause_id=self.cause.currentData(),
            contributing_cause_ids=contributing,
            cause_status=self.cause_status.currentData(),
            recovered_on=self.recovered_on.value(),
            notes=self.notes.toPlainText(),
            resold_on=self.resold_on.value(),
            resale_price_cents=resale_price,
        )
        return data, unreadable
