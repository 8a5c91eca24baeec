"""Buyers won back (re-signed) by cause and by who made the win-back call."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from dft.analytics.breakdowns import NO_CAUSE_YET, cause_labels
from dft.analytics.call_figures import CallFigures, call_figures
from dft.analytics.stats import Share
from dft.core.callers import person_key
from dft.core.queries import DealFilter

NO_WIN_BACK_CALL = "No win-back call made"


@dataclass(frozen=True)
class WinBackLine:
    label: str
    deals: int
    called: int  # deals with a win-back call made
    won_back: int  # deals whose buyer re-signed
    ref_id: int | None = None
    category: str | None = None

    @property
    def share(self) -> Share:
        """Won back out of the line's deals."""
        return Share(self.won_back, self.deals)


@dataclass(frozen=True)
class WinBacks:
    by_cause: tuple[WinBackLine, ...]
    by_caller: tuple[WinBackLine, ...]

    @property
    def deals(self) -> int:
        return sum(line.deals for line in self.by_cause)

    @property
    def won_back(self) -> Share:
        return Share(sum(line.won_back for line in self.by_cause), self.deals)


def win_backs(session: Session, deal_filter: DealFilter) -> WinBacks:
    """Every cause with deals (most won back first) and every win-back caller; a deal
    counts under the caller of its latest win-back call made."""
    return win_backs_from(session, call_figures(session, deal_filter))


def win_backs_from(session: Session, figures: CallFigures) -> WinBacks:
    """:func:`win_backs` from figures already read (the report reads them once)."""
    names = cause_labels(session)
    by_cause: dict[int | None, tuple[int, int, int]] = {}
    by_caller: dict[str, tuple[int, int, int]] = {}
    spelled: dict[str, str] = {}
    for (_person, cause_id, caller), counts in figures.deals.items():
        made = counts[1]
        key = person_key(caller) if made else ""
        spelled.setdefault(key, " ".join((caller or "").split()) if key else NO_WIN_BACK_CALL)
        by_cause[cause_id] = _add(by_cause.get(cause_id), counts)
        by_caller[key] = _add(by_caller.get(key), counts)
    cause_lines = []
    for cause_id, (n, made, won) in by_cause.items():
        name, category = names.get(cause_id, (NO_CAUSE_YET, None))
        cause_lines.append(WinBackLine(name, n, made, won, ref_id=cause_id, category=category))
    caller_lines = [WinBackLine(spelled[key], *tally) for key, tally in by_caller.items()]
    return WinBacks(
        tuple(sorted(cause_lines, key=_order)),
        tuple(
            sorted(caller_lines, key=lambda line: (line.label == NO_WIN_BACK_CALL, _order(line)))
        ),
    )


def _add(tally: tuple[int, int, int] | None, counts: tuple[int, int, int]) -> tuple[int, int, int]:
    if tally is None:
        return counts
    return (tally[0] + counts[0], tally[1] + counts[1], tally[2] + counts[2])


def _order(line: WinBackLine) -> tuple[int, int, str]:
    return (-line.won_back, -line.deals, line.label)
