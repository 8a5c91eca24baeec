"""The change history of a deal: who changed which field from what to what, and when.

Values are kept as the words a person reads ("Land › Lot not buildable",
"$412,500.00"), so the history reads right even after causes are renamed.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from dft.core.models import Category, Cause, Deal, DealChange
from dft.core.money import format_cents

if TYPE_CHECKING:
    from dft.core.deal_input import DealInput

LABELS = {
    "client_name": "Client",
    "contract_number": "Contract number",
    "client_phone": "Phone",
    "client_email": "E-mail",
    "crm_link": "CRM link",
    "contract_value_cents": "Contract value",
    "fell_through_on": "Fell through",
    "signed_on": "Signed",
    "salesperson": "Salesperson",
    "lead_source": "Lead source",
    "community": "Community",
    "lot": "Lot",
    "stage": "Stage",
    "responsible_role": "Responsible",
    "cancelled_by": "Cancelled by",
    "deposit_cents": "Deposit",
    "deposit_outcome": "Deposit outcome",
    "cause_id": "Cause",
    "contributing_cause_ids": "Contributing causes",
    "cause_status": "Cause status",
    "recovered_on": "Re-signed on",
    "resold_on": "Re-sold on",
    "resale_price_cents": "Re-sale price",
    "notes": "Notes",
}


@dataclass(frozen=True)
class ChangeInfo:
    """One change of a deal as its history lists it."""

    changed_at: datetime
    changed_by: str
    field: str
    old_value: str | None
    new_value: str | None


def _cause_names(session: Session, ids: list[int]) -> dict[int, str]:
    rows = session.execute(
        select(Cause.id, Category.name, Cause.name)
        .join(Category, Cause.category_id == Category.id)
        .where(Cause.id.in_(ids))
    )
    return {cause_id: f"{category} › {name}" for cause_id, category, name in rows}


def readable(session: Session, data: DealInput) -> dict[str, str | None]:
    """A DealInput as the words the history shows, field by field."""
    ids = [i for i in (data.cause_id, *data.contributing_cause_ids) if i is not None]
    names = _cause_names(session, ids) if ids else {}
    result: dict[str, str | None] = {}
    for field in fields(data):
        value = getattr(data, field.name)
        if value is None or value == "" or value == ():
            result[field.name] = None
        elif field.name in ("contract_value_cents", "deposit_cents", "resale_price_cents"):
            result[field.name] = format_cents(int(value))
        elif field.name == "cause_id":
            result[field.name] = names.get(value, str(value))
        elif field.name == "contributing_cause_ids":
            result[field.name] = "; ".join(names.get(i, str(i)) for i in value)
        elif isinstance(value, date):
            result[field.name] = value.isoformat()
        else:
            result[field.name] = str(value)
    return result


def record(
    session: Session, deal: Deal, user: str, field: str, old: str | None, new: str | None
) -> None:
    """Add one change of ``field`` (old -> new, by ``user``) to the deal's history."""
    deal.changes.append(DealChange(changed_by=user, field=field, old_value=old, new_value=new))


def record_differences(
    session: Session,
    deal: Deal,
    user: str,
    before: dict[str, str | None],
    after: dict[str, str | None],
) -> int:
    """One history row per field that changed; returns how many."""
    changed = 0
    for name, label in LABELS.items():
        if before.get(name) != after.get(name):
            record(session, deal, user, label, before.get(name), after.get(name))
            changed += 1
    return changed


def history(session: Session, deal_id: int) -> list[ChangeInfo]:
    """The deal's changes, newest first."""
    rows = session.scalars(
        select(DealChange).where(DealChange.deal_id == deal_id).order_by(DealChange.id.desc())
    )
    return [ChangeInfo(c.changed_at, c.changed_by, c.field, c.old_value, c.new_value) for c in rows]
