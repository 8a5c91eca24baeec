"""A month against the month before and the same month a year before; fall-through rate."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy.orm import Session

from dft.analytics.breakdowns import MonthlyTrend, Slice, by_category
from dft.analytics.stats import Share
from dft.core.dates import add_months, month_label, month_start
from dft.core.queries import DealFilter
from dft.core.signed_contracts import contracts_signed_in


@dataclass(frozen=True)
class MonthFigures:
    """One month's deals, lost value, categories and contracts signed."""

    month: date
    deals: int
    lost_value_cents: int
    categories: tuple[Slice, ...]
    contracts_signed: int | None

    @property
    def label(self) -> str:
        """The month as ``YYYY-MM``."""
        return month_label(self.month)

    @property
    def fall_through_rate(self) -> Share | None:
        """DFTs / contracts signed, where the user entered contracts signed."""
        if not self.contracts_signed:
            return None
        return Share(self.deals, self.contracts_signed)


@dataclass(frozen=True)
class MonthComparison:
    """A month beside the month before and the same month a year before."""

    current: MonthFigures
    previous: MonthFigures
    year_before: MonthFigures

    @staticmethod
    def change(now: int, then: int) -> float | None:
        """Relative change; ``None`` when there is nothing to compare with."""
        return (now - then) / then if then else None


def month_figures(session: Session, month: date, deal_filter: DealFilter) -> MonthFigures:
    """The figures of ``month`` for the deals ``deal_filter`` matches."""
    first = month_start(month)
    scoped = replace(deal_filter, fell_from=first, fell_to=add_months(first, 1) - timedelta(days=1))
    categories = tuple(by_category(session, scoped))
    return MonthFigures(
        month=first,
        deals=sum(c.deals for c in categories),
        lost_value_cents=sum(c.lost_value_cents for c in categories),
        categories=categories,
        contracts_signed=contracts_signed_in(session, first, deal_filter.salesperson_ids),
    )


def month_figures_from_trend(
    session: Session, month: date, deal_filter: DealFilter, trend: MonthlyTrend
) -> MonthFigures:
    """A month's figures from a trend that covers it, without reading the deals again;
    its categories are the trend's, those with deals only."""
    first = month_start(month)
    total = trend.month_total(first)
    categories = tuple(
        Slice(name, deals, trend.lost_value_cents.get((first, name), 0), Share(deals, total),
              category=name)
        for name in trend.categories
        if (deals := trend.deals.get((first, name), 0))
    )  # fmt: skip
    return MonthFigures(
        month=first,
        deals=total,
        lost_value_cents=sum(c.lost_value_cents for c in categories),
        categories=categories,
        contracts_signed=contracts_signed_in(session, first, deal_filter.salesperson_ids),
    )


def compare_month(
    session: Session, month: date, deal_filter: DealFilter, trend: MonthlyTrend | None = None
) -> MonthComparison:
    """The month against the one before and the same month a year before. ``trend``, when
    it covers those two (the report has one), gives their figures without another read."""
    first = month_start(month)
    earlier = (add_months(first, -1), add_months(first, -12))
    if trend is not None and all(m in trend.months for m in earlier):
        previous, year_before = (
            month_figures_from_trend(session, m, deal_filter, trend) for m in earlier
        )
    else:
        previous, year_before = (month_figures(session, m, deal_filter) for m in earlier)
    return MonthComparison(
        current=month_figures(session, first, deal_filter),
        previous=previous,
        year_before=year_before,
    )


def fall_through_rate(session: Session, deal_filter: DealFilter) -> Share | None:
    """DFTs / contracts signed over the months of the filter that have contracts entered.

    Months without an entry are left out on both sides rather than guessed.
    ``None`` when no month in range has an entry.
    """
    if deal_filter.fell_from is None or deal_filter.fell_to is None:
        return None
    month = month_start(deal_filter.fell_from)
    deals = contracts = 0
    while month <= deal_filter.fell_to:
        signed = contracts_signed_in(session, month, deal_filter.salesperson_ids)
        if signed:
            figures = month_figures(session, month, deal_filter)
            deals += figures.deals
            contracts += signed
        month = add_months(month, 1)
    return Share(deals, contracts) if contracts else None
