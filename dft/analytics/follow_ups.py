"""How well follow-up calls are done: completion, speed, persistence, what is overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Integer, and_, case, cast, func, literal_column, null, select
from sqlalchemy.orm import Session, aliased

from dft.analytics.stats import Share, median_from_histogram
from dft.core.dialects import days_between
from dft.core.models import Deal, FollowUp
from dft.core.queries import DealFilter

# A call "completes" the follow-up when it got an answer: the client talked, or refused to.
CONCLUSIVE = ("reached", "declined")


@dataclass(frozen=True)
class FunnelStep:
    """One step of the follow-up funnel and how many deals reached it."""

    label: str
    deals: int


@dataclass(frozen=True)
class FollowUpMetrics:
    """How well the follow-up calls on a set of deals were made."""

    deals: int
    completed: Share  # deals with a conclusive call
    reached: Share  # deals whose client was reached
    median_days_to_first_call: float | None
    days_to_first_call: dict[int, int]  # days -> deals
    attempts_until_reached: dict[int, int]  # attempts -> deals
    overdue: int  # open calls past due on these deals
    funnel: tuple[FunnelStep, ...]


# Which grouping a row of the one statement belongs to.
_TOTALS, _DAYS, _ATTEMPTS = 1, 2, 3


def _kind(number: int) -> ColumnElement[int]:
    return literal_column(str(number), Integer)


def follow_up_metrics(session: Session, deal_filter: DealFilter, today: date) -> FollowUpMetrics:
    """Completion, reach, speed, persistence and overdue calls of the matching deals.

    One pass over the deals and their calls: one row per deal (what its calls reached,
    when the first was made, how many it took to reach the client), grouped three
    ways in one statement, as :mod:`dft.analytics.call_figures` does.
    """
    # An alias, so that the filter's own "follow-up overdue" subquery on the calls
    # table correlates with the deal only, not with this join.
    call = aliased(FollowUp)

    def any_call(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.max(case((condition, 1), else_=0))

    per_deal = (
        deal_filter.apply(
            select(
                Deal.id.label("deal"),
                any_call(call.done_at.is_not(None)).label("called"),
                any_call(call.outcome.in_(CONCLUSIVE)).label("completed"),
                any_call(call.outcome == "reached").label("reached"),
                any_call(call.cause_result.is_not(None)).label("settled"),
                any_call(call.cause_result == "changed").label("changed"),
                func.count(case((and_(call.done_at.is_(None), call.due_on < today), 1))).label(
                    "overdue"
                ),
                days_between(func.min(call.done_at), Deal.fell_through_on).label("days"),
                func.min(case((call.outcome == "reached", call.done_at))).label("reached_at"),
            )
            .select_from(Deal)
            .outerjoin(call, call.deal_id == Deal.id)
        )
        .group_by(Deal.id, Deal.fell_through_on)
        .cte("deal_follow_ups")
    )
    # The calls made up to the first that reached the client, looked up only for the
    # deals where one did (an index seek each).
    attempt = aliased(FollowUp)
    attempts = (
        select(
            select(func.count())
            .where(
                attempt.deal_id == per_deal.c.deal,
                attempt.done_at <= per_deal.c.reached_at,
            )
            .scalar_subquery()
            .label("attempts")
        )
        .where(per_deal.c.reached_at.is_not(None))
        .subquery()
    )
    d = per_deal.c
    none = cast(null(), Integer)
    statement = select(
        _kind(_TOTALS), none, func.count(), func.sum(d.called), func.sum(d.completed),
        func.sum(d.reached), func.sum(d.settled), func.sum(d.changed), func.sum(d.overdue),
    ).union_all(
        select(_kind(_DAYS), d.days, func.count(), *[none] * 6)
        .where(d.days.is_not(None))
        .group_by(d.days),
        select(_kind(_ATTEMPTS), attempts.c.attempts, func.count(), *[none] * 6)
        .group_by(attempts.c.attempts),
    )  # fmt: skip
    total = called = completed = reached_deals = settled = changed = overdue = 0
    days_histogram: dict[int, int] = {}
    attempts_histogram: dict[int, int] = {}
    for what, key, count, *sums in session.execute(statement):
        if what == _TOTALS:
            total = int(count)
            called, completed, reached_deals, settled, changed, overdue = (
                int(n or 0) for n in sums
            )
        elif what == _DAYS:
            days_histogram[int(key)] = int(count)
        else:
            attempts_histogram[int(key)] = int(count)
    return FollowUpMetrics(
        deals=total,
        completed=Share(completed, total),
        reached=Share(reached_deals, total),
        median_days_to_first_call=median_from_histogram(days_histogram),
        days_to_first_call=dict(sorted(days_histogram.items())),
        attempts_until_reached=dict(sorted(attempts_histogram.items())),
        overdue=overdue,
        funnel=(
            FunnelStep("Fell through", total),
            FunnelStep("Called", called),
            FunnelStep("Reached", reached_deals),
            FunnelStep("Cause confirmed", settled),
            FunnelStep("First guess changed", changed),
        ),
    )
