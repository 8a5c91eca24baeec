"""What is wrong with an imported file: one line per distinct problem, never thousands.

Row problems are kept two ways: grouped (one :class:`ProblemGroup` per field
and message, or per cause value, with how many rows and the first row numbers)
for people to read, and row by row up to a limit, for marking cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from dft.core.errors import DftError
from dft.core.words import count_of
from dft.exchange.columns import ColumnMap
from dft.exchange.mapping import CauseTarget, CauseValue

MAX_PROBLEMS = 500  # row by row, for marking cells; the groups count everything
MAX_GROUPS = 200  # distinct problems listed; the rest are counted
FIRST_ROWS = 3  # row numbers shown with a value or a problem


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


@dataclass(frozen=True)
class ImportProblem:
    """One problem in one row (kept for marking cells; people read ProblemGroup)."""

    row: int | None  # as the spreadsheet numbers it (header = 1); None for the file itself
    column: str  # the file's own header (our field name when the file has no such column)
    message: str
    kind: ProblemKind = ProblemKind.INVALID

    def __str__(self) -> str:
        if self.row is None:
            return f"{self.column}: {self.message}"
        return f"row {self.row}, column {self.column!r}: {self.message}"


# Problems about where a cause value goes: reported once per value, not per field.
CAUSE_KINDS = frozenset(
    {
        ProblemKind.CAUSE_NOT_MAPPED,
        ProblemKind.CATEGORY_UNKNOWN,
        ProblemKind.NEW_CAUSE_NOT_ALLOWED,
        ProblemKind.NAME_TOO_LONG,
    }
)


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
        super().__init__(f"{path.name}: {count_of(count, 'problem')}; nothing was imported")


class ImportCancelled(DftError):
    """The user cancelled; the caller rolls back."""


@dataclass
class _Tally:
    kind: ProblemKind
    rows: int = 0
    first: list[int] = field(default_factory=list)


class RowProblems:
    """Row problems grouped by field and message, and the first ones row by row."""

    def __init__(self, columns: ColumnMap) -> None:
        self.columns = columns
        self.rows: list[ImportProblem] = []
        self.total = 0
        self.tallies: dict[tuple[str, str], _Tally] = {}
        self.more_groups = 0

    def add(self, number: int, field: str, message: str, kind: ProblemKind) -> None:
        """Note a problem of row ``number`` in ``field`` (our field name)."""
        self.total += 1
        if len(self.rows) < MAX_PROBLEMS:
            header = self.columns.header_of(field) if field in self.columns.positions else field
            self.rows.append(ImportProblem(number, header, message, kind))
        tally = self.tallies.get((field, message))
        if tally is None:
            if len(self.tallies) >= MAX_GROUPS:
                self.more_groups += 1
                return
            tally = self.tallies[(field, message)] = _Tally(kind)
        tally.rows += 1
        if len(tally.first) < FIRST_ROWS:
            tally.first.append(number)

    def grouped(self) -> list[ProblemGroup]:
        """One group per field and message, in the order they were first met."""
        result = []
        for (field_name, message), tally in self.tallies.items():
            column = self.columns.describe(field_name)
            where = rows_text(tally.rows, tuple(tally.first))
            if tally.kind == ProblemKind.EMPTY:
                sentence = f"{column} is empty in {where}"
            else:
                sentence = f"{column}: {message}, in {where}"
            result.append(
                ProblemGroup(
                    tally.kind, field_name, column, sentence, tally.rows, tuple(tally.first)
                )
            )
        return result
