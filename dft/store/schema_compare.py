"""How Alembic decides that the database and the models differ."""

from __future__ import annotations

import re

from dft.core.dialects import is_search_index

# PostgreSQL reports a default with its type: ``''::text``, ``'x'::character varying``.
_CAST = re.compile(r"::[a-z ]+$")


def _strip_default(value: str | None) -> str | None:
    if value is None:
        return None
    value = _CAST.sub("", value.strip())
    while value.startswith("(") and value.endswith(")"):
        value = value[1:-1].strip()
    return value.strip("'\"")


def compare_server_default(
    _context: object,
    _inspected_column: object,
    _metadata_column: object,
    inspected_default: str | None,
    _metadata_default: object,
    rendered_metadata_default: str | None,
) -> bool:
    """SQLite reports ``''`` back as ``('')``, PostgreSQL as ``''::text``; only a
    real difference counts as drift."""
    return _strip_default(inspected_default) != _strip_default(rendered_metadata_default)


def include_object(
    _object: object, name: str | None, type_: str, _reflected: bool, _compare_to: object
) -> bool:
    """The text search's FTS5 tables and trigram indexes live outside the models
    (dft/core/dialects.py creates them): not drift."""
    return not (type_ in {"table", "index"} and name is not None and is_search_index(name))
