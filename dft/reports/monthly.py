"""The monthly cause report, assembled once; renderers turn it into PDF, XLSX, CSV or HTML.

Everything the report says is computed here from the analytics module, so the
four formats cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from dft.analytics.breakdowns import (
    DepositLine,
    MonthlyTrend,
    Recovery,
    Slice,
    by_cause,
    by_lead_source,
    by_responsible_role,
    changed_causes,
    deposits,
    monthly_trend,
    recovery,
)
from dft.analytics.calibration import Calibration, Callers, calibration_from, callers_from
from dft.analytics.call_figures import call_figures
from dft.analytics.cancellation import (
    CancellationRate,
    benchmark_rate,
    cancellation_from,
    comparable_with_contracts,
)
from dft.analytics.comparison import MonthComparison, compare_month
from dft.analytics.control import (
    CONTROL_MONTHS,
    ControlChart,
    control_from_trend,
    controllable_by_category,
)
from dft.analytics.cost import Cost, month_costs
from dft.analytics.follow_ups import FollowUpMetrics, follow_up_metrics
from dft.analytics.split import CauseSplit, cause_split
from dft.analytics.stats import Share
from dft.analytics.timing import SigningToFallThrough, signing_to_fall_through
from dft.analytics.win_back import WinBacks, win_backs_from
from dft.core.dates import add_months, month_start
from dft.core.errors import ValidationError
from dft.core.lists import find_entry
from dft.core.models import Category, Cause, Community, Deal, FollowUp, Salesperson
from dft.core.queries import AnySelect, DealFilter, join_deal_names
from dft.core.signed_contracts import contracts_signed_by_month

TREND_MONTHS = 12
# The overdue calls a report to read (PDF, preview) lists; spreadsheets list them all.
MAX_LISTED_CALLS = 100


@dataclass(frozen=True)
class ReportScope:
    """Whose deals: everyone's, or one salesperson's and/or one community's."""

    salesperson: str | None = None
    community: str | None = None

    def describe(self) -> str:
        """The scope in words ("salesperson Dana Whitfield", "all salespeople and communities")."""
        parts = []
        if self.salesperson:
            parts.append(f"salesperson {self.salesperson}")
        if self.community:
            parts.append(f"community {self.community}")
        return ", ".join(parts) if parts else "all salespeople and communities"


@dataclass(frozen=True)
class ReportDeal:
    """A deal as the report lists it, with its latest call's note."""

    id: int
    client_name: str
    contract_number: str | None
    contract_value_cents: int
    fell_through_on: date
    salesperson: str | None
    category: str | None
    cause: str | None
    cause_status: str
    latest_note: str


@dataclass(frozen=True)
class OverdueCall:
    """An open call past its due date on one of the month's deals."""

    deal_id: int
    client_name: str
    salesperson: str | None
    due_on: date
    days_overdue: int


@dataclass(frozen=True)
class ReportCharts:
    """What the report's charts show: read before the rest of its figures, so that
    a PDF's charts can be drawn while the rest is read (dft/reports/chart_process.py)."""

    deal_count: int
    categories: tuple[Slice, ...]
    causes: tuple[Slice, ...]
    trend: MonthlyTrend
    control: ControlChart
    cancellation: CancellationRate


@dataclass(frozen=True)
class MonthlyReport:
    """Everything the monthly report shows, computed once for every format."""

    month: date
    scope: ReportScope
    generated_at: datetime
    comparison: MonthComparison
    categories: tuple[Slice, ...]
    causes: tuple[Slice, ...]
    roles: tuple[Slice, ...]
    lead_sources: tuple[Slice, ...]
    follow_ups: FollowUpMetrics
    changed_first_guess: Share
    overdue_calls: tuple[OverdueCall, ...]  # the first ones when built with a deal_limit
    overdue_call_count: int
    trend: MonthlyTrend
    deals: tuple[ReportDeal, ...]
    timing: SigningToFallThrough
    deposits: tuple[DepositLine, ...]
    recovery: Recovery
    # The manager's insights for the month (control and cancellation over months).
    calibration: tuple[Calibration, ...]
    callers: Callers
    control: ControlChart  # the last 24 months; the report's month is the last
    cost: Cost
    cost_by_cause: tuple[Cost, ...]
    cancellation: CancellationRate  # the trend's months
    win_backs: WinBacks

    @property
    def title(self) -> str:
        """The report's title, with its month."""
        return f"Lost contracts report — {self.month.strftime('%B %Y')}"

    @property
    def deal_count(self) -> int:
        """How many deals fell through in the month."""
        return self.comparison.current.deals

    @property
    def charts(self) -> ReportCharts:
        """What its charts show."""
        return ReportCharts(
            self.deal_count,
            self.categories,
            self.causes,
            self.trend,
            self.control,
            self.cancellation,
        )

    @property
    def lists_every_deal(self) -> bool:
        """False when built with a ``deal_limit`` smaller than the month."""
        return len(self.deals) >= self.deal_count

    @property
    def lost_value_cents(self) -> int:
        """The contract value lost in the month."""
        return self.comparison.current.lost_value_cents

    @property
    def referral_deals(self) -> int:
        """How many of the month's deals came from a referral."""
        return sum(s.deals for s in self.lead_sources if s.flag)

    @property
    def split(self) -> CauseSplit:
        """Land vs service, controllable vs not, and the deals on neither side."""
        return cause_split(self.causes, self.deal_count)

    @property
    def land_share_of_land_and_service(self) -> Share | None:
        return self.split.land_share


def resolve_scope(session: Session, scope: ReportScope) -> DealFilter:
    """The filter for a scope; an unknown name is an error, not an empty report."""
    salesperson_ids: tuple[int, ...] = ()
    community_ids: tuple[int, ...] = ()
    if scope.salesperson:
        person = find_entry(session, Salesperson, scope.salesperson)
        if person is None:
            raise ValidationError("--salesperson", f"unknown salesperson {scope.salesperson!r}")
        salesperson_ids = (person.id,)
    if scope.community:
        place = find_entry(session, Community, scope.community)
        if place is None:
            raise ValidationError("--community", f"unknown community {scope.community!r}")
        community_ids = (place.id,)
    return DealFilter(salesperson_ids=salesperson_ids, community_ids=community_ids)


def build_monthly_report(
    session: Session,
    month: date,
    scope: ReportScope | None = None,
    *,
    today: date | None = None,
    generated_at: datetime | None = None,
    deal_limit: int | None = None,
    charts_known: Callable[[ReportCharts], object] | None = None,
) -> MonthlyReport:
    """The month's report. ``deal_limit`` lists only the first deals of the month
    (the PDF shows 500), and only the first overdue calls, sparing the query for the
    rest on a large database. ``charts_known`` is told what the charts show as soon as
    it is read, before the rest."""
    scope = scope or ReportScope()
    today = today or date.today()
    first = month_start(month)
    last = add_months(first, 1) - timedelta(days=1)
    base = replace(resolve_scope(session, scope), today=today)
    in_month = replace(base, fell_from=first, fell_to=last)
    # One query for the 24 months the control chart needs; the trend is its tail.
    long_trend = monthly_trend(session, base, first, CONTROL_MONTHS)
    trend = long_trend.last(TREND_MONTHS)
    comparison = compare_month(session, first, base, long_trend)
    charts = ReportCharts(
        deal_count=comparison.current.deals,
        categories=comparison.current.categories,  # the month's own, read once
        causes=tuple(by_cause(session, in_month)),
        trend=trend,
        control=control_from_trend(long_trend, controllable_by_category(session)),
        cancellation=cancellation_from(
            {m: trend.month_total(m) for m in trend.months},
            contracts_signed_by_month(
                session, trend.months[0], trend.months[-1], base.salesperson_ids
            ),
            list(trend.months),
            benchmark_rate(session),
            comparable_with_contracts(base),
        ),
    )
    if charts_known is not None:
        charts_known(charts)
    changed, _people = changed_causes(session, in_month)
    costs = month_costs(session, in_month)
    # Calibration, callers and win-backs read the month's calls in one pass.
    calls = call_figures(session, in_month)
    follow_ups = follow_up_metrics(session, in_month, today)
    return MonthlyReport(
        month=first,
        scope=scope,
        generated_at=generated_at or datetime.now().replace(microsecond=0),
        comparison=comparison,
        categories=charts.categories,
        causes=charts.causes,
        roles=tuple(by_responsible_role(session, in_month)),
        lead_sources=tuple(by_lead_source(session, in_month)),
        follow_ups=follow_ups,
        changed_first_guess=changed,
        overdue_calls=tuple(
            _overdue_calls(
                session, in_month, today, None if deal_limit is None else MAX_LISTED_CALLS
            )
        ),
        overdue_call_count=follow_ups.overdue,  # counted in the same pass
        trend=trend,
        deals=tuple(_deals(session, in_month, deal_limit)),
        timing=signing_to_fall_through(session, in_month),
        deposits=tuple(deposits(session, in_month)),
        recovery=recovery(session, in_month),
        calibration=tuple(calibration_from(session, calls)),
        callers=callers_from(session, calls),
        control=charts.control,
        cost=costs[0],
        cost_by_cause=tuple(costs[1]),
        cancellation=charts.cancellation,
        win_backs=win_backs_from(session, calls),
    )


def _overdue_of(deal_filter: DealFilter, today: date, query: AnySelect) -> AnySelect:
    return deal_filter.apply(
        query.select_from(FollowUp)
        .join(Deal, FollowUp.deal_id == Deal.id)
        .where(FollowUp.done_at.is_(None), FollowUp.due_on < today)
    )


def _overdue_calls(
    session: Session, deal_filter: DealFilter, today: date, limit: int | None
) -> list[OverdueCall]:
    rows = session.execute(
        join_deal_names(
            _overdue_of(
                deal_filter,
                today,
                select(Deal.id, Deal.client_name, Salesperson.name, FollowUp.due_on),
            ),
            "salesperson",
        )
        .order_by(FollowUp.due_on, Deal.client_name)
        .limit(limit)
    )
    return [
        OverdueCall(deal_id, client, person, due, (today - due).days)
        for deal_id, client, person, due in rows
    ]


def _deals(session: Session, deal_filter: DealFilter, limit: int | None) -> list[ReportDeal]:
    """The month's deals with the latest call's note: one query, however many calls;
    with ``limit``, the calls of only the deals listed are read."""
    order = (Deal.fell_through_on, Deal.client_name, Deal.id)
    listed_ids = deal_filter.apply(select(Deal.id))
    if limit is not None:
        listed_ids = listed_ids.order_by(*order).limit(limit)
    listed = listed_ids.subquery()
    latest = (
        select(FollowUp.deal_id, func.max(FollowUp.done_at).label("done_at"))
        .where(FollowUp.done_at.is_not(None), FollowUp.deal_id.in_(select(listed.c.id)))
        .group_by(FollowUp.deal_id)
        .subquery()
    )
    rows = session.execute(
        join_deal_names(
            select(
                Deal.id,
                Deal.client_name,
                Deal.contract_number,
                Deal.contract_value_cents,
                Deal.fell_through_on,
                Salesperson.name,
                Category.name,
                Cause.name,
                Deal.cause_status,
                FollowUp.client_words,
                FollowUp.notes,
                FollowUp.outcome,
            )
            .select_from(listed)
            .join(Deal, Deal.id == listed.c.id),
            "salesperson",
            "category",
        )
        .outerjoin(latest, latest.c.deal_id == Deal.id)
        .outerjoin(
            FollowUp,
            and_(FollowUp.deal_id == Deal.id, FollowUp.done_at == latest.c.done_at),
        )
        .order_by(*order)
    )
    deals: dict[int, ReportDeal] = {}
    for row in rows:
        words, notes, outcome = row[9], row[10], row[11]
        note = words or notes or (f"({outcome.replace('_', ' ')})" if outcome else "")
        deals.setdefault(row[0], ReportDeal(*row[:9], latest_note=note))
    return list(deals.values())
