"""How long signed contracts lasted before they fell through."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dft.analytics.stats import median_from_histogram
from dft.core.dialects import days_between
from dft.core.models import Deal
from dft.core.queries import DealFilter

# Buckets a manager reads at a glance: the first month, the first quarter, ...
BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0–30 days", 0, 30),
    ("31–60 days", 31, 60),
    ("61–90 days", 61, 90),
    ("91–180 days", 91, 180),
    ("181–365 days", 181, 365),
    ("over a year", 366, None),
)


@dataclass(frozen=True)
class SigningToFallThrough:
    """How long contracts lasted from signing to falling through."""

    deals_with_signed_date: int
    median_days: float | None
    buckets: tuple[tuple[str, int], ...]
    histogram: dict[int, int]


def signing_to_fall_through(session: Session, deal_filter: DealFilter) -> SigningToFallThrough:
    """Days from signing to falling through of the matching deals: median and buckets."""
    days = days_between(Deal.fell_through_on, Deal.signed_on)
    histogram = {
        int(d): int(n)
        for d, n in session.execute(
            deal_filter.apply(
                select(days, func.count(Deal.id)).where(Deal.signed_on.is_not(None)).group_by(days)
            )
        )
    }
    buckets = tuple(
        (
            label,
            sum(n for d, n in histogram.items() if d >= low and (high is None or d <= high)),
        )
        for label, low, high in BUCKETS
    )
    return SigningToFallThrough(
        deals_with_signed_date=sum(histogram.values()),
        median_days=median_from_histogram(histogram),
        buckets=buckets,
        histogram=histogram,
    )
