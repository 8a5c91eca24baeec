"""The month at a glance (what `dft summary` prints): deals and lost value by category and cause."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy.orm import Session

from dft.analytics.breakdowns import NO_CAUSE_YET, by_category, by_cause
from dft.analytics.split import CauseSplit, cause_split
from dft.core.dates import month_label, next_month
from dft.core.queries import DealFilter

__all__ = [
    "NO_CAUSE_YET",
    "CategoryShare",
    "CauseShare",
    "CauseSplit",
    "MonthSummary",
    "month_summary",
]


@dataclass(frozen=True)
class CategoryShare:
    """A category's deals, share and lost value in the month."""

    name: str
    controllable: bool | None
    deals: int
    share: float
    lost_value_cents: int


@dataclass(frozen=True)
class CauseShare:
    """A cause's deals, share and lost value in the month."""

    category: str
    name: str
    deals: int
    share: float
    lost_value_cents: int


@dataclass(frozen=True)
class MonthSummary:
    """The month's deals and lost value, by category and by cause."""

    month: str
    deals: int
    lost_value_cents: int
    categories: tuple[CategoryShare, ...]
    causes: tuple[CauseShare, ...]
    split: CauseSplit


def month_summary(
    session: Session, first_day: date, base_filter: DealFilter | None = None
) -> MonthSummary:
    """Deals that fell through in the month of ``first_day``; shares use the primary cause.

    Every live category is listed (with zeros) so the land-vs-service split is
    always visible; causes are listed in Pareto order, largest first.
    """
    deal_filter = replace(
        base_filter or DealFilter(),
        fell_from=first_day,
        fell_to=next_month(first_day) - timedelta(days=1),
    )
    categories = by_category(session, deal_filter)
    causes = by_cause(session, deal_filter)
    deals = sum(c.deals for c in categories)
    return MonthSummary(
        month=month_label(first_day),
        deals=deals,
        lost_value_cents=sum(c.lost_value_cents for c in categories),
        categories=tuple(
            CategoryShare(c.label, c.controllable, c.deals, c.share.value, c.lost_value_cents)
            for c in categories
        ),
        causes=tuple(
            CauseShare(c.category or "", c.label, c.deals, c.share.value, c.lost_value_cents)
            for c in causes
        ),
        split=cause_split(causes, deals),
    )
