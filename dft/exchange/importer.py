"""Importing deals from CSV or XLSX: all or nothing, every problem named by row and column.

Rows stream from the file and go to the database in batches of plain dicts
(bulk INSERT), never as ORM objects, inside the caller's transaction: one bad
row anywhere means the caller rolls everything back. Validation goes on past
the first problem so the user sees every one at once.

Already present (the import is idempotent): a row whose contract number a live
deal already has; without a contract number, a live deal with the same client
(any case), fell-through date and contract value.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from dft.core import settings
from dft.core.clock import utc_now
from dft.core.deals import DealInput, validate_deal_input
from dft.core.errors import DftError, ValidationError
from dft.core.identity import current_user
from dft.core.ids import reserve_ids
from dft.core.lists import find_entry, normalize_name
from dft.core.models import (
    CallPurpose,
    CancelledBy,
    Category,
    Cause,
    CauseStatus,
    Community,
    Deal,
    DealContributingCause,
    DepositOutcome,
    FollowUp,
    LeadSource,
    Salesperson,
)
from dft.core.taxonomy import OTHER, add_cause
from dft.core.win_back import controllable_cause_ids, win_back_delay
from dft.exchange.columns import ColumnMap, match_columns
from dft.exchange.reading import read_table
from dft.exchange.values import CellError, DateOrder, is_blank, read_date, read_money, text

BATCH_SIZE = 2000
MAX_PROBLEMS = 500  # listed; the count goes on
# Imported history does not flood "Follow-ups due": only recent deals get a call scheduled.
SCHEDULE_CALLS_WITHIN_DAYS = 30

# DealInput fields -> our column names, so core validation errors name the column.
INPUT_TO_COLUMN = {
    "client_name": "client",
    "contract_value_cents": "contract_value",
    "deposit_cents": "deposit",
    "cause_id": "cause",
    "contributing_cause_ids": "contributing_causes",
    "resale_price_cents": "resale_price",
}

Progress = Callable[[int, int], bool | None]

STATUSES = frozenset(s.value for s in CauseStatus)
CANCELLERS = frozenset(c.value for c in CancelledBy)
OUTCOMES = frozenset(o.value for o in DepositOutcome)


@dataclass(frozen=True)
class ImportProblem:
    row: int | None  # as the spreadsheet numbers it (header = 1); None for the file itself
    column: str  # the file's own header
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return f"{self.column}: {self.message}"
        return f"row {self.row}, column {self.column!r}: {self.message}"


class ImportFailed(DftError):
    """The file was rejected as a whole; nothing was written."""

    def __init__(self, path: Path, problems: list[ImportProblem], total: int) -> None:
        self.path = path
        self.problems = problems
        self.total = total
        more = f" ({total - len(problems)} more not listed)" if total > len(problems) else ""
        super().__init__(f"{path.name}: {total} problem(s){more}; nothing was imported")


class ImportCancelled(DftError):
    """The user cancelled; the caller rolls back."""


class RollBack(Exception):
    """Raise inside the caller's transaction to leave it without writing (dry runs, previews)."""

    def __init__(self, result: ImportResult) -> None:
        super().__init__("rolled back on purpose")
        self.result = result


@dataclass(frozen=True)
class ImportOptions:
    overrides: dict[str, str] = field(default_factory=dict)
    create_causes: bool = False
    date_order: DateOrder = DateOrder.MDY


@dataclass
class ImportResult:
    rows_read: int = 0
    added: int = 0
    already_present: int = 0
    causes_created: list[str] = field(default_factory=list)
    names_created: list[str] = field(default_factory=list)
    unused_columns: tuple[str, ...] = ()


class _Lookups:
    """Causes and list names, resolved once per distinct spelling."""

    def __init__(self, session: Session, create_causes: bool) -> None:
        self.session = session
        self.create_causes = create_causes
        self.categories = {
            normalize_name(c.name).casefold(): c for c in session.scalars(select(Category))
        }
        self.by_path: dict[tuple[str, str], int] = {}
        self.by_name: dict[str, list[int]] = {}
        for cause, category in session.execute(select(Cause, Category).join(Category)):
            key = normalize_name(cause.name).casefold()
            self.by_path[(normalize_name(category.name).casefold(), key)] = cause.id
            self.by_name.setdefault(key, []).append(cause.id)
        self.names: dict[tuple[type, str], int] = {}
        self.resolved: dict[tuple[str, str | None], int] = {}
        self.normalized_names: dict[tuple[type, str], int] = {}
        self.created_causes: list[str] = []
        self.created_names: list[str] = []

    def cause(self, spec: str, category_name: str | None) -> int:
        """The cause id for a cell (cached: a file repeats a few causes many times)."""
        key = (spec, category_name)
        if key not in self.resolved:
            self.resolved[key] = self._cause(spec, category_name)
        return self.resolved[key]

    def _cause(self, spec: str, category_name: str | None) -> int:
        spec = normalize_name(spec)
        category_key = normalize_name(category_name or "").casefold()
        cause_key = spec.casefold()
        if "/" in spec:
            head, _, tail = spec.partition("/")
            path_key = (normalize_name(head).casefold(), normalize_name(tail).casefold())
            if path_key in self.by_path:
                return self.by_path[path_key]
        if category_key and (category_key, cause_key) in self.by_path:
            return self.by_path[(category_key, cause_key)]
        matches = self.by_name.get(cause_key, [])
        if len(matches) == 1 and not category_key:
            return matches[0]
        if len(matches) > 1 and not category_key:
            raise CellError(f"{spec!r} is a cause in several categories; add a category column")
        if category_key and category_key not in self.categories:
            raise CellError(f"unknown category {category_name!r}")
        if not self.create_causes:
            close = difflib.get_close_matches(cause_key, list(self.by_name), n=1, cutoff=0.75)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise CellError(
                f"unknown cause {spec!r}{hint}; allow new causes (--create-causes) to add it"
            )
        category = self.categories.get(category_key) or self.categories.get(OTHER.casefold())
        if category is None:
            raise CellError(f"no category to put the new cause {spec!r} in")
        cause_id = add_cause(self.session, category.id, spec)
        self.by_path[(normalize_name(category.name).casefold(), cause_key)] = cause_id
        self.by_name.setdefault(cause_key, []).append(cause_id)
        self.created_causes.append(f"{category.name}/{spec}")
        return cause_id

    def name(self, model: type, value: str) -> int:
        key = (model, value)
        if key not in self.names:
            self.names[key] = self._name(model, value)
        return self.names[key]

    def _name(self, model: type, value: str) -> int:
        key = (model, normalize_name(value).casefold())
        if key not in self.normalized_names:
            entry = find_entry(self.session, model, value)
            if entry is None:
                entry = model(name=normalize_name(value), retired=False)
                self.session.add(entry)
                self.session.flush()
                self.created_names.append(f"{model.__name__.lower()} {entry.name!r}")
            self.normalized_names[key] = entry.id
        return self.normalized_names[key]


def _enum(value: Any, allowed: frozenset[str], label: str) -> str | None:
    raw = text(value).casefold().replace(" ", "_")
    if not raw:
        return None
    if raw not in allowed:
        raise CellError(f"{label} must be one of {', '.join(sorted(allowed))}: {text(value)!r}")
    return raw


class _RowReader:
    def __init__(self, columns: ColumnMap, lookups: _Lookups, options: ImportOptions, today: date):
        self.columns = columns
        self.lookups = lookups
        self.options = options
        self.today = today
        self.now = utc_now()
        self.user = current_user()

    def __call__(
        self, number: int, values: list[Any]
    ) -> tuple[dict[str, Any] | None, list[ImportProblem]]:
        problems: list[ImportProblem] = []
        positions = self.columns.positions
        width = len(values)

        def cell(name: str) -> Any:
            index = positions.get(name)
            return values[index] if index is not None and index < width else None

        def read(name: str, reader: Callable[[Any], Any], optional: bool = True) -> Any:
            index = positions.get(name)
            if index is None and optional:  # no such column: nothing to parse
                return None
            value = values[index] if index is not None and index < width else None
            if optional and is_blank(value):
                return None
            try:
                return reader(value)
            except CellError as exc:
                problems.append(ImportProblem(number, self.columns.header_of(name), str(exc)))
                return None

        def header(name: str) -> str:
            return self.columns.header_of(name) if name in positions else name

        client = text(cell("client"))
        if not client:
            problems.append(ImportProblem(number, header("client"), "the client is missing"))
        value = read("contract_value", read_money, optional=False)
        order = self.options.date_order
        fell = read("fell_through_on", lambda v: read_date(v, order), optional=False)
        signed = read("signed_on", lambda v: read_date(v, order))
        recovered = read("recovered_on", lambda v: read_date(v, order))
        resold = read("resold_on", lambda v: read_date(v, order))
        resale_price = read("resale_price", read_money)
        deposit = read("deposit", read_money)
        status = read("cause_status", lambda v: _enum(v, STATUSES, "cause status"))
        cancelled_by = read("cancelled_by", lambda v: _enum(v, CANCELLERS, "cancelled by"))
        outcome = read("deposit_outcome", lambda v: _enum(v, OUTCOMES, "deposit outcome"))
        category = text(cell("category")) or None
        cause_id = read("cause", lambda v: self.lookups.cause(text(v), category))
        first_id = read(
            "first_cause",
            lambda v: self.lookups.cause(text(v), text(cell("first_category")) or None),
        )
        contributing: tuple[int, ...] = ()
        raw_contributing = text(cell("contributing_causes"))
        for spec in (p.strip() for p in raw_contributing.split(";")):
            if not spec:
                continue
            try:
                contributing += (self.lookups.cause(spec, None),)
            except CellError as exc:
                problems.append(
                    ImportProblem(number, self.columns.header_of("contributing_causes"), str(exc))
                )
        if problems:
            return None, problems

        data = DealInput(
            client_name=client,
            contract_value_cents=value,
            fell_through_on=fell,
            signed_on=signed,
            contract_number=text(cell("contract_number")) or None,
            cancelled_by=cancelled_by,
            deposit_cents=deposit,
            deposit_outcome=outcome,
            cause_id=cause_id,
            contributing_cause_ids=tuple(dict.fromkeys(c for c in contributing if c != cause_id)),
            cause_status=status or CauseStatus.SUSPECTED.value,
            recovered_on=recovered,
            notes=text(cell("notes")),
            resold_on=resold,
            resale_price_cents=resale_price,
        )
        for error in validate_deal_input(data, self.today):
            column = INPUT_TO_COLUMN.get(error.field, error.field)
            problems.append(ImportProblem(number, header(column), error.message))
        if problems:
            return None, problems

        def name_id(model: type, column: str) -> int | None:
            raw = text(cell(column))
            return self.lookups.name(model, raw) if raw else None

        now = self.now
        row = {
            "client_name": " ".join(client.split()),
            "contract_number": data.contract_number,
            "contract_value_cents": value,
            "signed_on": signed,
            "fell_through_on": fell,
            "salesperson_id": name_id(Salesperson, "salesperson"),
            "lead_source_id": name_id(LeadSource, "lead_source"),
            "community_id": name_id(Community, "community"),
            "lot": text(cell("lot")) or None,
            "stage": text(cell("stage")) or None,
            "responsible_role": text(cell("responsible_role")) or None,
            "cancelled_by": cancelled_by,
            "deposit_cents": deposit,
            "deposit_outcome": outcome,
            "cause_id": cause_id,
            "cause_status": data.cause_status,
            "first_cause_id": first_id if first_id is not None else cause_id,
            "recovered_on": recovered,
            "resold_on": resold,
            "resale_price_cents": resale_price,
            "notes": data.notes.strip(),
            "created_at": now,
            "updated_at": now,
            "deleted_at": None,
            "version": 1,
            "created_by": self.user,
            "updated_by": self.user,
            "_contributing": data.contributing_cause_ids,
        }
        return row, []


def _key(row: dict[str, Any]) -> tuple[Any, ...]:
    if row["contract_number"]:
        return ("number", row["contract_number"])
    return (
        "deal",
        row["client_name"].casefold(),
        row["fell_through_on"],
        row["contract_value_cents"],
    )


def _present(session: Session, rows: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
    """Keys of the batch that live deals already have."""
    numbers = [r["contract_number"] for r in rows if r["contract_number"]]
    present: set[tuple[Any, ...]] = set()
    if numbers:
        present |= {
            ("number", n)
            for n in session.scalars(
                select(Deal.contract_number).where(
                    Deal.deleted_at.is_(None), Deal.contract_number.in_(numbers)
                )
            )
        }
    dates = {r["fell_through_on"] for r in rows if not r["contract_number"]}
    if dates:
        present |= {
            ("deal", client.casefold(), fell, cents)
            for client, fell, cents in session.execute(
                select(Deal.client_name, Deal.fell_through_on, Deal.contract_value_cents).where(
                    Deal.deleted_at.is_(None),
                    Deal.contract_number.is_(None),
                    Deal.fell_through_on.in_(dates),
                )
            )
        }
    return present


def _write(session: Session, rows: list[dict[str, Any]], today: date, follow_up_days: int) -> None:
    links = [r.pop("_contributing") for r in rows]
    # Ids handed out up front link the contributing causes and calls without
    # RETURNING in parameter order, which would make SQLite insert row by row.
    ids = reserve_ids(session, Deal, len(rows))
    for deal_id, row in zip(ids, rows, strict=True):
        row["id"] = deal_id
    # The table, not the mapped class: plain rows need no ORM bookkeeping.
    session.execute(insert(cast(Table, Deal.__table__)), rows)
    contributing = [
        {"deal_id": deal_id, "cause_id": cause_id}
        for deal_id, causes in zip(ids, links, strict=True)
        for cause_id in causes
    ]
    if contributing:
        session.execute(insert(DealContributingCause), contributing)
    horizon = today - timedelta(days=SCHEDULE_CALLS_WITHIN_DAYS)
    now = utc_now()
    calls = [
        {
            "deal_id": deal_id,
            "due_on": row["fell_through_on"] + timedelta(days=follow_up_days),
            "purpose": CallPurpose.CAUSE.value,
            "client_words": "",
            "notes": "",
            "created_at": now,
            "updated_at": now,
            "created_by": row["created_by"],
            "updated_by": row["created_by"],
            "version": 1,
        }
        for deal_id, row in zip(ids, rows, strict=True)
        if row["fell_through_on"] >= horizon
    ]
    recent = [row for row in rows if row["fell_through_on"] >= horizon]
    delay = win_back_delay(session)
    if delay is not None:
        controllable = controllable_cause_ids(session)
        win_back = CallPurpose.WIN_BACK.value
        calls += [
            {**call, "due_on": row["fell_through_on"] + delay, "purpose": win_back}
            for call, row in zip(calls, recent, strict=True)
            if row["cause_id"] in controllable
        ]
    if calls:
        session.execute(insert(FollowUp), calls)


def import_file(
    session: Session,
    path: Path,
    options: ImportOptions | None = None,
    *,
    today: date | None = None,
    progress: Progress | None = None,
    limit: int | None = None,
) -> ImportResult:
    """Import ``path`` into the caller's transaction; raises ImportFailed if any row is bad.

    On ImportFailed or ImportCancelled the caller must roll back (leaving its
    ``with session.begin():`` block by the exception does). ``limit`` reads only
    the first rows: a preview, to be rolled back too.
    """
    options = options or ImportOptions()
    today = today or date.today()
    table = read_table(path)
    try:
        try:
            columns = match_columns(table.headers, options.overrides)
        except ValidationError as exc:
            raise ImportFailed(path, [ImportProblem(None, exc.field, exc.message)], 1) from exc
        lookups = _Lookups(session, options.create_causes)
        read_row = _RowReader(columns, lookups, options, today)
        follow_up_days = settings.get_int(session, settings.FOLLOW_UP_DAYS)
        result = ImportResult(unused_columns=columns.unused)
        problems: list[ImportProblem] = []
        total_problems = 0
        numbers_seen: dict[str, int] = {}
        keys_seen: set[tuple[Any, ...]] = set()
        batch: list[dict[str, Any]] = []

        def flush() -> None:
            present = _present(session, batch)
            fresh = [r for r in batch if _key(r) not in present]
            result.already_present += len(batch) - len(fresh)
            if fresh:
                _write(session, fresh, today, follow_up_days)
                result.added += len(fresh)
            batch.clear()

        for number, values in table.rows:
            if limit is not None and result.rows_read >= limit:
                break
            result.rows_read += 1
            row, row_problems = read_row(number, values)
            if row is not None and row["contract_number"]:
                first = numbers_seen.setdefault(row["contract_number"], number)
                if first != number:
                    row_problems = [
                        ImportProblem(
                            number,
                            columns.header_of("contract_number"),
                            f"contract number {row['contract_number']} is also on row {first}",
                        )
                    ]
                    row = None
            total_problems += len(row_problems)
            problems.extend(row_problems[: max(0, MAX_PROBLEMS - len(problems))])
            if row is not None and not total_problems:
                key = _key(row)
                if key in keys_seen:
                    result.already_present += 1
                else:
                    keys_seen.add(key)
                    batch.append(row)
                    if len(batch) >= BATCH_SIZE:
                        flush()
            if (
                progress is not None
                and result.rows_read % 200 == 0
                and progress(int(table.position()), table.size_hint) is False
            ):
                raise ImportCancelled("Import cancelled; nothing was imported.")
        if total_problems:
            raise ImportFailed(path, problems, total_problems)
        if batch:
            flush()
        if progress is not None:
            progress(table.size_hint, table.size_hint)
        result.causes_created = lookups.created_causes
        result.names_created = lookups.created_names
        return result
    finally:
        table.close()
