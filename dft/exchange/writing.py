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

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from operator import itemgetter
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from dft.core.choices import CallPurpose
from dft.core.clock import utc_now
from dft.core.dialects import insert_many, reserve_ids
from dft.core.models import Deal, DealContributingCause, FollowUp
from dft.core.win_back import controllable_cause_ids, win_back_delay

DealKey = tuple[object, ...]


class DealRow(NamedTuple):
    """One imported deal as it is written: every column of ``deals`` but the id (taken
    up front, see write_deals), and its contributing causes. A tuple: an import makes
    100,000 of them."""

    client_name: str
    contract_number: str | None
    contract_value_cents: int
    signed_on: date | None
    fell_through_on: date
    salesperson_id: int | None
    lead_source_id: int | None
    community_id: int | None
    lot: str | None
    stage: str | None
    responsible_role: str | None
    cancelled_by: str | None
    deposit_cents: int | None
    deposit_outcome: str | None
    cause_id: int | None
    cause_status: str
    first_cause_id: int | None
    recovered_on: date | None
    resold_on: date | None
    resale_price_cents: int | None
    client_phone: str | None
    client_email: str | None
    crm_link: str | None
    notes: str
    search_text: str
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None
    version: int
    created_by: str | None
    updated_by: str | None
    contributing: tuple[int, ...]  # not a column: rows of deal_contributing_causes


# The columns of a DealRow (its last field is not one).
DEAL_COLUMNS: tuple[str, ...] = DealRow._fields[:-1]


# Columns of a deal row and the file's field each comes from: a file without that field
# gives the column one value in every row, sent once (write_deals).
_SOURCES = {
    "contract_number": "contract_number",
    "signed_on": "signed_on",
    "salesperson_id": "salesperson",
    "lead_source_id": "lead_source",
    "community_id": "community",
    "lot": "lot",
    "stage": "stage",
    "responsible_role": "responsible_role",
    "cancelled_by": "cancelled_by",
    "deposit_cents": "deposit",
    "deposit_outcome": "deposit_outcome",
    "cause_status": "cause_status",
    "recovered_on": "recovered_on",
    "resold_on": "resold_on",
    "resale_price_cents": "resale_price",
    "client_phone": "client_phone",
    "client_email": "client_email",
    "crm_link": "crm_link",
    "notes": "notes",
}
# Filled alike in every row of an import.
_AUDIT = frozenset(
    {"created_at", "updated_at", "deleted_at", "version", "created_by", "updated_by"}
)


def columns_alike(fields: Collection[str]) -> frozenset[str]:
    """The columns of a deal row one value fills in every row of a file with ``fields``."""
    return _AUDIT | {column for column, source in _SOURCES.items() if source not in fields}


# Each field of a DealRow, read at C speed (a column of a batch in one map).
_FIELD_OF = {key: itemgetter(position) for position, key in enumerate(DealRow._fields)}


def deal_key(row: DealRow) -> DealKey:
    """What makes a row the same deal as another: its contract number, else client, date, value."""
    if row.contract_number:
        return ("number", row.contract_number)
    return ("deal", row.client_name.casefold(), row.fell_through_on, row.contract_value_cents)


def already_present(session: Session, rows: list[DealRow]) -> set[DealKey]:
    """Keys of the batch that live deals already have."""
    numbers = list(filter(None, map(_FIELD_OF["contract_number"], rows)))
    present: set[DealKey] = set()
    if numbers:
        present |= {("number", n) for n in _live_contract_numbers(session, numbers)}
    if len(numbers) == len(rows):  # every row has its number: nothing to match otherwise
        return present
    dates = {r.fell_through_on for r in rows if not r.contract_number}
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


# How the drivers the app uses (sqlite3, psycopg) mark a parameter in a statement.
_PARAMETER_MARKS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def _live_contract_numbers(session: Session, numbers: list[str]) -> list[str]:
    """Those of ``numbers`` a live deal has: one statement handed to the driver as it
    is (SQLAlchemy's expanding IN costs four times the query for 10,000 numbers)."""
    connection = session.connection()
    mark = _PARAMETER_MARKS.get(connection.dialect.paramstyle)
    if mark is None:  # a driver marking parameters otherwise: SQLAlchemy's IN
        query = select(Deal.contract_number).where(
            Deal.deleted_at.is_(None), Deal.contract_number.in_(numbers)
        )
        return list(session.scalars(query))
    marks = ", ".join([mark] * len(numbers))
    statement = (
        f"SELECT contract_number FROM {Deal.__tablename__}"
        f" WHERE deleted_at IS NULL AND contract_number IN ({marks})"
    )
    return [number for (number,) in connection.exec_driver_sql(statement, tuple(numbers))]


def insert_rows(
    session: Session,
    table: Table,
    keys: list[str],
    columns: list[Sequence[Any]],
    same: dict[str, Any] | None = None,
) -> None:
    """One executemany into ``table`` of the rows whose ``keys`` columns are ``columns``
    (one sequence per key, all as long), with the columns in ``same`` given once for
    every row: the values converted by the columns' own types (each distinct value once)
    and handed to the driver as they are, without SQLAlchemy's work per row (no defaults
    run: keys and ``same`` name every column)."""
    if not columns or not columns[0]:
        return
    connection = session.connection()
    dialect = connection.dialect
    columns = list(columns)
    for position, key in enumerate(keys):
        to_driver = table.c[key].type.dialect_impl(dialect).bind_processor(dialect)
        if to_driver is not None:
            cells = columns[position]
            driver = {value: to_driver(value) for value in set(cells)}
            columns[position] = list(map(driver.__getitem__, cells))
    insert_many(connection, table, keys, list(zip(*columns, strict=True)), same)


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


def write_deals(
    session: Session, rows: list[DealRow], calls: CallPlan, same: frozenset[str] = frozenset()
) -> Written:
    """Insert the rows, their contributing causes and the calls of recent ones.

    ``same``: the columns that hold one value in every row (the file has no such
    column, or the import fills it alike), sent once instead of with every row.
    """
    # Ids handed out up front link the contributing causes and calls without
    # RETURNING in parameter order, which would make SQLite insert row by row.
    ids = reserve_ids(session, Deal, len(rows))
    varying = [key for key in DEAL_COLUMNS if key not in same]
    insert_rows(
        session,
        cast(Table, Deal.__table__),
        ["id", *varying],
        [ids, *(list(map(_FIELD_OF[key], rows)) for key in varying)],
        {key: getattr(rows[0], key) for key in DEAL_COLUMNS if key in same},
    )
    links = list(map(_FIELD_OF["contributing"], rows))
    if any(links):
        session.execute(
            insert(DealContributingCause),
            [
                {"deal_id": deal_id, "cause_id": cause_id}
                for deal_id, causes in zip(ids, links, strict=True)
                for cause_id in causes
            ],
        )
    recent = (
        [
            (deal_id, row)
            for deal_id, row in zip(ids, rows, strict=True)
            if row.fell_through_on >= calls.horizon
        ]
        if max(map(_FIELD_OF["fell_through_on"], rows)) >= calls.horizon
        else []  # history only: no calls (one pass, not a test per row)
    )

    def call(deal_id: int, row: DealRow, due_on: date, purpose: CallPurpose) -> tuple[Any, ...]:
        return (deal_id, max(due_on, calls.today), purpose.value, row.created_by, row.created_by)

    follow_up = timedelta(days=calls.follow_up_days)
    first_calls = [
        call(deal_id, row, row.fell_through_on + follow_up, CallPurpose.CAUSE)
        for deal_id, row in recent
    ]
    win_backs = []
    delay = win_back_delay(session)
    if delay is not None and recent:
        # Read per batch: a cause the import just created in a controllable category counts.
        controllable = controllable_cause_ids(session)
        win_backs = [
            call(deal_id, row, row.fell_through_on + delay, CallPurpose.WIN_BACK)
            for deal_id, row in recent
            if row.cause_id in controllable
        ]
    if first_calls or win_backs:
        now = utc_now()
        insert_rows(
            session,
            cast(Table, FollowUp.__table__),
            ["deal_id", "due_on", "purpose", "created_by", "updated_by"],
            list(zip(*(first_calls + win_backs), strict=True)),
            {
                "client_words": "",
                "notes": "",
                "search_text": "",  # nothing to search yet (no default works it out per row)
                "created_at": now,
                "updated_at": now,
                "version": 1,
            },
        )
    return Written(tuple(ids), len(first_calls), len(win_backs))
