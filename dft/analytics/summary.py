"""The month at a glance: deals and lost value, by category and by cause."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dft.core.dates import month_label, next_month
from dft.core.models import Category, Cause, Deal
from dft.core.queries import DealFilter

NO_CAUSE_YET = "No cause yet"


@dataclass(frozen=True)
class CategoryShare:
    name: str
    controllable: bool | None
    deals: int
    share: float
    lost_value_cents: int


@dataclass(frozen=True)
class CauseShare:
    category: str
    name: str
    deals: int
    share: float
    lost_value_cents: int


@dataclass(frozen=True)
class MonthSummary:
    month: str
    deals: int
    lost_value_cents: int
    categories: tuple[CategoryShare, ...]
    causes: tuple[CauseShare, ...]


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def month_summary(
    session: Session, first_day: date, base_filter: DealFilter | None = None
) -> MonthSummary:
    """Deals that fell through in the month of ``first_day``; shares use the primary cause.

    Every live category is listed (with zeros) so the land-vs-service split is
    always visible; causes are listed in Pareto order, largest first.
    """
    base = base_filter or DealFilter()
    deal_filter = replace(
        base, fell_from=first_day, fell_to=next_month(first_day) - timedelta(days=1)
    )
    query = (
        select(
            Cause.category_id,
            Deal.cause_id,
            func.count(Deal.id),
            func.coalesce(func.sum(Deal.contract_value_cents), 0),
        )
        .select_from(Deal)
        .outerjoin(Cause, Deal.cause_id == Cause.id)
        .group_by(Cause.category_id, Deal.cause_id)
    )
    rows = session.execute(deal_filter.apply(query)).all()

    categories = {c.id: c for c in session.scalars(select(Category))}
    causes = {c.id: c for c in session.scalars(select(Cause))}
    total_deals = sum(int(r[2]) for r in rows)
    total_value = sum(int(r[3]) for r in rows)

    per_category: dict[int | None, tuple[int, int]] = {}
    cause_shares: list[CauseShare] = []
    for category_id, cause_id, deals, value in rows:
        count, cents = per_category.get(category_id, (0, 0))
        per_category[category_id] = (count + int(deals), cents + int(value))
        if cause_id is not None:
            cause = causes[cause_id]
            cause_shares.append(
                CauseShare(
                    category=categories[cause.category_id].name,
                    name=cause.name,
                    deals=int(deals),
                    share=_share(int(deals), total_deals),
                    lost_value_cents=int(value),
                )
            )

    category_shares: list[CategoryShare] = []
    for category in sorted(categories.values(), key=lambda c: (c.position, c.id)):
        count, cents = per_category.get(category.id, (0, 0))
        if category.retired and not count:
            continue
        category_shares.append(
            CategoryShare(
                category.name, category.controllable, count, _share(count, total_deals), cents
            )
        )
    if None in per_category:
        count, cents = per_category[None]
        category_shares.append(
            CategoryShare(NO_CAUSE_YET, None, count, _share(count, total_deals), cents)
        )
    cause_shares.sort(key=lambda c: (-c.deals, -c.lost_value_cents, c.category, c.name))
    return MonthSummary(
        month=month_label(first_day),
        deals=total_deals,
        lost_value_cents=total_value,
        categories=tuple(category_shares),
        causes=tuple(cause_shares),
    )
