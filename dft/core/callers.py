"""Who makes a follow-up call: the deal's own salesperson, or someone else.

Buyers speak more freely to someone who did not sell to them. The setting
``calls_by_someone_else`` makes that the team's rule; the call dialog asks
:func:`advise_caller` whether a caller breaks it and whom to suggest instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dft.core import settings
from dft.core.errors import NotFoundError
from dft.core.models import Deal, FollowUp, Salesperson

# Suggestions spread the calls: whoever made the fewest over this many days.
SUGGESTION_WINDOW_DAYS = 30


def person_key(name: str | None) -> str:
    """A name as compared: case and spaces ignored ("dana  Whitfield" is "Dana Whitfield")."""
    return "".join((name or "").split()).casefold()


def same_person(caller: str | None, salesperson: str | None) -> bool:
    """Whether a call's caller is the deal's salesperson (never true when either is missing)."""
    key = person_key(caller)
    return bool(key) and key == person_key(salesperson)


@dataclass(frozen=True)
class CallerAdvice:
    """What the rule says about one caller for one deal."""

    rule_on: bool  # the team's rule: calls by someone other than the salesperson
    own_salesperson: bool  # the caller is the deal's salesperson
    suggestion: str | None  # another caller to offer (a salesperson's name)

    @property
    def breaks_rule(self) -> bool:
        return self.rule_on and self.own_salesperson

    @property
    def message(self) -> str:
        """What the dialog shows under the caller; empty when there is nothing to say."""
        if not self.breaks_rule:
            return ""
        text = "The team's rule: calls are made by someone other than the deal's salesperson."
        return f"{text} Suggested caller: {self.suggestion}." if self.suggestion else text


def advise_caller(
    session: Session, deal_id: int, caller: str | None, *, today: date | None = None
) -> CallerAdvice:
    """Whether ``caller`` is the deal's own salesperson, whether that breaks the team's
    rule, and another caller to suggest (when the rule is on)."""
    row = session.execute(
        select(Deal.salesperson_id, Salesperson.name)
        .outerjoin(Salesperson, Deal.salesperson_id == Salesperson.id)
        .where(Deal.id == deal_id, Deal.deleted_at.is_(None))
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"No deal #{deal_id} (it may be in the trash).")
    salesperson_id, salesperson = row
    rule_on = settings.get_bool(session, settings.CALLS_BY_SOMEONE_ELSE)
    suggestion = (
        suggest_caller(session, salesperson_id, today=today or date.today()) if rule_on else None
    )
    return CallerAdvice(rule_on, same_person(caller, salesperson), suggestion)


def suggest_caller(session: Session, salesperson_id: int | None, *, today: date) -> str | None:
    """A live salesperson other than the deal's: the one who made the fewest calls lately."""
    since = datetime.combine(today - timedelta(days=SUGGESTION_WINDOW_DAYS), time.min)
    calls = dict(
        session.execute(
            select(FollowUp.caller, func.count(FollowUp.id))
            .where(FollowUp.done_at >= since, FollowUp.caller.is_not(None))
            .group_by(FollowUp.caller)
        ).all()
    )
    made: dict[str, int] = {}
    for caller, count in calls.items():
        made[person_key(caller)] = made.get(person_key(caller), 0) + int(count)
    query = select(Salesperson.name).where(Salesperson.retired.is_(False))
    if salesperson_id is not None:
        query = query.where(Salesperson.id != salesperson_id)
    candidates = sorted(session.scalars(query), key=lambda n: (made.get(person_key(n), 0), n))
    return candidates[0] if candidates else None
