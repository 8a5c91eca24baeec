"""Rows of a CSV read a chunk at a time, column by column, when nothing in them is new.

A file repeats its dates, amounts, choices, cause values and names over
thousands of rows. Once the row-by-row reader (exchange.rows) has decided each
cause value and looked each name up, a chunk of rows is checked and built
column by column (``map``, ``zip`` and sets, at C speed): each distinct date,
amount and choice is read once, the deal's rules are ``plainly_valid``
(dft/core/deal_input.py), and the rows come out as the reader would build them.
Anything else - a cause value or a name not met yet, a cell that does not
read, a deal the plain rules cannot vouch for, a control character, an Excel
cell that is not text - sends the whole chunk row by row, in file order, where
causes and names are created and problems worded exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from itertools import chain, repeat
from operator import methodcaller
from typing import Any, cast

from dft.core.deal_input import plainly_valid_columns
from dft.core.fields import (
    CONTROL_MULTILINE,
    CONTROL_ONE_LINE,
    email_problem,
    phone_problem,
    web_address_problem,
)
from dft.core.models import Community, LeadSource, Salesperson
from dft.core.search import deal_search_texts
from dft.exchange.rows import SUSPECTED, RowReader
from dft.exchange.values import CellError, first_contact
from dft.exchange.writing import DealRow

Chunk = Sequence[tuple[int, Sequence[object]]]

# A cell that starts with a quote may be a formula guard that values.text() takes off.
_QUOTED = methodcaller("startswith", "'")
# Distinct cells kept per column; past it the column's memory starts again.
_KEPT = 50_000


# A DealRow from a tuple of its fields, without a Python call per row (DealRow._make's).
_deal_row = cast(Callable[[tuple[Any, ...]], DealRow], partial(tuple.__new__, DealRow))


class _RowByRow(Exception):
    """Something in the chunk needs the row-by-row reader."""


class ChunkReader:
    """Reads a chunk of rows column by column into deal rows, or says it cannot (None)."""

    def __init__(self, reader: RowReader) -> None:
        self.reader = reader
        at = reader.at
        # Checked for control characters (as the reader's text rules do), or only for
        # being text; notes may hold line breaks.
        self.text_at = [index for _name, index, _limit in reader.text_rules]
        self.other_at = [
            index for name, index in at.items() if index not in self.text_at and name != "notes"
        ]
        # First causes are decided per row (a second value per row): row by row.
        self.usable = reader.quick and "first_cause" not in at
        self.cells: dict[str, dict[Any, Any]] = {}  # field -> cell -> what it reads as

    def __call__(self, chunk: Chunk) -> list[DealRow] | None:
        """The deal row of every row of ``chunk``, or None: then read it row by row."""
        if not self.usable or not chunk:
            return None
        try:
            return self._read(chunk)
        except _RowByRow:
            return None

    def _read(self, chunk: Chunk) -> list[DealRow]:
        reader = self.reader
        at = reader.at
        rows = [values for _number, values in chunk]
        if min(map(len, rows)) < reader.width:
            raise _RowByRow
        columns = list(zip(*rows, strict=False))
        size = len(rows)
        try:  # every mapped cell must be text (a CSV's are)
            checked = "".join(chain.from_iterable(columns[i] for i in self.text_at))
            "".join(chain.from_iterable(columns[i] for i in self.other_at))
            notes_text = "" if reader.notes_at is None else "".join(columns[reader.notes_at])
        except TypeError:
            raise _RowByRow from None
        if CONTROL_ONE_LINE.search(checked) or CONTROL_MULTILINE.search(notes_text):
            raise _RowByRow
        # A quote may be a formula guard values.text() takes off: looked for cell by cell
        # only in a chunk that has one.
        quotes = "'" in checked or "'" in notes_text
        for _name, index, limit in reader.limited:
            if max(map(len, columns[index])) > limit:
                raise _RowByRow

        def texts(field: str) -> list[str]:
            """The field's cells as values.text() reads them ("" without the field)."""
            index = at.get(field)
            if index is None:
                return [""] * size
            stripped = list(map(str.strip, columns[index]))
            if quotes and any(map(_QUOTED, stripped)):
                raise _RowByRow
            return stripped

        def optional(field: str) -> list[str | None]:
            """The field's cells as text, an empty one None (as rows store them)."""
            if field not in at:
                return [None] * size
            return [cell or None for cell in texts(field)]

        clients = texts("client")
        if not all(clients):
            raise _RowByRow
        numbers = optional("contract_number")
        read = {
            name: self._read_cells(name, columns[index], cell_reader, required)
            for name, index, cell_reader, required in reader.quick_readers
        }

        def column(name: str) -> Sequence[Any]:
            return read.get(name) or [None] * size

        phones: Iterable[str | None] = repeat(None)
        emails: Iterable[str | None] = repeat(None)
        several = 0
        if reader.has_contacts:
            phones, emails, several = self._contacts(texts)
        links = optional("crm_link")
        if any(link is not None and web_address_problem(link) for link in set(links)):
            raise _RowByRow
        decided = reader.causes.by_cells
        cells = list(zip(texts("category"), texts("cause"), strict=True))
        distinct = set(cells)
        if not decided.keys() >= distinct:
            raise _RowByRow  # a value met for the first time: decided row by row, in order
        if any(decided[cell].problem is not None for cell in distinct):
            raise _RowByRow
        cause_ids = list(map({cell: decided[cell].cause_id for cell in distinct}.get, cells))
        contributing = self._contributing(texts("contributing_causes"), cause_ids)
        statuses = (
            [status or SUSPECTED for status in read["cause_status"]]
            if "cause_status" in read
            else [SUSPECTED] * size
        )
        if not plainly_valid_columns(
            clients,
            numbers,
            read["contract_value"],
            read["fell_through_on"],
            column("signed_on"),
            column("recovered_on"),
            column("resold_on"),
            column("resale_price"),
            column("deposit"),
            cause_ids,
            statuses,
            reader.today,
        ):
            raise _RowByRow
        names = {
            model: self._list_ids(model, texts(field))
            for model, field in (
                (Salesperson, "salesperson"),
                (LeadSource, "lead_source"),
                (Community, "community"),
            )
        }

        # Sure now: count the rows of each cause value, then build the rows.
        decisions = {id(decided[cell]): decided[cell] for cell in distinct}
        if len(decisions) == 1:  # the common chunk: one value
            next(iter(decisions.values())).count_many([number for number, _values in chunk])
        else:
            for (number, _values), cell in zip(chunk, cells, strict=True):
                decided[cell].count(number)
        reader.several_contacts += several
        client_names = list(map(" ".join, map(str.split, clients)))
        notes = texts("notes")
        now, user = reader.now, reader.user
        fields: dict[str, Iterable[Any]] = {
            "client_name": client_names,
            "contract_number": numbers,
            "contract_value_cents": read["contract_value"],
            "signed_on": column("signed_on"),
            "fell_through_on": read["fell_through_on"],
            "salesperson_id": names[Salesperson],
            "lead_source_id": names[LeadSource],
            "community_id": names[Community],
            "lot": optional("lot"),
            "stage": optional("stage"),
            "responsible_role": optional("responsible_role"),
            "cancelled_by": column("cancelled_by"),
            "deposit_cents": column("deposit"),
            "deposit_outcome": column("deposit_outcome"),
            "cause_id": cause_ids,
            "cause_status": statuses,
            "first_cause_id": cause_ids,  # no first cause column: the cause
            "recovered_on": column("recovered_on"),
            "resold_on": column("resold_on"),
            "resale_price_cents": column("resale_price"),
            "client_phone": phones,
            "client_email": emails,
            "crm_link": links,
            "notes": notes,
            "search_text": deal_search_texts(client_names, numbers, notes),
            "created_at": repeat(now),
            "updated_at": repeat(now),
            "deleted_at": repeat(None),
            "version": repeat(1),
            "created_by": repeat(user),
            "updated_by": repeat(user),
            "contributing": contributing,
        }
        # strict=False: the columns one value fills are endless (repeat)
        deals = zip(*(fields[f] for f in DealRow._fields), strict=False)
        return list(map(_deal_row, deals))

    def _read_cells(
        self, name: str, cells: Sequence[object], read: Callable[[object], Any], required: bool
    ) -> list[Any]:
        """What each cell reads as (a blank one: None), each distinct cell read once."""
        known = self.cells.setdefault(name, {})
        for cell in set(cells).difference(known):
            if not str(cell).strip():
                if required:
                    raise _RowByRow
                known[cell] = None
                continue
            try:
                known[cell] = read(cell)
            except CellError:
                raise _RowByRow from None
        values = list(map(known.__getitem__, cells))
        if len(known) > _KEPT:
            known.clear()
        return values

    def _contacts(
        self, texts: Callable[[str], list[str]]
    ) -> tuple[Sequence[str | None], Sequence[str | None], int]:
        """Phones and e-mail addresses (the first of several in a cell) and how many cells
        held several."""
        found: list[Sequence[str | None]] = []
        several = 0
        for name, check in (("client_phone", phone_problem), ("client_email", email_problem)):
            cells = texts(name)
            known = self.cells.setdefault(name, {})
            for cell in set(cells).difference(known):
                value, more = first_contact(cell) if cell else (None, False)
                if value is not None and check(value) is not None:
                    raise _RowByRow
                known[cell] = (value, more)
            pairs = list(map(known.__getitem__, cells))
            several += sum(more for _value, more in pairs)
            found.append([value for value, _more in pairs])
            if len(known) > _KEPT:
                known.clear()
        return found[0], found[1], several

    def _contributing(
        self, cells: list[str], cause_ids: list[int | None]
    ) -> Iterable[tuple[int, ...]]:
        """Each row's contributing causes, without its cause and repeats."""
        if self.reader.at.get("contributing_causes") is None:
            return repeat(())
        known = self.reader.contributing_of
        if not known.keys() >= set(cells):
            raise _RowByRow  # a cell met for the first time: its causes decided row by row
        links = list(map(known.__getitem__, cells))
        if None in links:
            raise _RowByRow
        return [
            tuple(dict.fromkeys(c for c in ids if c != cause_id)) if ids else ()
            for ids, cause_id in zip(links, cause_ids, strict=True)
        ]

    def _list_ids(self, model: type, cells: list[str]) -> list[int | None]:
        """The ids of the entries the cells name; a name not met yet goes row by row."""
        known = self.reader.names.names
        ids: dict[str, int | None] = {"": None}
        for cell in set(cells):
            if cell:
                entry = known.get((model, cell))
                if entry is None:
                    raise _RowByRow  # added to its list row by row, in order
                ids[cell] = entry
        return list(map(ids.__getitem__, cells))
