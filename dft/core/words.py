"""Numbers in words a person reads: "1 deal", "2 deals", never "1 deals" or "deal(s)"."""

from __future__ import annotations


def count_of(count: int, singular: str, plural: str | None = None) -> str:
    """``1 deal``, ``2,300 deals``: the number with the noun it needs."""
    return f"{count:,} {noun(count, singular, plural)}"


def noun(count: int, singular: str, plural: str | None = None) -> str:
    """The noun alone, singular or plural for ``count`` ("deal" or "deals")."""
    return singular if count == 1 else plural or singular + "s"
