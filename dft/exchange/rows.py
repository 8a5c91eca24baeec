"""One row of an imported file read into a deal row, every problem noted with its field.

The reader checks text rules (control characters, lengths) with one search per
row, reads money, dates and choices, looks the cause value's decision up (see
exchange.decisions) and the list names up (added when new), and returns a DealRow
(exchange.writing) for a bulk INSERT, or None when the row has a problem.

A row goes one of two ways. The quick way proves it has no problem with cheap
checks: each distinct date, amount, choice and list of contributing causes is
read once per file, each cause value decided once, and the deal's rules
(dft/core/deal_input.py) are a few comparisons (``plainly_valid``). Any doubt
sends the row the long way, which notes every problem with its field as the
editor's own rules word it; both ways build the row with one method.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from functools import partial
from typing import Any, cast

from dft.core.choices import CancelledBy, CauseStatus, DepositOutcome
from dft.core.clock import utc_now
from dft.core.deal_input import DealInput, plainly_valid, validate_deal_input
from dft.core.fields import (
    CONTROL_ONE_LINE,
    email_problem,
    max_length,
    phone_problem,
    text_problem,
    web_address_problem,
)
from dft.core.identity import current_user
from dft.core.lists import ListModel
from dft.core.models import Community, Deal, LeadSource, Salesperson
from dft.core.search import deal_search_text
from dft.exchange.columns import CONTACT_FIELDS, REQUIRED, ColumnMap, label
from dft.exchange.decisions import CauseDecisions
from dft.exchange.list_entries import ListEntries
from dft.exchange.problems import ProblemKind, RowProblems
from dft.exchange.values import (
    DISTINCT_VALUES_KEPT,
    CellError,
    DateOrder,
    first_contact,
    is_blank,
    once_per_value,
    read_choice,
    read_date,
    read_money,
    text,
    text_at,
)
from dft.exchange.writing import DealRow, columns_alike

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
SUSPECTED = CauseStatus.SUSPECTED.value
CANCELLERS = frozenset(c.value for c in CancelledBy)
OUTCOMES = frozenset(o.value for o in DepositOutcome)
# The text fields whose control characters and lengths validate_deal_input checks on an
# imported row; the reader checked every other cell's already (with the same rules), and
# the row never reaches validate_deal_input when one failed.
CHECKED_BY_THE_DEAL_RULES = ("client_name", "contract_number")


# A date whose day and month a reader must be told the order of (ISO never is).
_ORDERED_DATE = re.compile(r"\d{1,2}[/-]\d{1,2}[/-]\d{2,4}\b")


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
        positions = self.at = columns.positions
        self.text_rules = [
            (name, positions[name], limit)
            for name, limit in TEXT_LIMITS.items()
            if name in positions
        ]
        self.limited = [(n, i, limit) for n, i, limit in self.text_rules if limit is not None]
        self.notes_at = positions.get("notes")
        self.has_contacts = any(name in positions for name in CONTACT_FIELDS)
        # The deal row's columns that hold one value in every row of this file.
        self.same = columns_alike(positions)

        def by_order(value: object) -> date:
            if not self.ordered_dates and isinstance(value, str):
                self.ordered_dates = _ORDERED_DATE.match(value.strip()) is not None
            return read_date(value, order=order)

        by_date = once_per_value(by_order)
        money = once_per_value(read_money)

        def choice(allowed: frozenset[str], what: str) -> Callable[[object], Any]:
            return once_per_value(partial(read_choice, allowed=allowed, what=what))

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
                ("cause_status", choice(STATUSES, "the cause status"), False),
                ("cancelled_by", choice(CANCELLERS, "cancelled by"), False),
                ("deposit_outcome", choice(OUTCOMES, "the deposit outcome"), False),
            )
            if required or name in positions
        )
        # The quick way needs every required column and every mapped cell in the row.
        self.quick = set(REQUIRED) <= positions.keys()
        self.width = max(positions.values(), default=-1) + 1
        self.quick_readers = tuple(
            (name, positions[name], reader, required)
            for name, reader, required in self.readers
            if name in positions
        )
        self.contributing_of: dict[str, tuple[int, ...] | None] = {}
        # Where each text the row needs is (None: the file has no such column).
        self.client_at = positions.get("client")
        self.details_at = tuple(positions.get(f) for f in ("lot", "stage", "responsible_role"))
        self.lists_at = tuple(positions.get(f) for f in ("salesperson", "lead_source", "community"))

    def __call__(self, number: int, values: Sequence[object]) -> DealRow | None:
        """The deal row for spreadsheet row ``number``, or None when it has a problem."""
        row = self._quickly(number, values)
        return row if row is not None else self._thoroughly(number, values)

    def _quickly(self, number: int, values: Sequence[object]) -> DealRow | None:
        """The row when cheap checks prove it has no problem; None sends it the long way,
        which notes the problems. Nothing is noted or counted here until the row is sure."""
        if not self.quick or len(values) < self.width:
            return None
        try:
            joined = "".join(cast(Sequence[str], values))  # a CSV row: text only
        except TypeError:  # Excel rows hold numbers and dates too
            joined = "".join(v for v in values if isinstance(v, str))
        # A control character anywhere (a line break in the notes, say) looks at each cell.
        if CONTROL_ONE_LINE.search(joined) and next(self._control_problems(values), None):
            return None
        for _name, index, limit in self.limited:
            value = values[index]
            if isinstance(value, str) and len(value) > limit:
                return None
        at = self.at
        client = text(values[cast(int, self.client_at)])
        if not client:
            return None
        read: dict[str, Any] = {}
        for name, index, reader, required in self.quick_readers:
            value = values[index]
            if value is None or (isinstance(value, str) and not value.strip()):  # is_blank
                if required:
                    return None
                continue
            try:
                read[name] = reader(value)
            except CellError:
                return None
        phone = email = link = None
        several = 0
        if self.has_contacts:
            contacts = self._contacts_quickly(values)
            if contacts is None:
                return None
            phone, email, link, several = contacts
        causes = self.causes
        decision = causes.decide(
            text_at(values, at.get("category")), text_at(values, at.get("cause"))
        )
        if decision.problem is not None:
            return None
        cause_id = decision.cause_id
        first_id = None
        first_at = at.get("first_cause")
        if first_at is not None and not is_blank(values[first_at]):
            first = causes.decide(text_at(values, at.get("first_category")), text(values[first_at]))
            if first.problem is not None:
                return None
            first_id = first.cause_id
        contributing: tuple[int, ...] = ()
        links_at = at.get("contributing_causes")
        if links_at is not None:
            links = self._contributing(text(values[links_at]))
            if links is None:
                return None
            contributing = links
        contract_number = text_at(values, at.get("contract_number")) or None
        get = read.get
        if not plainly_valid(
            client_name=client,
            contract_number=contract_number,
            contract_value_cents=read["contract_value"],
            fell_through_on=read["fell_through_on"],
            signed_on=get("signed_on"),
            recovered_on=get("recovered_on"),
            resold_on=get("resold_on"),
            resale_price_cents=get("resale_price"),
            deposit_cents=get("deposit"),
            cause_id=cause_id,
            cause_status=get("cause_status") or SUSPECTED,
            today=self.today,
        ):
            return None
        decision.count(number)
        self.several_contacts += several
        return self._deal_row(
            values, client, contract_number, read, (cause_id, first_id, contributing),
            (phone, email, link),
        )  # fmt: skip

    def _contacts_quickly(
        self, values: Sequence[object]
    ) -> tuple[str | None, str | None, str | None, int] | None:
        """Phone, e-mail, CRM link and how many cells held several, or None on a problem."""
        at = self.at
        found: list[str | None] = []
        several = 0
        for name, check in (("client_phone", phone_problem), ("client_email", email_problem)):
            raw = text_at(values, at.get(name))
            if not raw:
                found.append(None)
                continue
            value, more = first_contact(raw)
            if check(value) is not None:
                return None
            found.append(value)
            several += more
        link = text_at(values, at.get("crm_link")) or None
        if link is not None and web_address_problem(link) is not None:
            return None
        return found[0], found[1], link, several

    def _contributing(self, raw: str) -> tuple[int, ...] | None:
        """The cause ids of a contributing causes cell ("A; B"), None when one is not a
        cause; each distinct cell read once."""
        if raw in self.contributing_of:
            return self.contributing_of[raw]
        specs = (spec.strip() for spec in raw.split(";"))
        ids = [self.causes.decide("", spec).cause_id for spec in specs if spec]
        known = None if None in ids else tuple(cast(list[int], ids))
        if len(self.contributing_of) < DISTINCT_VALUES_KEPT:
            self.contributing_of[raw] = known
        return known

    def _thoroughly(self, number: int, values: Sequence[object]) -> DealRow | None:
        """The row read field by field, every problem noted (by the editor's own rules)."""
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
            for name, reason in self._control_problems(values):
                problem(name, reason)
        for name, index, limit in self.limited:
            value = values[index] if index < width else None
            if isinstance(value, str) and len(value) > limit:
                why = text_problem(value.strip(), limit)
                if why is not None:
                    problem(name, why)
        if self.problems.total > found:
            return None

        # Every mapped cell once, by field; a field the file does not have is absent.
        cells = {name: values[i] if i < width else None for name, i in self.at.items()}

        def txt(name: str) -> str:
            return text_at(values, self.at.get(name))

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
            contract_value_cents=cast(int, read.get("contract_value")),
            fell_through_on=cast(date, read.get("fell_through_on")),
            signed_on=read.get("signed_on"),
            contract_number=txt("contract_number") or None,
            cancelled_by=read.get("cancelled_by"),
            deposit_cents=read.get("deposit"),
            deposit_outcome=read.get("deposit_outcome"),
            cause_id=cause_id,
            contributing_cause_ids=tuple(dict.fromkeys(c for c in contributing if c != cause_id)),
            cause_status=read.get("cause_status") or SUSPECTED,
            recovered_on=read.get("recovered_on"),
            notes=txt("notes"),
            resold_on=read.get("resold_on"),
            resale_price_cents=read.get("resale_price"),
        )
        for error in validate_deal_input(data, self.today, text_fields=CHECKED_BY_THE_DEAL_RULES):
            problem(INPUT_TO_COLUMN.get(error.field, error.field), error.message)
        if self.problems.total > found:
            return None
        return self._deal_row(
            values, client, data.contract_number, read, (cause_id, first_id, contributing),
            (phone, email, link),
        )  # fmt: skip

    def _deal_row(
        self,
        values: Sequence[object],
        client: str,
        contract_number: str | None,
        read: dict[str, Any],
        causes: tuple[int | None, int | None, tuple[int, ...]],
        contacts: tuple[str | None, str | None, str | None],
    ) -> DealRow:
        """The row to write, from a row either way proved free of problems; new list
        names are added to their lists here."""
        cause_id, first_id, contributing = causes
        salesperson_at, lead_source_at, community_at = self.lists_at
        list_ids = (
            self._list_id(Salesperson, values, salesperson_at),
            self._list_id(LeadSource, values, lead_source_at),
            self._list_id(Community, values, community_at),
        )
        lot, stage, role = (text_at(values, index) or None for index in self.details_at)
        notes = text_at(values, self.notes_at).strip()
        client_name = " ".join(client.split())
        get = read.get
        now, user = self.now, self.user
        return DealRow._make(
            (
                client_name,
                contract_number,
                read["contract_value"],
                get("signed_on"),
                read["fell_through_on"],
                *list_ids,
                lot,
                stage,
                role,
                get("cancelled_by"),
                get("deposit"),
                get("deposit_outcome"),
                cause_id,
                get("cause_status") or SUSPECTED,
                first_id if first_id is not None else cause_id,
                get("recovered_on"),
                get("resold_on"),
                get("resale_price"),
                *contacts,
                notes,
                deal_search_text(client_name, contract_number, notes),
                now,
                now,
                None,
                1,
                user,
                user,
                tuple(dict.fromkeys(c for c in contributing if c != cause_id)),
            )
        )

    def _list_id(
        self, model: type[ListModel], values: Sequence[object], index: int | None
    ) -> int | None:
        """The id of the list entry the cell at ``index`` names (added when new), if any."""
        raw = text_at(values, index)
        return self.names.id(model, raw) if raw else None

    def _control_problems(self, values: Sequence[object]) -> Iterator[tuple[str, str]]:
        """Each mapped cell of the row that holds a control character it may not, with why."""
        width = len(values)
        for name, index, _limit in self.text_rules:
            value = values[index] if index < width else None
            if isinstance(value, str) and (why := text_problem(value.strip(), None)) is not None:
                yield name, why
        if self.notes_at is not None and self.notes_at < width:
            notes = values[self.notes_at]
            if isinstance(notes, str) and (why := text_problem(notes, None, multiline=True)):
                yield "notes", why

    def _contact(
        self,
        name: str,
        raw: str,
        check: Callable[[str], str | None],
        problem: Callable[[str, str], None],
    ) -> str | None:
        if not raw:
            return None
        value, several = first_contact(raw)
        self.several_contacts += several
        why = check(value)
        if why is not None:
            problem(name, why)
            return None
        return value
