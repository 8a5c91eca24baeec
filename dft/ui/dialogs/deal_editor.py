"""New / edit deal. Validation shows next to each field as you type; Save waits for valid."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from dft.core.deal_input import DealInput, validate_deal_input
from dft.core.deals import contract_number_use
from dft.core.errors import ValidationError
from dft.core.lists import close_name
from dft.store.database import DatabaseError
from dft.ui import ask
from dft.ui.context import AppContext
from dft.ui.dialogs.deal_form import FIELD_WIDGET, DealForm
from dft.ui.dialogs.save_failed import save_with_retry

SaveCallback = Callable[[DealInput, bool], bool]
# Fields whose "required" message waits until the user has been in them (or tried to save).
REQUIRED_WIDGETS = ("client_name", "contract_value", "cause")


class DealEditorDialog(DealForm):
    """Edits a DealInput. ``on_save(data, create_names)`` writes it and returns whether
    the dialog may close; a ValidationError it raises shows next to its field."""

    def __init__(
        self,
        context: AppContext,
        on_save: SaveCallback,
        deal_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, deal_id, parent)
        self._on_save = on_save
        # "Required" messages wait until the user has been in the field (or tried to
        # save); a fresh form is not a wall of red. Save is off either way.
        self._touched: set[str] = set()
        if self.detail is not None:
            self._touched.update(self.fields)
        self._connect_validation()
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        self.client_name.setFocus()
        self.validate()
        self.resize(self.sizeHint().expandedTo(self.minimumSizeHint()))
        # What the form held when it opened: closing it with anything else asks first.
        self._opened_with = self._typed()

    def _typed(self) -> tuple[object, ...]:
        data, _unreadable = self.current_input()
        return (data, self.contract_value.text(), self.deposit.text())

    def has_changes(self) -> bool:
        """True when the form holds something other than what it opened with."""
        return self._typed() != self._opened_with

    def reject(self) -> None:
        # Esc, Cancel and closing the window all come here.
        if self.has_changes() and not ask.confirm_discard_changes(self):
            return
        super().reject()

    def _touch(self, name: str) -> None:
        self._touched.add(name)
        self.validate()

    def _connect_validation(self) -> None:
        self.causeChanged.connect(self.validate)
        for line in (
            self.client_name,
            self.contract_number,
            self.contract_value,
            self.deposit,
            self.resale_price,
            self.lot,
            self.notes,
            self.client_phone,
            self.client_email,
            self.crm_link,
        ):
            line.textChanged.connect(self.validate)
        self.client_name.textEdited.connect(lambda _t: self._touch("client_name"))
        self.contract_value.textEdited.connect(lambda _t: self._touch("contract_value"))
        for combo in (self.category, self.cause):
            combo.activated.connect(lambda _i: self._touch("cause"))
        for combo in (
            self.cause_status,
            self.cancelled_by,
            self.deposit_outcome,
            self.salesperson,
            self.lead_source,
            self.community,
        ):
            combo.currentIndexChanged.connect(self.validate)
        for name_combo in (
            self.salesperson,
            self.lead_source,
            self.community,
            self.stage,
            self.responsible_role,
        ):
            name_combo.editTextChanged.connect(self.validate)
        self.fell_through_on.dateChanged.connect(self.validate)
        self.signed_on.changed.connect(self.validate)
        self.recovered_on.changed.connect(self.validate)
        self.resold_on.changed.connect(self.validate)
        self.contributing.itemChanged.connect(self.validate)

    # -- Validation ---------------------------------------------------------------------

    def validate(self) -> bool:
        """Show every problem beside its field and enable Save only when there is none."""
        data, messages = self.current_input()
        assert data is not None
        today = self._context.today()
        for error in validate_deal_input(data, today, cause_required=self.cause_required):
            messages.setdefault(error.field, error.message)
        if "contract_number" not in messages and data.contract_number:
            clash = self._contract_number_clash(data.contract_number)
            if clash:
                messages["contract_number"] = clash
        for name in ("salesperson", "lead_source", "community"):
            hint = self._new_name_hint(name, getattr(data, name))
            if hint and name not in messages:
                self.fields[name].error.setStyleSheet("color: palette(mid);")
                self.fields[name].set_error(hint)
            elif name not in messages:
                self.fields[name].set_error(None)
        shown: set[str] = set()
        waiting = False
        for field_name, message in messages.items():
            widget_name = FIELD_WIDGET.get(field_name, field_name)
            if widget_name in REQUIRED_WIDGETS and widget_name not in self._touched:
                waiting = True
                continue
            if widget_name in self.fields and widget_name not in shown:
                self.fields[widget_name].error.setStyleSheet("color: #c0392b;")
                self.fields[widget_name].set_error(message)
                shown.add(widget_name)
        # Two fields may share one row (deposit and its outcome, the re-sale date and
        # price): a row showing a message keeps it.
        showing = {id(self.fields[name]) for name in shown}
        for widget_name, wrapper in self.fields.items():
            if id(wrapper) not in showing and widget_name not in (
                "salesperson",
                "lead_source",
                "community",
            ):
                wrapper.set_error(None)
        valid = not messages
        self.save_button.setEnabled(valid)
        if valid:
            self.status_label.setText("")
        elif shown:
            self.status_label.setText("Fix the fields marked in red to save.")
        elif waiting:
            self.status_label.setText("Fill in the fields marked * to save.")
        self.errors = messages
        return valid

    def _contract_number_clash(self, number: str) -> str | None:
        try:
            clash = self._context.read(
                lambda s: contract_number_use(s, number, other_than=self._deal_id)
            )
        except DatabaseError:
            # Offline while typing: the save checks again (and so does the database).
            return None
        if clash is None:
            return None
        return f"Already used by deal #{clash.deal_id} ({clash.client_name})."

    def _new_name_hint(self, name: str, value: str | None) -> str | None:
        if not value:
            return None
        known = self._list_names[name]
        if any(value.casefold() == k.casefold() for k in known):
            return None
        close = close_name(value, known)
        label = name.replace("_", " ")
        if close:
            return f"New {label} — did you mean {close}?"
        return f"New {label}: it will be added to the list when you save."

    # -- Saving -------------------------------------------------------------------------

    def new_names(self, data: DealInput) -> list[tuple[str, str]]:
        """The (field, name) pairs typed that are not in their lists yet."""
        result = []
        for name in ("salesperson", "lead_source", "community"):
            value = getattr(data, name)
            if value and not any(value.casefold() == k.casefold() for k in self._list_names[name]):
                result.append((name, value))
        return result

    def _save(self) -> None:
        self._touched.update(self.fields)
        if not self.validate():
            return
        data, _ = self.current_input()
        assert data is not None
        names = self.new_names(data)
        if names and not ask.confirm_new_names(self, names):
            return
        try:
            saved, may_close = save_with_retry(self, lambda: self._on_save(data, bool(names)))
        except ValidationError as exc:
            widget_name = FIELD_WIDGET.get(exc.field, exc.field)
            if widget_name in self.fields:
                self.fields[widget_name].set_error(exc.message)
                self.fields[widget_name].setFocus()
            self.status_label.setText(exc.message)
            return
        if not saved:
            self.status_label.setText("Not saved yet.")
        elif may_close:
            self.accept()
