"""The cancellation rate as builders report it: cancellations ÷ gross contracts signed.

Month by month, next to the benchmark rate the team entered (public builders
report roughly 10–35% depending on the market). A month without contracts
signed entered is left out of the rate on both sides rather than guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dft.analytics.stats import Share
from dft.core import settings
from dft.core.dates import add_months, month_start
from dft.core.models import Deal
from dft.core.queries import DealFilter
from dft.core.signed_contracts import contracts_signed_by_month


@dataclass(frozen=True)
class CancellationMonth:
    month: date
    contracts_signed: int | None  # None: not entered
    fell_through: int

    @property
    def rate(self) -> Share | None:
        if not self.contracts_signed:
            return None
        return Share(self.fell_through, self.contracts_signed)


@dataclass(frozen=True)
class CancellationRate:
    months: tuple[CancellationMonth, ...]
    benchmark: float | None  # the team's benchmark rate, a fraction; None: not entered
    # Contracts signed can be entered per salesperson, not per community or lead source.
    comparable: bool = True

    @property
    def counted(self) -> tuple[CancellationMonth, ...]:
        """The months that count: those with contracts signed entered."""
        return tuple(m for m in self.months if m.contracts_signed) if self.comparable else ()

    @property
    def contracts_signed(self) -> int:
        return sum(m.contracts_signed or 0 for m in self.counted)

    @property
    def fell_through(self) -> int:
        """Deals that fell through in the months that count."""
        return sum(m.fell_through for m in self.counted)

    @property
    def rate(self) -> Share | None:
        return Share(self.fell_through, self.contracts_signed) if self.contracts_signed else None

    @property
    def months_without_contracts(self) -> int:
        return len(self.months) - len(self.counted)


def benchmark_rate(session: Session) -> float | None:
    basis_points = settings.get_optional_int(session, settings.CANCELLATION_BENCHMARK_BASIS_POINTS)
    return None if basis_points is None else basis_points / 10_000


def comparable_with_contracts(deal_filter: DealFilter) -> bool:
    """Whether contracts signed exist for the filter's deals (team or salespeople only)."""
    return not (
        deal_filter.text.strip()
        or deal_filter.category_ids
        or deal_filter.cause_ids
        or deal_filter.lead_source_ids
        or deal_filter.community_ids
        or deal_filter.cause_status
        or deal_filter.no_cause
        or deal_filter.follow_up_overdue
    )


def cancellation_from(
    deals_per_month: Mapping[date, int],
    signed: Mapping[date, int],
    months: list[date],
    benchmark: float | None,
    comparable: bool = True,
) -> CancellationRate:
    return CancellationRate(
        tuple(
            CancellationMonth(m, signed.get(m) if comparable else None, deals_per_month.get(m, 0))
            for m in months
        ),
        benchmark,
        comparable,
    )


def deals_per_month(
    session: Session, deal_filter: DealFilter, first_month: date, last_month: date
) -> dict[date, int]:
    """Deals that fell through per month, grouped by day off the date index."""
    first = month_start(first_month)
    window = replace(
        deal_filter, fell_from=first, fell_to=add_months(month_start(last_month), 1) - timedelta(1)
    )
    per_month: dict[date, int] = {}
    for day, count in session.execute(
        window.apply(
            select(Deal.fell_through_on, func.count(Deal.id)).group_by(Deal.fell_through_on)
        )
    ):
        month = month_start(day)
        per_month[month] = per_month.get(month, 0) + int(count)
    return per_month


def cancellation_rate(
    session: Session, deal_filter: DealFilter, first_month: date, last_month: date
) -> CancellationRate:
    """Month by month from ``first_month`` to ``last_month``, with the team's benchmark."""
    first, last = month_start(first_month), month_start(last_month)
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return cancellation_from(
        deals_per_month(session, deal_filter, first, last),
        contracts_signed_by_month(session, first, last, deal_filter.salesperson_ids),
        months,
        benchmark_rate(session),
        comparable_with_contracts(deal_filter),
    )
