"""The report's tables as typed data, so every format shows the same rows and columns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import Enum
from typing import Protocol

from dft.analytics.calibration import NOT_RECORDED_PERSON, Calibration, Callers
from dft.analytics.cancellation import CancellationRate
from dft.analytics.control import ControlChart
from dft.analytics.cost import Cost
from dft.analytics.stats import Share
from dft.analytics.win_back import WinBacks
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
    NUMBER = "number"  # a measure that may have a fraction, such as a median: 12.5


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
    if kind is Kind.NUMBER:
        return f"{float(value):g}"  # type: ignore[arg-type]
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
    latest = report.control.latest
    if latest is not None and latest.share is not None:
        rows.append(("Controllable share (classified causes only)", latest.share, Kind.SHARE))
        rows.append(("Against the earlier months", latest.headline(), Kind.TEXT))
    rows.append(("Referral deals lost", report.referral_deals, Kind.INT))
    rows.append(("Follow-up call completed", report.follow_ups.completed.value, Kind.SHARE))
    rows.append(("Overdue follow-up calls", report.overdue_call_count, Kind.INT))
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
        "Calls, timing and deposits",
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
    return [
        categories, causes, roles, sources, follow_ups, overdue, trend_table, deals,
        *insight_tables(report),
    ]  # fmt: skip


def _interval(share: Share) -> str:
    if not share.total:
        return ""
    low, high = share.interval
    return f"{low * 100:.0f}–{high * 100:.0f}%"


class InsightSections(Protocol):
    """What the insight tables are made of: the monthly report has it, and so has
    :class:`~dft.analytics.insights.Insights` (the window and ``dft insights``)."""

    @property
    def calibration(self) -> Sequence[Calibration]: ...
    @property
    def callers(self) -> Callers: ...
    @property
    def control(self) -> ControlChart: ...
    @property
    def cost(self) -> Cost: ...
    @property
    def cost_by_cause(self) -> Sequence[Cost]: ...
    @property
    def cancellation(self) -> CancellationRate: ...
    @property
    def win_backs(self) -> WinBacks: ...


def insight_tables(report: InsightSections) -> list[Table]:
    """Calibration, callers, the control chart, cost, cancellation rate and win-backs."""
    calibration = Table(
        "calibration",
        "First guesses against the calls",
        (Column("Salesperson", Kind.TEXT, 1.8), Column("Deals", Kind.INT, 0.6),
         Column("Settled", Kind.INT, 0.7), Column("Confirmed", Kind.INT, 0.8),
         Column("Changed", Kind.INT, 0.7),
         Column("Not controllable to controllable", Kind.INT, 1.2),
         Column("Controllable to not controllable", Kind.INT, 1.2),
         Column("Confirmed share", Kind.SHARE, 0.9), Column("95% interval", Kind.TEXT, 0.9)),
        tuple(
            (r.salesperson or NOT_RECORDED_PERSON, r.deals, r.settled, r.confirmed, r.changed,
             r.not_controllable_to_controllable, r.controllable_to_not_controllable,
             r.confirmed_share.value if r.settled else None, _interval(r.confirmed_share))
            for r in report.calibration
        ),
        note="Settled: a reached call confirmed or changed the cause. A first guess (the cause "
        "the deal was logged with) is confirmed when the cause the last settling call left "
        "standing is that guess. Deals logged as not yet known made no guess and are left out. "
        "Moves count only categories classified as controllable or not.",
    )  # fmt: skip
    groups = [("Own salesperson", report.callers.own_salesperson),
              ("Someone else", report.callers.someone_else)]  # fmt: skip
    if report.callers.not_recorded.calls:
        groups.append(("Caller or salesperson not recorded", report.callers.not_recorded))
    callers = Table(
        "callers",
        "Who made the call",
        (Column("Caller", Kind.TEXT, 2.2), Column("Calls", Kind.INT, 0.7),
         Column("Changed the cause", Kind.INT, 1.0), Column("Change rate", Kind.SHARE, 0.9),
         Column("95% interval", Kind.TEXT, 0.9)),
        tuple((label, g.calls, g.changed, g.change_rate.value if g.calls else None,
               _interval(g.change_rate)) for label, g in groups),
        note="Reached calls that confirmed or changed the cause of these deals. The caller "
        "is matched to the deal's salesperson ignoring case and spaces.",
    )  # fmt: skip
    latest = report.control.latest
    control = Table(
        "control",
        "Controllable share by month",
        (Column("Month", Kind.TEXT, 0.8), Column("Deals (classified)", Kind.INT, 0.9),
         Column("Controllable", Kind.INT, 0.9), Column("Share", Kind.SHARE, 0.8),
         Column("Centre", Kind.SHARE, 0.8), Column("Lower limit", Kind.SHARE, 0.8),
         Column("Upper limit", Kind.SHARE, 0.8), Column("Unusual", Kind.TEXT, 0.7)),
        tuple(
            (m.month.strftime("%Y-%m"), m.deals, m.controllable, m.share, m.centre, m.lower,
             m.upper, "yes" if m.unusual else "")
            for m in report.control.months
        ),
        note=(f"{latest.headline()}. " if latest else "") + CONTROL_NOTE,
    )  # fmt: skip
    cost = Table(
        "cost",
        "What the fall-throughs cost",
        (Column("Cause", Kind.TEXT, 2.0), Column("Deals", Kind.INT, 0.6),
         Column("Lost value", Kind.MONEY, 1.2), Column("Deposits kept", Kind.MONEY, 1.1),
         Column("Deposits refunded", Kind.MONEY, 1.1), Column("Re-sold", Kind.INT, 0.7),
         Column("Median days to re-sell", Kind.NUMBER, 0.9),
         Column("Carrying cost", Kind.MONEY, 1.1), Column("Re-sale price gap", Kind.MONEY, 1.1)),
        tuple(
            (c.label, c.deals, c.lost_value_cents, c.deposits_kept_cents,
             c.deposits_refunded_cents, c.resold, c.median_days_to_resell, c.carrying_cost_cents,
             c.resale_gap_cents if c.priced_resales else None)
            for c in (report.cost, *report.cost_by_cause)
        ),
        note=_cost_note(report.cost),
    )  # fmt: skip
    rate = report.cancellation
    cancellation = Table(
        "cancellation",
        "Cancellation rate by month",
        (Column("Month", Kind.TEXT, 0.8), Column("Contracts signed", Kind.INT, 1.0),
         Column("Fell through", Kind.INT, 1.0), Column("Rate", Kind.SHARE, 0.8),
         Column("Benchmark", Kind.SHARE, 0.8)),
        tuple(
            (m.month.strftime("%Y-%m"), m.contracts_signed, m.fell_through,
             m.rate.value if m.rate else None, rate.benchmark)
            for m in (rate.months if rate.comparable else ())
        ),
        note=_cancellation_note(rate),
    )  # fmt: skip
    by_cause = Table(
        "win_back_causes",
        "Buyers won back, by cause",
        (Column("Cause", Kind.TEXT, 2.2), Column("Deals", Kind.INT, 0.6),
         Column("Win-back calls made", Kind.INT, 1.0), Column("Won back", Kind.INT, 0.8),
         Column("Share", Kind.SHARE, 0.8)),
        tuple((w.label, w.deals, w.called, w.won_back, w.share.value)
              for w in report.win_backs.by_cause),
        note="Won back: the buyer re-signed. Win-back calls are made some months after a "
        "controllable fall-through (a setting).",
    )  # fmt: skip
    by_caller = Table(
        "win_back_callers",
        "Buyers won back, by who called",
        (Column("Win-back caller", Kind.TEXT, 2.2), Column("Deals", Kind.INT, 0.6),
         Column("Won back", Kind.INT, 0.8), Column("Share", Kind.SHARE, 0.8)),
        tuple((w.label, w.deals, w.won_back, w.share.value) for w in report.win_backs.by_caller),
        note="A deal counts under the caller of its latest win-back call.",
    )  # fmt: skip
    return [calibration, callers, control, cost, cancellation, by_cause, by_caller]


CONTROL_NOTE = (
    "Only deals whose category is classified as controllable or not count; not-yet-known "
    "and not-classified causes are on neither side. Each month's centre is the share over "
    "the earlier months on the chart; its limits are 3 standard errors around it for the "
    "month's own number of deals. Outside them a month is unusual: more than chance."
)


def _cost_note(cost: Cost) -> str:
    parts = [
        "Deposits kept were forfeited; partly refunded deposits "
        f"({format_cents(cost.deposits_partly_refunded_cents)}) are in neither column.",
        "Days to re-sell, carrying cost and the price gap (contract value less re-sale price) "
        "count only homes with a re-sale recorded.",
    ]
    if cost.carrying_cost_cents is None:
        parts.append("Enter the daily carrying cost of an unsold home to see carrying cost.")
    return " ".join(parts)


def _cancellation_note(rate: CancellationRate) -> str:
    if not rate.comparable:
        return "Contracts signed are kept for the team and per salesperson, not per community."
    text = "Cancellations ÷ gross contracts signed; months without contracts signed entered "
    text += "are left out of the rate."
    total = rate.rate
    if total is not None:
        text += f" Over the months entered: {total.describe()}."
    if rate.benchmark is not None:
        text += f" Benchmark: {rate.benchmark * 100:.1f}%."
    else:
        text += " No benchmark rate entered (builders report roughly 10–35%)."
    return text


# What a report to read lists of the month's deals; spreadsheets list them all.
MAX_LISTED_DEALS = 500


ALL_IN_EXCEL_AND_CSV = "The Excel and CSV versions of this report list them all."


def capped(
    table: Table,
    limit: int,
    what: str,
    total: int | None = None,
    elsewhere: str = ALL_IN_EXCEL_AND_CSV,
) -> Table:
    """Tens of thousands of rows would make a book, not a report to forward.

    ``total``: how many there are when ``table`` already holds only the first ones;
    ``elsewhere``: where the rest are listed.
    """
    total = max(total or 0, len(table.rows))
    if total <= limit:
        return table
    return replace(
        table,
        rows=table.rows[:limit],
        note=f"There are {total:,} {what}; the first {limit:,} are listed. {elsewhere}",
    )
