"""A team on one PostgreSQL database: several processes writing at once lose nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import URL

from dft.core.models import Deal
from dft.store.database import open_database
from tests.postgres_server import PostgresServer
from tests.reliability.conftest import python

# Each salesperson logs deals in a loop; some contract numbers are everyone's
# (the same paperwork typed at two desks), so exactly one of them may win.
SALESPERSON = """
import sys
from datetime import date
from sqlalchemy.engine import make_url
from dft.core.deals import log_deal
from dft.core.deal_input import DealInput
from dft.core.errors import ValidationError
from dft.core.taxonomy import find_cause
from dft.store.database import open_database
db = open_database(make_url(sys.argv[1]), daily_backup=False)
name, refused = sys.argv[2], 0
for i in range(300):
    number = f"SHARED-{i}" if i % 3 == 0 else f"{name}-{i}"
    try:
        with db.sessions.begin() as session:
            log_deal(session, DealInput(client_name=f"{name} {i}", contract_value_cents=i,
                                        fell_through_on=date(2026, 1, 1), contract_number=number,
                                        cause_id=find_cause(session, "Other").id),
                     user=name)
    except ValidationError as exc:
        assert exc.field == "contract_number", exc
        refused += 1
print(refused)
"""


@pytest.fixture
def team(postgres_server: PostgresServer) -> Iterator[URL]:
    name = postgres_server.create_database()
    url = postgres_server.url(name)
    open_database(url).close()
    yield url
    postgres_server.drop_database(name)


@pytest.mark.slow
def test_three_salespeople_at_once_every_deal_lands_and_shared_numbers_once(team: URL) -> None:
    processes = [
        python("-c", SALESPERSON, team.render_as_string(hide_password=False), name)
        for name in ("ann", "bob", "cy")
    ]
    refused = 0
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        refused += int(out.strip())
    database = open_database(team)
    try:
        with database.sessions.begin() as session:
            total = session.scalar(select(func.count()).select_from(Deal))
            shared = session.scalar(
                select(func.count()).where(Deal.contract_number.like("SHARED-%"))
            )
            authors = set(session.scalars(select(Deal.created_by).distinct()))
    finally:
        database.close()
    assert shared == 100  # each shared number exactly once
    assert refused == 2 * 100  # the other two desks were told, not crashed
    assert total == 3 * 200 + 100
    assert authors == {"ann", "bob", "cy"}


def test_two_desks_recording_a_call_on_one_deal_at_once_the_second_is_told(team: URL) -> None:
    from dft.core.errors import ConflictError
    from dft.core.follow_ups import record_follow_up
    from dft.core.taxonomy import find_cause
    from tests.factories import add_deal

    database = open_database(team)
    try:
        with database.sessions.begin() as session:
            deal_id = add_deal(session)
        with database.sessions.begin() as second_desk:
            opened = second_desk.get(Deal, deal_id)  # the second desk has the deal open
            assert opened is not None
            with database.sessions.begin() as first_desk:
                record_follow_up(first_desk, deal_id, outcome="reached", cause_result="confirmed")
            other_cause = find_cause(second_desk, "Rude or dismissive remark").id
            with pytest.raises(ConflictError, match="Someone else changed this deal"):
                record_follow_up(second_desk, deal_id, outcome="reached", cause_result="changed",
                                 changed_to_cause_id=other_cause)  # fmt: skip
        with database.sessions.begin() as session:
            deal = session.get(Deal, deal_id)
            assert deal is not None
            assert [f.outcome for f in deal.follow_ups] == ["reached"]  # the first call stands
            assert (deal.cause.name, deal.cause_status) == ("Lot not buildable", "confirmed")
    finally:
        database.close()
