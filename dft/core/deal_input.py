"""What a user types for one deal (:class:`DealInput`) and every rule it must pass
before anything is written: the editor checks it as the user types, the services and
the import before they write (dft/core/deals.py)."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from typing import cast

from dft.core import fields as text_rules
from dft.core.choices import CancelledBy, CauseStatus, DepositOutcome
from dft.core.errors import ValidationError
from dft.core.models import Community, Deal, LeadSource, Salesperson
from dft.core.money import MAX_CENTS
from dft.core.taxonomy import PENDING_CALL

# Earliest plausible date; catches a two-digit year typed as 0024.
EARLIEST_DATE = date(1950, 1, 1)

# Offered while typing; any other text is accepted too.
SUGGESTED_ROLES = (
    "Project manager",
    "Customer service coordinator",
    "Superintendent",
    "Design coordinator",
    "Salesperson",
    "Lender",
    "Land seller",
    "County / permitting",
    "Buyer",
)
SUGGESTED_STAGES = (
    "Design & selections",
    "Financing",
    "Permitting",
    "Site work",
    "Framing",
    "Finishes",
    "Closing",
)


@dataclass(frozen=True)
class DealInput:
    """Everything a user types for one deal. Lists are given by name, the cause by id."""

    client_name: str
    contract_value_cents: int
    fell_through_on: date
    signed_on: date | None = None
    contract_number: str | None = None
    # How to reach the client for the follow-up call, and the deal in the team's CRM.
    client_phone: str | None = None
    client_email: str | None = None
    crm_link: str | None = None
    salesperson: str | None = None
    lead_source: str | None = None
    community: str | None = None
    lot: str | None = None
    stage: str | None = None
    responsible_role: str | None = None
    cancelled_by: str | None = None
    deposit_cents: int | None = None
    deposit_outcome: str | None = None
    cause_id: int | None = None
    contributing_cause_ids: tuple[int, ...] = ()
    cause_status: str = CauseStatus.SUSPECTED.value
    recovered_on: date | None = None
    notes: str = ""
    # What the fall-through cost: when the home or lot was sold again, and for how much.
    resold_on: date | None = None
    resale_price_cents: int | None = None


def blank_to_none(value: str | None) -> str | None:
    """Spaces folded to one; an empty text is None (as every optional text is stored)."""
    if value is None:
        return None
    cleaned = " ".join(value.split())
    return cleaned or None


# The client's phone, e-mail and CRM link: (field, label, shape rule).
CONTACT_FIELDS = (
    ("client_phone", "Phone", text_rules.phone_problem),
    ("client_email", "E-mail", text_rules.email_problem),
    ("crm_link", "CRM link", text_rules.web_address_problem),
)
CAUSE_REQUIRED_MESSAGE = (
    f"Pick the cause. When it is not known yet, pick '{PENDING_CALL}': the deal then "
    "counts as awaiting its call."
)


def validate_deal_input(
    data: DealInput,
    today: date | None = None,
    *,
    cause_required: bool = False,
    text_fields: tuple[str, ...] | None = None,
) -> list[ValidationError]:
    """Every problem with ``data``, one error per field, without touching the database.

    Forms call this as the user types; services call it before writing.
    ``cause_required``: the team's setting that every deal names a cause.
    ``text_fields``: only these text fields get the control-character and length
    rules (a caller that checked the others itself, the import); None: all of them.
    """
    today = today or date.today()
    errors: list[ValidationError] = []

    def problem(name: str, message: str) -> None:
        if all(e.field != name for e in errors):
            errors.append(ValidationError(name, message))

    if not data.client_name or not data.client_name.strip():
        problem("client_name", "Client name is required.")
    if data.contract_value_cents is None or data.contract_value_cents < 0:
        problem("contract_value_cents", "Contract value must not be negative.")
    elif data.contract_value_cents > MAX_CENTS:
        problem("contract_value_cents", "Contract value is implausibly large.")
    if data.fell_through_on is None:
        problem("fell_through_on", "The date the deal fell through is required.")
    else:
        if data.fell_through_on < EARLIEST_DATE:
            problem("fell_through_on", f"Date is before {EARLIEST_DATE.year}; check the year.")
        if data.fell_through_on > today + timedelta(days=1):
            problem("fell_through_on", "The deal cannot fall through in the future.")
    if data.signed_on is not None:
        if data.signed_on < EARLIEST_DATE:
            problem("signed_on", f"Date is before {EARLIEST_DATE.year}; check the year.")
        elif data.fell_through_on is not None and data.fell_through_on < data.signed_on:
            problem("fell_through_on", "A deal cannot fall through before it was signed.")
    if (
        data.recovered_on is not None
        and data.fell_through_on is not None
        and data.recovered_on < data.fell_through_on
    ):
        problem("recovered_on", "The buyer cannot re-sign before the deal fell through.")
    if data.resold_on is not None:
        if data.fell_through_on is not None and data.resold_on < data.fell_through_on:
            problem("resold_on", "The home cannot be re-sold before the deal fell through.")
        elif data.resold_on > today + timedelta(days=1):
            problem("resold_on", "The re-sale date cannot be in the future.")
    if data.resale_price_cents is not None:
        if data.resale_price_cents < 0:
            problem("resale_price_cents", "Re-sale price must not be negative.")
        elif data.resale_price_cents > MAX_CENTS:
            problem("resale_price_cents", "Re-sale price is implausibly large.")
        elif data.resold_on is None:
            problem("resold_on", "Enter the date the home was re-sold with its re-sale price.")
    if data.cancelled_by is not None and data.cancelled_by not in set(CancelledBy):
        problem("cancelled_by", "Cancelled by must be 'buyer' or 'builder'.")
    if data.deposit_cents is not None and data.deposit_cents < 0:
        problem("deposit_cents", "Deposit must not be negative.")
    if data.deposit_outcome is not None and data.deposit_outcome not in set(DepositOutcome):
        problem(
            "deposit_outcome", "Deposit outcome must be refunded, partly refunded or forfeited."
        )
    if data.cause_status not in set(CauseStatus):
        problem("cause_status", "Cause status must be 'suspected' or 'confirmed'.")
    elif data.cause_status == CauseStatus.CONFIRMED and data.cause_id is None:
        problem("cause_status", "Pick the cause before marking it confirmed.")
    if cause_required and data.cause_id is None:
        problem("cause_id", CAUSE_REQUIRED_MESSAGE)
    for name, label, shape_problem in CONTACT_FIELDS:
        value = blank_to_none(getattr(data, name))
        if value is None:
            continue
        bad = text_rules.text_problem(value, text_rules.max_length(getattr(Deal, name)))
        if bad is None:
            bad = shape_problem(value)
            bad = None if bad is None else bad[:1].upper() + bad[1:] + "."
        else:
            bad = f"{label} {bad}."
        if bad is not None:
            problem(name, bad)
    if data.cause_id is not None and data.cause_id in data.contributing_cause_ids:
        problem("contributing_cause_ids", "The primary cause cannot also be a contributing cause.")
    for name, message in _text_problems(data, text_fields):
        problem(name, message)
    return errors


def plainly_valid(
    client_name: str,
    contract_number: str | None,
    contract_value_cents: int,
    fell_through_on: date,
    signed_on: date | None,
    recovered_on: date | None,
    resold_on: date | None,
    resale_price_cents: int | None,
    deposit_cents: int | None,
    cause_id: int | None,
    cause_status: str,
    today: date,
) -> bool:
    """True when :func:`validate_deal_input` surely finds nothing wrong with a deal of
    these fields, in a few comparisons (an import checks 100,000 deals); False says only
    that the full rules must run to name the problem. Positional too, so a caller can
    map it over columns.

    Text rules are those of ``text_fields=("client_name", "contract_number")``; the
    fields not given here (contacts, lists, notes, cancelled by, deposit outcome,
    contributing causes) must be empty or checked by the caller.
    """
    latest = today + _A_DAY
    return (
        0 <= contract_value_cents <= MAX_CENTS
        and EARLIEST_DATE <= fell_through_on <= latest
        and (signed_on is None or EARLIEST_DATE <= signed_on <= fell_through_on)
        and (recovered_on is None or recovered_on >= fell_through_on)
        and (resold_on is None or fell_through_on <= resold_on <= latest)
        and (
            resale_price_cents is None
            or (resold_on is not None and 0 <= resale_price_cents <= MAX_CENTS)
        )
        and (deposit_cents is None or deposit_cents >= 0)
        and (cause_status == _SUSPECTED or (cause_status == _CONFIRMED and cause_id is not None))
        # Not blank, no control character, and short enough before spaces are folded.
        and bool(client_name.strip())
        and _CONTROL.search(client_name) is None
        and len(client_name) <= _CLIENT_NAME_LIMIT
        and (
            contract_number is None
            or (
                bool(contract_number.strip())
                and _CONTROL.search(contract_number) is None
                and len(contract_number) <= _CONTRACT_NUMBER_LIMIT
            )
        )
    )


def plainly_valid_columns(
    client_names: Sequence[str],
    contract_numbers: Sequence[str | None],
    contract_values: Sequence[int],
    fell_through_on: Sequence[date],
    signed_on: Sequence[date | None],
    recovered_on: Sequence[date | None],
    resold_on: Sequence[date | None],
    resale_prices: Sequence[int | None],
    deposits: Sequence[int | None],
    cause_ids: Sequence[int | None],
    cause_statuses: Sequence[str],
    today: date,
) -> bool:
    """:func:`plainly_valid` of every deal given field by field (one item a deal): deals
    with none of the optional dates and amounts and a suspected cause, the common ones,
    are checked a field at a time."""
    if not client_names:
        return True
    optional = (signed_on, recovered_on, resold_on, resale_prices, deposits)
    common = cause_statuses.count(_SUSPECTED) == len(cause_statuses) and all(
        field.count(None) == len(field) for field in optional
    )
    if not common:
        return all(
            map(
                plainly_valid,
                client_names,
                contract_numbers,
                contract_values,
                fell_through_on,
                signed_on,
                recovered_on,
                resold_on,
                resale_prices,
                deposits,
                cause_ids,
                cause_statuses,
                [today] * len(client_names),
            )
        )
    numbers = [number for number in contract_numbers if number is not None]
    latest = today + _A_DAY
    return (
        min(contract_values) >= 0
        and max(contract_values) <= MAX_CENTS
        and min(fell_through_on) >= EARLIEST_DATE
        and max(fell_through_on) <= latest
        and all(map(str.strip, client_names))
        and _CONTROL.search("".join(client_names)) is None
        and max(map(len, client_names)) <= _CLIENT_NAME_LIMIT
        and all(map(str.strip, numbers))
        and _CONTROL.search("".join(numbers)) is None
        and max(map(len, numbers), default=0) <= _CONTRACT_NUMBER_LIMIT
    )


_A_DAY = timedelta(days=1)
_SUSPECTED = CauseStatus.SUSPECTED.value
_CONFIRMED = CauseStatus.CONFIRMED.value
_CONTROL = text_rules.CONTROL_ONE_LINE
_CLIENT_NAME_LIMIT = cast(int, text_rules.max_length(Deal.client_name))
_CONTRACT_NUMBER_LIMIT = cast(int, text_rules.max_length(Deal.contract_number))


# The lists' names are stored in the lists, not on the deal.
_NAME_COLUMNS = {
    "salesperson": Salesperson.name,
    "lead_source": LeadSource.name,
    "community": Community.name,
}


def _text_rules() -> tuple[tuple[str, int | None, bool, str], ...]:
    """Each text field of DealInput with its stored length limit: (name, limit, multiline,
    label), worked out once (an import validates 100,000 inputs)."""
    rules = []
    for spec in fields(DealInput):
        column = _NAME_COLUMNS.get(spec.name, getattr(Deal, spec.name, None))
        if column is None:
            continue
        label = spec.name.replace("_", " ").capitalize()
        rules.append((spec.name, text_rules.max_length(column), spec.name == "notes", label))
    return tuple(rules)


_TEXT_RULES = _text_rules()


@functools.cache
def _text_rules_of(only: tuple[str, ...]) -> tuple[tuple[str, int | None, bool, str], ...]:
    return tuple(rule for rule in _TEXT_RULES if rule[0] in only)


def _text_problems(
    data: DealInput, only: tuple[str, ...] | None = None
) -> Iterator[tuple[str, str]]:
    """Every text field (or those in ``only``) against the shared rules
    (dft/core/fields.py): no control characters (notes may hold tabs and line breaks),
    and no longer, as stored, than its column, so SQLite accepts exactly what
    PostgreSQL does."""
    rules = _TEXT_RULES if only is None else _text_rules_of(only)
    for name, limit, multiline, label in rules:
        value = getattr(data, name)
        if not isinstance(value, str):
            continue
        # Most values are fine: one search and a length say so (storing never lengthens).
        control = text_rules.CONTROL_MULTILINE if multiline else text_rules.CONTROL_ONE_LINE
        if control.search(value) is None and (limit is None or len(value) <= limit):
            continue
        stored = value.strip() if multiline else " ".join(value.split())
        bad = text_rules.text_problem(value, None, multiline) or text_rules.text_problem(
            stored, limit, multiline
        )
        if bad is not None:
            yield name, f"{label} {bad}."


def deal_input_of(deal: Deal) -> DealInput:
    """The deal's fields as a :class:`DealInput`, ready to edit or compare."""
    return DealInput(
        client_name=deal.client_name,
        contract_value_cents=deal.contract_value_cents,
        fell_through_on=deal.fell_through_on,
        signed_on=deal.signed_on,
        contract_number=deal.contract_number,
        client_phone=deal.client_phone,
        client_email=deal.client_email,
        crm_link=deal.crm_link,
        salesperson=deal.salesperson.name if deal.salesperson else None,
        lead_source=deal.lead_source.name if deal.lead_source else None,
        community=deal.community.name if deal.community else None,
        lot=deal.lot,
        stage=deal.stage,
        responsible_role=deal.responsible_role,
        cancelled_by=deal.cancelled_by,
        deposit_cents=deal.deposit_cents,
        deposit_outcome=deal.deposit_outcome,
        cause_id=deal.cause_id,
        contributing_cause_ids=tuple(c.id for c in deal.contributing_causes),
        cause_status=deal.cause_status,
        recovered_on=deal.recovered_on,
        notes=deal.notes,
        resold_on=deal.resold_on,
        resale_price_cents=deal.resale_price_cents,
    )


def with_changes(data: DealInput, **changes: object) -> DealInput:
    """A copy of ``data`` with some fields replaced; an unknown field is a TypeError."""
    return replace(data, **changes)  # type: ignore[arg-type]
