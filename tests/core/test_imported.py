"""Taking an import back: exactly its deals, and what it created that nothing else uses."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dft.core.imported import ImportedRecords, remove_imported
from dft.core.lists import resolve_entry
from dft.core.models import Category, Cause, Deal, FollowUp, LeadSource, Salesperson
from dft.core.taxonomy import add_category, add_cause, find_cause
from tests.factories import add_deal


def count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_deal_ids_are_kept_as_runs() -> None:
    records = ImportedRecords()
    records.add_deals([5, 6, 7])
    records.add_deals([8, 12, 13])
    assert records.deal_ids == [range(5, 9), range(12, 14)]
    assert records.deals == 6


def test_undo_removes_the_imported_deals_with_their_calls_and_what_they_created(
    session: Session,
) -> None:
    before = add_deal(session, client_name="Before the import")
    category_id = add_category(session, "Warranty")
    roof = add_cause(session, category_id, "Roof leak")
    other_cause = add_cause(session, find_cause(session, "Other").category_id, "Space debris")
    pat = resolve_entry(session, Salesperson, "Pat Newman", create=True)
    assert pat is not None
    imported = [
        add_deal(session, "Warranty/Roof leak", client_name="One", salesperson="Pat Newman"),
        add_deal(session, "Other/Space debris", client_name="Two"),
    ]
    assert count(session, FollowUp) == 3
    records = ImportedRecords(
        cause_ids=[roof, other_cause],
        category_ids=[category_id],
        entries=[(Salesperson, pat.id)],
    )
    records.add_deals(imported)

    removed = remove_imported(session, records)

    assert (removed.deals, removed.causes, removed.categories, removed.entries) == (2, 2, 1, 1)
    assert removed.kept == 0
    assert session.scalars(select(Deal.id)).all() == [before]
    assert count(session, FollowUp) == 1  # the earlier deal's call stays
    assert session.scalar(select(Category).where(Category.name == "Warranty")) is None
    assert session.scalar(select(Cause).where(Cause.name == "Space debris")) is None
    assert session.scalars(select(Salesperson.name)).all() == []
    assert count(session, LeadSource) > 0  # the lists' own entries are untouched


def test_what_another_deal_uses_by_now_stays(session: Session) -> None:
    category_id = add_category(session, "Warranty")
    roof = add_cause(session, category_id, "Roof leak")
    pat = resolve_entry(session, Salesperson, "Pat Newman", create=True)
    assert pat is not None
    imported = add_deal(session, "Warranty/Roof leak", client_name="Imported")
    later = add_deal(
        session, "Warranty/Roof leak", client_name="Typed in later", salesperson="Pat Newman"
    )
    records = ImportedRecords(
        cause_ids=[roof], category_ids=[category_id], entries=[(Salesperson, pat.id)]
    )
    records.add_deals([imported])

    removed = remove_imported(session, records)

    assert (removed.deals, removed.causes, removed.categories, removed.entries) == (1, 0, 0, 0)
    assert removed.kept == 3
    assert session.scalars(select(Deal.id)).all() == [later]
    assert session.scalar(select(Cause.name).where(Cause.id == roof)) == "Roof leak"
    assert session.scalars(select(Salesperson.name)).all() == ["Pat Newman"]
