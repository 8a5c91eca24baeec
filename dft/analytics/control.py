"""Is this month's controllable share real or noise? A p-chart over the last 24 months.

Each month's share is controllable deals out of deals whose cause is in a
*classified* category (controllable or not); deals with no cause, in a category
not classified yet, or "not yet known" are left out of both sides. A month's
centre line is the share over all the earlier months on the chart, and its
3-sigma limits come from that centre and the month's own number of deals:
``centre ± 3 √(centre (1 − centre) / n)``. A month outside its limits is
*unusual*: more than chance would explain.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from dft.analytics.breakdowns import MonthlyTrend, monthly_trend
from dft.core.models import Category
from dft.core.queries import DealFilter
from dft.core.taxonomy import NOT_YET_KNOWN_KEY

CONTROL_MONTHS = 24
SIGMAS = 3
# Fewer earlier months with deals than this and no range is called "usual".
MIN_BASELINE_MONTHS = 3


@dataclass(frozen=True)
class ControlMonth:
    month: date
    deals: int  # deals with a classified cause: the month's sample size
    controllable: int
    centre: float | None  # from the earlier months; None while too few
    lower: float | None  # None too when the month has no deals
    upper: float | None

    @property
    def share(self) -> float | None:
        return self.controllable / self.deals if self.deals else None

    @property
    def unusual(self) -> bool:
        share = self.share
        if share is None or self.lower is None or self.upper is None:
            return False
        return share < self.lower or share > self.upper

    def headline(self) -> str:
        """``71% controllable — within the usual range, 58–84%``."""
        if self.share is None:
            return "No deals with a classified cause this month"
        text = f"{_percent(self.share)} controllable"
        if self.lower is None or self.upper is None:
            return f"{text} — too few earlier months to say what is usual"
        span = f"{self.lower * 100:.0f}–{_percent(self.upper)}"
        if not self.unusual:
            return f"{text} — within the usual range, {span}"
        side = "above" if self.share > self.upper else "below"
        return f"{text} — unusual: {side} the usual range, {span}"


def _percent(share: float) -> str:
    return f"{share * 100:.0f}%"


@dataclass(frozen=True)
class ControlChart:
    months: tuple[ControlMonth, ...]

    @property
    def latest(self) -> ControlMonth | None:
        return self.months[-1] if self.months else None


def control_limits(months: list[tuple[date, int, int]]) -> ControlChart:
    """The chart from ``(month, deals, controllable)`` in month order."""
    result = []
    earlier_deals = earlier_controllable = earlier_months = 0
    for month, deals, controllable in months:
        centre = lower = upper = None
        if earlier_months >= MIN_BASELINE_MONTHS:
            centre = earlier_controllable / earlier_deals
            if deals:
                margin = SIGMAS * math.sqrt(centre * (1 - centre) / deals)
                lower, upper = max(0.0, centre - margin), min(1.0, centre + margin)
        result.append(ControlMonth(month, deals, controllable, centre, lower, upper))
        if deals:
            earlier_deals += deals
            earlier_controllable += controllable
            earlier_months += 1
    return ControlChart(tuple(result))


def controllable_by_category(session: Session) -> dict[str, bool | None]:
    """Category name -> controllable; "not yet known" counts as not classified."""
    rows = session.execute(select(Category.name, Category.controllable, Category.key))
    return {
        name: None if key == NOT_YET_KNOWN_KEY else controllable for name, controllable, key in rows
    }


def control_from_trend(
    trend: MonthlyTrend, controllable: Mapping[str, bool | None]
) -> ControlChart:
    """The chart from deals per month by category (categories not classified left out)."""
    months = []
    for month in trend.months:
        yes = sum(n for (m, c), n in trend.deals.items() if m == month and controllable.get(c))
        no = sum(
            n for (m, c), n in trend.deals.items() if m == month and controllable.get(c) is False
        )
        months.append((month, yes + no, yes))
    return control_limits(months)


def control_chart(
    session: Session, deal_filter: DealFilter, last_month: date, months: int = CONTROL_MONTHS
) -> ControlChart:
    """The p-chart of the ``months`` months ending with ``last_month`` for the filter's deals."""
    unbounded = replace(deal_filter, fell_from=None, fell_to=None)
    trend = monthly_trend(session, unbounded, last_month, months)
    return control_from_trend(trend, controllable_by_category(session))
