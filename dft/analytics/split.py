"""The two splits every page of figures leads with, and what each is a share of.

*Land vs service* is land ÷ (land + customer service), the field's headline
("29% land / 71% service"); the categories are found by key, whatever a team
renamed them to. *Controllable vs not* covers every category classified
either way. Deals whose cause is "Unknown — pending call", deals in categories
nobody has classified yet, and deals with no cause at all count on neither
side: they are shown apart, so no share silently changes its base.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dft.analytics.breakdowns import NOT_RECORDED, Slice
from dft.analytics.stats import Share
from dft.core.models import Category, Cause, Deal, Salesperson
from dft.core.queries import DealFilter
from dft.core.taxonomy import CUSTOMER_SERVICE_KEY, LAND_KEY, PENDING_CALL_KEY
from dft.core.words import count_of


def percent_pair(share: Share) -> tuple[str, str]:
    """``("28%", "72%")``: a share and its complement, rounded so they add up to 100%."""
    first = round(share.value * 100)
    return f"{first}%", f"{100 - first}%"


@dataclass(frozen=True)
class CauseSplit:
    """How many deals fall on each side of the two splits, and how many on neither."""

    deals: int
    land: int
    service: int
    controllable: int
    not_controllable: int
    unclassified: int  # in a category not classified yet (not the pending cause)
    pending: int  # "Unknown — pending call": awaiting the follow-up call
    no_cause: int

    @property
    def land_share(self) -> Share | None:
        """Land out of land + customer service; None when there is neither."""
        total = self.land + self.service
        return Share(self.land, total) if total else None

    @property
    def controllable_share(self) -> Share | None:
        """Controllable out of every deal in a classified category; None when there is none."""
        total = self.controllable + self.not_controllable
        return Share(self.controllable, total) if total else None

    def land_service_line(self) -> str | None:
        """``Land vs service: 28% land / 72% service, of the 236 deals whose cause was
        land or service``."""
        share = self.land_share
        if share is None:
            return None
        land, service = percent_pair(share)
        return (
            f"Land vs service: {land} land / {service} service, of the "
            f"{count_of(share.total, 'deal')} whose cause was land or service"
        )

    def controllable_line(self) -> str | None:
        """``Controllable 60% / not controllable 40%, of the 250 deals in categories
        marked controllable or not``."""
        share = self.controllable_share
        if share is None:
            return None
        yes, no = percent_pair(share)
        return (
            f"Controllable {yes} / not controllable {no}, of the "
            f"{count_of(share.total, 'deal')} in categories marked controllable or not"
        )

    def apart_lines(self) -> list[str]:
        """The deals on neither side, each kind in its own words (none: no line)."""
        lines = []
        if self.pending:
            verb = "awaits its call" if self.pending == 1 else "await their call"
            lines.append(f"{count_of(self.pending, 'deal')} {verb} (cause not known yet)")
        if self.unclassified:
            where = (
                "in a category" if self.unclassified == 1 else "in categories"
            ) + " not classified yet"
            lines.append(f"{count_of(self.unclassified, 'deal')} {where} — left out of the split")
        if self.no_cause:
            lines.append(f"{count_of(self.no_cause, 'deal')} with no cause — left out of the split")
        return lines

    def lines(self) -> list[str]:
        """Every line, as ``dft summary``, the dashboard and the report print them."""
        headline = [self.land_service_line(), self.controllable_line()]
        return [line for line in headline if line] + self.apart_lines()


# What the split needs of a cause: its key, its category's key and flag, its deals.
_CauseCount = tuple[str | None, str | None, bool | None, int]


def cause_split(causes: Sequence[Slice], deals: int) -> CauseSplit:
    """The split of ``deals`` deals from their causes (``by_cause``: every cause with
    deals, its key and its category's key and flag); deals of no cause are the rest."""
    return _tally(((c.key, c.category_key, c.controllable, c.deals) for c in causes), deals)


def _tally(causes: Iterable[_CauseCount], deals: int) -> CauseSplit:
    land = service = controllable = not_controllable = unclassified = pending = 0
    with_cause = 0
    for key, category_key, category_controllable, count in causes:
        with_cause += count
        if key == PENDING_CALL_KEY:
            pending += count
            continue
        if category_key == LAND_KEY:
            land += count
        elif category_key == CUSTOMER_SERVICE_KEY:
            service += count
        if category_controllable is True:
            controllable += count
        elif category_controllable is False:
            not_controllable += count
        else:
            unclassified += count
    return CauseSplit(
        deals=deals,
        land=land,
        service=service,
        controllable=controllable,
        not_controllable=not_controllable,
        unclassified=unclassified,
        pending=pending,
        no_cause=max(0, deals - with_cause),
    )


@dataclass(frozen=True)
class PersonSplit:
    """One salesperson's deals, their lost value, and how they split."""

    label: str
    ref_id: int | None  # the salesperson's id, for drill-down
    lost_value_cents: int
    split: CauseSplit


def split_by_salesperson(session: Session, deal_filter: DealFilter) -> list[PersonSplit]:
    """Each salesperson's split, most deals first (one GROUP BY; the causes mapped here)."""
    rows = session.execute(
        deal_filter.apply(
            select(
                Deal.salesperson_id,
                Deal.cause_id,
                func.count(Deal.id),
                func.coalesce(func.sum(Deal.contract_value_cents), 0),
            ).group_by(Deal.salesperson_id, Deal.cause_id)
        )
    ).all()
    kinds = {
        cause_id: (key, category_key, controllable)
        for cause_id, key, category_key, controllable in session.execute(
            select(Cause.id, Cause.key, Category.key, Category.controllable).join(
                Category, Cause.category_id == Category.id
            )
        )
    }
    names = dict(session.execute(select(Salesperson.id, Salesperson.name)).all())
    by_person: dict[int | None, list[tuple[int | None, int, int]]] = {}
    for person_id, cause_id, count, cents in rows:
        by_person.setdefault(person_id, []).append((cause_id, int(count), int(cents)))
    people = []
    for person_id, counts in by_person.items():
        deals = sum(count for _cause, count, _cents in counts)
        split = _tally(
            ((*kinds[cause_id], count) for cause_id, count, _cents in counts if cause_id), deals
        )
        label = names.get(person_id, NOT_RECORDED) if person_id is not None else NOT_RECORDED
        people.append(PersonSplit(label, person_id, sum(c for _a, _b, c in counts), split))
    return sorted(people, key=lambda p: (-p.split.deals, -p.lost_value_cents, p.label))
