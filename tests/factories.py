"""Small builders for test data."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from dft.core.deals import DealInput, log_deal
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
    create_names = fields.pop("create_names", True)
    return log_deal(
        session,
        deal_input(session, cause, **fields),
        create_names=create_names,
        today=date(2026, 11, 24),
    )
