"""Importing deals from CSV or XLSX: all or nothing, every problem named once with its rows.

Rows stream from the file and go to the database in batches of plain dicts
(bulk INSERT), never as ORM objects, inside the caller's transaction: one bad
row anywhere means the caller rolls everything back. Validation goes on past
the first problem, and problems are grouped: one line per distinct problem
with its value, how many rows and the first row numbers, never thousands.

Causes: each distinct value of the cause column (with its category cell) is
decided once (see exchange.mapping): the caller's choices first, then the
sure matches (remembered, exact name, category name), then, when allowed, a
new cause; anything else is a problem. ``plan_import`` reads the file's values
first and suggests a target for each, for a person (or a map file) to confirm.

Already present (the import is idempotent): a row whose contract number a live
deal already has; without a contract number, a live deal with the same client
(any case), fell-through date and contract value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from dft.core import settings
from dft.core.clock import utc_now
from dft.core.deals import DealInput, validate_deal_input
from dft.core.errors import DftError, ValidationError
from dft.core.fields import (
    CONTROL_ONE_LINE,
    email_problem,
    max_length,
    phone_problem,
    text_problem,
    web_address_problem,
)
from dft.core.identity import current_user
from dft.core.ids import reserve_ids
from dft.core.lists import find_entry, normalize_name
from dft.core.models import (
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
from dft.exchange.columns import (
    CONTACT_FIELDS,
    ColumnMap,
    header_signature,
    label,
    match_columns,
)
from dft.exchange.mapping import (
    CauseMap,
    CauseTarget,
    CauseValue,
    MatchReason,
    Taxonomy,
    ValueKey,
    value_key,
)
from dft.exchange.reading import Table as FileTable
from dft.exchange.reading import read_table
from dft.exchange.remembered import Remembered, find_remembered, remember
from dft.exchange.values import (
    CellError,
    DateOrder,
    date_order_hint,
    is_blank,
    read_date,
    read_money,
    text,
)

BATCH_SIZE = 2000
MAX_PROBLEMS = 500  # row by row, for marking cells; the groups count everything
MAX_GROUPS = 200  # distinct problems listed; the rest are counted
FIRST_ROWS = 3  # row numbers shown with a value or a problem
DATE_SAMPLES = 8

# DealInput fields -> our column names, so core validation errors name the column.
INPUT_TO_COLUMN = {
    "client_name": "client",
    "contract_value_cents": "contract_value",
    "deposit_cents": "deposit",
    "cause_id": "cause",
    "contributing_cause_ids": "contributing_causes",
}
DATE_FIELDS = ("fell_through_on", "signed_on", "recovered_on")
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
CAUSE_NAME_LIMIT = max_length(Cause.name)
CATEGORY_NAME_LIMIT = max_length(Category.name)

Progress = Callable[[int, int], bool | None]

STATUSES = frozenset(s.value for s in CauseStatus)
CANCELLERS = frozenset(c.value for c in CancelledBy)
OUTCOMES = frozenset(o.value for o in DepositOutcome)


# -- Problems ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportProblem:
    """One problem in one row (kept for marking cells; people read ProblemGroup)."""

    row: int | None  # as the spreadsheet numbers it (header = 1); None for the file itself
    column: str  # the file's own header (our field name when the file has no such column)
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return f"{self.column}: {self.message}"
        return f"row {self.row}, column {self.column!r}: {self.message}"


class ProblemKind(StrEnum):
    """What kind of fix a problem needs; the CLI and the dialog add their own hint."""

    FILE = "file"  # the file or its header row
    EMPTY = "empty"  # a required cell is empty
    INVALID = "invalid"  # a cell that cannot be read or breaks a rule
    DUPLICATE = "duplicate"  # a contract number twice in the file
    CAUSE_NOT_MAPPED = "cause_not_mapped"  # a value with no cause to go to (yet)
    CATEGORY_UNKNOWN = "category_unknown"  # a category cell naming no category
    NEW_CAUSE_NOT_ALLOWED = "new_cause_not_allowed"  # chosen target not in the list yet
    NAME_TOO_LONG = "name_too_long"  # a value too long to become a cause or category name


def rows_text(count: int, first: tuple[int, ...]) -> str:
    """``841 rows (2, 5, 9, …)``."""
    more = ", …" if count > len(first) else ""
    return f"{count:,} row{'s' if count != 1 else ''} ({', '.join(map(str, first))}{more})"


@dataclass(frozen=True)
class ProblemGroup:
    """One distinct problem: its field, value, how many rows and the first ones, in words."""

    kind: ProblemKind
    field: str  # our field name ("" for the file)
    column: str  # the field in words with the file's header: 'Fell through on ("Close Date")'
    message: str  # the whole sentence
    rows: int = 0
    first_rows: tuple[int, ...] = ()
    value: str | None = None  # the cell's text, for values
    suggestion: CauseTarget | None = None

    def __str__(self) -> str:
        return self.message


class ImportFailed(DftError):
    """The file was rejected as a whole; nothing was written."""

    def __init__(
        self,
        path: Path,
        problems: list[ImportProblem],
        total: int,
        groups: list[ProblemGroup] | None = None,
        values: tuple[CauseValue, ...] = (),
        more_groups: int = 0,
    ) -> None:
        self.path = path
        self.problems = problems
        self.total = total
        self.groups = groups or [
            ProblemGroup(ProblemKind.FILE, "", p.column, str(p), 1 if p.row else 0)
            for p in problems
        ]
        self.more_groups = more_groups
        self.values = values  # the cause values and where each would go
        count = len(self.groups) + more_groups
        super().__init__(f"{path.name}: {count} problem(s); nothing was imported")


class ImportCancelled(DftError):
    """The user cancelled; the caller rolls back."""


class RollBack(Exception):
    """Raise inside the caller's transaction to leave it without writing (dry runs, previews)."""

    def __init__(self, result: ImportResult) -> None:
        super().__init__("rolled back on purpose")
        self.result = result


class _Problems:
    """Row problems grouped by field and message (or by cause value)."""

    def __init__(self, columns: ColumnMap) -> None:
        self.columns = columns
        self.rows: list[ImportProblem] = []
        self.total = 0
        self.groups: dict[tuple[str, str], list[Any]] = {}  # -> [kind, count, first rows]
        self.more_groups = 0

    def add(self, number: int, field: str, message: str, kind: ProblemKind) -> None:
        self.total += 1
        if len(self.rows) < MAX_PROBLEMS:
            header = self.columns.header_of(field) if field in self.columns.positions else field
            self.rows.append(ImportProblem(number, header, message))
        group = self.groups.get((field, message))
        if group is None:
            if len(self.groups) >= MAX_GROUPS:
                self.more_groups += 1
                return
            group = self.groups[(field, message)] = [kind, 0, []]
        group[1] += 1
        if len(group[2]) < FIRST_ROWS:
            group[2].append(number)

    def grouped(self) -> list[ProblemGroup]:
        result = []
        for (field_name, message), (kind, count, first) in self.groups.items():
            column = self.columns.describe(field_name)
            where = rows_text(count, tuple(first))
            if kind == ProblemKind.EMPTY:
                sentence = f"{column} is empty in {where}"
            else:
                sentence = f"{column}: {message}, in {where}"
            result.append(ProblemGroup(kind, field_name, column, sentence, count, tuple(first)))
        return result


# -- Options and results -----------------------------------------------------------------------


@dataclass(frozen=True)
class ImportOptions:
    """How to read a file. Left out, columns and date order come from a remembered mapping."""

    overrides: dict[str, str] = field(default_factory=dict)  # normalized header -> field
    create_causes: bool = False  # new causes (and categories) for values with nowhere to go
    date_order: DateOrder | None = None  # None: as remembered for these headers, else month first
    causes: CauseMap | None = None  # chosen targets; other values take their sure match
    remember: bool = True  # keep the columns and values for the next file with these headers


@dataclass
class ImportResult:
    """What came in and where it went: for the summary after an import."""

    rows_read: int = 0
    added: int = 0
    already_present: int = 0
    causes_created: list[str] = field(default_factory=list)  # "Category/Cause"
    categories_created: list[str] = field(default_factory=list)  # not classified yet
    names_created: list[str] = field(default_factory=list)
    unused_columns: tuple[str, ...] = ()
    columns: dict[str, str] = field(default_factory=dict)  # field -> the file's header
    values: tuple[CauseValue, ...] = ()  # each cause value, its rows and where it went
    calls_scheduled: int = 0
    # Deals added that fell through more than history_days ago: no automatic call.
    without_calls: int = 0
    history_days: int = 0
    several_contacts: int = 0  # phone or e-mail cells holding more than one: the first kept
    encoding: str = ""
    date_order: DateOrder = DateOrder.MDY
    remembered_columns: bool = False  # the columns came from the last file with these headers
    mapping_saved: bool = False  # kept for the next file with these headers


@dataclass(frozen=True)
class ImportPlan:
    """A file read once before importing: its columns and every cause value with a suggestion."""

    path: Path
    columns: ColumnMap
    signature: str
    remembered_columns: bool
    date_order: DateOrder
    date_order_hint: DateOrder | None  # what the file's own dates prove, if anything
    date_samples: dict[str, tuple[Any, ...]]  # date field -> first distinct cells
    values: tuple[CauseValue, ...]
    rows: int
    encoding: str
    cause_required: bool

    @property
    def unsure(self) -> tuple[CauseValue, ...]:
        """Values that need a person: a near miss, a blank, or nothing to suggest."""
        return tuple(v for v in self.values if not v.sure)

    def sure_choices(self) -> CauseMap:
        """What the command line applies without a person: remembered, exact, category."""
        return CauseMap.of(self.values, sure_only=True)

    def suggested_choices(self) -> CauseMap:
        """Every suggestion, for a person to confirm or change (the dialog's start)."""
        return CauseMap.of(self.values)


# -- Causes ------------------------------------------------------------------------------------


@dataclass
class _Decision:
    cause_id: int | None
    target: CauseTarget | None
    reason: MatchReason | None
    problem: tuple[ProblemKind, str] | None  # (kind, field) when the value has nowhere to go
    category_text: str
    cause_text: str
    rows: int = 0
    first: list[int] = field(default_factory=list)
    why: str | None = None  # a name the new cause or category cannot have


class _Causes:
    """Decides each distinct cause value once; rows look the decision up by their raw cells."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        choices: CauseMap | None,
        remembered: dict[ValueKey, int],
        *,
        create: bool,
        required: bool,
        planning: bool = False,
    ) -> None:
        self.taxonomy = taxonomy
        self.choices = choices or CauseMap()
        self.remembered = remembered
        self.create = create
        self.required = required
        self.planning = planning  # a plan suggests; it never creates
        self.by_key: dict[ValueKey, _Decision] = {}
        self.by_cells: dict[tuple[str, str], _Decision] = {}

    def decide(self, category_text: str, cause_text: str) -> _Decision:
        cells = (category_text, cause_text)
        decision = self.by_cells.get(cells)
        if decision is None:
            key = value_key(category_text, cause_text)
            decision = self.by_key.get(key)
            if decision is None:
                decision = self.by_key[key] = self._decide(key, category_text, cause_text)
            self.by_cells[cells] = decision
        return decision

    def count(self, decision: _Decision, number: int) -> None:
        decision.rows += 1
        if len(decision.first) < FIRST_ROWS:
            decision.first.append(number)

    def _decide(self, key: ValueKey, category_text: str, cause_text: str) -> _Decision:
        def decided(
            target: CauseTarget | None,
            reason: MatchReason | None,
            problem: tuple[ProblemKind, str] | None = None,
        ) -> _Decision:
            cause_id = None
            why = _name_problem(target) if target is not None and target.is_new else None
            if why is not None:
                problem = (ProblemKind.NAME_TOO_LONG, "cause")
            if target is not None and problem is None and not self.planning:
                cause_id = self.taxonomy.ensure(target)
            return _Decision(cause_id, target, reason, problem, category_text, cause_text, why=why)

        if key == ("", "") and not self.required:
            return decided(None, None)
        chosen = self.choices.target_for(key)
        if chosen is not None:
            chosen = self.taxonomy.resolve(chosen)
            if chosen.is_new and not self.create and not self.planning:
                return decided(
                    chosen, MatchReason.GIVEN, (ProblemKind.NEW_CAUSE_NOT_ALLOWED, "cause")
                )
            return decided(chosen, MatchReason.GIVEN)
        suggestion = self.taxonomy.suggest(key, self.remembered)
        if suggestion.target is not None and suggestion.reason in (
            MatchReason.REMEMBERED,
            MatchReason.EXACT,
            MatchReason.CATEGORY,
        ):
            return decided(suggestion.target, suggestion.reason)
        if self.create and key[1] and not self.planning:
            return decided(self.taxonomy.new_target(category_text, cause_text), MatchReason.NEW)
        if suggestion.unknown_category:
            return _Decision(
                None,
                suggestion.target,
                suggestion.reason,
                (ProblemKind.CATEGORY_UNKNOWN, "category"),
                category_text,
                cause_text,
            )
        return _Decision(
            None,
            suggestion.target,
            suggestion.reason,
            (ProblemKind.CAUSE_NOT_MAPPED, "cause"),
            category_text,
            cause_text,
        )

    def values(self) -> tuple[CauseValue, ...]:
        counted = [d for d in self.by_key.values() if d.rows]
        counted.sort(key=lambda d: (-d.rows, d.cause_text.casefold()))
        return tuple(
            CauseValue(
                d.category_text,
                d.cause_text,
                d.rows,
                tuple(d.first),
                d.target,
                d.reason,
            )
            for d in counted
            if d.target is not None or d.problem is not None
        )

    def problems(self, columns: ColumnMap) -> list[ProblemGroup]:
        groups = []
        for d in sorted(self.by_key.values(), key=lambda d: (-d.rows, d.first[:1])):
            if d.problem is None or not d.rows:
                continue
            kind, field_name = d.problem
            column = columns.describe(field_name)
            where = rows_text(d.rows, tuple(d.first))
            hint = f"; it looks like {d.target.label}" if d.target is not None else ""
            if d.why is not None:
                sentence = f"{column}: the value in {where} {d.why}"
                value = d.cause_text
            elif kind == ProblemKind.CATEGORY_UNKNOWN:
                sentence = f"{column}: {d.category_text!r} in {where} is not a category{hint}"
                value = d.category_text
            elif kind == ProblemKind.NEW_CAUSE_NOT_ALLOWED:
                assert d.target is not None
                sentence = (
                    f"{_value_words(d)}: {where} goes to {d.target.label}, "
                    "which is not in the list of causes yet"
                )
                value = d.cause_text
            elif not d.cause_text:
                suggested = f"; the suggestion is {d.target.label}" if d.target is not None else ""
                sentence = f"{columns.describe('cause')} is blank in {where}{suggested}"
                value = ""
            else:
                sentence = f"{_value_words(d)}: {where} is not a cause{hint}"
                value = d.cause_text
            groups.append(
                ProblemGroup(
                    kind, field_name, column, sentence, d.rows, tuple(d.first), value, d.target
                )
            )
        return groups


def _name_problem(target: CauseTarget) -> str | None:
    """Why a new cause or category cannot be named so (the names' columns are bounded)."""
    for what, name, limit in (
        ("a category name", target.category, CATEGORY_NAME_LIMIT),
        ("a cause name", target.cause, CAUSE_NAME_LIMIT),
    ):
        if limit is not None and len(name.strip()) > limit:
            return f"is {len(name.strip()):,} characters long; {what} is at most {limit}"
    return None


def _row_message(kind: ProblemKind, decision: _Decision) -> str:
    if decision.why is not None:
        return f"the value {decision.why}"
    if kind == ProblemKind.CATEGORY_UNKNOWN:
        return f"{decision.category_text!r} is not a category"
    if kind == ProblemKind.NEW_CAUSE_NOT_ALLOWED:
        return f"{decision.cause_text!r} goes to a cause that is not in the list yet"
    if not decision.cause_text:
        return "the cause is blank"
    return f"{decision.cause_text!r} is not a cause"


def _value_words(decision: _Decision) -> str:
    if decision.category_text:
        return f"{decision.category_text + '/' + decision.cause_text!r}"
    return repr(decision.cause_text)


# -- Opening a file ----------------------------------------------------------------------------


@dataclass
class _Opened:
    table: FileTable
    columns: ColumnMap
    signature: str
    remembered: Remembered | None
    remembered_columns: bool
    date_order: DateOrder


def _open(session: Session, path: Path, options: ImportOptions) -> _Opened:
    table = read_table(path)
    try:
        signature = header_signature(table.headers)
        remembered = find_remembered(session, signature)
        overrides = options.overrides
        remembered_columns = False
        if not overrides and remembered is not None:
            overrides, remembered_columns = remembered.columns, True
        try:
            columns = match_columns(table.headers, overrides)
        except ValidationError as exc:
            if not remembered_columns:
                raise ImportFailed(
                    path,
                    [ImportProblem(None, exc.field, exc.message)],
                    1,
                    [ProblemGroup(ProblemKind.FILE, "", exc.field, exc.message)],
                ) from exc
            columns, remembered_columns = match_columns(table.headers), False
        order = options.date_order or (remembered.date_order if remembered else DateOrder.MDY)
        return _Opened(table, columns, signature, remembered, remembered_columns, order)
    except BaseException:
        table.close()
        raise


def plan_import(
    session: Session,
    path: Path,
    options: ImportOptions | None = None,
    *,
    progress: Progress | None = None,
) -> ImportPlan:
    """Read ``path`` once: its columns and every cause value with a suggested target.

    Writes nothing. The caller shows the plan (or applies its sure choices),
    then calls import_file with the targets it settled on.
    """
    options = options or ImportOptions()
    opened = _open(session, path, options)
    columns, table = opened.columns, opened.table
    try:
        required = settings.get_bool(session, settings.CAUSE_REQUIRED)
        causes = _Causes(
            Taxonomy(session),
            options.causes,
            opened.remembered.values if opened.remembered else {},
            create=options.create_causes,
            required=required,
            planning=True,
        )
        positions = columns.positions
        cause_at, category_at = positions.get("cause"), positions.get("category")
        date_at = {f: positions[f] for f in DATE_FIELDS if f in positions}
        samples: dict[str, dict[str, Any]] = {f: {} for f in date_at}
        rows = 0
        for number, values in table.rows:
            rows += 1
            width = len(values)
            cause = text(values[cause_at]) if cause_at is not None and cause_at < width else ""
            category = (
                text(values[category_at]) if category_at is not None and category_at < width else ""
            )
            causes.count(causes.decide(category, cause), number)
            for name, index in date_at.items():
                found = samples[name]
                if len(found) < DATE_SAMPLES and index < width and not is_blank(values[index]):
                    found.setdefault(str(values[index]), values[index])
            if (
                progress is not None
                and rows % 1000 == 0
                and progress(int(table.position()), table.size_hint) is False
            ):
                raise ImportCancelled("Cancelled; nothing was imported.")
        date_samples = {name: tuple(found.values()) for name, found in samples.items()}
        return ImportPlan(
            path=path,
            columns=columns,
            signature=opened.signature,
            remembered_columns=opened.remembered_columns,
            date_order=opened.date_order,
            date_order_hint=date_order_hint(s for found in date_samples.values() for s in found),
            date_samples=date_samples,
            values=causes.values(),
            rows=rows,
            encoding=table.encoding,
            cause_required=required,
        )
    finally:
        table.close()


# -- Rows --------------------------------------------------------------------------------------


class _Names:
    """Salespeople, lead sources and communities, resolved once per distinct spelling."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.names: dict[tuple[type, str], int] = {}
        self.normalized: dict[tuple[type, str], int] = {}
        self.created: list[str] = []

    def id(self, model: type, value: str) -> int:
        key = (model, value)
        if key not in self.names:
            self.names[key] = self._id(model, value)
        return self.names[key]

    def _id(self, model: type, value: str) -> int:
        key = (model, normalize_name(value).casefold())
        if key not in self.normalized:
            entry = find_entry(self.session, model, value)
            if entry is None:
                entry = model(name=normalize_name(value), retired=False)
                self.session.add(entry)
                self.session.flush()
                self.created.append(f"{model.__name__.lower()} {entry.name!r}")
            self.normalized[key] = entry.id
        return self.normalized[key]


def _enum(value: Any, allowed: frozenset[str], what: str) -> str | None:
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


class _RowReader:
    def __init__(
        self,
        columns: ColumnMap,
        causes: _Causes,
        names: _Names,
        problems: _Problems,
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
        positions = columns.positions
        self.text_rules = [
            (name, positions[name], limit)
            for name, limit in TEXT_LIMITS.items()
            if name in positions
        ]
        self.limited = [(n, i, limit) for n, i, limit in self.text_rules if limit is not None]
        self.notes_at = positions.get("notes")
        self.has_contacts = any(name in positions for name in CONTACT_FIELDS)

    def __call__(self, number: int, values: list[Any]) -> dict[str, Any] | None:
        positions = self.columns.positions
        width = len(values)
        found = self.problems.total

        def problem(name: str, message: str, kind: ProblemKind = ProblemKind.INVALID) -> None:
            self.problems.add(number, name, message, kind)

        def cell(name: str) -> Any:
            index = positions.get(name)
            return values[index] if index is not None and index < width else None

        def txt(name: str) -> str:
            index = positions.get(name)
            return text(values[index]) if index is not None and index < width else ""

        def read(name: str, reader: Callable[[Any], Any], required: bool = False) -> Any:
            index = positions.get(name)
            if index is None and not required:
                return None
            value = values[index] if index is not None and index < width else None
            if is_blank(value):
                if required:
                    problem(name, f"{label(name)} is empty", ProblemKind.EMPTY)
                return None
            try:
                return reader(value)
            except CellError as exc:
                problem(name, str(exc))
                return None

        # Control characters and lengths, before anything reads the text. One search
        # over the whole row first: most rows have none, and a line break in the
        # notes (allowed) only sends that row the long way.
        try:
            joined = "".join(values)
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

        client = txt("client")
        if not client:
            problem("client", "Client is empty", ProblemKind.EMPTY)
        value = read("contract_value", read_money, required=True)
        order = self.order
        fell = read("fell_through_on", lambda v: read_date(v, order), required=True)
        signed = read("signed_on", lambda v: read_date(v, order))
        recovered = read("recovered_on", lambda v: read_date(v, order))
        deposit = read("deposit", read_money)
        status = read("cause_status", lambda v: _enum(v, STATUSES, "the cause status"))
        cancelled_by = read("cancelled_by", lambda v: _enum(v, CANCELLERS, "cancelled by"))
        outcome = read("deposit_outcome", lambda v: _enum(v, OUTCOMES, "the deposit outcome"))
        phone = email = link = None
        if self.has_contacts:
            phone = self._contact("client_phone", txt("client_phone"), phone_problem, problem)
            email = self._contact("client_email", txt("client_email"), email_problem, problem)
            link = txt("crm_link") or None
            if link is not None and (why := web_address_problem(link)) is not None:
                problem("crm_link", why)

        causes = self.causes
        decision = causes.decide(txt("category"), txt("cause"))
        decision.rows += 1
        if len(decision.first) < FIRST_ROWS:
            decision.first.append(number)
        cause_id = decision.cause_id
        if decision.problem is not None:
            kind, field_name = decision.problem
            problem(field_name, _row_message(kind, decision), kind)
        first_id = None
        if "first_cause" in positions and not is_blank(cell("first_cause")):
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
        )
        for error in validate_deal_input(data, self.today):
            problem(INPUT_TO_COLUMN.get(error.field, error.field), error.message)
        if self.problems.total > found:
            return None

        def name_id(model: type, column: str) -> int | None:
            raw = txt(column)
            return self.names.id(model, raw) if raw else None

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
            "notes": data.notes.strip(),
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

    def _control_characters(self, values: list[Any], problem: Callable[[str, str], None]) -> None:
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


def _write(session: Session, rows: list[dict[str, Any]], horizon: date, follow_up_days: int) -> int:
    """Insert the rows, their contributing causes and the calls of recent ones; returns calls."""
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
    now = utc_now()
    calls = [
        {
            "deal_id": deal_id,
            "due_on": row["fell_through_on"] + timedelta(days=follow_up_days),
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
    if calls:
        session.execute(insert(FollowUp), calls)
    return len(calls)


# -- Importing ---------------------------------------------------------------------------------


def import_file(
    session: Session,
    path: Path,
    options: ImportOptions | None = None,
    *,
    today: date | None = None,
    progress: Progress | None = None,
    limit: int | None = None,
) -> ImportResult:
    """Import ``path`` into the caller's transaction; raises ImportFailed if anything is wrong.

    On ImportFailed or ImportCancelled the caller must roll back (leaving its
    ``with session.begin():`` block by the exception does). ``limit`` reads only
    the first rows: a preview, to be rolled back too (and not remembered).
    """
    options = options or ImportOptions()
    today = today or date.today()
    opened = _open(session, path, options)
    columns, table = opened.columns, opened.table
    try:
        taxonomy = Taxonomy(session)
        causes = _Causes(
            taxonomy,
            options.causes,
            opened.remembered.values if opened.remembered else {},
            create=options.create_causes,
            required=settings.get_bool(session, settings.CAUSE_REQUIRED),
        )
        names = _Names(session)
        problems = _Problems(columns)
        read_row = _RowReader(columns, causes, names, problems, opened.date_order, today)
        follow_up_days = settings.get_int(session, settings.FOLLOW_UP_DAYS)
        history_days = settings.get_int(session, settings.HISTORY_WITHOUT_CALLS_AFTER_DAYS)
        horizon = today - timedelta(days=history_days)
        result = ImportResult(
            unused_columns=columns.unused,
            columns={f: columns.header_of(f) for f in columns.positions},
            history_days=history_days,
            encoding=table.encoding,
            date_order=opened.date_order,
            remembered_columns=opened.remembered_columns,
        )
        numbers_seen: dict[str, int] = {}
        keys_seen: set[tuple[Any, ...]] = set()
        batch: list[dict[str, Any]] = []

        def flush() -> None:
            present = _present(session, batch)
            fresh = [r for r in batch if _key(r) not in present]
            result.already_present += len(batch) - len(fresh)
            if fresh:
                result.calls_scheduled += _write(session, fresh, horizon, follow_up_days)
                result.added += len(fresh)
                result.without_calls += sum(1 for r in fresh if r["fell_through_on"] < horizon)
            batch.clear()

        for number, values in table.rows:
            if limit is not None and result.rows_read >= limit:
                break
            result.rows_read += 1
            row = read_row(number, values)
            if row is not None and row["contract_number"]:
                first = numbers_seen.setdefault(row["contract_number"], number)
                if first != number:
                    problems.add(
                        number,
                        "contract_number",
                        f"contract number {row['contract_number']} is also on row {first}",
                        ProblemKind.DUPLICATE,
                    )
                    row = None
            if row is not None and not problems.total:
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
        result.values = causes.values()
        if problems.total:
            cause_groups = causes.problems(columns)
            other_groups = [
                g for g in problems.grouped() if g.field not in {"cause", "category"}
                or g.kind not in {ProblemKind.CAUSE_NOT_MAPPED, ProblemKind.CATEGORY_UNKNOWN,
                                  ProblemKind.NEW_CAUSE_NOT_ALLOWED, ProblemKind.NAME_TOO_LONG}
            ]  # fmt: skip
            raise ImportFailed(
                path,
                problems.rows,
                problems.total,
                cause_groups + other_groups,
                result.values,
                problems.more_groups,
            )
        if batch:
            flush()
        if progress is not None:
            progress(table.size_hint, table.size_hint)
        result.causes_created = taxonomy.created_causes
        result.categories_created = taxonomy.created_categories
        result.names_created = names.created
        result.several_contacts = read_row.several_contacts
        if options.remember and limit is None:
            result.mapping_saved = remember(
                session,
                opened.signature,
                columns.headers,
                columns.as_overrides(),
                opened.date_order,
                {
                    key: d.cause_id
                    for key, d in causes.by_key.items()
                    if d.cause_id is not None and d.rows
                },
            )
        return result
    finally:
        table.close()
