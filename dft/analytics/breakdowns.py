"""Deals and lost value split every way a manager asks, each one GROUP BY in SQL.

Every function takes a :class:`DealFilter` (date range, salesperson, lead
source, community, category, ...) and returns frozen dataclasses. Shares by
cause use the primary cause only, so they add up to 100%; contributing causes
have their own table.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, SQLColumnExpression, and_, case, func, select
from sqlalchemy.orm import Session

from dft.analytics.stats import Share
from dft.core.dates import add_months, month_label, month_start
from dft.core.models import (
    Base,
    Category,
    Cause,
    Deal,
    DealContributingCause,
    LeadSource,
    Salesperson,
)
from dft.core.queries import DealFilter

NO_CAUSE_YET = "No cause yet"
NOT_RECORDED = "Not recorded"


@dataclass(frozen=True)
class Slice:
    """One bar or wedge: what it is, how many deals, how much money, what share."""

    label: str
    deals: int
    lost_value_cents: int
    share: Share
    ref_id: int | None = None  # the category, cause, salesperson ... id, for drill-down
    category: str | None = None  # a cause's category (for its colour)
    controllable: bool | None = None
    cumulative: float | None = None  # Pareto: share of deals up to and including this one
    flag: bool = False  # lead sources: a referral
    # The built-in key of what the slice is ("land", "pending_call") and of its
    # category: the splits find the headline categories by key, whatever their name.
    key: str | None = None
    category_key: str | None = None


# What every breakdown counts: deals, and the contract value they lost.
_DEALS_AND_LOST_VALUE = (func.count(Deal.id), func.coalesce(func.sum(Deal.contract_value_cents), 0))


def _totals(session: Session, deal_filter: DealFilter) -> tuple[int, int]:
    row = session.execute(deal_filter.apply(select(*_DEALS_AND_LOST_VALUE))).one()
    return int(row[0]), int(row[1])


def cause_labels(session: Session) -> dict[int | None, tuple[str, str | None]]:
    """Cause id -> (label, category name); a name used in several categories, such as
    "Unspecified", is labelled with its category: "Unspecified (Land)"."""
    rows = session.execute(
        select(Cause.id, Cause.name, Category.name).join(Category, Cause.category_id == Category.id)
    ).all()
    seen: dict[str, int] = {}
    for _id, name, _category in rows:
        seen[name.casefold()] = seen.get(name.casefold(), 0) + 1
    return {
        cause_id: (f"{name} ({category})" if seen[name.casefold()] > 1 else name, category)
        for cause_id, name, category in rows
    }


def _per_cause(
    session: Session, deal_filter: DealFilter, *, contributing: bool
) -> list[Row[int, str, str, bool | None, int, int, str | None, str | None]]:
    """(cause id, cause, category, controllable, deals, lost value, cause key, category key)
    for every cause with deals: each deal's primary cause, or with ``contributing`` each
    contributing one."""
    # The deals grouped by cause first, then the few groups named: joined the other
    # way, the database read the period's deals once per cause.
    cause_id: SQLColumnExpression[int | None]
    deals: Select[int | None, int, int]
    if contributing:
        cause_id = DealContributingCause.cause_id
        deals = select(cause_id, *_DEALS_AND_LOST_VALUE).join(
            DealContributingCause, DealContributingCause.deal_id == Deal.id
        )
    else:
        cause_id = Deal.cause_id
        deals = select(cause_id, *_DEALS_AND_LOST_VALUE).where(cause_id.is_not(None))
    per_cause = deal_filter.apply(deals.group_by(cause_id)).subquery()
    query = (
        select(
            Cause.id,
            Cause.name,
            Category.name,
            Category.controllable,
            *per_cause.c[1:],
            Cause.key,
            Category.key,
        )
        .join(per_cause, per_cause.c[0] == Cause.id)
        .join(Category, Cause.category_id == Category.id)
    )
    return list(session.execute(query).all())


def _category_of_cause(session: Session) -> dict[int, int]:
    return dict(session.execute(select(Cause.id, Cause.category_id)).all())


def by_category(session: Session, deal_filter: DealFilter) -> list[Slice]:
    """Every live category in taxonomy order (zeros included), then deals with no cause."""
    # Grouped by cause, with no join: the few cause rows are mapped to their
    # categories here, instead of joining every deal to its cause in SQL.
    rows = session.execute(
        deal_filter.apply(select(Deal.cause_id, *_DEALS_AND_LOST_VALUE).group_by(Deal.cause_id))
    ).all()
    category_of = _category_of_cause(session)
    counts: dict[int | None, tuple[int, int]] = {}
    for cause_id, deals_count, cents in rows:
        key = category_of.get(cause_id) if cause_id is not None else None
        before = counts.get(key, (0, 0))
        counts[key] = (before[0] + int(deals_count), before[1] + int(cents))
    total = sum(c for c, _v in counts.values())
    slices = []
    for category in session.scalars(select(Category).order_by(Category.position, Category.id)):
        deals, cents = counts.get(category.id, (0, 0))
        if category.retired and not deals:
            continue
        slices.append(
            Slice(
                category.name,
                deals,
                cents,
                Share(deals, total),
                ref_id=category.id,
                category=category.name,
                controllable=category.controllable,
                key=category.key,
                category_key=category.key,
            )
        )
    if None in counts:
        deals, cents = counts[None]
        slices.append(Slice(NO_CAUSE_YET, deals, cents, Share(deals, total)))
    return slices


def by_cause(session: Session, deal_filter: DealFilter) -> list[Slice]:
    """Causes with deals, largest first, with the cumulative share (a Pareto table)."""
    rows = _per_cause(session, deal_filter, contributing=False)
    total, _value = _totals(session, deal_filter)
    ordered = sorted(rows, key=lambda r: (-int(r[4]), -int(r[5]), r[2], r[1]))
    slices, running = [], 0
    for cause_id, name, category, controllable, deals, cents, key, category_key in ordered:
        running += int(deals)
        slices.append(
            Slice(
                name,
                int(deals),
                int(cents),
                Share(int(deals), total),
                ref_id=cause_id,
                category=category,
                controllable=controllable,
                cumulative=running / total if total else 0.0,
                key=key,
                category_key=category_key,
            )
        )
    return slices


def _by_column(
    session: Session,
    deal_filter: DealFilter,
    key: SQLColumnExpression[Any],
    label: SQLColumnExpression[Any],
    join: tuple[type[Base], ColumnElement[bool]] | None = None,
    flag: SQLColumnExpression[bool] | None = None,
) -> list[Slice]:
    columns = [key, label, *_DEALS_AND_LOST_VALUE]
    if flag is not None:
        columns.append(flag)
    query = select(*columns).select_from(Deal)
    if join is not None:
        query = query.outerjoin(*join)
    query = query.group_by(*(c for c in (key, label, flag) if c is not None))
    rows = session.execute(deal_filter.apply(query)).all()
    total = sum(int(r[2]) for r in rows)
    slices = [
        Slice(
            row[1] if row[1] is not None else NOT_RECORDED,
            int(row[2]),
            int(row[3]),
            Share(int(row[2]), total),
            ref_id=row[0] if isinstance(row[0], int) else None,
            flag=bool(row[4]) if flag is not None else False,
        )
        for row in rows
    ]
    return sorted(slices, key=lambda s: (-s.deals, -s.lost_value_cents, s.label))


def by_salesperson(session: Session, deal_filter: DealFilter) -> list[Slice]:
    """Deals and lost value per salesperson, largest first."""
    return _by_column(
        session,
        deal_filter,
        Salesperson.id,
        Salesperson.name,
        (Salesperson, Deal.salesperson_id == Salesperson.id),
    )


def by_responsible_role(session: Session, deal_filter: DealFilter) -> list[Slice]:
    """Deals and lost value per responsible role, largest first."""
    return _by_column(session, deal_filter, Deal.responsible_role, Deal.responsible_role)


def by_lead_source(session: Session, deal_filter: DealFilter) -> list[Slice]:
    """Lead sources; ``flag`` marks referrals, whose loss reports call out."""
    return _by_column(
        session,
        deal_filter,
        LeadSource.id,
        LeadSource.name,
        (LeadSource, Deal.lead_source_id == LeadSource.id),
        flag=func.coalesce(LeadSource.is_referral, False),
    )


def by_cause_status(session: Session, deal_filter: DealFilter) -> list[Slice]:
    """Deals whose cause is suspected, then confirmed."""
    slices = {
        s.label: s for s in _by_column(session, deal_filter, Deal.cause_status, Deal.cause_status)
    }
    total = sum(s.deals for s in slices.values())
    return [
        slices.get(status, Slice(status, 0, 0, Share(0, total)))
        for status in ("suspected", "confirmed")
    ]


def contributing_causes(session: Session, deal_filter: DealFilter) -> list[Slice]:
    """How many deals name each contributing cause (a deal may name several)."""
    rows = _per_cause(session, deal_filter, contributing=True)
    total, _value = _totals(session, deal_filter)
    return sorted(
        (
            Slice(name, int(n), int(v), Share(int(n), total), ref_id=cid, category=category)
            for cid, name, category, _controllable, n, v, _key, _category_key in rows
        ),
        key=lambda s: (-s.deals, s.label),
    )


@dataclass(frozen=True)
class MonthlyTrend:
    """Deals and lost value per month and category, over consecutive months."""

    months: tuple[date, ...]
    categories: tuple[str, ...]
    deals: dict[tuple[date, str], int]
    lost_value_cents: dict[tuple[date, str], int]

    def month_total(self, month: date) -> int:
        """All deals of ``month``, every category together."""
        return sum(self.deals.get((month, c), 0) for c in self.categories)

    def last(self, months: int) -> MonthlyTrend:
        """The same figures for only the last ``months`` months (no second query)."""
        kept = self.months[-months:]
        inside = set(kept)
        deals = {k: v for k, v in self.deals.items() if k[0] in inside}
        seen = {c for (_m, c), n in deals.items() if n}
        return MonthlyTrend(
            kept,
            tuple(c for c in self.categories if c in seen),
            deals,
            {k: v for k, v in self.lost_value_cents.items() if k[0] in inside},
        )


def monthly_trend(
    session: Session, deal_filter: DealFilter, last_month: date, months: int = 12
) -> MonthlyTrend:
    """Deals per month by category for the ``months`` months ending with ``last_month``."""
    end = month_start(last_month)
    first = add_months(end, -(months - 1))
    window = replace(deal_filter, fell_from=first, fell_to=add_months(end, 1) - timedelta(days=1))
    # Grouped by day, straight off the date index, and folded into months here:
    # a few thousand rows instead of a date function on every deal.
    grouped = session.execute(
        window.apply(
            select(Deal.fell_through_on, Deal.cause_id, *_DEALS_AND_LOST_VALUE).group_by(
                Deal.fell_through_on, Deal.cause_id
            )
        )
    ).all()
    category_of = _category_of_cause(session)
    names = dict(session.execute(select(Category.id, Category.name)).all())
    merged: dict[tuple[str, str], tuple[int, int]] = {}
    for day, cause_id, count, cents in grouped:
        key = month_label(day)
        name = names[category_of[cause_id]] if cause_id is not None else NO_CAUSE_YET
        before = merged.get((key, name), (0, 0))
        merged[(key, name)] = (before[0] + int(count), before[1] + int(cents))
    rows = [(key, name, count, cents) for (key, name), (count, cents) in merged.items()]
    month_list = tuple(add_months(first, i) for i in range(months))
    by_label = {month_label(m): m for m in month_list}
    deals: dict[tuple[date, str], int] = {}
    values: dict[tuple[date, str], int] = {}
    seen: set[str] = set()
    for key, category, count, cents in rows:
        month = by_label.get(key)
        if month is None:
            continue
        deals[(month, category)] = int(count)
        values[(month, category)] = int(cents)
        seen.add(category)
    taxonomy_order = [
        *session.scalars(select(Category.name).order_by(Category.position, Category.id)),
        NO_CAUSE_YET,
    ]
    ordered = [c for c in taxonomy_order if c in seen] + sorted(seen - set(taxonomy_order))
    return MonthlyTrend(month_list, tuple(ordered), deals, values)


@dataclass(frozen=True)
class Recovery:
    """Buyers who signed again after falling through, and the value won back."""

    recovered: Share
    recovered_value_cents: int


def recovery(session: Session, deal_filter: DealFilter) -> Recovery:
    """How many matching deals were won back, and their value."""
    row = session.execute(
        deal_filter.apply(
            select(
                func.count(Deal.id),
                func.count(Deal.recovered_on),
                func.coalesce(
                    func.sum(
                        case((Deal.recovered_on.is_not(None), Deal.contract_value_cents), else_=0)
                    ),
                    0,
                ),
            )
        )
    ).one()
    return Recovery(Share(int(row[1]), int(row[0])), int(row[2]))


@dataclass(frozen=True)
class DepositLine:
    """Deals and deposit money with one deposit outcome."""

    outcome: str
    deals: int
    deposit_cents: int


def deposits(session: Session, deal_filter: DealFilter) -> list[DepositLine]:
    """Deposits by outcome: forfeited, partly refunded, refunded, not recorded."""
    outcome = func.coalesce(Deal.deposit_outcome, NOT_RECORDED)
    rows = session.execute(
        deal_filter.apply(
            select(outcome, func.count(Deal.id), func.coalesce(func.sum(Deal.deposit_cents), 0))
            .where(Deal.deposit_cents.is_not(None))
            .group_by(outcome)
        )
    ).all()
    order = {"forfeited": 0, "partly_refunded": 1, "refunded": 2}
    return sorted(
        (DepositLine(str(o), int(n or 0), int(c or 0)) for o, n, c in rows),
        key=lambda line: (order.get(line.outcome, 9), line.outcome),
    )


def changed_causes(session: Session, deal_filter: DealFilter) -> tuple[Share, list[Slice]]:
    """How often a follow-up overturned the first-recorded cause: overall and per salesperson.

    Out of deals whose cause was confirmed; a change counts when the confirmed
    cause differs from the first one recorded.
    """
    changed = case(
        (
            and_(Deal.first_cause_id.is_not(None), Deal.cause_id != Deal.first_cause_id),
            1,
        ),
        else_=0,
    )
    # Grouped by id without the join: with it, SQLite walks the salesperson index
    # over every deal of every month instead of the month's date range.
    grouped = session.execute(
        deal_filter.apply(
            select(Deal.salesperson_id, func.count(Deal.id), func.sum(changed))
            .where(Deal.cause_status == "confirmed")
            .group_by(Deal.salesperson_id)
        )
    ).all()
    names = dict(session.execute(select(Salesperson.id, Salesperson.name)).all())
    rows = [(pid, names.get(pid) if pid is not None else None, n, c) for pid, n, c in grouped]
    confirmed = sum(int(r[2]) for r in rows)
    total_changed = sum(int(r[3] or 0) for r in rows)
    per_person = sorted(
        (
            Slice(
                name if name is not None else NOT_RECORDED,
                int(r_changed or 0),
                0,
                Share(int(r_changed or 0), int(n)),
                ref_id=person_id,
            )
            for person_id, name, n, r_changed in rows
        ),
        key=lambda s: (-s.share.value, s.label),
    )
    return Share(total_changed, confirmed), per_person
