"""Each rule holds in the database itself, even when Python validation is bypassed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError

from dft.store.database import Database


@pytest.fixture
def conn(database: Database) -> Iterator[Connection]:
    with database.engine.connect() as connection:
        transaction = connection.begin()
        connection.execute(
            text(
                "INSERT INTO deals (client_name, contract_number, contract_value_cents,"
                " fell_through_on, cause_id, cause_status, notes, created_at, updated_at, version)"
                " VALUES ('Base', 'C-1', 100, '2026-10-01', 1, 'suspected', '',"
                " '2026-10-01 00:00:00', '2026-10-01 00:00:00', 1)"
            )
        )
        yield connection
        transaction.rollback()


def insert_deal(conn: Connection, **overrides: object) -> None:
    values: dict[str, object] = {
        "client_name": "Pat",
        "contract_number": None,
        "contract_value_cents": 100,
        "signed_on": "2026-09-01",
        "fell_through_on": "2026-10-01",
        "cause_id": 1,
        "cause_status": "suspected",
        "notes": "",
        "created_at": "2026-10-01 00:00:00",
        "updated_at": "2026-10-01 00:00:00",
        "version": 1,
        "deleted_at": None,
    }
    values.update(overrides)
    columns = ", ".join(values)
    params = ", ".join(f":{k}" for k in values)
    conn.execute(text(f"INSERT INTO deals ({columns}) VALUES ({params})"), values)


def test_a_valid_raw_row_is_accepted(conn: Connection) -> None:
    insert_deal(conn)  # proves the cases below fail for their own reason


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"client_name": None}, id="client-not-null"),
        pytest.param({"client_name": "   "}, id="client-not-blank"),
        pytest.param({"contract_value_cents": None}, id="value-not-null"),
        pytest.param({"contract_value_cents": -1}, id="value-not-negative"),
        pytest.param({"fell_through_on": None}, id="fell-through-not-null"),
        pytest.param({"signed_on": "2026-10-02"}, id="fell-through-before-signed"),
        pytest.param({"cause_id": 9999}, id="cause-foreign-key"),
        pytest.param({"salesperson_id": 9999}, id="salesperson-foreign-key"),
        pytest.param({"cause_status": "maybe"}, id="cause-status-valid"),
        pytest.param({"cause_status": "confirmed", "cause_id": None}, id="confirmed-needs-cause"),
        pytest.param({"deposit_cents": -5}, id="deposit-not-negative"),
        pytest.param({"deposit_outcome": "lost"}, id="deposit-outcome-valid"),
        pytest.param({"cancelled_by": "lender"}, id="cancelled-by-valid"),
        pytest.param({"recovered_on": "2026-09-30"}, id="recovered-before-fell-through"),
        pytest.param({"contract_number": "C-1"}, id="contract-number-unique-among-live"),
    ],
)
def test_database_refuses_rule_breaking_deal(
    conn: Connection, overrides: dict[str, object]
) -> None:
    with pytest.raises(IntegrityError):
        insert_deal(conn, **overrides)


def test_a_trashed_deal_does_not_hold_its_contract_number(conn: Connection) -> None:
    conn.execute(text("UPDATE deals SET deleted_at = '2026-10-02 00:00:00' WHERE id = 1"))
    insert_deal(conn, contract_number="C-1")
    with pytest.raises(IntegrityError):
        insert_deal(conn, contract_number="C-1")


def insert_follow_up(conn: Connection, **overrides: object) -> None:
    values: dict[str, object] = {
        "deal_id": 1,
        "due_on": "2026-10-04",
        "done_at": None,
        "outcome": None,
        "cause_result": None,
        "changed_to_cause_id": None,
        "client_words": "",
        "notes": "",
        "created_at": "2026-10-01 00:00:00",
        "updated_at": "2026-10-01 00:00:00",
        "version": 1,
    }
    values.update(overrides)
    columns = ", ".join(values)
    params = ", ".join(f":{k}" for k in values)
    conn.execute(text(f"INSERT INTO follow_ups ({columns}) VALUES ({params})"), values)


def test_valid_follow_ups_are_accepted(conn: Connection) -> None:
    insert_follow_up(conn)
    insert_follow_up(conn, done_at="2026-10-03 10:00:00", outcome="voicemail")
    insert_follow_up(
        conn,
        done_at="2026-10-04 10:00:00",
        outcome="reached",
        cause_result="changed",
        changed_to_cause_id=2,
    )


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"deal_id": 9999}, id="deal-foreign-key"),
        pytest.param({"due_on": None}, id="due-not-null"),
        pytest.param({"outcome": "reached"}, id="outcome-needs-done-at"),
        pytest.param({"done_at": "2026-10-03 10:00:00"}, id="done-at-needs-outcome"),
        pytest.param({"done_at": "2026-10-03", "outcome": "shouted"}, id="outcome-valid"),
        pytest.param(
            {"done_at": "2026-10-03", "outcome": "voicemail", "cause_result": "confirmed"},
            id="only-reached-confirms",
        ),
        pytest.param({"cause_result": "confirmed"}, id="no-result-without-call"),
        pytest.param(
            {"done_at": "2026-10-03", "outcome": "reached", "cause_result": "changed"},
            id="changed-names-cause",
        ),
        pytest.param(
            {"done_at": "2026-10-03", "outcome": "reached", "changed_to_cause_id": 2},
            id="cause-without-result",
        ),
    ],
)
def test_database_refuses_rule_breaking_follow_up(
    conn: Connection, overrides: dict[str, object]
) -> None:
    with pytest.raises(IntegrityError):
        insert_follow_up(conn, **overrides)


def test_deleting_a_deal_deletes_its_follow_ups(conn: Connection) -> None:
    insert_follow_up(conn)
    conn.execute(text("DELETE FROM deals WHERE id = 1"))
    assert conn.execute(text("SELECT count(*) FROM follow_ups")).scalar() == 0


def test_a_cause_in_use_cannot_be_deleted(conn: Connection) -> None:
    with pytest.raises(IntegrityError):
        conn.execute(text("DELETE FROM causes WHERE id = 1"))


def test_taxonomy_names_are_unique(conn: Connection) -> None:
    with pytest.raises(IntegrityError):
        conn.execute(text("INSERT INTO categories (name) VALUES ('Land')"))
