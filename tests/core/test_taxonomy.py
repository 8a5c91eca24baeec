from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dft.core.deals import get_deal, trash_deal
from dft.core.default_taxonomy import DEFAULT_TAXONOMY
from dft.core.errors import ValidationError
from dft.core.follow_ups import record_follow_up
from dft.core.import_mappings import ImportMapping, ImportMappingValue
from dft.core.models import Category, Cause, DealContributingCause
from dft.core.taxonomy import (
    IMPORTED_CAUSES_KEY,
    add_category,
    add_cause,
    category_for_imported_causes,
    delete_cause,
    find_cause,
    list_taxonomy,
    live_deals_per_cause,
    merge_causes,
    rename_cause,
    reorder_causes,
    set_cause_retired,
)
from tests.factories import add_deal, allow_deals_without_cause


def test_a_new_database_holds_the_default_taxonomy_land_and_service_first(
    session: Session,
) -> None:
    taxonomy = list_taxonomy(session)
    assert [c.name for c in taxonomy] == [
        "Land",
        "Customer service",
        "Financing",
        "Buyer circumstances",
        "Other",
        "Not yet known",
    ]
    assert [c.controllable for c in taxonomy] == [False, True, False, False, False, None]
    assert [c.key for c in taxonomy] == [
        "land",
        "customer_service",
        None,
        None,
        None,
        "not_yet_known",
    ]
    for category, default in zip(taxonomy, DEFAULT_TAXONOMY, strict=True):
        assert [cause.name for cause in category.causes] == [n for n, _ in default.causes]
        # Every category has exactly one general cause, its last one.
        assert [cause.general for cause in category.causes][-1] is True
        assert sum(cause.general for cause in category.causes) == 1
    assert len(taxonomy[1].causes) == 8
    assert "Phone tag / voicemail runaround" in [c.name for c in taxonomy[1].causes]
    assert taxonomy[1].causes[-1].name == "Unspecified"
    pending = taxonomy[-1].causes
    assert [(c.name, c.key) for c in pending] == [("Unknown — pending call", "pending_call")]


def test_a_new_category_is_not_classified_and_has_its_general_cause(session: Session) -> None:
    category_id = add_category(session, "Weather")
    weather = next(c for c in list_taxonomy(session) if c.id == category_id)
    assert weather.controllable is None
    assert [(c.name, c.general) for c in weather.causes] == [("Unspecified", True)]


@pytest.mark.parametrize(
    "spec",
    [
        "Land/Lot not buildable",
        "land / lot NOT buildable",
        "Lot not buildable",
        "  lot not buildable ",
    ],
)
def test_find_cause_by_path_or_unique_name(session: Session, spec: str) -> None:
    assert find_cause(session, spec).name == "Lot not buildable"


def test_find_cause_handles_slashes_inside_cause_names(session: Session) -> None:
    assert find_cause(session, "Land/Zoning or permit denied/delayed").name == (
        "Zoning or permit denied/delayed"
    )
    assert find_cause(session, "Zoning or permit denied/delayed").category.name == "Land"


def test_find_cause_refuses_unknown_and_ambiguous_names(session: Session) -> None:
    with pytest.raises(ValidationError, match="unknown cause"):
        find_cause(session, "Land/Aliens")
    add_cause(session, find_cause(session, "Other").category_id, "Other reason")
    add_cause(session, add_category(session, "Weather"), "Other reason")
    with pytest.raises(ValidationError, match="several categories"):
        find_cause(session, "Other reason")


def test_a_cause_in_use_is_retired_never_deleted(session: Session) -> None:
    cause = find_cause(session, "Rude or dismissive remark")
    deal_id = add_deal(session, cause="Rude or dismissive remark")
    trash_deal(session, deal_id)  # even a trashed deal keeps it in use
    with pytest.raises(ValidationError, match="retire it instead"):
        delete_cause(session, cause.id)
    set_cause_retired(session, cause.id)
    assert get_deal(session, deal_id).cause == "Rude or dismissive remark"
    listed = {c.name: c.retired for cat in list_taxonomy(session) for c in cat.causes}
    assert listed["Rude or dismissive remark"] is True
    assert "Rude or dismissive remark" not in {
        c.name for cat in list_taxonomy(session, include_retired=False) for c in cat.causes
    }


def test_live_deals_are_counted_per_primary_cause(session: Session) -> None:
    loan = find_cause(session, "Loan denied")
    lot = find_cause(session, "Lot not buildable")
    before = live_deals_per_cause(session)
    add_deal(session, cause="Loan denied")
    add_deal(session, cause="Loan denied")
    trash_deal(session, add_deal(session, cause="Lot not buildable"))  # trashed: not counted
    allow_deals_without_cause(session)
    add_deal(session, cause=None)  # no cause yet: in no count
    counts = live_deals_per_cause(session)
    assert counts[loan.id] == before.get(loan.id, 0) + 2
    assert counts.get(lot.id, 0) == before.get(lot.id, 0)
    assert all(count > 0 for count in counts.values())


def test_an_unused_cause_can_be_deleted(session: Session) -> None:
    typo = add_cause(session, find_cause(session, "Other").category_id, "Typo caus")
    delete_cause(session, typo)
    assert session.get(Cause, typo) is None


def test_rename_shows_on_existing_deals_and_refuses_duplicates(session: Session) -> None:
    cause = find_cause(session, "Loan denied")
    deal_id = add_deal(session, cause="Loan denied")
    rename_cause(session, cause.id, "Loan denied by lender")
    assert get_deal(session, deal_id).cause == "Loan denied by lender"
    with pytest.raises(ValidationError, match="already has"):
        rename_cause(session, cause.id, "low APPRAISAL")


def test_merge_moves_every_reference_and_retires_the_source(session: Session) -> None:
    source = find_cause(session, "Slow response / long waits")
    target = find_cause(session, "Staff too busy / unresponsive")
    primary = add_deal(session, cause=source.name)
    first_guess = add_deal(session, cause="Buyer circumstances/Family change")
    record_follow_up(
        session,
        first_guess,
        outcome="reached",
        cause_result="changed",
        changed_to_cause_id=source.id,
    )
    both = add_deal(
        session, cause="Land/Lot not buildable", contributing_cause_ids=(source.id, target.id)
    )
    moved = merge_causes(session, source.id, target.id)

    assert moved == 2
    assert get_deal(session, primary).cause == target.name
    assert get_deal(session, first_guess).cause == target.name
    assert get_deal(session, both).contributing_causes == (target.name,)
    assert session.get(Cause, source.id).retired  # type: ignore[union-attr]
    assert (
        session.scalar(
            select(func.count())
            .select_from(DealContributingCause)
            .where(DealContributingCause.cause_id == source.id)
        )
        == 0
    )


def test_reorder_causes(session: Session) -> None:
    land = list_taxonomy(session)[0]
    reversed_ids = [c.id for c in reversed(land.causes)]
    reorder_causes(session, reversed_ids)
    assert [c.id for c in list_taxonomy(session)[0].causes] == reversed_ids


def _remember(session: Session, cause_id: int, value: str) -> int:
    mapping = ImportMapping(signature=value[:64], headers="", columns="{}", date_order="mdy")
    session.add(mapping)
    session.flush()
    row = ImportMappingValue(mapping_id=mapping.id, cause_value=value, cause_id=cause_id)
    session.add(row)
    session.flush()
    return row.id


def test_remembered_import_values_follow_merges_and_renames_and_forget_deleted_causes(
    session: Session,
) -> None:
    source = find_cause(session, "Slow response / long waits")
    target = find_cause(session, "Staff too busy / unresponsive")
    merged = _remember(session, source.id, "slow")
    renamed = _remember(session, target.id, "busy")
    typo = add_cause(session, find_cause(session, "Other").category_id, "Typo caus")
    forgotten = _remember(session, typo, "typo")

    merge_causes(session, source.id, target.id)
    rename_cause(session, target.id, "Too busy to answer")
    delete_cause(session, typo)
    session.expire_all()

    assert session.get(ImportMappingValue, merged).cause_id == target.id  # type: ignore[union-attr]
    assert session.get(ImportMappingValue, renamed).cause_id == target.id  # type: ignore[union-attr]
    assert session.get(ImportMappingValue, forgotten) is None


def test_causes_imported_without_a_category_get_one_that_is_not_classified(
    session: Session,
) -> None:
    add_category(session, "Imported causes", controllable=True)  # the team's own, kept apart
    first = category_for_imported_causes(session)
    assert category_for_imported_causes(session) == first
    category = session.get(Category, first)
    assert category is not None
    assert (category.name, category.controllable, category.key) == (
        "Imported causes 2",
        None,
        IMPORTED_CAUSES_KEY,
    )
    assert [c.general for c in category.causes] == [True]
