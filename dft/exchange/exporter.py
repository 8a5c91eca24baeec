"""Exporting deals (and their follow-up calls) to CSV or XLSX, streamed from SQL.

Every field is written, under our own column names, so an export imports back
into an empty database as the same deals. Text that a spreadsheet would run as a
formula is neutralized (OWASP CSV injection); the importer undoes exactly that.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session, aliased

from dft.core.errors import ValidationError
from dft.core.models import (
    Category,
    Cause,
    Community,
    Deal,
    DealContributingCause,
    FollowUp,
    LeadSource,
    Salesperson,
)
from dft.core.queries import DealFilter, join_deal_names
from dft.core.text import spreadsheet_text
from dft.exchange.columns import IMPORT_FIELDS
from dft.store.files import replacing

if TYPE_CHECKING:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# Every field the importer reads, the client's contacts included, so an export imports back.
DEAL_FIELDS: tuple[str, ...] = IMPORT_FIELDS
FOLLOW_UP_FIELDS = (
    "contract_number",
    "client",
    "due_on",
    "done_at",
    "caller",
    "outcome",
    "client_words",
    "cause_result",
    "changed_to_category",
    "changed_to_cause",
    "notes",
    "purpose",
)
MONEY_FIELDS = {"contract_value", "deposit", "resale_price"}
DATE_FIELDS = {"signed_on", "fell_through_on", "recovered_on", "resold_on", "due_on"}
STREAM_BATCH = 2000


@dataclass(frozen=True)
class ExportResult:
    """How many deals and calls were exported, to which files."""

    deals: int
    follow_ups: int
    files: tuple[Path, ...]


def _money(cents: int | None) -> str:
    if cents is None:
        return ""
    return f"{cents // 100}.{cents % 100:02d}"


def _deal_rows(session: Session, deal_filter: DealFilter) -> Iterator[dict[str, object]]:
    first, first_category = aliased(Cause), aliased(Category)
    query = deal_filter.apply(
        join_deal_names(
            select(
                Deal.id,
                Deal.client_name,
                Deal.contract_number,
                Deal.contract_value_cents,
                Deal.signed_on,
                Deal.fell_through_on,
                Salesperson.name,
                LeadSource.name,
                Community.name,
                Deal.lot,
                Deal.stage,
                Deal.responsible_role,
                Category.name,
                Cause.name,
                Deal.cause_status,
                Deal.notes,
                Deal.cancelled_by,
                Deal.deposit_cents,
                Deal.deposit_outcome,
                Deal.recovered_on,
                first_category.name,
                first.name,
                Deal.resold_on,
                Deal.resale_price_cents,
                Deal.client_phone,
                Deal.client_email,
                Deal.crm_link,
            ).select_from(Deal),
            "salesperson",
            "lead_source",
            "community",
            "category",
        )
        .outerjoin(first, Deal.first_cause_id == first.id)
        .outerjoin(first_category, first.category_id == first_category.id)
        .order_by(Deal.fell_through_on, Deal.id)
    ).execution_options(yield_per=STREAM_BATCH)
    pending: list[Row[*tuple[Any, ...]]] = []

    def emit(rows: list[Row[*tuple[Any, ...]]]) -> Iterator[dict[str, object]]:
        links: dict[int, list[str]] = {}
        for deal_id, cat_name, cause_name in session.execute(
            select(DealContributingCause.deal_id, Category.name, Cause.name)
            .join(Cause, DealContributingCause.cause_id == Cause.id)
            .join(Category, Cause.category_id == Category.id)
            .where(DealContributingCause.deal_id.in_([r[0] for r in rows]))
            .order_by(DealContributingCause.deal_id, Cause.id)
        ):
            links.setdefault(deal_id, []).append(f"{cat_name}/{cause_name}")
        for r in rows:
            yield {
                "_id": r[0],
                "client": r[1],
                "contract_number": r[2],
                "contract_value": r[3],
                "signed_on": r[4],
                "fell_through_on": r[5],
                "salesperson": r[6],
                "lead_source": r[7],
                "community": r[8],
                "lot": r[9],
                "stage": r[10],
                "responsible_role": r[11],
                "category": r[12],
                "cause": r[13],
                "cause_status": r[14],
                "notes": r[15],
                "cancelled_by": r[16],
                "deposit": r[17],
                "deposit_outcome": r[18],
                "recovered_on": r[19],
                "resold_on": r[22],
                "resale_price": r[23],
                "contributing_causes": "; ".join(links.get(r[0], [])),
                # The first-recorded cause only when a call changed it.
                "first_category": r[20] if (r[20], r[21]) != (r[12], r[13]) else None,
                "first_cause": r[21] if (r[20], r[21]) != (r[12], r[13]) else None,
                "client_phone": r[24],
                "client_email": r[25],
                "crm_link": r[26],
            }

    for row in session.execute(query):
        pending.append(row)
        if len(pending) >= STREAM_BATCH:
            yield from emit(pending)
            pending = []
    if pending:
        yield from emit(pending)


def _follow_up_rows(session: Session, deal_filter: DealFilter) -> Iterator[dict[str, object]]:
    changed, changed_category = aliased(Cause), aliased(Category)
    deal_ids = deal_filter.apply(select(Deal.id))
    query = (
        select(
            Deal.contract_number,
            Deal.client_name,
            FollowUp.due_on,
            FollowUp.done_at,
            FollowUp.caller,
            FollowUp.outcome,
            FollowUp.client_words,
            FollowUp.cause_result,
            changed_category.name,
            changed.name,
            FollowUp.notes,
            FollowUp.purpose,
        )
        .join(Deal, FollowUp.deal_id == Deal.id)
        .outerjoin(changed, FollowUp.changed_to_cause_id == changed.id)
        .outerjoin(changed_category, changed.category_id == changed_category.id)
        .where(FollowUp.deal_id.in_(deal_ids))
        .order_by(Deal.fell_through_on, Deal.id, FollowUp.due_on, FollowUp.id)
        .execution_options(yield_per=STREAM_BATCH)
    )
    for row in session.execute(query):
        yield dict(zip(FOLLOW_UP_FIELDS, row, strict=True))


def _csv_value(name: str, value: object) -> str:
    if value is None:
        return ""
    if name in MONEY_FIELDS and isinstance(value, int):
        return _money(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return spreadsheet_text(str(value))


def follow_ups_path(path: Path) -> Path:
    """Where a CSV export puts the follow-up calls: ``deals.csv`` -> ``deals-follow-ups.csv``."""
    return path.with_name(f"{path.stem}-follow-ups{path.suffix}")


def _write_csv(path: Path, names: tuple[str, ...], rows: Iterator[dict[str, object]]) -> int:
    """A header of ``names``, then ``rows``; returns how many rows were written."""
    written = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        for row in rows:
            writer.writerow([_csv_value(name, row[name]) for name in names])
            written += 1
    return written


def export_xlsx(session: Session, path: Path, deal_filter: DealFilter) -> ExportResult:
    """The deals and their calls to ``path``, one sheet each."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)

    def cell(sheet: WriteOnlyWorksheet, name: str, value: object) -> WriteOnlyCell:
        result = WriteOnlyCell(sheet)
        if value is None:
            return result
        if name in MONEY_FIELDS and isinstance(value, int):
            result.value = value / 100
            result.number_format = '"$"#,##0.00'
        elif isinstance(value, date):
            result.value = value
            result.number_format = "yyyy-mm-dd hh:mm" if hasattr(value, "hour") else "yyyy-mm-dd"
        else:
            result.value = spreadsheet_text(str(value))
            result.data_type = "s"  # a string cell, never a formula
        return result

    def write_sheet(title: str, names: tuple[str, ...], rows: Iterator[dict[str, object]]) -> int:
        sheet = workbook.create_sheet(title)
        header = []
        for name in names:
            header_cell = WriteOnlyCell(sheet, value=name)
            header_cell.font = bold
            header.append(header_cell)
        sheet.append(header)
        written = 0
        for row in rows:
            sheet.append([cell(sheet, name, row[name]) for name in names])
            written += 1
        return written

    deals = write_sheet("Deals", DEAL_FIELDS, _deal_rows(session, deal_filter))
    calls = write_sheet("Follow-ups", FOLLOW_UP_FIELDS, _follow_up_rows(session, deal_filter))
    workbook.save(path)
    return ExportResult(deals, calls, (path,))


def export_deals(session: Session, path: Path, deal_filter: DealFilter) -> ExportResult:
    """Write to temporary names and rename: an export is complete or absent.

    A file replaced keeps its permissions; a full disk or a folder that cannot be
    written is a FileWriteError naming the file (dft/store/files.py).
    """
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValidationError("FILE", f"export writes .csv or .xlsx files, not {path.suffix!r}")
    if not path.parent.is_dir():
        raise ValidationError("FILE", f"folder {path.parent} does not exist")
    if suffix == ".csv":
        calls_path = follow_ups_path(path)
        with replacing(path, calls_path) as (partial, calls_partial):
            deals = _write_csv(partial, DEAL_FIELDS, _deal_rows(session, deal_filter))
            rows = _follow_up_rows(session, deal_filter)
            calls = _write_csv(calls_partial, FOLLOW_UP_FIELDS, rows)
        return ExportResult(deals, calls, (path, calls_path))
    with replacing(path) as (partial,):
        result = export_xlsx(session, partial, deal_filter)
    return ExportResult(result.deals, result.follow_ups, (path,))
