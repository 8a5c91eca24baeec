"""Text search without case or accents: what is stored to search and how a term is read.

Each deal keeps ``search_text``: its client name, contract number and notes
folded (case folded for every script, accents and other combining marks taken
off, compatibility forms such as full-width letters made plain); each call
keeps its notes and the client's words the same way. A search term is folded
alike, so "müller" finds "Müller", "muller" finds it too, and "ÉLODIE" finds
"Élodie". The database indexes the folded text by trigrams (SQLite FTS5, the
PostgreSQL pg_trgm extension; see dft/core/dialects.py) and the models fill
the column on every write (dft/core/models.py).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

# Shorter terms have no trigram to look up: they scan the folded text instead.
TRIGRAM = 3
# The voicing marks of Japanese kana change the word (か, が): kept.
_KEPT_MARKS = frozenset({"\u3099", "\u309a"})
# Letters Unicode does not decompose that readers still see as a letter with a mark.
_PLAIN_LETTERS = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ı": "i", "ŧ": "t", "æ": "ae", "œ": "oe"}
)


def fold(value: str | None) -> str:
    """``value`` as search compares it: no case, no accents, compatibility forms plain."""
    if not value:
        return ""
    if value.isascii():
        return value.lower()
    decomposed = unicodedata.normalize("NFKD", value.casefold().translate(_PLAIN_LETTERS))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c) or c in _KEPT_MARKS)
    # Composed again, so Hangul syllables (taken apart by NFKD) stay syllables.
    return unicodedata.normalize("NFC", bare)


def deal_search_text(
    client_name: str | None, contract_number: str | None, notes: str | None
) -> str:
    """What a search looks through on a deal, folded (one field a line)."""
    joined = "\n".join(v for v in (client_name, contract_number, notes) if v)
    if joined.isascii():  # most deals: folding is lower case, and the line breaks stay
        return joined.lower()
    return "\n".join(fold(v) for v in (client_name, contract_number, notes) if v)


def deal_search_texts(
    client_names: Sequence[str | None],
    contract_numbers: Sequence[str | None],
    notes: Sequence[str | None],
) -> list[str]:
    """:func:`deal_search_text` of many deals given field by field (an import's rows):
    when each field is given in every deal or in none, and all is ASCII, a few passes
    over the fields instead of a call per deal."""
    given = [field for field in (client_names, contract_numbers, notes) if any(field)]
    if all(map(all, given)):
        joined = list(map("\n".join, zip(*given, strict=True))) if given else []
        if "".join(joined).isascii():
            return list(map(str.lower, joined)) if given else [""] * len(client_names)
    return list(map(deal_search_text, client_names, contract_numbers, notes))


def call_search_text(notes: str | None, client_words: str | None) -> str:
    """What a search looks through on a call, folded."""
    return "\n".join(fold(v) for v in (notes, client_words) if v)


def inserted_deal_search_text(context: Any) -> str:
    """The default of an INSERT without search_text (a bulk one too): from the row's
    own values (``context``: SQLAlchemy's execution context)."""
    row = context.get_current_parameters()
    return deal_search_text(row.get("client_name"), row.get("contract_number"), row.get("notes"))


def inserted_call_search_text(context: Any) -> str:
    """The same for a follow-up call: its notes and the client's words."""
    row = context.get_current_parameters()
    return call_search_text(row.get("notes"), row.get("client_words"))


def like_pattern(folded: str) -> str:
    """A LIKE pattern (``\\`` as escape) finding ``folded`` anywhere."""
    return "%" + folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
