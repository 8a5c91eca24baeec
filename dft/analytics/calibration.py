"""Whose first guesses hold up when the client is called, and who makes the calls.

A deal's *first guess* is the cause it was logged with. Its cause is *settled*
by a reached call that confirmed or changed it; a deal settled by several
calls counts once, with the cause its last settling call left standing: the
cause of its latest "changed" call, else the first guess. The first guess was
*confirmed* when that cause is the first guess, and *changed* otherwise.
Deals logged as "Unknown — pending call" made no guess and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from dft.analytics.call_figures import CallFigures, call_figures
from dft.analytics.stats import Share
from dft.core.callers import person_key, same_person
from dft.core.models import Category, Cause, Salesperson
from dft.core.queries import DealFilter
from dft.core.taxonomy import NOT_YET_KNOWN_KEY

# How a deal with no salesperson recorded is labelled.
NOT_RECORDED_PERSON = "No salesperson recorded"


@dataclass(frozen=True)
class Calibration:
    """One salesperson's first guesses against what the calls settled."""

    salesperson: str | None  # None: deals with no salesperson recorded
    salesperson_id: int | None
    deals: int  # fell through in the period
    settled: int  # with a first guess and a settling call
    confirmed: int
    changed: int
    not_controllable_to_controllable: int
    controllable_to_not_controllable: int
    no_first_guess: int  # settled, but logged as not yet known: left out

    @property
    def confirmed_share(self) -> Share:
        """Confirmed first guesses out of settled deals, with its 95% Wilson interval."""
        return Share(self.confirmed, self.settled)


@dataclass(frozen=True)
class _CauseClass:
    controllable: bool | None  # None: not classified yet, or not yet known
    not_yet_known: bool


def _cause_classes(session: Session) -> dict[int, _CauseClass]:
    rows = session.execute(
        select(Cause.id, Category.controllable, Category.key).join(
            Category, Cause.category_id == Category.id
        )
    )
    return {
        cause_id: _CauseClass(
            None if key == NOT_YET_KNOWN_KEY else controllable, key == NOT_YET_KNOWN_KEY
        )
        for cause_id, controllable, key in rows
    }


def calibration(session: Session, deal_filter: DealFilter) -> list[Calibration]:
    """Per salesperson with deals in the filter: settled, confirmed, changed, and the moves
    across the controllable line. Most settled first; one with none settled is listed too."""
    return calibration_from(session, call_figures(session, deal_filter))


def calibration_from(session: Session, figures: CallFigures) -> list[Calibration]:
    """:func:`calibration` from figures already read (the report reads them once)."""
    per_person = figures.deals_per_salesperson()
    names = dict(session.execute(select(Salesperson.id, Salesperson.name)).all())
    classes = _cause_classes(session)
    counts: dict[int | None, list[int]] = {pid: [0] * 6 for pid in per_person}
    for (person_id, first, settled_cause), n in figures.settled.items():
        tally = counts.setdefault(person_id, [0] * 6)
        first_class = classes.get(first) if first is not None else None
        if first_class is None or first_class.not_yet_known:
            tally[5] += n
            continue
        tally[0] += n
        if settled_cause == first:
            tally[1] += n
            continue
        tally[2] += n
        now = classes.get(settled_cause) if settled_cause is not None else None
        before, after = first_class.controllable, now.controllable if now else None
        if before is False and after is True:
            tally[3] += n
        elif before is True and after is False:
            tally[4] += n
    rows = [
        Calibration(
            salesperson=names.get(person_id) if person_id is not None else None,
            salesperson_id=person_id,
            deals=int(per_person.get(person_id, 0)),
            settled=tally[0],
            confirmed=tally[1],
            changed=tally[2],
            not_controllable_to_controllable=tally[3],
            controllable_to_not_controllable=tally[4],
            no_first_guess=tally[5],
        )
        for person_id, tally in counts.items()
    ]
    return sorted(
        rows, key=lambda r: (-r.settled, r.salesperson is None, (r.salesperson or "").casefold())
    )


@dataclass(frozen=True)
class CallerGroup:
    """Settling calls made by one kind of caller, and how many changed the cause."""

    calls: int
    changed: int

    @property
    def change_rate(self) -> Share:
        return Share(self.changed, self.calls)


@dataclass(frozen=True)
class Callers:
    """Reached calls that confirmed or changed a cause, by who made them."""

    own_salesperson: CallerGroup
    someone_else: CallerGroup
    # Calls with no caller recorded, or on a deal with no salesperson: neither side.
    not_recorded: CallerGroup


def callers(session: Session, deal_filter: DealFilter) -> Callers:
    """The deal's own salesperson against anyone else, over the filter's deals' settling calls.

    The caller is compared with the salesperson's name ignoring case and spaces.
    """
    return callers_from(session, call_figures(session, deal_filter))


def callers_from(session: Session, figures: CallFigures) -> Callers:
    """:func:`callers` from figures already read (the report reads them once)."""
    names = dict(session.execute(select(Salesperson.id, Salesperson.name)).all())
    tallies = {"own": [0, 0], "else": [0, 0], "unknown": [0, 0]}
    for (caller, person_id), (calls, changes) in figures.settling_calls.items():
        salesperson = names.get(person_id) if person_id is not None else None
        if not person_key(caller) or salesperson is None:
            side = "unknown"
        elif same_person(caller, salesperson):
            side = "own"
        else:
            side = "else"
        tallies[side][0] += calls
        tallies[side][1] += changes
    return Callers(
        own_salesperson=CallerGroup(*tallies["own"]),
        someone_else=CallerGroup(*tallies["else"]),
        not_recorded=CallerGroup(*tallies["unknown"]),
    )
