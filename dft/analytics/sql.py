"""Small SQL expressions that SQLite and PostgreSQL spell differently."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement


class days_between(FunctionElement[int]):
    """Whole days from the second date (or timestamp) to the first."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between, "sqlite")
def _days_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = list(element.clauses)
    return (
        f"CAST(julianday(date({compiler.process(later, **kw)})) - "
        f"julianday(date({compiler.process(earlier, **kw)})) AS INTEGER)"
    )


@compiles(days_between)
def _days_default(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = list(element.clauses)
    return (
        f"(CAST({compiler.process(later, **kw)} AS DATE) - "
        f"CAST({compiler.process(earlier, **kw)} AS DATE))"
    )


class month_of(FunctionElement[str]):
    """A date's month as ``YYYY-MM`` text, to group by."""

    type = String()
    inherit_cache = True
    name = "month_of"


@compiles(month_of, "sqlite")
def _month_sqlite(element: month_of, compiler: Any, **kw: Any) -> str:
    # SQLite keeps dates as ISO text: the month is its first seven characters.
    (day,) = list(element.clauses)
    return f"substr({compiler.process(day, **kw)}, 1, 7)"


@compiles(month_of)
def _month_default(element: month_of, compiler: Any, **kw: Any) -> str:
    (day,) = list(element.clauses)
    return f"to_char({compiler.process(day, **kw)}, 'YYYY-MM')"
