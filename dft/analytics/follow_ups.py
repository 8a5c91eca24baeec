"""How well follow-up calls are done: completion, speed, persistence, what is overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, case, func, select
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


def follow_up_metrics(session: Session, deal_filter: DealFilter, today: date) -> FollowUpMetrics:
    """Completion, reach, speed, persistence and overdue calls of the matching deals."""
    total = int(session.scalar(deal_filter.apply(select(func.count(Deal.id)))) or 0)
    deals = deal_filter.apply(select(Deal.id)).subquery()

    def deals_with(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.count(func.distinct(case((condition, FollowUp.deal_id))))

    # One pass over the deals' calls for every count (not one query per count).
    called, completed, reached, cause_settled, changed, overdue = (
        int(n or 0)
        for n in session.execute(
            select(
                deals_with(FollowUp.done_at.is_not(None)),
                deals_with(FollowUp.outcome.in_(CONCLUSIVE)),
                deals_with(FollowUp.outcome == "reached"),
                deals_with(FollowUp.cause_result.is_not(None)),
                deals_with(FollowUp.cause_result == "changed"),
                func.count(case((and_(FollowUp.done_at.is_(None), FollowUp.due_on < today), 1))),
            ).where(FollowUp.deal_id.in_(select(deals.c.id)))
        ).one()
    )

    first_call = (
        select(
            FollowUp.deal_id.label("deal_id"),
            func.min(FollowUp.done_at).label("first_at"),
        )
        .where(FollowUp.done_at.is_not(None), FollowUp.deal_id.in_(select(deals.c.id)))
        .group_by(FollowUp.deal_id)
        .subquery()
    )
    delay = days_between(first_call.c.first_at, Deal.fell_through_on)
    days_histogram = {
        int(days): int(count)
        for days, count in session.execute(
            select(delay, func.count())
            .select_from(first_call)
            .join(Deal, Deal.id == first_call.c.deal_id)
            .group_by(delay)
        )
    }

    first_reach = (
        select(
            FollowUp.deal_id.label("deal_id"),
            func.min(FollowUp.done_at).label("reached_at"),
        )
        .where(FollowUp.outcome == "reached", FollowUp.deal_id.in_(select(deals.c.id)))
        .group_by(FollowUp.deal_id)
        .subquery()
    )
    attempt = aliased(FollowUp)
    per_deal = (
        select(first_reach.c.deal_id, func.count(attempt.id).label("attempts"))
        .join(
            attempt,
            and_(
                attempt.deal_id == first_reach.c.deal_id,
                attempt.done_at.is_not(None),
                attempt.done_at <= first_reach.c.reached_at,
            ),
        )
        .group_by(first_reach.c.deal_id)
        .subquery()
    )
    attempts_histogram = {
        int(attempts): int(count)
        for attempts, count in session.execute(
            select(per_deal.c.attempts, func.count()).group_by(per_deal.c.attempts)
        )
    }
    return FollowUpMetrics(
        deals=total,
        completed=Share(completed, total),
        reached=Share(reached, total),
        median_days_to_first_call=median_from_histogram(days_histogram),
        days_to_first_call=days_histogram,
        attempts_until_reached=attempts_histogram,
        overdue=overdue,
        funnel=(
            FunnelStep("Fell through", total),
            FunnelStep("Called", called),
            FunnelStep("Reached", reached),
            FunnelStep("Cause confirmed", cause_settled),
            FunnelStep("First guess changed", changed),
        ),
    )
