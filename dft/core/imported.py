"""Taking an import back: its deals, and the causes, categories and names it created.

An import hands back what it added (:class:`ImportedRecords`); undoing it deletes
exactly those deals (their calls, contributing causes and history go with them)
and then whatever the import created that nothing else uses by now: a cause a
colleague has since given a deal, or a salesperson with contracts signed
entered, stays.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Delete, delete, exists, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from dft.core.models import (
    Category,
    Cause,
    Community,
    Deal,
    DealContributingCause,
    FollowUp,
    LeadSource,
    Salesperson,
    SignedContracts,
)

ListEntryModel = type[Salesperson] | type[LeadSource] | type[Community]
_DEAL_COLUMN: dict[type, InstrumentedAttribute[int | None]] = {
    Salesperson: Deal.salesperson_id,
    LeadSource: Deal.lead_source_id,
    Community: Deal.community_id,
}


@dataclass
class ImportedRecords:
    """What one import added: deal ids (as runs of consecutive ids) and what it created."""

    deal_ids: list[range] = field(default_factory=list)
    cause_ids: list[int] = field(default_factory=list)
    category_ids: list[int] = field(default_factory=list)
    entries: list[tuple[ListEntryModel, int]] = field(default_factory=list)  # salespeople, ...

    def add_deals(self, ids: Iterable[int]) -> None:
        """Note added deal ids, kept as runs so a large import costs a few ranges."""
        for deal_id in ids:
            last = self.deal_ids[-1] if self.deal_ids else None
            if last is not None and last.stop == deal_id:
                self.deal_ids[-1] = range(last.start, deal_id + 1)
            else:
                self.deal_ids.append(range(deal_id, deal_id + 1))

    @property
    def deals(self) -> int:
        """How many deals the import added."""
        return sum(len(r) for r in self.deal_ids)


@dataclass(frozen=True)
class Removed:
    """What undoing an import removed, and what it left because something else uses it."""

    deals: int
    causes: int
    categories: int
    entries: int
    kept: int  # created causes, categories or names in use elsewhere by now


def remove_imported(session: Session, records: ImportedRecords) -> Removed:
    """Delete the imported deals, then what the import created that nothing else uses."""
    deals = 0
    for run in records.deal_ids:
        # Their calls, contributing causes and history go by ON DELETE CASCADE.
        deals += _deleted(session, delete(Deal).where(Deal.id.between(run.start, run.stop - 1)))
    kept = 0
    causes = 0
    for cause_id in records.cause_ids:
        if _cause_used(session, cause_id):
            kept += 1
        else:
            causes += _deleted(session, delete(Cause).where(Cause.id == cause_id))
    categories = 0
    for category_id in records.category_ids:
        causes_in_it = select(Cause.id).where(Cause.category_id == category_id)
        if any(_cause_used(session, cause_id) for cause_id in session.scalars(causes_in_it)):
            kept += 1
            continue
        _deleted(session, delete(Cause).where(Cause.category_id == category_id))  # its general one
        categories += _deleted(session, delete(Category).where(Category.id == category_id))
    entries = 0
    for model, entry_id in records.entries:
        if _entry_used(session, model, entry_id):
            kept += 1
        else:
            entries += _deleted(session, delete(model).where(model.id == entry_id))
    session.flush()
    return Removed(deals, causes, categories, entries, kept)


def _deleted(session: Session, statement: Delete) -> int:
    result = session.execute(statement, execution_options={"synchronize_session": False})
    return int(getattr(result, "rowcount", 0) or 0)


def _cause_used(session: Session, cause_id: int) -> bool:
    return bool(
        session.scalar(
            select(
                exists().where(or_(Deal.cause_id == cause_id, Deal.first_cause_id == cause_id))
                | exists().where(DealContributingCause.cause_id == cause_id)
                | exists().where(FollowUp.changed_to_cause_id == cause_id)
            )
        )
    )


def _entry_used(session: Session, model: ListEntryModel, entry_id: int) -> bool:
    if session.scalar(select(exists().where(_DEAL_COLUMN[model] == entry_id))):
        return True
    # Deleting a salesperson would take their contracts-signed figures with them.
    return model is Salesperson and bool(
        session.scalar(select(exists().where(SignedContracts.salesperson_id == entry_id)))
    )
