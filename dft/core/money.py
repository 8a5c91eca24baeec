"""Money is integer cents. Parsing and formatting live here and nowhere else."""

import re
from decimal import Decimal, InvalidOperation

from dft.core.errors import ValidationError

# Large enough for any home contract, small enough to stay inside a 64-bit integer.
MAX_CENTS = 10**15

_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d*)?$")
_PLAIN = re.compile(r"^\d+(\.\d*)?$|^\.\d+$")


def parse_money(text: str, field: str = "contract_value") -> int:
    """Parse an amount such as ``12500``, ``12500.00``, ``$12,500.00`` into cents.

    Commas are accepted only as thousands separators (``1,250`` is 1250 dollars,
    ``12,50`` is refused as ambiguous). Negative amounts are refused.
    """
    raw = text.strip() if isinstance(text, str) else str(text)
    cleaned = raw.replace(" ", "").replace("\u00a0", "")
    if cleaned.startswith("-") or cleaned.startswith("(") or "-" in cleaned:
        raise ValidationError(field, f"amount must not be negative: {raw!r}")
    cleaned = cleaned.removeprefix("$").removeprefix("US$").removesuffix("USD")
    if not cleaned:
        raise ValidationError(field, "amount is missing")
    if "," in cleaned and not _GROUPED.match(cleaned):
        raise ValidationError(field, f"not an amount (use 12500.00 or $12,500.00): {raw!r}")
    cleaned = cleaned.replace(",", "")
    if not _PLAIN.match(cleaned):
        raise ValidationError(field, f"not an amount (use 12500.00 or $12,500.00): {raw!r}")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the regex above already guards
        raise ValidationError(field, f"not an amount: {raw!r}") from exc
    cents = value * 100
    if cents != cents.to_integral_value():
        raise ValidationError(field, f"amount has more than two decimals: {raw!r}")
    if cents > MAX_CENTS:
        raise ValidationError(field, f"amount is implausibly large: {raw!r}")
    return int(cents)


def format_cents(cents: int, symbol: str = "$") -> str:
    """``1250000`` -> ``$12,500.00``."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{symbol}{whole:,}.{part:02d}"
