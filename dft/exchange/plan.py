"""Opening a file to import, and planning the import: what a person decides before it runs.

``plan_import`` reads the file once and writes nothing: its columns (remembered
for these headers, else matched by name), the date order, sample dates, and each
distinct cause value with its rows and a suggested target (see exchange.mapping).
The dialog shows the plan for a person to confirm; the command line applies only
its sure choices. Then import_file (exchange.importer) runs with the targets
settled on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from dft.core import settings
from dft.core.errors import ValidationError
from dft.exchange.columns import ColumnMap, header_signature, match_columns
from dft.exchange.decisions import CauseDecisions
from dft.exchange.mapping import CauseMap, CauseValue, Taxonomy
from dft.exchange.problems import (
    ImportCancelled,
    ImportFailed,
    ImportProblem,
    ProblemGroup,
    ProblemKind,
)
from dft.exchange.reading import Table, read_table
from dft.exchange.remembered import Remembered, find_remembered
from dft.exchange.values import DateOrder, date_order_hint, is_blank, text

DATE_FIELDS = ("fell_through_on", "signed_on", "recovered_on")
DATE_SAMPLES = 8  # distinct cells per date column, for the date order's preview

# (how far, out of how much): False cancels. The units are the file's (see reading.Table).
Progress = Callable[[int, int], bool | None]


@dataclass(frozen=True)
class ImportOptions:
    """How to read a file. Left out, columns and date order come from a remembered mapping."""

    overrides: dict[str, str] = field(default_factory=dict)  # normalized header -> field
    create_causes: bool = False  # new causes (and categories) for values with nowhere to go
    date_order: DateOrder | None = None  # None: as remembered for these headers, else month first
    causes: CauseMap | None = None  # chosen targets; other values take their sure match
    remember: bool = True  # keep the columns and values for the next file with these headers


@dataclass(frozen=True)
class ImportPlan:
    """A file read once before importing: its columns and every cause value with a suggestion."""

    path: Path
    columns: ColumnMap
    signature: str
    remembered_columns: bool
    date_order: DateOrder
    date_order_hint: DateOrder | None  # what the file's own dates prove, if anything
    date_samples: dict[str, tuple[object, ...]]  # date field -> first distinct cells
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


@dataclass
class OpenedFile:
    """A file opened for planning or importing, with the mapping that applies to it."""

    table: Table
    columns: ColumnMap
    signature: str
    remembered: Remembered | None
    remembered_columns: bool
    date_order: DateOrder


def open_file(session: Session, path: Path, options: ImportOptions) -> OpenedFile:
    """Open ``path``: the given columns, else the remembered ones, else matched by name.

    Columns that do not fit the file are ImportFailed naming them; the caller
    closes the table.
    """
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
                    [ImportProblem(None, exc.field, exc.message, ProblemKind.FILE)],
                    1,
                    [ProblemGroup(ProblemKind.FILE, "", exc.field, exc.message)],
                ) from exc
            columns, remembered_columns = match_columns(table.headers), False
        order = options.date_order or (remembered.date_order if remembered else DateOrder.MDY)
        return OpenedFile(table, columns, signature, remembered, remembered_columns, order)
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
    then calls import_file with the targets it settled on. ``progress`` gets how
    far reading got; returning False cancels (ImportCancelled).
    """
    options = options or ImportOptions()
    opened = open_file(session, path, options)
    columns, table = opened.columns, opened.table
    try:
        required = settings.get_bool(session, settings.CAUSE_REQUIRED)
        causes = CauseDecisions(
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
        samples: dict[str, dict[str, object]] = {f: {} for f in date_at}
        rows = 0
        for number, values in table.rows:
            rows += 1
            width = len(values)
            cause = text(values[cause_at]) if cause_at is not None and cause_at < width else ""
            category = (
                text(values[category_at]) if category_at is not None and category_at < width else ""
            )
            causes.decide(category, cause).count(number)
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
