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
from typing import Any

from sqlalchemy import select
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
from dft.core.queries import DealFilter
from dft.core.text import neutralize_formula
from dft.exchange.columns import FIELDS

# How to reach the client and the deal in the CRM; written after the columns the
# importer documents (and skipped where a newer importer already lists them).
CONTACT_FIELDS = ("client_phone", "client_email", "crm_link")
DEAL_FIELDS: tuple[str, ...] = (*FIELDS, *(f for f in CONTACT_FIELDS if f not in FIELDS))
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
)
MONEY_FIELDS = {"contract_value", "deposit"}
DATE_FIELDS = {"signed_on", "fell_through_on", "recovered_on", "due_on"}
STREAM_BATCH = 2000


@dataclass(frozen=True)
class ExportResult:
    deals: int
    follow_ups: int
    files: tuple[Path, ...]


def _money(cents: int | None) -> str:
    if cents is None:
        return ""
    return f"{cents // 100}.{cents % 100:02d}"


def _deal_rows(session: Session, deal_filter: DealFilter) -> Iterator[dict[str, Any]]:
    cause, category = aliased(Cause), aliased(Category)
    first, first_category = aliased(Cause), aliased(Category)
    query = deal_filter.apply(
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
            category.name,
            cause.name,
            Deal.cause_status,
            Deal.notes,
            Deal.cancelled_by,
            Deal.deposit_cents,
            Deal.deposit_outcome,
            Deal.recovered_on,
            first_category.name,
            first.name,
            Deal.client_phone,
            Deal.client_email,
            Deal.crm_link,
        )
        .select_from(Deal)
        .outerjoin(Salesperson, Deal.salesperson_id == Salesperson.id)
        .outerjoin(LeadSource, Deal.lead_source_id == LeadSource.id)
        .outerjoin(Community, Deal.community_id == Community.id)
        .outerjoin(cause, Deal.cause_id == cause.id)
        .outerjoin(category, cause.category_id == category.id)
        .outerjoin(first, Deal.first_cause_id == first.id)
        .outerjoin(first_category, first.category_id == first_category.id)
        .order_by(Deal.fell_through_on, Deal.id)
    ).execution_options(yield_per=STREAM_BATCH)
    pending: list[Any] = []

    def emit(rows: list[Any]) -> Iterator[dict[str, Any]]:
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
                "contributing_causes": "; ".join(links.get(r[0], [])),
                # The first-recorded cause only when a call changed it.
                "first_category": r[20] if (r[20], r[21]) != (r[12], r[13]) else None,
                "first_cause": r[21] if (r[20], r[21]) != (r[12], r[13]) else None,
                "client_phone": r[22],
                "client_email": r[23],
                "crm_link": r[24],
            }

    for row in session.execute(query):
        pending.append(row)
        if len(pending) >= STREAM_BATCH:
            yield from emit(pending)
            pending = []
    if pending:
        yield from emit(pending)


def _follow_up_rows(session: Session, deal_filter: DealFilter) -> Iterator[dict[str, Any]]:
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


def _csv_value(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name in MONEY_FIELDS:
        return _money(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return neutralize_formula(str(value))


def follow_ups_path(path: Path) -> Path:
    """Where a CSV export puts the follow-up calls: ``deals.csv`` -> ``deals-follow-ups.csv``."""
    return path.with_name(f"{path.stem}-follow-ups{path.suffix}")


def export_csv(session: Session, path: Path, deal_filter: DealFilter) -> ExportResult:
    deals = calls = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(DEAL_FIELDS)
        for row in _deal_rows(session, deal_filter):
            writer.writerow([_csv_value(name, row[name]) for name in DEAL_FIELDS])
            deals += 1
    second = follow_ups_path(path)
    with second.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(FOLLOW_UP_FIELDS)
        for row in _follow_up_rows(session, deal_filter):
            writer.writerow([_csv_value(name, row[name]) for name in FOLLOW_UP_FIELDS])
            calls += 1
    return ExportResult(deals, calls, (path, second))


def export_xlsx(session: Session, path: Path, deal_filter: DealFilter) -> ExportResult:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)

    def cell(sheet: Any, name: str, value: Any) -> Any:
        result = WriteOnlyCell(sheet)
        if value is None:
            return result
        if name in MONEY_FIELDS:
            result.value = int(value) / 100
            result.number_format = '"$"#,##0.00'
        elif isinstance(value, date):
            result.value = value
            result.number_format = "yyyy-mm-dd hh:mm" if hasattr(value, "hour") else "yyyy-mm-dd"
        else:
            # XML cannot hold most control characters; a stray one must not sink the export.
            clean = ILLEGAL_CHARACTERS_RE.sub("", str(value))
            result.value = neutralize_formula(clean)
            result.data_type = "s"  # a string cell, never a formula
        return result

    def header(sheet: Any, names: tuple[str, ...]) -> list[Any]:
        cells = []
        for name in names:
            c = WriteOnlyCell(sheet, value=name)
            c.font = bold
            cells.append(c)
        return cells

    deals_sheet = workbook.create_sheet("Deals")
    deals_sheet.append(header(deals_sheet, DEAL_FIELDS))
    deals = 0
    for row in _deal_rows(session, deal_filter):
        deals_sheet.append([cell(deals_sheet, name, row[name]) for name in DEAL_FIELDS])
        deals += 1
    calls_sheet = workbook.create_sheet("Follow-ups")
    calls_sheet.append(header(calls_sheet, FOLLOW_UP_FIELDS))
    calls = 0
    for row in _follow_up_rows(session, deal_filter):
        calls_sheet.append([cell(calls_sheet, name, row[name]) for name in FOLLOW_UP_FIELDS])
        calls += 1
    workbook.save(path)
    return ExportResult(deals, calls, (path,))


def export_deals(session: Session, path: Path, deal_filter: DealFilter) -> ExportResult:
    """Write to temporary names and rename: an export is complete or absent."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValidationError("FILE", f"export writes .csv or .xlsx files, not {path.suffix!r}")
    if not path.parent.is_dir():
        raise ValidationError("FILE", f"folder {path.parent} does not exist")
    partial = path.with_name(f".{path.name}.partial")
    try:
        if suffix == ".csv":
            result = export_csv(session, partial, deal_filter)
            calls_partial = follow_ups_path(partial)
            calls_partial.replace(follow_ups_path(path))
            partial.replace(path)
            return ExportResult(result.deals, result.follow_ups, (path, follow_ups_path(path)))
        result = export_xlsx(session, partial, deal_filter)
        partial.replace(path)
        return ExportResult(result.deals, result.follow_ups, (path,))
    finally:
        partial.unlink(missing_ok=True)
        follow_ups_path(partial).unlink(missing_ok=True)
