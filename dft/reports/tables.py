"""The report's tables as typed data, so every format shows the same rows and columns."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import Enum

from dft.analytics.stats import Share
from dft.core.money import format_cents
from dft.reports.monthly import MonthlyReport


class Kind(Enum):
    """How a column's values are formatted."""

    TEXT = "text"
    INT = "int"
    CHANGE = "change"  # a signed whole number: +4, -2
    MONEY = "money"  # integer cents
    SHARE = "share"  # a fraction 0..1
    DATE = "date"


Cell = str | int | float | date | None


@dataclass(frozen=True)
class Column:
    """A column of a report table: its title, kind and relative width."""

    title: str
    kind: Kind
    width: float = 1.0  # relative width on paper


@dataclass(frozen=True)
class Table:
    """A table of the report, the same in every format."""

    key: str  # sheet name / CSV section
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""


def format_cell(value: Cell, kind: Kind) -> str:
    """How a cell reads on paper and on screen."""
    if value is None or value == "":
        return ""
    if kind is Kind.MONEY:
        return format_cents(int(value))  # type: ignore[arg-type]
    if kind is Kind.SHARE:
        return f"{float(value) * 100:.1f}%"  # type: ignore[arg-type]
    if kind is Kind.CHANGE:
        return f"{int(value):+d}"  # type: ignore[arg-type]
    if kind is Kind.DATE and isinstance(value, date):
        return value.isoformat()
    return str(value)


def share_text(share: Share | None) -> str:
    """A share in words, or a dash when there is none."""
    return "—" if share is None else share.describe()


def headline_rows(report: MonthlyReport) -> tuple[tuple[str, Cell, Kind], ...]:
    """(label, value, kind) of the numbers a manager reads first."""
    now = report.comparison.current
    before = report.comparison.previous
    year = report.comparison.year_before
    rows: list[tuple[str, Cell, Kind]] = [
        ("Deals that fell through", now.deals, Kind.INT),
        ("Contract value lost", now.lost_value_cents, Kind.MONEY),
        (f"Deals in {before.month.strftime('%B %Y')}", before.deals, Kind.INT),
        ("Change against the previous month", now.deals - before.deals, Kind.CHANGE),
        (f"Deals in {year.month.strftime('%B %Y')}", year.deals, Kind.INT),
        ("Change against the same month a year before", now.deals - year.deals, Kind.CHANGE),
    ]
    rate = now.fall_through_rate
    if rate is not None:
        rows.append(("Contracts signed this month", now.contracts_signed, Kind.INT))
        rows.append(("Fall-through rate", rate.value, Kind.SHARE))
    split = report.land_share_of_land_and_service
    if split is not None:
        rows.append(("Land share of land + service", split.value, Kind.SHARE))
        rows.append(("Customer service share of land + service", 1 - split.value, Kind.SHARE))
    rows.append(("Referral deals lost", report.referral_deals, Kind.INT))
    rows.append(("Follow-up call completed", report.follow_ups.completed.value, Kind.SHARE))
    rows.append(("Overdue follow-up calls", len(report.overdue_calls), Kind.INT))
    return tuple(rows)


def report_tables(report: MonthlyReport) -> list[Table]:
    """The report's tables, in the order every format shows them."""
    month_deals = report.deal_count
    categories = Table(
        "categories",
        "By category",
        (Column("Category", Kind.TEXT, 2.2), Column("Controllable", Kind.TEXT),
         Column("Deals", Kind.INT, 0.7), Column("Share", Kind.SHARE, 0.8),
         Column("Lost value", Kind.MONEY, 1.4)),
        tuple(
            (c.label, "" if c.controllable is None else ("yes" if c.controllable else "no"),
             c.deals, c.share.value, c.lost_value_cents)
            for c in report.categories
        ),
    )  # fmt: skip
    causes = Table(
        "causes",
        "Causes, largest first",
        (Column("Cause", Kind.TEXT, 2.6), Column("Category", Kind.TEXT, 1.6),
         Column("Deals", Kind.INT, 0.7), Column("Share", Kind.SHARE, 0.8),
         Column("Cumulative", Kind.SHARE, 0.9), Column("Lost value", Kind.MONEY, 1.3)),
        tuple(
            (c.label, c.category, c.deals, c.share.value, c.cumulative, c.lost_value_cents)
            for c in report.causes
        ),
        note="Shares use each deal's primary cause, so with 'No cause yet' they add up to 100%.",
    )  # fmt: skip
    roles = Table(
        "roles",
        "Who or what was responsible",
        (Column("Responsible", Kind.TEXT, 2.6), Column("Deals", Kind.INT, 0.7),
         Column("Share", Kind.SHARE, 0.8), Column("Lost value", Kind.MONEY, 1.3)),
        tuple((r.label, r.deals, r.share.value, r.lost_value_cents) for r in report.roles),
    )  # fmt: skip
    sources = Table(
        "lead_sources",
        "Lead sources",
        (Column("Lead source", Kind.TEXT, 2.2), Column("Referral", Kind.TEXT, 0.8),
         Column("Deals", Kind.INT, 0.7), Column("Share", Kind.SHARE, 0.8),
         Column("Lost value", Kind.MONEY, 1.3)),
        tuple(
            (s.label, "yes" if s.flag else "", s.deals, s.share.value, s.lost_value_cents)
            for s in report.lead_sources
        ),
        note=f"Referral deals lost: {report.referral_deals} of {month_deals}. "
        "Referred buyers arrive pre-sold; each one lost is worth a look.",
    )  # fmt: skip
    metrics = report.follow_ups
    follow_up_rows: list[tuple[Cell, ...]] = [
        ("Follow-up call completed (client reached or declined)", share_text(metrics.completed)),
        ("Client reached", share_text(metrics.reached)),
        ("First guess changed by a call", share_text(report.changed_first_guess)),
        ("Median days to the first call",
         "—" if metrics.median_days_to_first_call is None
         else f"{metrics.median_days_to_first_call:g}"),
        ("Overdue calls on these deals", str(metrics.overdue)),
        ("Buyers won back (re-signed)", share_text(report.recovery.recovered)),
        ("Median days from signing to falling through",
         "—" if report.timing.median_days is None else f"{report.timing.median_days:g}"),
        *((f"Fell through {label} after signing", str(n)) for label, n in report.timing.buckets
          if n),
        *((f"Deposits {line.outcome.replace('_', ' ')}",
           f"{line.deals} ({format_cents(line.deposit_cents)})") for line in report.deposits),
    ]  # fmt: skip
    follow_ups = Table(
        "follow_ups",
        "Follow-up calls, timing and deposits",
        (Column("Measure", Kind.TEXT, 3.2), Column("Value", Kind.TEXT, 2.2)),
        tuple(follow_up_rows),
    )
    overdue = Table(
        "overdue",
        "Overdue follow-up calls",
        (Column("Client", Kind.TEXT, 2.0), Column("Salesperson", Kind.TEXT, 1.5),
         Column("Due", Kind.DATE, 1.0), Column("Days overdue", Kind.INT, 0.9)),
        tuple((c.client_name, c.salesperson, c.due_on, c.days_overdue)
              for c in report.overdue_calls),
    )  # fmt: skip
    trend = report.trend
    trend_table = Table(
        "trend",
        f"Deals per month, last {len(trend.months)} months",
        (Column("Month", Kind.TEXT, 1.0),
         *(Column(c, Kind.INT, 1.0) for c in trend.categories),
         Column("Total", Kind.INT, 0.8)),
        tuple(
            (m.strftime("%Y-%m"), *(trend.deals.get((m, c), 0) for c in trend.categories),
             trend.month_total(m))
            for m in trend.months
        ),
    )  # fmt: skip
    deals = Table(
        "deals",
        "The month's deals",
        (Column("Client", Kind.TEXT, 1.3), Column("Contract", Kind.TEXT, 1.05),
         Column("Value", Kind.MONEY, 1.15), Column("Fell through", Kind.DATE, 1.05),
         Column("Category", Kind.TEXT, 1.15), Column("Cause", Kind.TEXT, 1.6),
         Column("Status", Kind.TEXT, 0.95), Column("Latest follow-up note", Kind.TEXT, 2.3)),
        tuple(
            (d.client_name, d.contract_number, d.contract_value_cents, d.fell_through_on,
             d.category or "No cause yet", d.cause, d.cause_status, d.latest_note)
            for d in report.deals
        ),
    )  # fmt: skip
    return [categories, causes, roles, sources, follow_ups, overdue, trend_table, deals]


# What a report to read lists of the month's deals; spreadsheets list them all.
MAX_LISTED_DEALS = 500


def capped(table: Table, limit: int, what: str, total: int | None = None) -> Table:
    """Tens of thousands of rows would make a book, not a report to forward.

    ``total``: how many there are when ``table`` already holds only the first ones.
    """
    total = max(total or 0, len(table.rows))
    if total <= limit:
        return table
    return replace(
        table,
        rows=table.rows[:limit],
        note=f"There are {total:,} {what}; the first {limit:,} are listed. "
        "The Excel and CSV versions of this report list them all.",
    )
