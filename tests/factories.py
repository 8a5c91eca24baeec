"""Small builders for test data."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from dft.core import settings
from dft.core.deal_input import DealInput
from dft.core.deals import log_deal
from dft.core.taxonomy import find_cause


def deal_input(
    session: Session, cause: str | None = "Land/Lot not buildable", **fields: Any
) -> DealInput:
    values: dict[str, Any] = {
        "client_name": "Pat Example",
        "contract_value_cents": 25_000_000,
        "fell_through_on": date(2026, 10, 15),
        "signed_on": date(2026, 6, 1),
        "cause_id": find_cause(session, cause).id if cause else None,
    }
    values.update(fields)
    return DealInput(**values)


def add_deal(session: Session, cause: str | None = "Land/Lot not buildable", **fields: Any) -> int:
    """Log a deal as typed in on the day it fell through, or on the day of its re-sale when it
    has one (``today=`` says otherwise), so its first call is due the usual N days later."""
    create_names = fields.pop("create_names", True)
    today = fields.pop("today", None)
    data = deal_input(session, cause, **fields)
    typed_on = max(day for day in (data.fell_through_on, data.resold_on) if day is not None)
    return log_deal(session, data, create_names=create_names, today=today or typed_on)


def allow_deals_without_cause(session: Session) -> None:
    """Turn off the team setting that every deal names a cause (on by default)."""
    settings.set_bool(session, settings.CAUSE_REQUIRED, False)


@contextmanager
def connection_at_revision(url: URL, revision: str) -> Iterator[Connection]:
    """A connection to ``url`` migrated to ``revision``, in a transaction committed after."""
    from alembic import command

    from dft.store.engine import create_database_engine
    from dft.store.schema import alembic_config

    engine = create_database_engine(url)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            yield connection
    finally:
        engine.dispose()


def database_at_first_revision(url: URL) -> None:
    """A database as version 0001 of the app left it, with one deal (id 1) in it."""
    with connection_at_revision(url, "0001") as connection:
        connection.execute(text("INSERT INTO categories (name) VALUES ('Land')"))
        connection.execute(text("INSERT INTO causes (category_id, name) VALUES (1, 'Soil')"))
        connection.execute(
            text(
                "INSERT INTO deals (client_name, contract_value_cents, fell_through_on,"
                " cause_id, created_at, updated_at) VALUES ('Old Client', 31415926,"
                " '2024-05-20', 1, '2024-05-21 10:00:00', '2024-05-21 10:00:00')"
            )
        )
