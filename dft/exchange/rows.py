"""One row of an imported file read into a deal row, every problem noted with its field.

The reader checks text rules (control characters, lengths) with one search per
row, reads money, dates and choices, looks the cause value's decision up (see
exchange.decisions) and the list names up (added when new), and returns a plain
dict for a bulk INSERT, or None when the row has a problem.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from dft.core.choices import CancelledBy, CauseStatus, DepositOutcome
from dft.core.clock import utc_now
from dft.core.deal_input import DealInput, validate_deal_input
from dft.core.fields import (
    CONTROL_ONE_LINE,
    email_problem,
    max_length,
    phone_problem,
    text_problem,
    web_address_problem,
)
from dft.core.identity import current_user
from dft.core.imported import ListEntryModel
from dft.core.lists import LIST_LABELS, ListModel, close_name, find_entry, normalize_name
from dft.core.models import Community, Deal, LeadSource, Salesperson
from dft.core.search import deal_search_text
from dft.exchange.columns import CONTACT_FIELDS, ColumnMap, label
from dft.exchange.decisions import CauseDecisions
from dft.exchange.problems import ProblemKind, RowProblems
from dft.exchange.values import CellError, DateOrder, is_blank, read_date, read_money, text

# DealInput fields -> our column names, so core validation errors name the column.
INPUT_TO_COLUMN = {
    "client_name": "client",
    "contract_value_cents": "contract_value",
    "deposit_cents": "deposit",
    "cause_id": "cause",
    "contributing_cause_ids": "contributing_causes",
    "resale_price_cents": "resale_price",
}
# Text columns and the model column that bounds them (client and contract number
# are checked by validate_deal_input; notes are multi-line).
TEXT_LIMITS: dict[str, int | None] = {
    "lot": max_length(Deal.lot),
    "stage": max_length(Deal.stage),
    "responsible_role": max_length(Deal.responsible_role),
    "client_phone": max_length(Deal.client_phone),
    "client_email": max_length(Deal.client_email),
    "crm_link": max_length(Deal.crm_link),
    "salesperson": max_length(Salesperson.name),
    "lead_source": max_length(LeadSource.name),
    "community": max_length(Community.name),
    "client": None,
    "contract_number": None,
    "category": None,
    "cause": None,
    "first_category": None,
    "first_cause": None,
    "contributing_causes": None,
    "cause_status": None,
    "cancelled_by": None,
    "deposit_outcome": None,
}
STATUSES = frozenset(s.value for s in CauseStatus)
CANCELLERS = frozenset(c.value for c in CancelledBy)
OUTCOMES = frozenset(o.value for o in DepositOutcome)
# The text fields whose control characters and lengths validate_deal_input checks on an
# imported row; the reader checked every other cell's already (with the same rules), and
# the row never reaches validate_deal_input when one failed.
CHECKED_BY_THE_DEAL_RULES = ("client_name", "contract_number")
# Columns read as text (trimmed, a formula guard quote removed).
TEXT_FIELDS = frozenset(
    {*TEXT_LIMITS, "notes", "client_phone", "client_email", "crm_link", "contract_number"}
)


# A date whose day and month a reader must be told the order of (ISO never is).
_ORDERED_DATE = re.compile(r"\d{1,2}[/-]\d{1,2}[/-]\d{2,4}\b")


def _once_per_value(reader: Callable[[object], Any]) -> Callable[[object], Any]:
    """``reader`` run once per distinct cell: a file repeats its dates and amounts
    over thousands of rows. An error is kept as its message and raised again."""
    results: dict[tuple[type, object], tuple[bool, Any]] = {}

    def read(value: object) -> Any:
        key = (type(value), value)  # 1, 1.0 and True are equal keys otherwise
        known = results.get(key)
        if known is None:
            try:
                known = (True, reader(value))
            except CellError as exc:
                known = (False, str(exc))
            if len(results) < _DISTINCT_VALUES_KEPT:
                results[key] = known
        ok, result = known
        if not ok:
            raise CellError(result)
        return result

    return read


_DISTINCT_VALUES_KEPT = 50_000


class ListEntries:
    """Salespeople, lead sources and communities as a file spells them, each looked up once.

    A name not in its list yet is added to it (and noted for the summary).
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.names: dict[tuple[type, str], int] = {}
        self.normalized: dict[tuple[type, str], int] = {}
        self.created: list[str] = []  # "salesperson 'Pat Newman'", for the summary
        self.created_ids: list[tuple[ListEntryModel, int]] = []
        self.known: dict[type, list[str]] = {}  # each list's names before this import

    def id(self, model: type[ListModel], value: str) -> int:
        """The id of the entry ``value`` in ``model``'s list, added when new."""
        key = (model, value)
        if key not in self.names:
            self.names[key] = self._id(model, value)
        return self.names[key]

    def _id(self, model: type[ListModel], value: str) -> int:
        key = (model, normalize_name(value).casefold())
        if key not in self.normalized:
            entry = find_entry(self.session, model, value)
            if entry is None:
                entry = model(name=normalize_name(value), retired=False)
                self.session.add(entry)
                self.session.flush()
                self.created.append(self._created_text(model, entry.name))
                self.created_ids.append((model, entry.id))
            self.normalized[key] = entry.id
        return self.normalized[key]

    def _created_text(self, model: type[ListModel], name: str) -> str:
        """``lead source 'Referrals'``, with the name it is close to when there is one:
        "Referrals" beside "Referral" is one lead source spelled two ways, which
        Edit > Salespeople, lead sources, communities… merges (the editor asks the same)."""
        if model not in self.known:
            self.known[model] = list(self.session.scalars(select(model.name)))
        text = f"{LIST_LABELS[model]} {name!r}"
        close = close_name(name, [known for known in self.known[model] if known != name])
        return f"{text} (close to {close!r})" if close else text


def _enum(value: object, allowed: frozenset[str], what: str) -> str | None:
    raw = text(value).casefold().replace(" ", "_")
    if not raw:
        return None
    if raw not in allowed:
        choices = ", ".join(sorted(a.replace("_", " ") for a in allowed))
        raise CellError(f"{what} must be one of {choices}: {text(value)!r}")
    return raw


def _first_contact(value: str) -> tuple[str, bool]:
    """A CRM may put several numbers or addresses in one cell: keep the first."""
    for separator in (",", ";"):
        if separator in value:
            return value.split(separator, 1)[0].strip(), True
    return value, False


class RowReader:
    """Reads one row at a time into a deal row for the INSERT; problems go to ``problems``."""

    def __init__(
        self,
        columns: ColumnMap,
        causes: CauseDecisions,
        names: ListEntries,
        problems: RowProblems,
        order: DateOrder,
        today: date,
    ) -> None:
        self.columns = columns
        self.causes = causes
        self.names = names
        self.problems = problems
        self.order = order
        self.today = today
        self.now = utc_now()
        self.user = current_user()
        self.several_contacts = 0
        # Whether a text date's day/month order mattered (5/6/2024, not 2024-06-05).
        self.ordered_dates = False
        positions = columns.positions
        self.text_rules = [
            (name, positions[name], limit)
            for name, limit in TEXT_LIMITS.items()
            if name in positions
        ]
        self.limited = [(n, i, limit) for n, i, limit in self.text_rules if limit is not None]
        self.notes_at = positions.get("notes")
        self.has_contacts = any(name in positions for name in CONTACT_FIELDS)
        self.mapped = tuple(positions.items())
        self.text_fields = tuple(name for name in positions if name in TEXT_FIELDS)

        def by_order(value: object) -> date:
            if not self.ordered_dates and isinstance(value, str):
                self.ordered_dates = _ORDERED_DATE.match(value.strip()) is not None
            return read_date(value, order=order)

        by_date = _once_per_value(by_order)
        money = _once_per_value(read_money)
        self.readers = tuple(
            (name, reader, required)
            for name, reader, required in (
                ("contract_value", money, True),
                ("fell_through_on", by_date, True),
                ("signed_on", by_date, False),
                ("recovered_on", by_date, False),
                ("resold_on", by_date, False),
                ("resale_price", money, False),
                ("deposit", money, False),
                ("cause_status", partial(_enum, allowed=STATUSES, what="the cause status"), False),
                ("cancelled_by", partial(_enum, allowed=CANCELLERS, what="cancelled by"), False),
                (
                    "deposit_outcome",
                    partial(_enum, allowed=OUTCOMES, what="the deposit outcome"),
                    False,
                ),
            )
            if required or name in positions
        )

    def __call__(self, number: int, values: Sequence[object]) -> dict[str, Any] | None:
        """The deal row for spreadsheet row ``number``, or None when it has a problem."""
        width = len(values)
        found = self.problems.total

        def problem(name: str, message: str, kind: ProblemKind = ProblemKind.INVALID) -> None:
            self.problems.add(number, name, message, kind)

        # Control characters and lengths, before anything reads the text. One search
        # over the whole row first: most rows have none, and a line break in the
        # notes (allowed) only sends that row the long way.
        try:
            joined = "".join(cast(Sequence[str], values))  # a CSV row: text only
        except TypeError:  # Excel rows hold numbers and dates too
            joined = "".join(v for v in values if isinstance(v, str))
        if CONTROL_ONE_LINE.search(joined):
            self._control_characters(values, problem)
        for name, index, limit in self.limited:
            value = values[index] if index < width else None
            if isinstance(value, str) and len(value) > limit:
                why = text_problem(value.strip(), limit)
                if why is not None:
                    problem(name, why)
        if self.problems.total > found:
            return None

        # Every mapped cell once, by field; a field the file does not have is absent.
        cells = {name: values[i] if i < width else None for name, i in self.mapped}
        texts = {name: text(cells[name]) for name in self.text_fields}

        def txt(name: str) -> str:
            return texts.get(name, "")

        client = txt("client")
        if not client:
            problem("client", "Client is empty", ProblemKind.EMPTY)
        # Each reader returns its own type; None once a problem is noted (the row is
        # then dropped before the values are used), in the order problems are reported.
        read: dict[str, Any] = {}
        for name, reader, required in self.readers:
            value = cells.get(name)
            if is_blank(value):
                if required:
                    problem(name, f"{label(name)} is empty", ProblemKind.EMPTY)
                continue
            try:
                read[name] = reader(value)
            except CellError as exc:
                problem(name, str(exc))
        value = cast(int, read.get("contract_value"))  # required: present unless a problem
        fell = cast(date, read.get("fell_through_on"))
        signed = read.get("signed_on")
        recovered = read.get("recovered_on")
        resold = read.get("resold_on")
        resale_price = read.get("resale_price")
        deposit = read.get("deposit")
        status = read.get("cause_status")
        cancelled_by = read.get("cancelled_by")
        outcome = read.get("deposit_outcome")
        phone = email = link = None
        if self.has_contacts:
            phone = self._contact("client_phone", txt("client_phone"), phone_problem, problem)
            email = self._contact("client_email", txt("client_email"), email_problem, problem)
            link = txt("crm_link") or None
            if link is not None and (why := web_address_problem(link)) is not None:
                problem("crm_link", why)

        causes = self.causes
        decision = causes.decide(txt("category"), txt("cause"))
        decision.count(number)
        cause_id = decision.cause_id
        if decision.problem is not None:
            kind, field_name = decision.problem
            problem(field_name, decision.row_message(), kind)
        first_id = None
        if not is_blank(cells.get("first_cause")):
            first = causes.decide(txt("first_category"), txt("first_cause"))
            first_id = first.cause_id
            if first.problem is not None:
                problem("first_cause", f"{first.cause_text!r} is not a cause")
        contributing: tuple[int, ...] = ()
        for spec in (p.strip() for p in txt("contributing_causes").split(";") if p):
            if spec:
                link_decision = causes.decide("", spec)
                if link_decision.cause_id is None:
                    problem("contributing_causes", f"{spec!r} is not a cause")
                else:
                    contributing += (link_decision.cause_id,)
        if self.problems.total > found:
            return None

        data = DealInput(
            client_name=client,
            contract_value_cents=value,
            fell_through_on=fell,
            signed_on=signed,
            contract_number=txt("contract_number") or None,
            cancelled_by=cancelled_by,
            deposit_cents=deposit,
            deposit_outcome=outcome,
            cause_id=cause_id,
            contributing_cause_ids=tuple(dict.fromkeys(c for c in contributing if c != cause_id)),
            cause_status=status or CauseStatus.SUSPECTED.value,
            recovered_on=recovered,
            notes=txt("notes"),
            resold_on=resold,
            resale_price_cents=resale_price,
        )
        for error in validate_deal_input(data, self.today, text_fields=CHECKED_BY_THE_DEAL_RULES):
            problem(INPUT_TO_COLUMN.get(error.field, error.field), error.message)
        if self.problems.total > found:
            return None

        def name_id(model: type[ListModel], column: str) -> int | None:
            raw = txt(column)
            return self.names.id(model, raw) if raw else None

        now = self.now
        client_name, notes = " ".join(client.split()), data.notes.strip()
        row = {
            "client_name": client_name,
            "contract_number": data.contract_number,
            "contract_value_cents": value,
            "signed_on": signed,
            "fell_through_on": fell,
            "salesperson_id": name_id(Salesperson, "salesperson"),
            "lead_source_id": name_id(LeadSource, "lead_source"),
            "community_id": name_id(Community, "community"),
            "lot": txt("lot") or None,
            "stage": txt("stage") or None,
            "responsible_role": txt("responsible_role") or None,
            "cancelled_by": cancelled_by,
            "deposit_cents": deposit,
            "deposit_outcome": outcome,
            "cause_id": cause_id,
            "cause_status": data.cause_status,
            "first_cause_id": first_id if first_id is not None else cause_id,
            "recovered_on": recovered,
            "resold_on": resold,
            "resale_price_cents": resale_price,
            "notes": notes,
            "search_text": deal_search_text(client_name, data.contract_number, notes),
            "created_at": now,
            "updated_at": now,
            "deleted_at": None,
            "version": 1,
            "created_by": self.user,
            "updated_by": self.user,
            "_contributing": data.contributing_cause_ids,
        }
        if self.has_contacts:  # else the columns stay out of the INSERT (one file, one shape)
            row.update(client_phone=phone, client_email=email, crm_link=link)
        return row

    def _control_characters(
        self, values: Sequence[object], problem: Callable[[str, str], None]
    ) -> None:
        """Name each mapped cell of the row that holds a control character it may not."""
        width = len(values)
        for name, index, _limit in self.text_rules:
            value = values[index] if index < width else None
            if isinstance(value, str) and (why := text_problem(value.strip(), None)) is not None:
                problem(name, why)
        if self.notes_at is not None and self.notes_at < width:
            notes = values[self.notes_at]
            if isinstance(notes, str) and (why := text_problem(notes, None, multiline=True)):
                problem("notes", why)

    def _contact(
        self,
        name: str,
        raw: str,
        check: Callable[[str], str | None],
        problem: Callable[[str, str], None],
    ) -> str | None:
        if not raw:
            return None
        value, several = _first_contact(raw)
        self.several_contacts += several
        why = check(value)
        if why is not None:
            problem(name, why)
            return None
        return value
