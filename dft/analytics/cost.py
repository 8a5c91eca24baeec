"""What fall-throughs cost: contract value, deposits, days until the home was re-sold,
the carrying cost of those days, and the re-sale price gap.

Figures come per month, per cause, or for the whole filter, each from one
query grouped by days to re-sell as well (the histogram gives exact medians).
*Deposits refunded* counts deposits recorded as refunded, *kept* those
forfeited; partly refunded deposits are in neither (how much was kept is not
recorded) and are given apart. Days to re-sell, carrying cost and the
price gap count only homes with a re-sale recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from dft.analytics.breakdowns import cause_labels
from dft.analytics.stats import median_from_histogram
from dft.core import settings
from dft.core.choices import DepositOutcome
from dft.core.dates import add_months, month_label, month_start
from dft.core.dialects import days_between, month_of
from dft.core.models import Deal
from dft.core.queries import DealFilter


@dataclass(frozen=True)
class Cost:
    """The cost of a group of deals (a month, a cause, or all of them)."""

    label: str
    deals: int
    lost_value_cents: int
    deposits_refunded_cents: int
    deposits_kept_cents: int
    deposits_partly_refunded_cents: int
    resold: int
    median_days_to_resell: float | None
    days_to_resell: int  # summed over the re-sold homes
    carrying_cost_cents: int | None  # None: no daily carrying cost entered
    resale_gap_cents: int  # contract value less re-sale price, over homes with a price
    priced_resales: int
    month: date | None = None
    ref_id: int | None = None  # the cause, for drill-down
    category: str | None = None


def _money_sum(condition: Any, value: Any) -> Any:
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


def _figures(
    session: Session, deal_filter: DealFilter, keys: Sequence[Any]
) -> tuple[dict[tuple[Any, ...], tuple[int, ...]], dict[tuple[Any, ...], dict[int, int]]]:
    """The sums per key, and per key the histogram of days to re-sell, from one query
    grouped by key and days (days NULL: not re-sold); a few thousand rows at most."""
    days = days_between(Deal.resold_on, Deal.fell_through_on)
    priced = Deal.resale_price_cents.is_not(None)
    rows = session.execute(
        deal_filter.apply(
            select(
                *keys,
                days,
                func.count(Deal.id),
                func.coalesce(func.sum(Deal.contract_value_cents), 0),
                _money_sum(Deal.deposit_outcome == DepositOutcome.REFUNDED, Deal.deposit_cents),
                _money_sum(Deal.deposit_outcome == DepositOutcome.FORFEITED, Deal.deposit_cents),
                _money_sum(
                    Deal.deposit_outcome == DepositOutcome.PARTLY_REFUNDED, Deal.deposit_cents
                ),
                _money_sum(priced, Deal.contract_value_cents - Deal.resale_price_cents),
                func.count(Deal.resale_price_cents),
            ).group_by(*keys, days)
        )
    ).all()
    width = len(keys)
    totals: dict[tuple[Any, ...], tuple[int, ...]] = {}
    histograms: dict[tuple[Any, ...], dict[int, int]] = {}
    for row in rows:
        key = tuple(row[:width])
        day = row[width]
        deals, lost, refunded, kept, partly, gap, priced_count = (
            int(v or 0) for v in row[width + 1 :]
        )
        resold, days_total = (0, 0) if day is None else (deals, int(day) * deals)
        if day is not None:
            histograms.setdefault(key, {})[int(day)] = deals
        before = totals.get(key, (0,) * 9)
        values = (deals, lost, refunded, kept, partly, resold, days_total, gap, priced_count)
        totals[key] = tuple(a + b for a, b in zip(before, values, strict=True))
    return totals, histograms


def _cost(
    label: str,
    values: tuple[int, ...] | None,
    histogram: dict[int, int],
    daily_cents: int | None,
    **extra: Any,
) -> Cost:
    deals, lost, refunded, kept, partly, resold, days, gap, priced = values or (0,) * 9
    return Cost(
        label=label,
        deals=deals,
        lost_value_cents=lost,
        deposits_refunded_cents=refunded,
        deposits_kept_cents=kept,
        deposits_partly_refunded_cents=partly,
        resold=resold,
        median_days_to_resell=median_from_histogram(histogram),
        days_to_resell=days,
        carrying_cost_cents=None if daily_cents is None else days * daily_cents,
        resale_gap_cents=gap,
        priced_resales=priced,
        **extra,
    )


def _daily(session: Session) -> int | None:
    return settings.get_optional_int(session, settings.CARRYING_COST_CENTS_PER_DAY)


def total_cost(session: Session, deal_filter: DealFilter, label: str = "All deals") -> Cost:
    totals, histograms = _figures(session, deal_filter, ())
    return _cost(label, totals.get(()), histograms.get((), {}), _daily(session))


def cost_by_cause(session: Session, deal_filter: DealFilter) -> list[Cost]:
    """Per cause with deals, largest lost value first (deals with no cause as "No cause yet")."""
    return _by_cause(session, deal_filter)[0]


def month_costs(
    session: Session, deal_filter: DealFilter, label: str = "All causes"
) -> tuple[Cost, list[Cost]]:
    """The total and the per-cause figures from one query (what the report needs)."""
    by_cause, histogram = _by_cause(session, deal_filter)
    values = tuple(
        sum(getattr(c, name) for c in by_cause)
        for name in ("deals", "lost_value_cents", "deposits_refunded_cents",
                     "deposits_kept_cents", "deposits_partly_refunded_cents", "resold",
                     "days_to_resell", "resale_gap_cents", "priced_resales")
    )  # fmt: skip
    return _cost(label, values, histogram, _daily(session)), by_cause


def _by_cause(session: Session, deal_filter: DealFilter) -> tuple[list[Cost], dict[int, int]]:
    totals, histograms = _figures(session, deal_filter, (Deal.cause_id,))
    names = cause_labels(session)
    daily = _daily(session)
    rows = []
    for (cause_id,), values in totals.items():
        name, category = names.get(cause_id, ("No cause yet", None))
        rows.append(
            _cost(
                name,
                values,
                histograms.get((cause_id,), {}),
                daily,
                ref_id=cause_id,
                category=category,
            )
        )
    merged: dict[int, int] = {}
    for histogram in histograms.values():
        for days, count in histogram.items():
            merged[days] = merged.get(days, 0) + count
    return sorted(rows, key=lambda c: (-c.lost_value_cents, -c.deals, c.label)), merged


def cost_by_month(
    session: Session, deal_filter: DealFilter, first_month: date, last_month: date
) -> list[Cost]:
    """Per month from ``first_month`` to ``last_month``, months with no deals included."""
    first, last = month_start(first_month), month_start(last_month)
    window = replace(deal_filter, fell_from=first, fell_to=add_months(last, 1) - timedelta(days=1))
    totals, histograms = _figures(session, window, (month_of(Deal.fell_through_on),))
    daily = _daily(session)
    months = []
    month = first
    while month <= last:
        key = (month_label(month),)
        months.append(_cost(key[0], totals.get(key), histograms.get(key, {}), daily, month=month))
        month = add_months(month, 1)
    return months
