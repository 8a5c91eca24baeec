"""Mappings remembered in the database: the next file with the same headers needs no questions.

Stored per header signature (columns.header_signature), shared by everyone
on a team database. Values point at causes by id (see ImportMappingValue).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dft.core.clock import utc_now
from dft.core.identity import current_user
from dft.core.import_mappings import ImportMapping, ImportMappingValue
from dft.exchange.mapping import ValueKey
from dft.exchange.values import DateOrder

# Longer cells are free text, not a reason someone picks from a list.
MAX_REMEMBERED_VALUE = 200


@dataclass(frozen=True)
class Remembered:
    """What was used for the last file with these headers."""

    columns: dict[str, str]  # normalized header -> field ("" for a column left out)
    date_order: DateOrder
    values: dict[ValueKey, int] = field(default_factory=dict)  # value -> cause id


def find_remembered(session: Session, signature: str) -> Remembered | None:
    """The mapping kept for files with this header signature, or None."""
    mapping = session.scalar(select(ImportMapping).where(ImportMapping.signature == signature))
    if mapping is None:
        return None
    try:
        columns = {str(k): str(v) for k, v in json.loads(mapping.columns).items()}
        order = DateOrder(mapping.date_order)
    except (ValueError, AttributeError):  # written by hand or by a newer version: ignore
        return None
    values = {
        (category, cause): cause_id
        for category, cause, cause_id in session.execute(
            select(
                ImportMappingValue.category_value,
                ImportMappingValue.cause_value,
                ImportMappingValue.cause_id,
            ).where(ImportMappingValue.mapping_id == mapping.id)
        )
    }
    return Remembered(columns, order, values)


def remember(
    session: Session,
    signature: str,
    headers: tuple[str, ...],
    columns: Mapping[str, str],
    date_order: DateOrder,
    values: Mapping[ValueKey, int],
) -> bool:
    """Keep this mapping for the next file with these headers; False if another desk won a race.

    Runs in a savepoint: a desk saving the same new signature at the same
    moment makes this one keep nothing, never fail the import it belongs to.
    """
    try:
        with session.begin_nested():
            mapping = session.scalar(
                select(ImportMapping).where(ImportMapping.signature == signature)
            )
            if mapping is None:
                mapping = ImportMapping(signature=signature)
                session.add(mapping)
            mapping.headers = "\n".join(headers)
            mapping.columns = json.dumps(dict(columns), sort_keys=True)
            mapping.date_order = date_order.value
            mapping.updated_at = utc_now()
            mapping.updated_by = current_user()
            session.flush()
            session.execute(
                delete(ImportMappingValue).where(ImportMappingValue.mapping_id == mapping.id)
            )
            rows = [
                {
                    "mapping_id": mapping.id,
                    "category_value": category,
                    "cause_value": cause,
                    "cause_id": cause_id,
                }
                for (category, cause), cause_id in values.items()
                if len(category) <= MAX_REMEMBERED_VALUE and len(cause) <= MAX_REMEMBERED_VALUE
            ]
            if rows:
                session.execute(insert(ImportMappingValue), rows)
    except IntegrityError:
        return False
    return True
