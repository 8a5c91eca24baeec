"""How many contracts were signed each month, as the user enters them.

With these the fall-through rate (deals that fell through / contracts signed)
can be reported. A figure may be for the whole team or for one salesperson.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from dft.core.dates import month_start
from dft.core.errors import ValidationError
from dft.core.models import Salesperson, SignedContracts


@dataclass(frozen=True)
class SignedContractsEntry:
    """Contracts signed in a month, for the team (no salesperson) or one salesperson."""

    month: date
    salesperson: str | None
    contracts: int


def set_signed_contracts(
    session: Session, month: date, contracts: int | None, salesperson_id: int | None = None
) -> None:
    """Enter (or with ``None`` clear) the contracts signed in ``month``."""
    if contracts is not None and contracts < 0:
        raise ValidationError("contracts", "Contracts signed cannot be negative.")
    first = month_start(month)
    row = session.scalar(
        select(SignedContracts).where(
            SignedContracts.month == first,
            SignedContracts.salesperson_id.is_(None)
            if salesperson_id is None
            else SignedContracts.salesperson_id == salesperson_id,
        )
    )
    if contracts is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(
            SignedContracts(month=first, salesperson_id=salesperson_id, contracts=contracts)
        )
    else:
        row.contracts = contracts
    session.flush()


def signed_contracts(
    session: Session, first_month: date, last_month: date
) -> list[SignedContractsEntry]:
    """Every entry from ``first_month`` to ``last_month``, by month and salesperson."""
    rows = session.execute(
        select(SignedContracts.month, Salesperson.name, SignedContracts.contracts)
        .outerjoin(Salesperson, SignedContracts.salesperson_id == Salesperson.id)
        .where(
            SignedContracts.month >= month_start(first_month),
            SignedContracts.month <= month_start(last_month),
        )
        .order_by(SignedContracts.month, Salesperson.name)
    )
    return [SignedContractsEntry(m, name, int(n)) for m, name, n in rows]


def contracts_signed_in(
    session: Session, month: date, salesperson_ids: tuple[int, ...] = ()
) -> int | None:
    """Contracts signed in ``month`` (team figure, or the named salespeople's sum)."""
    query = select(SignedContracts.contracts).where(SignedContracts.month == month_start(month))
    if salesperson_ids:
        query = query.where(SignedContracts.salesperson_id.in_(salesperson_ids))
    else:
        query = query.where(SignedContracts.salesperson_id.is_(None))
    values = list(session.scalars(query))
    if not values:
        return None
    return sum(values)


def contracts_signed_by_month(
    session: Session, first_month: date, last_month: date, salesperson_ids: tuple[int, ...] = ()
) -> dict[date, int]:
    """Contracts signed per month entered in the range (team figure, or the named
    salespeople's sum); months without an entry are absent, not zero."""
    query = select(SignedContracts.month, SignedContracts.contracts).where(
        SignedContracts.month >= month_start(first_month),
        SignedContracts.month <= month_start(last_month),
    )
    if salesperson_ids:
        query = query.where(SignedContracts.salesperson_id.in_(salesperson_ids))
    else:
        query = query.where(SignedContracts.salesperson_id.is_(None))
    signed: dict[date, int] = {}
    for month, contracts in session.execute(query):
        signed[month] = signed.get(month, 0) + int(contracts)
    return signed
