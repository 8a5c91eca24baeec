"""Win-back calls: a later call to a buyer lost to something the team could have fixed.

Off by default (the ``win_back_calls`` setting). When on, a deal whose cause is
in a controllable category gets a call of purpose ``win_back`` scheduled
``win_back_days`` (90) after it fell through.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from dft.core import settings
from dft.core.models import Category, Cause


def controllable_cause_ids(session: Session) -> frozenset[int]:
    """Causes in categories marked controllable (not those not classified yet)."""
    return frozenset(
        session.scalars(
            select(Cause.id)
            .join(Category, Cause.category_id == Category.id)
            .where(Category.controllable.is_(True))
        )
    )


def win_back_delay(session: Session) -> timedelta | None:
    """How long after a fall-through the win-back call is due; ``None`` when they are off."""
    if not settings.get_bool(session, settings.WIN_BACK_CALLS):
        return None
    return timedelta(days=settings.get_int(session, settings.WIN_BACK_DAYS))


def win_back_due_on(session: Session, cause_id: int | None, fell_through_on: date) -> date | None:
    """When a deal with this cause gets its win-back call; ``None``: it gets none."""
    delay = win_back_delay(session)
    if delay is None or cause_id is None:
        return None
    controllable = session.scalar(
        select(Category.controllable)
        .join(Cause, Cause.category_id == Category.id)
        .where(Cause.id == cause_id)
    )
    return fell_through_on + delay if controllable is True else None
