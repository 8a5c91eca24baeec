"""Rules every text field obeys, whichever way it comes in (window, command line, import).

A control character (NUL and the like) stored in a deal makes a later Excel
report fail and can break the database driver, so none is accepted; notes
may hold tabs and line breaks. Lengths come from the columns themselves, so
SQLite (which would store anything) and PostgreSQL accept exactly the same data.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from dft.core.errors import ValidationError

# C0 controls, DEL and C1 controls; notes keep tab, line feed and carriage return.
# Public so a loop over many cells (an import) can search without a call per cell.
CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NAMES = {"\x00": "NUL", "\t": "tab", "\n": "line break", "\r": "carriage return", "\x7f": "DEL"}

# Loose on purpose: people write numbers their way ("(919) 555-0142 ext. 12").
_PHONE = re.compile(r"^\+?[0-9 ().\-/]*[0-9][0-9 ().\-/]*(?:\s*(?:ext\.?|x)\s*[0-9]+)?$", re.I)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_WEB_ADDRESS = re.compile(r"^https?://\S+$", re.I)


def max_length(column: Any) -> int | None:
    """The length a String column allows (``Deal.client_name`` -> 200); None for Text."""
    length = getattr(column.property.columns[0].type, "length", None)
    return int(length) if length else None


def control_character(value: str, multiline: bool = False) -> str | None:
    """The first control character in ``value``, described for a user (``"NUL (U+0000)"``)."""
    found = (CONTROL_MULTILINE if multiline else CONTROL_ONE_LINE).search(value)
    if found is None:
        return None
    char = found.group()
    code = f"U+{ord(char):04X}"
    # Most control characters have no Unicode name: then the code point says it all.
    name = _NAMES.get(char) or unicodedata.name(char, "")
    return f"{name} ({code})" if name else code


def without_control_characters(value: str) -> str:
    """``value`` with each control character made a space (for names nobody typed here)."""
    return CONTROL_ONE_LINE.sub(" ", value)


def text_problem(value: str, limit: int | None, multiline: bool = False) -> str | None:
    """Why ``value`` cannot be stored in a field of ``limit`` characters, or None."""
    bad = control_character(value, multiline)
    if bad is not None:
        # Said only where it helps: a tab or line break pasted into a one-line field.
        line_break = not multiline and control_character(value, multiline=True) is None
        allowed = " (only notes may hold tabs and line breaks)" if line_break else ""
        return f"contains a control character, {bad}{allowed}"
    if limit is not None and len(value) > limit:
        return f"is {len(value):,} characters long; at most {limit:,} fit"
    return None


def check_text(
    field: str, label: str, value: str | None, limit: int | None, *, multiline: bool = False
) -> None:
    """Raise ValidationError(field) when ``value`` breaks the rules above."""
    if value is None:
        return
    problem = text_problem(value, limit, multiline)
    if problem is not None:
        raise ValidationError(field, f"{label} {problem}.")


def phone_problem(value: str) -> str | None:
    """A phone number is digits with the usual punctuation and an optional +."""
    return None if _PHONE.match(value) else f"not a phone number: {value!r}"


def email_problem(value: str) -> str | None:
    """An e-mail address has an @ and a dot after it."""
    return None if _EMAIL.match(value) else f"not an e-mail address: {value!r}"


def web_address_problem(value: str) -> str | None:
    """A CRM link opens in a browser, so it is an http(s) address."""
    return None if _WEB_ADDRESS.match(value) else f"not a web address (http://…): {value!r}"
