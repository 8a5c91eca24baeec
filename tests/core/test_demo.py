from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from dft.core import settings
from dft.core.deals import trash_deal
from dft.core.demo import generate_demo_data
from dft.core.errors import ValidationError
from dft.core.fields import email_problem, phone_problem
from dft.core.follow_ups import Due, open_follow_ups
from dft.core.models import Category, Cause, Deal, FollowUp
from dft.core.queries import DealFilter, fetch_deal_rows
from dft.core.taxonomy import PENDING_CALL_KEY, UNSPECIFIED
from dft.store.database import Database

TODAY = date(2026, 11, 24)


def _snapshot(database: Database) -> list[tuple[object, ...]]:
    with database.sessions.begin() as session:
        return [
            (r.client_name, r.contract_value_cents, r.fell_through_on, r.cause, r.cause_status)
            for r in fetch_deal_rows(session, DealFilter(), sort_key="id", descending=False)
        ]


def test_same_seed_same_data(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from dft.store.database import open_database
    from dft.store.location import sqlite_url

    snapshots = []
    for name in ("a", "b", "a-again"):
        db = open_database(sqlite_url(tmp_path / f"{name}.sqlite3"))
        with db.sessions.begin() as session:
            generate_demo_data(session, deals=200, seed=7 if name != "b" else 8, today=TODAY)
        snapshots.append(_snapshot(db))
        db.close()
    assert snapshots[0] == snapshots[2]
    assert snapshots[0] != snapshots[1]


def test_demo_data_is_realistic(session: Session) -> None:
    result = generate_demo_data(session, deals=3000, seed=3, today=TODAY)
    assert result.deals == 3000
    by_category = dict(
        session.execute(
            select(Category.name, func.count(Deal.id))
            .join(Cause, Cause.category_id == Category.id)
            .join(Deal, Deal.cause_id == Cause.id)
            .group_by(Category.name)
        ).all()
    )
    land, service = by_category["Land"], by_category["Customer service"]
    assert 0.25 < land / (land + service) < 0.35
    assert {"Financing", "Buyer circumstances", "Other"} <= set(by_category)

    oldest, newest = session.execute(
        select(func.min(Deal.fell_through_on), func.max(Deal.fell_through_on))
    ).one()
    assert (TODAY - oldest).days > 700
    assert (TODAY - newest).days < 10

    states = {row.due for row in open_follow_ups(session, TODAY)}
    assert states >= {Due.OVERDUE, Due.UPCOMING}
    confirmed = session.scalar(
        select(func.count()).select_from(Deal).where(Deal.cause_status == "confirmed")
    )
    changed = session.scalar(
        select(func.count()).select_from(Deal).where(Deal.cause_id != Deal.first_cause_id)
    )
    assert 0.5 < confirmed / 3000 < 0.85
    assert 0.05 < changed / 3000 < 0.25
    assert session.scalar(
        select(func.count()).select_from(FollowUp).where(FollowUp.outcome == "voicemail")
    )


def test_sample_clients_can_be_called_and_written_to(session: Session) -> None:
    generate_demo_data(session, deals=400, seed=7, today=date(2026, 11, 24))
    contacts = session.execute(select(Deal.client_phone, Deal.client_email)).all()
    phones = [phone for phone, _email in contacts if phone]
    emails = [email for _phone, email in contacts if email]
    # Most, not all: a real book has clients who left no number.
    assert 0.5 * len(contacts) < len(phones) < len(contacts)
    assert 0.3 * len(contacts) < len(emails) < len(contacts)
    assert not [phone for phone in phones if phone_problem(phone) or "555-01" not in phone]
    assert not [email for email in emails if email_problem(email) or "@example.com" not in email]


def test_deals_logged_after_sample_data_get_ids_of_their_own(session: Session) -> None:
    from tests.factories import add_deal

    generate_demo_data(session, deals=50, seed=9, today=TODAY)
    highest = session.scalar(select(func.max(Deal.id)))
    assert add_deal(session, contract_number="AFTER-1") > highest
    assert session.scalar(select(func.count()).select_from(Deal)) == 51


def test_sample_data_goes_only_into_an_empty_database(session: Session) -> None:
    from tests.factories import add_deal

    assert settings.get_bool(session, settings.SAMPLE_DATA) is False
    trash_deal(session, add_deal(session, contract_number="REAL-1"))  # even one in the trash
    with pytest.raises(ValidationError) as refused:
        generate_demo_data(session, deals=10, seed=10, today=TODAY)
    assert refused.value.field == "database"
    assert "already holds 1 deal;" in refused.value.message
    assert session.scalar(select(func.count()).select_from(Deal)) == 1
    assert settings.get_bool(session, settings.SAMPLE_DATA) is False


def test_an_empty_database_is_marked_as_holding_sample_data(session: Session) -> None:
    generate_demo_data(session, deals=10, seed=10, today=TODAY)
    assert settings.get_bool(session, settings.SAMPLE_DATA) is True


def test_sample_deals_use_the_taxonomy_as_a_salesperson_would(session: Session) -> None:
    generate_demo_data(session, deals=3000, seed=3, today=TODAY)
    rows = session.execute(
        select(Cause.name, Cause.key, Cause.general, Deal.fell_through_on, Deal.cause_status).join(
            Deal, Deal.cause_id == Cause.id
        )
    ).all()
    # A catch-all is what an import of a bare category gets, not a typical cause.
    assert not [r for r in rows if r.name == UNSPECIFIED]
    pending = [r for r in rows if r.key == PENDING_CALL_KEY]
    assert 10 < len(pending) < 150
    assert all((TODAY - r.fell_through_on).days <= 45 for r in pending)
    assert {r.cause_status for r in pending} == {"suspected"}
    awaiting = {row.deal_id for row in open_follow_ups(session, TODAY)}
    pending_ids = set(
        session.scalars(
            select(Deal.id)
            .join(Cause, Deal.cause_id == Cause.id)
            .where(Cause.key == PENDING_CALL_KEY)
        )
    )
    assert pending_ids <= awaiting  # each one still has its call to come


def test_the_headline_categories_are_found_by_key_when_renamed(session: Session) -> None:
    session.execute(update(Category).where(Category.key == "land").values(name="Lot & land"))
    generate_demo_data(session, deals=1000, seed=3, today=TODAY)
    land = session.scalar(
        select(func.count(Deal.id))
        .join(Cause, Deal.cause_id == Cause.id)
        .join(Category, Cause.category_id == Category.id)
        .where(Category.key == "land")
    )
    assert 150 < (land or 0) < 350
