"""One pass over a period's deals and calls for calibration, callers and win-backs.

The three insights read the same rows: the filter's deals, each with its
settling calls (reached, and confirmed or changed the cause) and its win-back
calls made. One statement reads those rows once, as common table expressions
that SQLite and PostgreSQL materialize because each is used more than once,
and groups them three ways; what comes back is a few hundred rows however
many deals there are. :mod:`dft.analytics.calibration` and
:mod:`dft.analytics.win_back` turn them into the insights.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, String, and_, case, cast, func, literal_column, null, or_, select
from sqlalchemy.orm import Session, aliased

from dft.core.choices import CallOutcome, CallPurpose, CauseResult
from dft.core.models import Deal, FollowUp
from dft.core.queries import DealFilter

# Which grouping a row of the statement belongs to.
_SETTLED, _CALLS, _DEALS = 1, 2, 3


@dataclass(frozen=True)
class CallFigures:
    """The filter's deals and their settling and win-back calls, grouped three ways."""

    # (salesperson id, first guess, cause standing after the settling calls) -> deals
    settled: dict[tuple[int | None, int | None, int | None], int]
    # (caller as typed, salesperson id) -> (settling calls, of which changed the cause)
    settling_calls: dict[tuple[str | None, int | None], tuple[int, int]]
    # (salesperson id, cause id, caller of the latest win-back call made, None without one)
    # -> (deals, with a win-back call made, won back)
    deals: dict[tuple[int | None, int | None, str | None], tuple[int, int, int]]

    def deals_per_salesperson(self) -> dict[int | None, int]:
        """Deals per salesperson id (None: no salesperson recorded)."""
        counts: dict[int | None, int] = {}
        for (person_id, _cause, _caller), (deals, _made, _won) in self.deals.items():
            counts[person_id] = counts.get(person_id, 0) + deals
        return counts


def call_figures(session: Session, deal_filter: DealFilter) -> CallFigures:
    """The grouped figures of the filter's deals and their settling and win-back calls."""
    # An alias, so that the filter's own "follow-up overdue" subquery on the calls
    # table correlates with the deal only, not with this join.
    call = aliased(FollowUp)
    settling = and_(call.cause_result.is_not(None), call.outcome == CallOutcome.REACHED.value)
    changed = and_(settling, call.cause_result == CauseResult.CHANGED.value)
    win_back = and_(call.purpose == CallPurpose.WIN_BACK.value, call.done_at.is_not(None))

    def this_or_later(condition: Any) -> Any:
        """How many of the deal's calls at this one's time or later (by time, then entry
        order) meet ``condition``: 1 on the latest that does. The counts share one
        window, so the database sorts the calls once."""
        return func.count(case((condition, 1))).over(
            partition_by=Deal.id, order_by=(call.done_at.desc(), call.id.desc()), rows=(None, 0)
        )

    calls = deal_filter.apply(
        select(
            Deal.id.label("deal"),
            Deal.salesperson_id.label("person"),
            Deal.first_cause_id.label("first"),
            Deal.cause_id.label("cause"),
            Deal.recovered_on.label("recovered"),
            call.caller.label("caller"),
            call.changed_to_cause_id.label("changed_to"),
            case((settling, 1), else_=0).label("settling"),
            case((changed, 1), else_=0).label("changed"),
            case((win_back, 1), else_=0).label("win_back"),
            this_or_later(changed).label("changed_later"),
            this_or_later(win_back).label("win_back_later"),
        )
        .select_from(Deal)
        .outerjoin(call, and_(call.deal_id == Deal.id, or_(settling, win_back)))
    ).cte("deal_calls")
    c = calls.c
    # One row per deal: whether a call settled its cause and which cause that left
    # standing (the latest "changed" call's, else the first guess: a confirming call
    # keeps what stands), and who made its latest win-back call.
    deals = (
        select(
            c.person, c.first, c.cause, c.recovered,
            func.max(c.settling).label("settled"),
            func.coalesce(
                func.max(case((and_(c.changed == 1, c.changed_later == 1), c.changed_to))),
                c.first,
            ).label("standing"),
            func.max(c.win_back).label("win_back"),
            func.max(case((and_(c.win_back == 1, c.win_back_later == 1), c.caller))).label(
                "win_back_caller"
            ),
        )
        .group_by(c.deal, c.person, c.first, c.cause, c.recovered)
        .cte("deal_figures")
    )  # fmt: skip
    d = deals.c
    none, no_name = cast(null(), Integer), cast(null(), String)
    zero = literal_column("0", Integer)

    def kind(number: int) -> Any:
        return literal_column(str(number), Integer)

    statement = select(
        kind(_SETTLED), d.person, d.first, d.standing, no_name, func.count(), zero, zero
    ).where(d.settled == 1).group_by(d.person, d.first, d.standing).union_all(
        select(kind(_CALLS), c.person, none, none, c.caller, func.count(), func.sum(c.changed),
               zero)
        .where(c.settling == 1)
        .group_by(c.person, c.caller),
        select(kind(_DEALS), d.person, d.cause, none, d.win_back_caller, func.count(),
               func.sum(d.win_back), func.count(d.recovered))
        .group_by(d.person, d.cause, d.win_back_caller),
    )  # fmt: skip
    figures = CallFigures({}, {}, {})
    for what, person, a, b, caller, n1, n2, n3 in session.execute(statement):
        if what == _SETTLED:
            figures.settled[(person, a, b)] = int(n1)
        elif what == _CALLS:
            figures.settling_calls[(caller, person)] = (int(n1), int(n2 or 0))
        else:
            figures.deals[(person, a, caller)] = (int(n1), int(n2 or 0), int(n3))
    return figures
