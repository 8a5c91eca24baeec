"""Writing imported deal rows: what is already there is skipped, the rest bulk-inserted.

Already present (the import is idempotent): a row whose contract number a live
deal already has; without a contract number, a live deal with the same client
(any case), fell-through date and contract value.

Calls: a deal that fell through on or after the history horizon gets its
follow-up call, and, when win-back calls are on and its cause is controllable,
a win-back call (dft/core/win_back.py). Older deals are history and get none.
No call is ever due before the day of the import.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from dft.core.choices import CallPurpose
from dft.core.clock import utc_now
from dft.core.dialects import insert_many, reserve_ids
from dft.core.models import Deal, DealContributingCause, FollowUp
from dft.core.win_back import controllable_cause_ids, win_back_delay

DealKey = tuple[object, ...]


def deal_key(row: dict[str, Any]) -> DealKey:
    """What makes a row the same deal as another: its contract number, else client, date, value."""
    if row["contract_number"]:
        return ("number", row["contract_number"])
    return (
        "deal",
        row["client_name"].casefold(),
        row["fell_through_on"],
        row["contract_value_cents"],
    )


def already_present(session: Session, rows: list[dict[str, Any]]) -> set[DealKey]:
    """Keys of the batch that live deals already have."""
    numbers = [r["contract_number"] for r in rows if r["contract_number"]]
    present: set[DealKey] = set()
    if numbers:
        present |= {
            ("number", n)
            for n in session.scalars(
                select(Deal.contract_number).where(
                    Deal.deleted_at.is_(None), Deal.contract_number.in_(numbers)
                )
            )
        }
    dates = {r["fell_through_on"] for r in rows if not r["contract_number"]}
    if dates:
        present |= {
            ("deal", client.casefold(), fell, cents)
            for client, fell, cents in session.execute(
                select(Deal.client_name, Deal.fell_through_on, Deal.contract_value_cents).where(
                    Deal.deleted_at.is_(None),
                    Deal.contract_number.is_(None),
                    Deal.fell_through_on.in_(dates),
                )
            )
        }
    return present


def insert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """One executemany of ``rows`` (dicts with the same keys, every value given) into
    ``table``: the values converted by the columns' own types and handed to the driver
    as they are, without SQLAlchemy's work per row (no defaults run: the rows carry
    every column)."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    keys = list(rows[0])
    convert = [
        (position, processor)
        for position, key in enumerate(keys)
        if (processor := table.c[key].type.dialect_impl(dialect).bind_processor(dialect))
        is not None
    ]
    values = itemgetter(*keys)
    converted: list[list[Any]] = []
    for row in rows:
        cells = list(values(row))
        for position, processor in convert:
            cells[position] = processor(cells[position])
        converted.append(cells)
    insert_many(connection, table, keys, converted)


@dataclass(frozen=True)
class CallPlan:
    """When the calls of imported deals fall due."""

    today: date
    horizon: date  # deals that fell through before it are history: no calls
    follow_up_days: int


@dataclass(frozen=True)
class Written:
    """The ids of the deals a batch added and the calls it scheduled."""

    deal_ids: tuple[int, ...]
    follow_ups: int
    win_backs: int


def write_deals(session: Session, rows: list[dict[str, Any]], calls: CallPlan) -> Written:
    """Insert the rows, their contributing causes and the calls of recent ones."""
    links = [r.pop("_contributing") for r in rows]
    # Ids handed out up front link the contributing causes and calls without
    # RETURNING in parameter order, which would make SQLite insert row by row.
    ids = reserve_ids(session, Deal, len(rows))
    for deal_id, row in zip(ids, rows, strict=True):
        row["id"] = deal_id
    insert_rows(session, cast(Table, Deal.__table__), rows)
    contributing = [
        {"deal_id": deal_id, "cause_id": cause_id}
        for deal_id, causes in zip(ids, links, strict=True)
        for cause_id in causes
    ]
    if contributing:
        session.execute(insert(DealContributingCause), contributing)
    recent = [
        (deal_id, row)
        for deal_id, row in zip(ids, rows, strict=True)
        if row["fell_through_on"] >= calls.horizon
    ]
    now = utc_now()

    def call(
        deal_id: int, row: dict[str, Any], due_on: date, purpose: CallPurpose
    ) -> dict[str, object]:
        return {
            "deal_id": deal_id,
            "due_on": max(due_on, calls.today),
            "purpose": purpose.value,
            "client_words": "",
            "notes": "",
            "search_text": "",  # nothing to search yet (no default to work it out per row)
            "created_at": now,
            "updated_at": now,
            "created_by": row["created_by"],
            "updated_by": row["created_by"],
            "version": 1,
        }

    follow_up = timedelta(days=calls.follow_up_days)
    first_calls = [
        call(deal_id, row, row["fell_through_on"] + follow_up, CallPurpose.CAUSE)
        for deal_id, row in recent
    ]
    win_backs = []
    delay = win_back_delay(session)
    if delay is not None and recent:
        # Read per batch: a cause the import just created in a controllable category counts.
        controllable = controllable_cause_ids(session)
        win_backs = [
            call(deal_id, row, row["fell_through_on"] + delay, CallPurpose.WIN_BACK)
            for deal_id, row in recent
            if row["cause_id"] in controllable
        ]
    if first_calls or win_backs:
        insert_rows(session, cast(Table, FollowUp.__table__), first_calls + win_backs)
    return Written(tuple(ids), len(first_calls), len(win_backs))
