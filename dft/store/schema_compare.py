"""How Alembic decides that the database and the models differ."""

from __future__ import annotations

import re

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
