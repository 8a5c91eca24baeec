"""Handing out row ids in advance, for bulk inserts that link rows before writing them."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from dft.core.models import Base


def reserve_ids(session: Session, model: type[Base], count: int) -> list[int]:
    """``count`` ids no other row has or will get, for rows inserted with explicit ids.

    On SQLite a writer holds the database's write lock (BEGIN IMMEDIATE), so the
    ids after the highest are free. On PostgreSQL others write at the same
    time, and rows inserted with explicit ids would leave the id sequence
    behind, so the ids are drawn from the sequence itself.
    """
    if count <= 0:
        return []
    table = cast(Table, model.__table__)
    if session.get_bind().dialect.name == "postgresql":
        sequence = select(func.pg_get_serial_sequence(table.name, "id")).scalar_subquery()
        return list(
            session.scalars(
                select(func.nextval(sequence)).select_from(func.generate_series(1, count))
            )
        )
    first = int(session.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0) + 1
    return list(range(first, first + count))
