"""The manager's insights over a period, and the JSON `dft insights --json` prints.

Calibration, callers, cost, the cancellation rate and win-backs cover the
deals that fell through from the first month to the last; the control chart
covers the 24 months ending with the last month. The window's Insights tab
asks for the deals its filter selects instead (:func:`filter_insights`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from dft.analytics.calibration import Calibration, Callers, calibration_from, callers_from
from dft.analytics.call_figures import call_figures
from dft.analytics.cancellation import CancellationRate, cancellation_rate
from dft.analytics.control import CONTROL_MONTHS, ControlChart, control_chart
from dft.analytics.cost import Cost, cost_by_month, month_costs
from dft.analytics.stats import Share
from dft.analytics.win_back import WinBacks, win_backs_from
from dft.core.dates import add_months, month_label, month_start
from dft.core.errors import ValidationError
from dft.core.queries import DealFilter


@dataclass(frozen=True)
class Insights:
    first_month: date
    last_month: date
    calibration: tuple[Calibration, ...]
    callers: Callers
    control: ControlChart
    cost: Cost
    cost_by_month: tuple[Cost, ...]
    cost_by_cause: tuple[Cost, ...]
    cancellation: CancellationRate
    win_backs: WinBacks


def period_filter(deal_filter: DealFilter, first_month: date, last_month: date) -> DealFilter:
    """The filter narrowed to the deals that fell through from ``first_month`` to ``last_month``."""
    first, last = month_start(first_month), month_start(last_month)
    if first > last:
        raise ValidationError("--from", "the first month must not be after the last month")
    return replace(deal_filter, fell_from=first, fell_to=add_months(last, 1) - timedelta(days=1))


def build_insights(
    session: Session,
    first_month: date,
    last_month: date,
    deal_filter: DealFilter | None = None,
) -> Insights:
    """Every insight for the period (the filter's other fields narrow the deals)."""
    base = deal_filter or DealFilter()
    period = period_filter(base, first_month, last_month)
    return _insights(session, period, base, month_start(first_month), month_start(last_month))


# The Insights tab's months when its filter has no period: the last twelve.
OPEN_ENDED_MONTHS = 12


def filter_months(deal_filter: DealFilter, today: date) -> tuple[date, date]:
    """The months an open or dated filter's month-by-month figures cover: from its first
    month (else twelve months back) to its last (else today's), 24 at most."""
    last = month_start(min(deal_filter.fell_to, today) if deal_filter.fell_to else today)
    first = (
        month_start(deal_filter.fell_from)
        if deal_filter.fell_from
        else add_months(last, -(OPEN_ENDED_MONTHS - 1))
    )
    return min(max(first, add_months(last, -(CONTROL_MONTHS - 1))), last), last


def filter_insights(session: Session, deal_filter: DealFilter, today: date) -> Insights:
    """The insights of exactly the deals ``deal_filter`` selects (its period included, all
    time when it has none); cost and the cancellation rate month by month and the control
    chart over :func:`filter_months`."""
    first, last = filter_months(deal_filter, today)
    return _insights(session, deal_filter, deal_filter, first, last)


def _insights(
    session: Session, deals: DealFilter, base: DealFilter, first: date, last: date
) -> Insights:
    """``deals``: whose calibration, callers, cost and win-backs; ``base``: the filter the
    monthly figures narrow to each month."""
    calls = call_figures(session, deals)
    cost, by_cause = month_costs(session, deals, label="All deals")
    return Insights(
        first_month=first,
        last_month=last,
        calibration=tuple(calibration_from(session, calls)),
        callers=callers_from(session, calls),
        control=control_chart(session, base, last),
        cost=cost,
        cost_by_month=tuple(cost_by_month(session, base, first, last)),
        cost_by_cause=tuple(by_cause),
        cancellation=cancellation_rate(session, base, first, last),
        win_backs=win_backs_from(session, calls),
    )


def _fraction(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _share(share: Share | None) -> float | None:
    return None if share is None or not share.total else round(share.value, 4)


def insights_json(insights: Insights) -> dict[str, Any]:
    """Plain JSON types; shares and rates are fractions rounded to 4 places, null when
    there is nothing to divide by, money in integer cents."""
    people = []
    for row in insights.calibration:
        share = row.confirmed_share
        low, high = share.interval if share.total else (None, None)
        people.append(
            {
                "salesperson": row.salesperson,
                "settled": row.settled,
                "confirmed": row.confirmed,
                "changed": row.changed,
                "not_controllable_to_controllable": row.not_controllable_to_controllable,
                "controllable_to_not_controllable": row.controllable_to_not_controllable,
                "confirmed_share": _share(share),
                "ci_low": _fraction(low),
                "ci_high": _fraction(high),
            }
        )
    callers_json = {
        name: {"calls": group.calls, "changed": group.changed}
        for name, group in (
            ("own_salesperson", insights.callers.own_salesperson),
            ("someone_else", insights.callers.someone_else),
        )
    }
    control = [
        {
            "month": month_label(m.month),
            "deals": m.deals,
            "controllable_share": _fraction(m.share),
            "centre": _fraction(m.centre),
            "lower": _fraction(m.lower),
            "upper": _fraction(m.upper),
            "unusual": m.unusual,
        }
        for m in insights.control.months
    ]
    cost = insights.cost
    rate = insights.cancellation
    return {
        "calibration": people,
        "callers": callers_json,
        "control": control,
        "cost": {
            "lost_value_cents": cost.lost_value_cents,
            "deposits_refunded_cents": cost.deposits_refunded_cents,
            "deposits_kept_cents": cost.deposits_kept_cents,
            "resold": cost.resold,
            "median_days_to_resell": cost.median_days_to_resell,
            "carrying_cost_cents": cost.carrying_cost_cents,
            "resale_gap_cents": cost.resale_gap_cents,
        },
        "cancellation_rate": {
            "contracts_signed": rate.contracts_signed,
            "fell_through": rate.fell_through,
            "rate": _share(rate.rate),
            "benchmark": _fraction(rate.benchmark),
        },
    }
