"""The database refusing a value, said for the person using it.

The services check every rule before writing, so a refusal by the database
itself (a CHECK, NOT NULL, UNIQUE or foreign-key constraint, a value too long
for its column, a NUL PostgreSQL cannot store) means data that slipped past
them. The driver's own error text holds the SQL and every bound parameter,
other people's rows included: that goes to the owner-only log file only. The
user gets one sentence naming the table's field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, TypeGuard

from sqlalchemy import Column, String, Table
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError

from dft.core.models import Base
from dft.store.errors import DatabaseError

# What a person calls a row of each table.
ROW_NAMES = {
    "deals": "deal",
    "follow_ups": "follow-up call",
    "salespeople": "salesperson",
    "lead_sources": "lead source",
    "communities": "community",
    "categories": "category",
    "causes": "cause",
    "settings": "setting",
    "signed_contracts": "contracts signed",
    "deal_changes": "deal history",
    "deal_contributing_causes": "contributing cause",
}
_WRITTEN_TABLE = re.compile(r"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.I)
# SQLite names the columns ("NOT NULL constraint failed: deals.client_name") or the
# constraint ("CHECK constraint failed: ck_deals_client_name_not_blank", "UNIQUE
# constraint failed: index 'uq_deals_live_contract_number'").
_SQLITE_COLUMNS = re.compile(r"(\w+)\.(\w+)")
_SQLITE_CONSTRAINT = re.compile(r"constraint failed: (?:index ')?(\w+)")
# A bind parameter's name is its column's, perhaps numbered ("client_name_m0", "lot_1").
_NUMBERED = re.compile(r"_m?\d+$")


class RefusedValueError(DatabaseError):
    """The database refused a value (a rule, a length, a duplicate): nothing was saved.

    ``field`` is the column the message names, when the database said which.
    """

    def __init__(self, location: str, message: str, field: str | None = None) -> None:
        super().__init__(location, message)
        self.field = field


def is_refusal(error: BaseException) -> TypeGuard[DBAPIError]:
    """True for the database refusing a value (IntegrityError, DataError)."""
    return isinstance(error, IntegrityError | DataError)


def explain_refusal(location: str, error: DBAPIError) -> RefusedValueError:
    """``error`` in one sentence naming the field; no SQL, parameters or row values."""
    refused = _Refusal(error)
    row = ROW_NAMES.get(refused.table or "", "record")
    columns = refused.columns
    subject = f"the {row}'s {' and '.join(columns)}" if columns else f"a value of the {row}"
    return RefusedValueError(
        location,
        f"the database refused the {row}: {subject} {refused.why}; nothing was saved.",
        field=columns[0] if len(columns) == 1 else None,
    )


class _Refusal:
    """Which table and columns the driver's error is about, and why, as far as it tells."""

    def __init__(self, error: DBAPIError) -> None:
        self.error = error
        orig = error.orig
        diag = getattr(orig, "diag", None)  # PostgreSQL (psycopg) says it field by field
        self.state = str(getattr(orig, "sqlstate", None) or "")
        self.said = str(orig).split("\n", 1)[0]
        written = _WRITTEN_TABLE.match(error.statement or "")
        self.table: str | None = getattr(diag, "table_name", None) or (
            written.group(1) if written else None
        )
        self.constraint: str | None = getattr(diag, "constraint_name", None)
        column_name = getattr(diag, "column_name", None)
        self.columns: list[str] = [str(column_name)] if column_name else []
        if "constraint failed: " in self.said:
            self._read_sqlite_words()
        if not self.columns and self.constraint is not None:
            self.columns = _columns_of_constraint(self.constraint)
        self.why = self._why()

    def _read_sqlite_words(self) -> None:
        pairs = _SQLITE_COLUMNS.findall(self.said.partition("constraint failed: ")[2])
        if pairs:
            self.table = pairs[0][0]
            self.columns = [column for _table, column in pairs]
            return
        named = _SQLITE_CONSTRAINT.search(self.said)
        if named is not None:
            self.constraint = named.group(1)

    def _why(self) -> str:
        said, state = self.said, self.state
        row = ROW_NAMES.get(self.table or "", "record")
        if state == "23502" or "NOT NULL constraint" in said:
            return "is missing"
        if state == "23505" or "UNIQUE constraint" in said:
            return f"is already used by another {row}"
        if state == "23514" or "CHECK constraint" in said:
            rule = (self.constraint or "").removeprefix(f"ck_{self.table}_").replace("_", " ")
            return f"breaks the rule “{rule}”" if rule else "breaks one of its rules"
        if state == "23503" or "FOREIGN KEY constraint" in said:
            return "refers to something that is not there (any more)"
        table = Base.metadata.tables.get(self.table or "")
        if table is not None and (state == "22001" or "too long" in said):
            longer = list(self._columns_given(table, _longer_than_its_column))
            self.columns = sorted({column.name for column, _value in longer})
            if len(self.columns) == 1:
                return f"is longer than the {_length(longer[0][0])} characters it may hold"
            return "is longer than its column may hold"
        if table is not None and "NUL" in said:
            found = self._columns_given(table, lambda _column, value: "\x00" in value)
            self.columns = sorted({column.name for column, _value in found})
            return "contains a NUL character, which the database cannot store"
        return "breaks one of the database's rules"

    def _columns_given(
        self, table: Table, test: Callable[[Column[Any], str], bool]
    ) -> Iterator[tuple[Column[Any], str]]:
        """The text columns of ``table`` whose bound value passes ``test``."""
        parameters = self.error.params
        rows = parameters if isinstance(parameters, list | tuple) else [parameters]
        for row in rows:
            if not isinstance(row, dict):
                continue
            for key, value in row.items():
                column = table.columns.get(_NUMBERED.sub("", str(key)))
                if column is not None and isinstance(value, str) and test(column, value):
                    yield column, value


def _length(column: Column[Any]) -> int | None:
    return column.type.length if isinstance(column.type, String) else None


def _longer_than_its_column(column: Column[Any], value: str) -> bool:
    limit = _length(column)
    return limit is not None and len(value) > limit


def _columns_of_constraint(name: str) -> list[str]:
    """The columns a named constraint or unique index of the schema is about."""
    for table in Base.metadata.tables.values():
        for constraint in (*table.constraints, *table.indexes):
            if getattr(constraint, "name", None) != name:
                continue
            sqltext = getattr(constraint, "sqltext", None)
            if sqltext is not None:  # a CHECK: the columns its expression mentions
                words = set(re.findall(r"\w+", str(sqltext)))
                return [column.name for column in table.columns if column.name in words]
            return [column.name for column in getattr(constraint, "columns", ())]
    return []
